/** The command line: flags, the startup banner, clean shutdown on SIGTERM. */
import { spawn } from "node:child_process";
import path from "node:path";
import { parseArguments } from "../../emulator/cli";

const ROOT = path.resolve(__dirname, "../..");

function runCli(args: string[], env: Record<string, string> = {}) {
  return spawn(process.execPath, ["-r", "ts-node/register", "emulator/cli.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_PROJECT: "emulator/tsconfig.json", TS_NODE_TRANSPILE_ONLY: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

describe("cli", () => {
  test("parses every documented flag", () => {
    expect(
      parseArguments([
        "--port", "9000", "--host", "0.0.0.0", "--domino-version", "5.3", "--state", "s.json",
        "--admin-api-key", "A", "--alice-api-key", "B", "--bob-api-key", "C",
        "--latency-ms", "5", "--fault-rate", "0.1", "--fault-statuses", "500,504", "--rate-limit", "20",
        "--retry-after-seconds", "3", "--drop-response-rate", "0.2", "--seed", "9",
        "--build-duration-ms", "10", "--snapshot-duration-ms=20", "--log-requests",
      ]),
    ).toEqual({
      port: 9000, host: "0.0.0.0", dominoVersion: "5.3", statePath: "s.json",
      adminApiKey: "A", aliceApiKey: "B", bobApiKey: "C",
      latencyMs: 5, faultRate: 0.1, faultStatuses: [500, 504], rateLimit: 20,
      retryAfterSeconds: 3, dropResponseRate: 0.2, seed: 9,
      buildDurationMs: 10, snapshotDurationMs: 20, logRequests: true,
    });
    expect(parseArguments([])).toEqual({ port: 8080 });
    expect(parseArguments(["--help"])).toBe("help");
    expect(() => parseArguments(["--domino-version", "4.0"])).toThrow(/6.3, 5.3/);
    expect(() => parseArguments(["--port", "abc"])).toThrow(/number/);
    expect(() => parseArguments(["--wat"])).toThrow(/Unknown/);
  });

  test("prints the URL and keys, serves requests, stops cleanly on SIGTERM", async () => {
    const child = runCli(["--port", "0", "--admin-api-key", "cli-admin"], { DOMINO_EMULATOR_BOB_API_KEY: "env-bob" });
    let out = "";
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const match = /Domino emulator listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (match && out.includes("bob")) resolve(match[1]);
      });
      child.once("exit", (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    try {
      expect(out).toContain("cli-admin");
      expect(out).toContain("domino-emulator-alice-key");
      expect(out).toContain("env-bob");
      expect(out).toContain("domino-emulator-bob-token");
      const self = await fetch(`${url}/api/users/v1/self`, { headers: { "X-Domino-Api-Key": "env-bob" } });
      expect(self.status).toBe(200);
      expect(((await self.json()) as { user: { userName: string } }).user.userName).toBe("bob");
      const bearer = await fetch(`${url}/api/users/v1/self`, { headers: { Authorization: "Bearer domino-emulator-bob-token" } });
      expect(bearer.status).toBe(200);
      expect((await fetch(`${url}/api/users/v1/self`, { headers: { Authorization: "Bearer env-bob" } })).status).toBe(403);
    } catch (err) {
      // A failed expectation must not leave the emulator running (and jest waiting on it).
      child.kill("SIGKILL");
      throw err;
    }
    const code = await new Promise<number | null>((resolve) => {
      child.once("exit", (c) => resolve(c));
      child.kill("SIGTERM");
    });
    expect(code).toBe(0);
  });
});
