import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { DominoClient } from "../../provider/client/client";
import { EnvironmentV1 } from "../../provider/client/environments";
import { currentScope, runInScope } from "../../provider/client/scope";
import { activeClient } from "../../provider/config";
import { waitForBuild } from "../../provider/kit/builds";
import { ResourceInitError } from "../../provider/kit/init-error";
import { UNKNOWN } from "../../provider/kit/schema";
import {
  EnvironmentRevision,
  EnvironmentRevisionComputed,
  EnvironmentRevisionOutputs,
  EnvironmentVariable,
  provider as declared,
} from "../../provider/resources/environment-revision";
import { EmulatorFixture, useEmulator } from "../helpers/emulator";

/** Inputs after check: the variables with their values (the outputs hold digests). */
type CheckedRevision = Omit<EnvironmentRevisionOutputs, keyof EnvironmentRevisionComputed | "environmentVariables"> & {
  environmentVariables: EnvironmentVariable[];
};

const sha256 = (value: string) => createHash("sha256").update(value, "utf8").digest("hex");

/** The inputs as the outputs record them: each variable's value as its digest. */
function recorded(inputs: CheckedRevision): Omit<EnvironmentRevisionOutputs, keyof EnvironmentRevisionComputed> {
  return { ...inputs, environmentVariables: inputs.environmentVariables.map((v) => ({ key: v.key, valueSha256: sha256(v.value) })) };
}

// The kit defines every method, update included (the engine's type has them optional).
const provider = declared as Required<typeof declared>;

/** As the engine passes inputs: with the serialized provider. */
function fromEngine(inputs: CheckedRevision): CheckedRevision {
  return Object.assign({}, inputs, { __provider: "shim" });
}

async function create(inputs: CheckedRevision): Promise<{ id: string; outs: EnvironmentRevisionOutputs }> {
  const { id, outs } = await provider.create(inputs);
  if (!outs) throw new Error("create returned no outputs");
  return { id, outs };
}

async function update(id: string, olds: EnvironmentRevisionOutputs, news: CheckedRevision): Promise<EnvironmentRevisionOutputs> {
  const { outs } = await provider.update(id, olds, fromEngine(news));
  if (!outs) throw new Error("update returned no outputs");
  return outs;
}

/** What an init error recorded, as the next operation gets it. */
function recordedBy(err: ResourceInitError): EnvironmentRevisionOutputs {
  const { __provider: _shim, ...props } = err.properties;
  return props as unknown as EnvironmentRevisionOutputs;
}

const ENV = "65f0e0000000000000000001";
const POST_REVISION = "POST /api/environments/beta/environments/{environmentId}/revisions";
const GET_ENVIRONMENT = "GET /api/environments/v1/environments/{environmentId}";

async function checked(news: Record<string, unknown>): Promise<CheckedRevision> {
  const result = await provider.check({} as CheckedRevision, news as CheckedRevision);
  expect(result.failures).toEqual([]);
  return result.inputs as CheckedRevision;
}

async function failures(news: Record<string, unknown>): Promise<string[]> {
  return ((await provider.check({} as CheckedRevision, news as CheckedRevision)).failures ?? []).map((f) => f.reason);
}

interface WireEnvironment {
  latestRevision: { id: string; number: number; status: string };
  selectedRevision?: { id: string };
}

async function environmentOf(env: EmulatorFixture, environmentId: string): Promise<WireEnvironment> {
  return (await env.api<{ environment: WireEnvironment }>("GET", `/api/environments/v1/environments/${environmentId}`)).body.environment;
}

async function makeEnvironment(env: EmulatorFixture, name = "py"): Promise<string> {
  const res = await env.api<{ environment: { id: string } }>("POST", "/api/environments/beta/environments", {
    name,
    image: "python:3.11",
    visibility: "Private",
    addBaseDependencies: false,
  });
  expect(res.status).toBe(200);
  return res.body.environment.id;
}

async function createError(inputs: CheckedRevision): Promise<ResourceInitError> {
  const err = await provider.create(fromEngine(inputs)).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ResourceInitError);
  return err as ResourceInitError;
}

