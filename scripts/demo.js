#!/usr/bin/env node
/**
 * npm run demo: the quickstart program (root Pulumi.yaml) under the real Pulumi CLI,
 * against a local Domino emulator, with nothing to set up and nothing left behind.
 *
 * 1. provides the Pulumi CLI (PULUMI_BIN_DIR, or scripts/ensure-pulumi.sh --allow-newer:
 *    an installed pulumi at or above the pinned version is good enough to try the
 *    project, so nothing is built when one is on PATH);
 * 2. starts the emulator on a free port;
 * 3. creates a stack in a temporary local file backend and sets its config
 *    (domino:host, domino:apiKey as a secret, the collaborator's user name);
 * 4. runs `pulumi up`, prints the stack outputs, runs `pulumi destroy`;
 * 5. removes the stack and the temporary directory, stops the emulator.
 *
 * Run `npm run build` first (npm run demo does).
 */
"use strict";
const { execFileSync, spawn } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const repoRoot = path.resolve(__dirname, "..");
const STACK = "demo";

function pulumiBinDir() {
  if (process.env.PULUMI_BIN_DIR) return process.env.PULUMI_BIN_DIR;
  const out = execFileSync("bash", [path.join(repoRoot, "scripts/ensure-pulumi.sh"), "--allow-newer"], {
    cwd: repoRoot,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  return out.trim().split("\n").pop();
}

function heading(text) {
  process.stdout.write(`\n=== ${text}\n\n`);
}

async function main() {
  const binDir = pulumiBinDir();
  const { startEmulator } = require(path.join(repoRoot, "emulator/dist"));
  const emulator = await startEmulator({ port: 0 });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-domino-demo-"));
  const configFile = path.join(work, `Pulumi.${STACK}.yaml`);
  fs.mkdirSync(path.join(work, "backend"));
  fs.mkdirSync(path.join(work, "home"));

  const env = {
    ...process.env,
    PATH: `${binDir}${path.delimiter}${process.env.PATH}`,
    PULUMI_BACKEND_URL: `file://${path.join(work, "backend")}`,
    PULUMI_CONFIG_PASSPHRASE: "demo-passphrase",
    PULUMI_HOME: path.join(work, "home"),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_DISABLE_REGISTRY_RESOLVE: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
  };

  /**
   * Runs pulumi in the repository root. The stack's config file lives in the temporary
   * directory (`--config-file`, for the commands that read config), not in the repository.
   */
  const pulumi = (args, { capture = false, config = true } = {}) =>
    new Promise((resolve, reject) => {
      const flags = ["--stack", STACK, "--non-interactive", ...(config ? ["--config-file", configFile] : [])];
      const child = spawn(path.join(binDir, "pulumi"), [...args, ...flags], {
        cwd: repoRoot,
        env,
        stdio: ["ignore", capture ? "pipe" : "inherit", "inherit"],
      });
      let stdout = "";
      if (capture) child.stdout.on("data", (d) => (stdout += d));
      child.on("error", reject);
      child.on("close", (code) => (code === 0 ? resolve(stdout) : reject(new Error(`pulumi ${args.join(" ")} exited with ${code}`))));
    });

  let created = false;
  let failed = false;
  try {
    heading(`Domino emulator at ${emulator.url}; Pulumi ${execFileSync(path.join(binDir, "pulumi"), ["version"], { encoding: "utf8" }).trim()} from ${binDir}`);
    await new Promise((resolve, reject) => {
      // `stack init` takes no --config-file; the config file is created by `config set`.
      const child = spawn(path.join(binDir, "pulumi"), ["stack", "init", STACK, "--non-interactive"], { cwd: repoRoot, env, stdio: "inherit" });
      child.on("error", reject);
      child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`pulumi stack init exited with ${code}`))));
    });
    created = true;
    await pulumi(["config", "set", "domino:host", emulator.url]);
    await pulumi(["config", "set", "--secret", "domino:apiKey", emulator.users.admin.apiKey]);
    await pulumi(["config", "set", "collaborator", "alice"]);

    heading("pulumi up");
    await pulumi(["up", "--yes", "--skip-preview"]);

    heading("pulumi stack output");
    process.stdout.write(await pulumi(["stack", "output"], { capture: true, config: false }));

    heading("pulumi destroy");
    await pulumi(["destroy", "--yes", "--skip-preview"]);
  } catch (err) {
    failed = true;
    process.stderr.write(`\ndemo failed: ${err.message}\n`);
    if (created) {
      process.stderr.write("destroying what was created...\n");
      await pulumi(["destroy", "--yes", "--skip-preview"]).catch(() => undefined);
    }
  } finally {
    if (created) await pulumi(["stack", "rm", "--yes", "--force"], { capture: true, config: false }).catch(() => undefined);
    await emulator.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
  if (failed) process.exit(1);
  heading("done: emulator stopped, temporary stack removed");
}

main().catch((err) => {
  process.stderr.write(`${err.stack || err}\n`);
  process.exit(1);
});
