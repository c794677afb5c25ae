/**
 * `pulumi-domino recover` against the emulator, with a stand-in for the `pulumi` CLI that
 * serves a state file (`config`, `stack export`, `stack import`). The end-to-end behaviour
 * (a real `pulumi up` killed after each write) is the reliability suite's kill sweep.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { recoverStack, RecoveryOutcome } from "../../provider/cli/recover";
import { provider as projectProvider } from "../../provider/resources/project";
import { provider as revisionProvider } from "../../provider/resources/environment-revision";
import { provider as snapshotProvider } from "../../provider/resources/dataset-snapshot";
import { useEmulator } from "../helpers/emulator";

const TYPE = "pulumi-nodejs:dynamic/domino:";
const PROVIDER_TEXT = "exports.handler = require('pulumi-domino/dist/shims/x.js')";

interface FakeStack {
  dir: string;
  pulumi: string;
  write(deployment: Record<string, unknown>): void;
  read(): { resources: Array<Record<string, any>>; pending_operations: Array<Record<string, any>> };
  imports(): number;
}

/** A `pulumi` that answers from files in a temporary directory. */
function fakeStack(config: Record<string, string>): FakeStack {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recover-test-"));
  const state = path.join(dir, "state.json");
  const pulumi = path.join(dir, "pulumi");
  fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify(Object.fromEntries(Object.entries(config).map(([k, v]) => [k, { value: v }]))));
  fs.writeFileSync(
    pulumi,
    `#!${process.execPath}
const fs = require("fs"), path = require("path");
const dir = ${JSON.stringify(dir)};
const args = process.argv.slice(2);
if (args[0] === "config") process.stdout.write(fs.readFileSync(path.join(dir, "config.json"), "utf8"));
else if (args[0] === "stack" && args[1] === "export") process.stdout.write(fs.readFileSync(path.join(dir, "state.json"), "utf8"));
else if (args[0] === "stack" && args[1] === "import") {
  fs.copyFileSync(args[args.indexOf("--file") + 1], path.join(dir, "state.json"));
  fs.appendFileSync(path.join(dir, "imports"), "x");
} else { process.stderr.write("unexpected: " + args.join(" ")); process.exit(3); }
`,
    { mode: 0o755 },
  );
  return {
    dir,
    pulumi,
    write: (deployment) => fs.writeFileSync(state, JSON.stringify({ version: 3, deployment })),
    read: () => JSON.parse(fs.readFileSync(state, "utf8")).deployment,
    imports: () => (fs.existsSync(path.join(dir, "imports")) ? fs.readFileSync(path.join(dir, "imports"), "utf8").length : 0),
  };
}

function pendingCreate(kind: string, name: string, inputs: Record<string, unknown>) {
  return {
    type: "creating",
    resource: { urn: `urn:pulumi:s::p::${TYPE}${kind}::${name}`, custom: true, type: `${TYPE}${kind}`, inputs: { ...inputs, __provider: PROVIDER_TEXT } },
  };
}

const summary = (outcomes: RecoveryOutcome[]) => outcomes.map((o) => `${o.urn.split("::").pop()} ${o.outcome}`).sort();