const DEFAULTS = {
  dockerfileInstructions: "",
  environmentVariables: [],
  preRunScript: "",
  postRunScript: "",
  preSetupScript: "",
  postSetupScript: "",
  workspaceTools: [],
  supportedClusters: [],
  skipCache: false,
  summary: "",
  tags: [],
  useVpn: false,
  waitForBuild: true,
  buildTimeoutMinutes: 30,
  isRestricted: false,
};

describe("EnvironmentRevision check and diff", () => {
  it("fills defaults and validates nested tools", async () => {
    expect(await checked({ environmentId: ENV, image: "python:3.11" })).toEqual({ environmentId: ENV, image: "python:3.11", ...DEFAULTS });
    expect(
      await failures({
        environmentId: "env",
        image: "python:3.11",
        buildTimeoutMinutes: -1,
        workspaceTools: [{ name: "jupyter", title: "Jupyter", startScripts: ["start"], proxyConfig: { internalPath: "/", port: 0 } }],
      }),
    ).toEqual([
      'EnvironmentRevision.environmentId must be a Domino id (24 hexadecimal characters), got "env"',
      "EnvironmentRevision.workspaceTools[0].proxyConfig.port must be at least 1, got 0",
      "EnvironmentRevision.buildTimeoutMinutes must be at least 1 (minutes), got -1",
    ]);
    expect(await failures({ environmentId: ENV })).toEqual(["EnvironmentRevision.image is required"]);
    // A build can never finish in no time: 0 would fail every `up`.
    expect(await failures({ environmentId: ENV, image: "python:3.11", buildTimeoutMinutes: 0 })).toEqual([
      "EnvironmentRevision.buildTimeoutMinutes must be at least 1 (minutes), got 0",
    ]);
    expect(await failures({ environmentId: ENV, image: "python:3.11", buildTimeoutMinutes: 0.5 })).toEqual([
      "EnvironmentRevision.buildTimeoutMinutes must be at least 1 (minutes), got 0.5",
    ]);
    expect(await failures({ environmentId: ENV, image: "python:3.11", buildTimeoutMinutes: 1.5 })).toEqual([]);
    expect(await failures({ environmentId: UNKNOWN, image: UNKNOWN, environmentVariables: [UNKNOWN], buildTimeoutMinutes: UNKNOWN })).toEqual([]);
  });

  it("replaces on any definition change, ignores the wait settings, and rebuilds a failed build", async () => {
    const inputs = await checked({ environmentId: ENV, image: "python:3.11" });
    const olds: EnvironmentRevisionOutputs = { ...recorded(inputs), revisionId: "65f0e0000000000000000002", number: 2, status: "Succeeded" };
    expect(await provider.diff("", olds, inputs)).toEqual({ changes: false });
    expect(await provider.diff("", olds, { ...inputs, waitForBuild: false, buildTimeoutMinutes: 5 })).toEqual({ changes: false });
    expect(await provider.diff("", olds, { ...inputs, image: "python:3.12" })).toEqual({ changes: true, replaces: ["image"] });
    expect(await provider.diff("", olds, { ...inputs, environmentVariables: [{ key: "A", value: "b" }] })).toEqual({
      changes: true,
      replaces: ["environmentVariables"],
    });
    expect(await provider.diff("", olds, { ...inputs, environmentId: UNKNOWN })).toEqual({ changes: true, replaces: ["environmentId"] });

    // The outputs hold digests of the values: the inputs' values are compared by digest.
    const withVar = await checked({ environmentId: ENV, image: "python:3.11", environmentVariables: [{ key: "A", value: "b" }] });
    const oldsWithVar: EnvironmentRevisionOutputs = { ...olds, ...recorded(withVar) };
    expect(await provider.diff("", oldsWithVar, withVar)).toEqual({ changes: false });
    for (const environmentVariables of [[{ key: "A", value: "c" }], [{ key: "B", value: "b" }], [{ key: "A", value: UNKNOWN }], []]) {
      expect(await provider.diff("", oldsWithVar, { ...withVar, environmentVariables })).toEqual({ changes: true, replaces: ["environmentVariables"] });
    }

    const failed: EnvironmentRevisionOutputs = { ...olds, status: "Failed" };
    expect(await provider.diff("", failed, inputs)).toEqual({ changes: true, replaces: ["status"] });
    // A status recorded in another casing (state from a server that answers in lower case).
    const killed = { ...olds, status: "killed" as EnvironmentRevisionOutputs["status"] };
    expect(await provider.diff("", killed, inputs)).toEqual({ changes: true, replaces: ["status"] });
    expect(await provider.diff("", failed, { ...inputs, waitForBuild: false })).toEqual({ changes: false });
  });
});

