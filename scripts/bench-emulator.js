#!/usr/bin/env node
/**
 * Emulator throughput on loopback: project creates and project list calls, each with a
 * fixed concurrency over keep-alive connections. Uses the built emulator (emulator/dist):
 *
 *     npx tsc -b emulator && node scripts/bench-emulator.js [--requests 2000] [--concurrency 8] [--state FILE]
 *
 * Prints one line per measurement. Not a test: figures depend on the machine.
 */
"use strict";

const http = require("node:http");
const path = require("node:path");

function flag(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

const REQUESTS = Number(flag("requests", "2000"));
const CONCURRENCY = Number(flag("concurrency", "8"));
const STATE = flag("state", undefined);

let startEmulator;
try {
  ({ startEmulator } = require(path.join(__dirname, "..", "emulator", "dist", "index.js")));
} catch (err) {
  console.error("emulator/dist is missing: run `npx tsc -b emulator` first");
  process.exit(1);
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function request(base, method, urlPath, apiKey, body) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request(
      new URL(urlPath, base),
      {
        method,
        agent,
        headers: {
          "X-Domino-Api-Key": apiKey,
          ...(payload ? { "Content-Type": "application/json", "Content-Length": payload.length } : {}),
        },
      },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString() }));
      },
    );
    req.on("error", reject);
    if (payload) req.write(payload);
    req.end();
  });
}

async function measure(label, count, makeRequest) {
  let next = 0;
  let failures = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < count; i = next++) {
        const res = await makeRequest(i);
        if (res.status !== 200) failures++;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rate = count / seconds;
  console.log(
    `${label}: ${count} requests, concurrency ${CONCURRENCY}, ${seconds.toFixed(2)} s, ${rate.toFixed(0)} req/s, ${(
      (seconds * 1000 * CONCURRENCY) /
      count
    ).toFixed(2)} ms mean latency${failures ? `, ${failures} non-200` : ""}`,
  );
  if (failures) process.exitCode = 1;
}

async function main() {
  const emulator = await startEmulator({ port: 0, statePath: STATE });
  const key = emulator.users.alice.apiKey;
  const runId = Date.now().toString(36);
  try {
    // Warm-up: JIT and connection pool.
    for (let i = 0; i < 50; i++) await request(emulator.url, "GET", "/api/users/v1/self", key);

    await measure("create project (POST /api/projects/beta/projects)", REQUESTS, (i) =>
      request(emulator.url, "POST", "/api/projects/beta/projects", key, {
        name: `bench-${runId}-${i}`,
        description: "benchmark",
        visibility: "Private",
      }),
    );
    await measure(`list projects (GET /api/projects/beta/projects, ${REQUESTS} projects, default page)`, REQUESTS, (i) =>
      request(emulator.url, "GET", `/api/projects/beta/projects?offset=${(i * 10) % REQUESTS}`, key),
    );
    await measure("current user (GET /api/users/v1/self)", REQUESTS, () => request(emulator.url, "GET", "/api/users/v1/self", key));
  } finally {
    agent.destroy();
    await emulator.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