describe("pulumi-domino recover", () => {
  const env = useEmulator();
  let stack: FakeStack;

  beforeEach(() => {
    stack = fakeStack({ "domino:host": env.url, "domino:apiKey": env.emulator.users.admin.apiKey });
  });
  afterEach(() => fs.rmSync(stack.dir, { recursive: true, force: true }));

  const recover = () => recoverStack({ pulumi: stack.pulumi, stack: "s" });

  async function environment(): Promise<string> {
    const res = await env.api<{ environment: { id: string } }>("POST", "/api/environments/beta/environments", {
      name: "py",
      image: "python:3.11",
      visibility: "Private",
      addBaseDependencies: false,
    });
    expect(res.status).toBe(200);
    return res.body.environment.id;
  }

  it("records a revision with the definition it was created with, so the next up does not replace it", async () => {
    const environmentId = await environment();
    const inputs = (await revisionProvider.check({}, { environmentId, image: "python:3.12", dockerfileInstructions: "RUN pip install x", summary: "x" })).inputs!;
    const made = await env.api<{ environmentRevision: { id: string } }>("POST", `/api/environments/beta/environments/${environmentId}/revisions`, {
      image: "python:3.12",
      dockerfileInstructions: "RUN pip install x",
      summary: "x",
    });
    expect(made.status).toBe(200);
    stack.write({ resources: [], pending_operations: [pendingCreate("EnvironmentRevision", "rev", inputs as unknown as Record<string, unknown>)] });

    expect(summary(await recover())).toEqual(["rev recorded"]);
    const state = stack.read();
    expect(state.pending_operations).toEqual([]);
    const [recorded] = state.resources;
    expect(recorded.id).toBe(`${environmentId}/${made.body.environmentRevision.id}`);
    expect(recorded.outputs).toMatchObject({ environmentId, image: "python:3.12", dockerfileInstructions: "RUN pip install x", summary: "x", number: 2 });
    expect(recorded.outputs.__provider).toBe(PROVIDER_TEXT);
    // What the engine's diff compares: nothing to replace.
    expect((await revisionProvider.diff(recorded.id, recorded.outputs as never, inputs)).replaces ?? []).toEqual([]);
  });

  it("records a revision's secret variables as the create would: digests, as a secret, never the values", async () => {
    const environmentId = await environment();
    const variables = [{ key: "TOKEN", value: "s3cret-value" }];
    const inputs = (await revisionProvider.check({}, { environmentId, image: "python:3.12", environmentVariables: variables })).inputs!;
    const made = await env.api<{ environmentRevision: { id: string } }>("POST", `/api/environments/beta/environments/${environmentId}/revisions`, {
      image: "python:3.12",
      environmentVariables: variables,
    });
    expect(made.status).toBe(200);
    // As `stack export --show-secrets` shows a secret input.
    const SIG = "4dabf18193072939515e22adb298388d";
    const secretInput = { [SIG]: "1b47061264138c4ac30d75fd1eb44270", plaintext: JSON.stringify(variables) };
    const pendingInputs = { ...(inputs as unknown as Record<string, unknown>), environmentVariables: secretInput };
    stack.write({ resources: [], pending_operations: [pendingCreate("EnvironmentRevision", "rev", pendingInputs)] });

    expect(summary(await recover())).toEqual(["rev recorded"]);
    const [recorded] = stack.read().resources;
    const digests = [{ key: "TOKEN", valueSha256: createHash("sha256").update("s3cret-value").digest("hex") }];
    expect(recorded.outputs.environmentVariables).toEqual({ [SIG]: "1b47061264138c4ac30d75fd1eb44270", plaintext: JSON.stringify(digests) });
    expect(JSON.stringify(recorded.outputs)).not.toContain("s3cret-value");
    // Once imported the engine hands the provider the digests: nothing to replace.
    const outputs = { ...recorded.outputs, environmentVariables: digests };
    expect((await revisionProvider.diff(recorded.id, outputs as never, inputs)).replaces ?? []).toEqual([]);
  });

  it("does not take an environment's first revision, which the environment's create made, for an interrupted revision create", async () => {
    const environmentId = await environment();
    const inputs = (await revisionProvider.check({}, { environmentId, image: "python:3.12", dockerfileInstructions: "RUN c" })).inputs!;
    stack.write({ resources: [], pending_operations: [pendingCreate("EnvironmentRevision", "rev", inputs as unknown as Record<string, unknown>)] });

    expect(summary(await recover())).toEqual(["rev nothing-made"]);
    expect(stack.read()).toEqual({ resources: [], pending_operations: [] });
  });

  it("leaves two revisions of one environment unresolved when Domino cannot tell which create made the one it shows", async () => {
    const environmentId = await environment();
    const a = (await revisionProvider.check({}, { environmentId, image: "python:3.12", dockerfileInstructions: "RUN a" })).inputs!;
    const b = (await revisionProvider.check({}, { environmentId, image: "python:3.12", dockerfileInstructions: "RUN b" })).inputs!;
    await env.api("POST", `/api/environments/beta/environments/${environmentId}/revisions`, { image: "python:3.12", dockerfileInstructions: "RUN b" });
    const deployment = {
      resources: [],
      pending_operations: [pendingCreate("EnvironmentRevision", "a", a as Record<string, unknown>), pendingCreate("EnvironmentRevision", "b", b as Record<string, unknown>)],
    };
    stack.write(deployment);

    const outcomes = await recover();
    expect(summary(outcomes)).toEqual(["a ambiguous", "b ambiguous"]);
    expect(outcomes[0].detail).toMatch(/interrupted creates of b could have made it too/);
    // Nothing was changed, so nothing was written back.
    expect(stack.imports()).toBe(0);
    expect(stack.read()).toEqual(deployment);
  });

  it("records a snapshot with its paths, and a project without a status the create may not have set", async () => {
    const project = await env.api<{ project: { id: string } }>("POST", "/api/projects/beta/projects", { name: "recovered", description: "d", visibility: "Private" });
    const projectId = project.body.project.id;
    const dataset = await env.api<{ dataset: { id: string } }>("POST", "/api/datasetrw/v1/datasets", { name: "raw", projectId });
    const datasetId = dataset.body.dataset.id;
    await env.api("POST", `/api/datasetrw/v1/datasets/${datasetId}/snapshots`, { relativeFilePaths: ["tables/2024"] });
    const projectInputs = (await projectProvider.check({}, { name: "recovered", description: "d", visibility: "Private", status: "complete" })).inputs!;
    const snapshotInputs = (await snapshotProvider.check({}, { datasetId, relativeFilePaths: ["tables/2024"] })).inputs!;
    stack.write({
      resources: [],
      pending_operations: [
        pendingCreate("Project", "project", projectInputs as unknown as Record<string, unknown>),
        pendingCreate("DatasetSnapshot", "snapshot", snapshotInputs as unknown as Record<string, unknown>),
      ],
    });

    expect(summary(await recover())).toEqual(["project recorded", "snapshot recorded"]);
    const byName = Object.fromEntries(stack.read().resources.map((r) => [r.urn.split("::").pop(), r]));
    expect(byName.snapshot.outputs).toMatchObject({ datasetId, relativeFilePaths: ["tables/2024"] });
    expect((await snapshotProvider.diff(byName.snapshot.id, byName.snapshot.outputs as never, snapshotInputs)).replaces ?? []).toEqual([]);
    // The status is set by a second call after the create: unknown, so left for the next up to set.
    expect(byName.project.outputs).toMatchObject({ name: "recovered", description: "d", visibility: "Private" });
    expect(byName.project.outputs.status).toBeUndefined();
    const diff = await projectProvider.diff(byName.project.id, byName.project.outputs as never, projectInputs);
    expect(diff).toMatchObject({ changes: true });
    expect(diff.replaces ?? []).toEqual([]);
  });
});