describe("EnvironmentRevision against Domino 6.3", () => {
  const env = useEmulator({ dominoVersion: "6.3" });

  it("creates and waits for the build with one poll", async () => {
    const environmentId = await makeEnvironment(env);
    const inputs = await checked({
      environmentId,
      image: "python:3.12",
      dockerfileInstructions: "RUN pip install polars",
      environmentVariables: [{ key: "API_TOKEN", value: "s3cr3t-value" }],
      summary: "polars",
    });
    await env.resetRequestCounts();
    const { id, outs } = await create(inputs);
    // The revisions shown before (so that a lost answer can be recovered with certainty),
    // the create, and one poll of the build.
    expect(await env.requestCounts()).toEqual({ total: 3, byRoute: { [POST_REVISION]: 1, [GET_ENVIRONMENT]: 2 } });
    // The outputs hold the variable's key and a digest of its value, never the value: the
    // SDK logs every resource's outputs in plaintext in a debug event of `pulumi up --json`.
    expect(outs).toEqual({
      ...inputs,
      environmentVariables: [{ key: "API_TOKEN", valueSha256: sha256("s3cr3t-value") }],
      revisionId: expect.stringMatching(/^[0-9a-f]{24}$/),
      number: 2,
      status: "Succeeded",
    });
    expect(id).toBe(`${environmentId}/${outs.revisionId}`);
    expect(JSON.stringify(outs)).not.toContain("s3cr3t-value");

    await env.resetRequestCounts();
    const read = await provider.read(id, outs);
    expect(await env.requestCounts()).toEqual({ total: 1, byRoute: { [GET_ENVIRONMENT]: 1 } });
    expect(read).toEqual({ id, props: outs, inputs: recorded(inputs) });
    expect(await provider.diff(id, read.props as EnvironmentRevisionOutputs, inputs)).toEqual({ changes: false });

    // State written before digests holds the values in the outputs: a read records digests.
    const before = { ...outs, environmentVariables: [{ key: "API_TOKEN", value: "s3cr3t-value" }] } as unknown as EnvironmentRevisionOutputs;
    expect(await provider.diff(id, before, inputs)).toEqual({ changes: false });
    expect((await provider.read(id, before)).props).toEqual(outs);
  });

  it("does not wait when asked not to", async () => {
    const environmentId = await makeEnvironment(env);
    await env.resetRequestCounts();
    const { outs } = await create(await checked({ environmentId, image: "python:3.12", waitForBuild: false }));
    expect(await env.requestCounts()).toEqual({ total: 2, byRoute: { [GET_ENVIRONMENT]: 1, [POST_REVISION]: 1 } });
    expect(outs.status).toBe("Queued");
  });

  it("records a failed build with an error naming its status, and the next update replaces it", async () => {
    const environmentId = await makeEnvironment(env);
    const inputs = await checked({ environmentId, image: "registry/will-fail:1", environmentVariables: [{ key: "K", value: "s3cr3t-value" }] });
    const err = await createError(inputs);
    expect(err.reasons).toEqual([
      expect.stringMatching(/^the build of revision 2 \([0-9a-f]{24}\) of environment [0-9a-f]{24} ended with status Failed\. See the build logs in Domino; the next `pulumi up` builds a new revision$/),
    ]);
    expect(err.id).toBe(`${environmentId}/${err.properties.revisionId}`);
    expect(err.properties).toMatchObject({ status: "Failed", number: 2, __provider: "shim" });
    expect(err.message).not.toContain("s3cr3t-value");
    expect(JSON.stringify(err.properties)).not.toContain("s3cr3t-value");

    expect(await provider.diff(err.id, recordedBy(err), inputs)).toEqual({
      changes: true,
      replaces: ["status"],
    });
  });

  it("keeps the recorded state once a newer revision hides it, and sees it gone with its environment", async () => {
    const environmentId = await makeEnvironment(env);
    const { id, outs } = await create(await checked({ environmentId, image: "python:3.12" }));
    const newer = await env.api<{ environmentRevision: { id: string } }>("POST", `/api/environments/beta/environments/${environmentId}/revisions`, {
      image: "python:3.13",
    });
    // While the newer one builds, this one is still the selected revision and can be read.
    expect((await provider.read(id, outs)).props).toEqual(outs);
    await new Promise((r) => setTimeout(r, 250));
    expect((await environmentOf(env, environmentId)).selectedRevision?.id).toBe(newer.body.environmentRevision.id);
    expect(await provider.read(id, outs)).toEqual({ id, props: outs, inputs: await checked({ environmentId, image: "python:3.12" }) });

    // Resource.get passes the id only: what Domino shows of the revision, when it shows it.
    const byId = await provider.read(`${environmentId}/${newer.body.environmentRevision.id}`);
    // The environment shows no restricted revision: this one is not.
    expect(byId.props).toEqual({ environmentId, revisionId: newer.body.environmentRevision.id, number: 3, status: "Succeeded", isRestricted: false });

    await env.api("DELETE", `/api/environments/v1/environments/${environmentId}`);
    expect(await provider.read(id, outs)).toEqual({ id: "" });
  });

  it("forgets on delete without calling Domino, and says the revision stays", async () => {
    const environmentId = await makeEnvironment(env);
    const { id, outs } = await create(await checked({ environmentId, image: "python:3.12", waitForBuild: false }));
    await env.resetRequestCounts();
    const lines: string[] = [];
    const spy = jest.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
    try {
      await provider.delete(id, outs);
    } finally {
      spy.mockRestore();
    }
    expect((await env.requestCounts()).total).toBe(0);
    expect(lines).toEqual([
      `warning: pulumi-domino: EnvironmentRevision ${id}: revision 2 was removed from the stack but stays in the environment's revision history: ` +
        "Domino's API has no call that deletes a revision.\n",
    ]);
    expect((await provider.read(id, outs)).id).toBe(id);
  });

  it("records the revision when its build cannot be followed, instead of leaking it", async () => {
    const environmentId = await makeEnvironment(env);
    const inputs = await checked({ environmentId, image: "python:3.12" });
    // Once the revision is made, every read of the environment loses its connection.
    const client = await activeClient();
    const send = client.environments.createEnvironmentRevision;
    const spy = jest.spyOn(client.environments, "createEnvironmentRevision").mockImplementation(async (...args) => {
      const made = await send(...args);
      env.emulator.faults.dropNext({ method: "GET", route: GET_ENVIRONMENT.slice(4), count: client.settings.maxRetries + 1 });
      return made;
    });
    let init: ResourceInitError;
    try {
      init = await createError(inputs);
    } finally {
      spy.mockRestore();
    }
    expect(init.reasons[0]).toMatch(
      /^revision 2 \([0-9a-f]{24}\) of environment [0-9a-f]{24} was created, but its build could not be followed: read environment failed: GET \S+\/api\/environments\/v1\/environments\/[0-9a-f]{24} got no answer \(ECONNRESET\)/,
    );
    expect(init.properties).toMatchObject({ revisionId: init.id.split("/")[1], number: 2, __provider: "shim" });
    // The next `up` updates the recorded revision: it waits for the build instead of making another.
    const outs = await update(init.id, recordedBy(init), inputs);
    expect(outs).toMatchObject({ revisionId: init.id.split("/")[1], status: "Succeeded" });
    expect((await environmentOf(env, environmentId)).latestRevision.number).toBe(2);
  });

  it("says why a revision Domino no longer shows cannot be looked up by id", async () => {
    const environmentId = await makeEnvironment(env);
    const first = (await env.api<{ environment: { latestRevision: { id: string } } }>("GET", `/api/environments/v1/environments/${environmentId}`)).body
      .environment.latestRevision.id;
    await provider.create(await checked({ environmentId, image: "python:3.12" }));
    await expect(provider.read(`${environmentId}/${first}`)).rejects.toThrow(
      `EnvironmentRevision ${environmentId}/${first} cannot be read: Domino has no read by revision id, and revision ${first} is not the latest, selected or restricted revision of environment ${environmentId} (or does not exist)`,
    );
    await expect(provider.read(`${environmentId}/65f0e00000000000000000ff`)).rejects.toThrow(/cannot be read/);
  });

  it("reports Domino's refusal for an archived or unknown environment", async () => {
    const environmentId = await makeEnvironment(env);
    await env.api("DELETE", `/api/environments/v1/environments/${environmentId}`);
    await expect(provider.create(await checked({ environmentId, image: "python:3.12" }))).rejects.toThrow(
      /create environment revision failed: POST \/api\/environments\/beta\/environments\/[0-9a-f]{24}\/revisions answered HTTP 400: .*archived/,
    );
    await expect(provider.create(await checked({ environmentId: "65f0e00000000000000000ff", image: "python:3.12" }))).rejects.toThrow(/HTTP 404/);
  });

  it("takes the revision a create whose answer was lost made: the new latest one", async () => {
    const environmentId = await makeEnvironment(env);
    env.emulator.faults.dropNext({ method: "POST", route: POST_REVISION.slice(5), when: "after" });
    await env.resetRequestCounts();
    const tools = [{ name: "jupyter", title: "Jupyter", startScripts: ["start-jupyter"] }];
    const { id, outs } = await create(await checked({ environmentId, image: "python:3.12", workspaceTools: tools, waitForBuild: false }));
    // Before, the lost create, and after: nothing sent twice.
    expect(await env.requestCounts()).toEqual({ total: 3, byRoute: { [GET_ENVIRONMENT]: 2, [POST_REVISION]: 1 } });
    expect((await environmentOf(env, environmentId)).latestRevision).toMatchObject({ id: outs.revisionId, number: 2 });
    expect(id).toBe(`${environmentId}/${outs.revisionId}`);
    expect(outs).toMatchObject({ number: 2, status: "Queued", workspaceTools: tools });
  });

  it("sends the create again when the lost attempt made nothing", async () => {
    const environmentId = await makeEnvironment(env);
    // A gateway error before Domino saw the request: nothing new shows, so nothing was made.
    env.emulator.faults.failNext({ method: "POST", route: POST_REVISION.slice(5), status: 502 });
    const { outs } = await create(await checked({ environmentId, image: "python:3.12", waitForBuild: false }));
    expect((await environmentOf(env, environmentId)).latestRevision).toMatchObject({ id: outs.revisionId, number: 2 });
  });

  it("does not take a newer revision without the requested tools", async () => {
    const environmentId = await makeEnvironment(env);
    const inputs = await checked({ environmentId, image: "python:3.12", workspaceTools: [{ name: "rstudio", title: "RStudio", startScripts: ["s"] }] });
    // While the create's answer is lost (a 502: it was not made), another revision without
    // the requested tool appears as the latest: it is not what this create asked for, so
    // it is left alone and the create is sent again.
    const client = await activeClient();
    const send = client.environments.createEnvironmentRevision;
    const spy = jest.spyOn(client.environments, "createEnvironmentRevision").mockImplementationOnce(async (id, body) => {
      await send(id, { ...body, workspaceTools: [] });
      env.emulator.faults.failNext({ method: "POST", route: POST_REVISION.slice(5), status: 502 });
      return send(id, body);
    });
    let outs: EnvironmentRevisionOutputs;
    try {
      ({ outs } = await create({ ...inputs, waitForBuild: false }));
    } finally {
      spy.mockRestore();
    }
    expect(outs.number).toBe(3);
    expect((await environmentOf(env, environmentId)).latestRevision.id).toBe(outs.revisionId);
  });

  it("locates what a create would have made: the latest revision, when it has the tools, never the environment's first", async () => {
    const environmentId = await makeEnvironment(env);
    const inputs = await checked({ environmentId, image: "python:3.12" });
    // Revision 1 came with the environment: no EnvironmentRevision made it.
    expect(await provider.locate(inputs)).toEqual([]);
    const second = await env.api("POST", `/api/environments/beta/environments/${environmentId}/revisions`, { image: "python:3.12" });
    expect(second.status).toBe(200);
    const latest = (await environmentOf(env, environmentId)).latestRevision;
    const found = await provider.locate(inputs);
    expect(found).toEqual([{ id: `${environmentId}/${latest.id}`, outs: { environmentId, revisionId: latest.id, number: 2, status: expect.any(String), isRestricted: false } }]);
    expect(await provider.locate({ ...inputs, workspaceTools: [{ name: "vscode", title: "VS Code", startScripts: ["s"] }] })).toEqual([]);
  });
});

