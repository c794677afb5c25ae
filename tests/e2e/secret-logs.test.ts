/**
 * Environment variable values in the CLI's output. The Node.js SDK logs every
 * RegisterResource response, which holds the resource's outputs, as a debug message
 * (`RegisterResource RPC finished: ... resp: ...`); `pulumi up --json` streams debug
 * messages as events, and `--debug` prints them. The values given as plain strings (made
 * secret by the resource classes, not by the program) used to appear there in plaintext.
 * The outputs now hold `{key, valueSha256}`: this test runs `up --json` and `up --debug`
 * and finds the debug events, with digests and without values.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { E2eEmulator, startE2eEmulator } from "./helpers/domino";
import { CLI_SETUP_TIMEOUT_MS, plaintextHits, PulumiProject } from "./helpers/pulumi";

const STEP_TIMEOUT_MS = 180_000;
const ENV_VALUE = "first-revision-plain-value-7777";
const REV_VALUE = "revision-plain-value-8888";
const SECRET_VALUE = "config-secret-value-9999";
const VALUES = [ENV_VALUE, REV_VALUE, SECRET_VALUE];
const sha256 = (v: string) => createHash("sha256").update(v, "utf8").digest("hex");

const PROGRAM = {
  "Pulumi.yaml": "name: secret-logs\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n",
  "package.json": JSON.stringify({ name: "secret-logs", private: true }),
  "index.js": `
const pulumi = require("@pulumi/pulumi");
const domino = require("pulumi-domino");
const env = new domino.Environment("env", {
  name: "secret-logs",
  image: "quay.io/domino/standard-environment:ubuntu22",
  environmentVariables: [{ key: "ENV_TOKEN", value: ${JSON.stringify(ENV_VALUE)} }],
});
const rev = new domino.EnvironmentRevision("rev", {
  environmentId: env.id,
  image: "quay.io/domino/standard-environment:ubuntu22-r2",
  environmentVariables: [
    { key: "PLAIN_TOKEN", value: ${JSON.stringify(REV_VALUE)} },
    { key: "CONFIG_TOKEN", value: new pulumi.Config().requireSecret("token") },
  ],
  buildTimeoutMinutes: 2,
});
exports.revisionVariables = rev.environmentVariables;
`,
};

/** The debug events of a `--json` event stream. */
function debugMessages(stdout: string): string[] {
  return stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as { diagnosticEvent?: { severity: string; message: string } })
    .filter((e) => e.diagnosticEvent?.severity === "debug")
    .map((e) => e.diagnosticEvent!.message);
}

describe("environment variable values stay out of the CLI's debug output", () => {
  let domino: E2eEmulator;
  let stack: PulumiProject;

  beforeAll(async () => {
    domino = await startE2eEmulator();
    const source = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-domino-secret-logs-src-"));
    for (const [file, text] of Object.entries(PROGRAM)) fs.writeFileSync(path.join(source, file), text);
    stack = await PulumiProject.create({
      example: "secret-logs",
      sourceDir: source,
      config: {
        "domino:host": domino.url,
        "domino:apiKey": { value: domino.adminKey, secret: true },
        token: { value: SECRET_VALUE, secret: true },
      },
    });
    fs.rmSync(source, { recursive: true, force: true });
  }, CLI_SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await stack?.cli(["destroy", "--stack", "e2e", "--yes", "--skip-preview"], { allowFailure: true });
    stack?.dispose();
    await domino?.stop();
  });

  test(
    "up --json: the debug events carry each resource's outputs, with digests and without values",
    async () => {
      const result = await stack.cli(["up", "--stack", "e2e", "--yes", "--skip-preview", "--json"]);
      const registered = debugMessages(result.stdout).filter((m) => m.startsWith("RegisterResource RPC finished: resource:rev["));
      // The channel that leaked is there, and carries the digests now.
      expect(registered).toHaveLength(1);
      expect(registered[0]).toContain(sha256(REV_VALUE));
      expect(registered[0]).toContain("valueSha256");
      expect(plaintextHits(`${result.stdout}\n${result.stderr}`, [...VALUES, domino.adminKey])).toEqual([]);
    },
    STEP_TIMEOUT_MS,
  );

  test(
    "up --debug of the unchanged stack prints the debug messages, without values",
    async () => {
      const result = await stack.cli(["up", "--stack", "e2e", "--yes", "--skip-preview", "--debug"]);
      expect(result.stdout).toMatch(/RegisterResource RPC finished: resource:rev\[/);
      expect(plaintextHits(`${result.stdout}\n${result.stderr}`, [...VALUES, domino.adminKey])).toEqual([]);
    },
    STEP_TIMEOUT_MS,
  );

  test(
    "the state keeps the values in the encrypted inputs; the outputs hold keys and digests, still secret",
    async () => {
      expect(plaintextHits(stack.rawStateFile(), VALUES)).toEqual([]);
      const deployment = await stack.exportState();
      const rev = deployment.resources!.find((r) => r.urn.endsWith("::rev"))!;
      expect(rev.inputs!.environmentVariables).toHaveProperty("ciphertext");
      expect(rev.outputs!.environmentVariables).toHaveProperty("ciphertext");
      const shown = JSON.parse((await stack.cli(["stack", "output", "--stack", "e2e", "--json", "--show-secrets"])).stdout);
      expect(shown.revisionVariables).toEqual([
        { key: "PLAIN_TOKEN", valueSha256: sha256(REV_VALUE) },
        { key: "CONFIG_TOKEN", valueSha256: sha256(SECRET_VALUE) },
      ]);
      // The inputs' digests match the recorded ones: nothing to do.
      expect((await stack.up(["--expect-no-changes"])).changes).toEqual({ same: 3 });
    },
    STEP_TIMEOUT_MS,
  );
});