describe("EnvironmentRevision restriction", () => {
  const env = useEmulator({ dominoVersion: "6.3" });
  const PATCH_REVISION = "PATCH /api/environments/beta/environments/{environmentId}/revisions/{revisionId}";
  const restrictedOf = async (environmentId: string) =>
    (await env.api<{ environment: { restrictedRevision?: { id: string } } }>("GET", `/api/environments/v1/environments/${environmentId}`)).body.environment
      .restrictedRevision?.id;

  it("changes in place, and only it", async () => {
    const olds = { ...(await checked({ environmentId: ENV, image: "python:3.11" })), revisionId: "65f0e0000000000000000002", number: 2, status: "Succeeded" };
    const outs = recorded(olds) as EnvironmentRevisionOutputs;
    expect(await provider.diff("", outs, await checked({ environmentId: ENV, image: "python:3.11", isRestricted: true }))).toEqual({ changes: true });
    expect(await provider.diff("", outs, await checked({ environmentId: ENV, image: "python:3.11", isRestricted: false }))).toEqual({ changes: false });
    // State written before the field existed: not restricted.
    const { isRestricted: _r, ...old } = outs;
    expect(await provider.diff("", old as EnvironmentRevisionOutputs, await checked({ environmentId: ENV, image: "python:3.11" }))).toEqual({ changes: false });
  });

  it("creates restricted: the build, then one PATCH; refresh reads the restriction back", async () => {
    const environmentId = await makeEnvironment(env);
    const inputs = await checked({ environmentId, image: "python:3.12", isRestricted: true });
    await env.resetRequestCounts();
    const { id, outs } = await create(inputs);
    expect((await env.requestCounts()).byRoute).toEqual({ [GET_ENVIRONMENT]: 2, [POST_REVISION]: 1, [PATCH_REVISION]: 1 });
    expect(outs).toMatchObject({ isRestricted: true, status: "Succeeded" });
    expect(await restrictedOf(environmentId)).toBe(outs.revisionId);
    expect(await provider.diff(id, outs, inputs)).toEqual({ changes: false });
    expect((await provider.read(id, outs)).props).toEqual(outs);

    // Lifted out of band: refresh sees it, and the next update restricts it again with one call.
    await env.api("PATCH", `/api/environments/beta/environments/${environmentId}/revisions/${outs.revisionId}`, { isRestricted: false });
    const read = await provider.read(id, outs);
    expect(read.props).toMatchObject({ isRestricted: false });
    expect(read.inputs).toMatchObject({ isRestricted: false });
    const drifted = read.props as EnvironmentRevisionOutputs;
    expect(await provider.diff(id, drifted, inputs)).toEqual({ changes: true });
    await env.resetRequestCounts();
    const restored = await update(id, drifted, inputs);
    expect(await env.requestCounts()).toEqual({ total: 1, byRoute: { [PATCH_REVISION]: 1 } });
    expect(restored).toEqual({ ...drifted, isRestricted: true });
    expect(await restrictedOf(environmentId)).toBe(outs.revisionId);
  });

  it("lifts a restriction in place with one PATCH", async () => {
    const environmentId = await makeEnvironment(env);
    const { id, outs } = await create(await checked({ environmentId, image: "python:3.12", isRestricted: true }));
    const news = await checked({ environmentId, image: "python:3.12" });
    await env.resetRequestCounts();
    const lifted = await update(id, outs, news);
    expect(await env.requestCounts()).toEqual({ total: 1, byRoute: { [PATCH_REVISION]: 1 } });
    expect(lifted.isRestricted).toBe(false);
    expect(await restrictedOf(environmentId)).toBeUndefined();
  });

  it("keeps the recorded restriction while another revision is the one Domino shows as restricted", async () => {
    const environmentId = await makeEnvironment(env);
    const first = await create(await checked({ environmentId, image: "python:3.12", isRestricted: true }));
    const second = await create(await checked({ environmentId, image: "python:3.13", isRestricted: true }));
    expect(await restrictedOf(environmentId)).toBe(second.outs.revisionId);
    // Domino shows one restricted revision (the newest): the first one's restriction cannot be
    // seen, and its recorded value stands.
    expect((await provider.read(first.id, first.outs)).props).toMatchObject({ isRestricted: true });
    expect((await provider.read(second.id, second.outs)).props).toMatchObject({ isRestricted: true });
  });

  it("records a revision whose restriction failed; the next update restricts it", async () => {
    const environmentId = await makeEnvironment(env);
    await env.failNext({ method: "PATCH", route: "/api/environments/beta/environments/{environmentId}/revisions/{revisionId}", status: 403 });
    const inputs = await checked({ environmentId, image: "python:3.12", isRestricted: true });
    const err = await provider.create(fromEngine(inputs)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResourceInitError);
    const init = err as ResourceInitError;
    expect(init.reasons[0]).toMatch(/revision 2 \(\w+\) of environment \w+ was created, but could not be restricted: set environment revision restriction failed: PATCH .* answered HTTP 403/);
    const olds = recordedBy(init);
    expect(olds).toMatchObject({ isRestricted: false, status: "Succeeded" });
    expect(await provider.diff(init.id, olds, inputs)).toEqual({ changes: true });
    expect(await update(init.id, olds, inputs)).toMatchObject({ isRestricted: true });
  });

  it("Domino refuses a caller without ClassifyEnvironments, in its words", async () => {
    // A Global environment: Alice sees it, but may not classify its revisions.
    const global = await env.api<{ environment: { id: string } }>("POST", "/api/environments/beta/environments", {
      name: "shared",
      image: "python:3.11",
      visibility: "Global",
      addBaseDependencies: false,
    });
    const environmentId = global.body.environment.id;
    const { id, outs } = await create(await checked({ environmentId, image: "python:3.12" }));
    env.actAs("alice");
    await expect(provider.update(id, outs, fromEngine(await checked({ environmentId, image: "python:3.12", isRestricted: true })))).rejects.toThrow(
      /EnvironmentRevision update: set environment revision restriction failed: PATCH .* answered HTTP 403.*ClassifyEnvironments/,
    );
  });
});

describe("EnvironmentRevision with slow builds", () => {
  const env = useEmulator({ dominoVersion: "6.3", buildDurationMs: 1000 });

  it("records a build still running at the deadline, and the next update waits for it again", async () => {
    const environmentId = await makeEnvironment(env);
    // check refuses less than a minute: the provider is called directly so that the test
    // need not wait one (state written before that rule may hold such values too).
    const inputs = { ...(await checked({ environmentId, image: "python:3.12" })), buildTimeoutMinutes: 0.01 };
    const err = await createError(inputs);
    expect(err.reasons[0]).toMatch(
      /^revision 2 \([0-9a-f]{24}\) of environment [0-9a-f]{24} was still building \(status (Queued|Building)\) after 0\.01 minutes; the next `pulumi up` waits for it again/,
    );
    const recorded = recordedBy(err);
    // Nothing changed, so the engine calls update (the resource has an init error).
    const news = { ...inputs, buildTimeoutMinutes: 1 };
    expect(await provider.diff(err.id, recorded, news)).toEqual({ changes: false });
    expect(await update(err.id, recorded, news)).toEqual({ ...recorded, buildTimeoutMinutes: 1, status: "Succeeded" });
  });

  it("a build that fails after a timeout is reported by the update", async () => {
    const environmentId = await makeEnvironment(env);
    const inputs = { ...(await checked({ environmentId, image: "fail-later" })), buildTimeoutMinutes: 0 };
    const err = await createError(inputs);
    const news = { ...inputs, buildTimeoutMinutes: 1 };
    const again = await update(err.id, recordedBy(err), news).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(ResourceInitError);
    expect((again as ResourceInitError).reasons[0]).toMatch(/ended with status Failed/);
    // Recorded again with the serialized provider, or the next operation would find none.
    expect((again as ResourceInitError).properties).toMatchObject({ status: "Failed", buildTimeoutMinutes: 1, __provider: "shim" });
  });
});

describe("EnvironmentRevision against Domino 5.3", () => {
  const env = useEmulator({ dominoVersion: "5.3" });

  it("refuses a restriction at check, naming the version, but not the default", async () => {
    expect(await failures({ environmentId: ENV, image: "python:3.12", isRestricted: true })).toEqual([
      "EnvironmentRevision.isRestricted needs Domino 5.9.1 or later; this Domino API (5.3) does not have it. Remove isRestricted or set it to false.",
    ]);
    expect(await failures({ environmentId: ENV, image: "python:3.12", isRestricted: false })).toEqual([]);
  });

  it("creates and waits as on 6.3, but refuses revision tags", async () => {
    const environmentId = await makeEnvironment(env);
    const { outs } = await create(await checked({ environmentId, image: "python:3.12" }));
    expect(outs.status).toBe("Succeeded");
    expect(await failures({ environmentId, image: "python:3.12", tags: ["gpu"] })).toEqual([
      "EnvironmentRevision.tags needs Domino 5.9.1 or later; this Domino API (5.3) does not have it. Remove tags or set it to [].",
    ]);
  });
});

describe("EnvironmentRevision resource class", () => {
  it("stores environment variables as secrets, inputs and outputs", async () => {
    await pulumi.runtime.setMocks(
      { newResource: (args) => ({ id: `${ENV}/65f0e0000000000000000002`, state: args.inputs }), call: () => ({}) },
      "project",
      "stack",
      true,
    );
    const runtimeResource = require("@pulumi/pulumi/runtime/resource") as { registerResource: (...args: unknown[]) => void };
    const register = jest.spyOn(runtimeResource, "registerResource");
    const resource = new EnvironmentRevision("rev", { environmentId: ENV, image: "python:3.12", environmentVariables: [{ key: "K", value: "v" }] });
    expect((register.mock.calls[0][8] as pulumi.CustomResourceOptions).additionalSecretOutputs).toEqual(["environmentVariables"]);
    register.mockRestore();
    const isSecret = (o: pulumi.Output<unknown>) => (o as unknown as { isSecret: Promise<boolean> }).isSecret;
    expect(await isSecret(resource.environmentVariables)).toBe(true);
    expect(await isSecret(resource.image)).toBe(false);
  });
});

describe("EnvironmentRevision build waits", () => {
  const REV = "65f0e0000000000000000002";

  afterEach(() => jest.useRealTimers());

  /** A client whose environment shows the revision building for `buildMs`, recording each poll's deadline. */
  function buildingFor(buildMs: number, deadlines: number[]): DominoClient {
    const started = Date.now();
    const environment = async (): Promise<EnvironmentV1> => {
      deadlines.push(currentScope()?.deadline ?? 0);
      const status = Date.now() - started < buildMs ? "building" : "Succeeded";
      return { id: ENV, name: "py", visibility: "Private", archived: false, latestRevision: { id: REV, number: 2, status } };
    };
    // Only what the wait uses: the request timeout and the environment read.
    return { settings: { requestTimeoutMs: 30_000 }, environments: { getEnvironment: environment } } as unknown as DominoClient;
  }

  it("say how the build is going about every 15 s, and outlast the operation's deadline", async () => {
    jest.useFakeTimers();
    const lines: string[] = [];
    const deadlines: number[] = [];
    const operationDeadline = Date.now() + 5_000;
    const scope = { label: "create EnvironmentRevision", startedAt: Date.now(), deadline: operationDeadline, progress: (m: string) => lines.push(m) };
    const client = buildingFor(40_000, deadlines);
    const outcome = runInScope(scope, () => waitForBuild(client, { environmentId: ENV, revisionId: REV, number: 2, status: "Queued" }, 120_000));
    await jest.advanceTimersByTimeAsync(60_000);
    await expect(outcome).resolves.toEqual({ kind: "finished", status: "Succeeded" });
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^revision 2 of environment ${ENV}: status Building; waited 1[5-9] s of at most 2 min 0 s$`)),
      expect.stringMatching(new RegExp(`^revision 2 of environment ${ENV}: status Building; waited 3[0-9] s of at most 2 min 0 s$`)),
    ]);
    // The polls may run until the build wait ends, not only until the operation's deadline.
    expect(Math.min(...deadlines)).toBeGreaterThan(operationDeadline + 120_000);
  });

  it("end at their own timeout with the last status seen", async () => {
    jest.useFakeTimers();
    const client = buildingFor(Infinity, []);
    const outcome = waitForBuild(client, { environmentId: ENV, revisionId: REV, number: 2, status: "Queued" }, 60_000);
    await jest.advanceTimersByTimeAsync(70_000);
    await expect(outcome).resolves.toEqual({ kind: "timedOut", status: "Building" });
  });
});
