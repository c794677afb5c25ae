import * as pulumi from "@pulumi/pulumi";
import * as environmentsClient from "../../provider/client/environments";
import { ResourceInitError, UNKNOWN } from "../../provider/resources/common";
import {
  EnvironmentRevision,
  EnvironmentRevisionInputs,
  EnvironmentRevisionOutputs,
  provider,
} from "../../provider/resources/environment-revision";
import { EmulatorFixture, useEmulator } from "../helpers/emulator";

const ENV = "65f0e0000000000000000001";
const POST_REVISION = "POST /api/environments/beta/environments/{environmentId}/revisions";
const GET_ENVIRONMENT = "GET /api/environments/v1/environments/{environmentId}";

async function checked(news: Record<string, unknown>): Promise<EnvironmentRevisionInputs> {
  const result = await provider.check({}, news);
  expect(result.failures).toEqual([]);
  return result.inputs as EnvironmentRevisionInputs;
}

async function failures(news: Record<string, unknown>): Promise<string[]> {
  return ((await provider.check({}, news)).failures ?? []).map((f) => f.reason);
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

async function createError(inputs: EnvironmentRevisionInputs): Promise<ResourceInitError> {
  const err = await provider.create({ ...inputs, __provider: "shim" }).catch((e: unknown) => e);
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
      "EnvironmentRevision.buildTimeoutMinutes must be at least 0, got -1",
    ]);
    expect(await failures({ environmentId: ENV })).toEqual(["EnvironmentRevision.image is required"]);
    expect(await failures({ environmentId: UNKNOWN, image: UNKNOWN, environmentVariables: [UNKNOWN], buildTimeoutMinutes: UNKNOWN })).toEqual([]);
  });

  it("replaces on any definition change, ignores the wait settings, and rebuilds a failed build", async () => {
    const inputs = await checked({ environmentId: ENV, image: "python:3.11" });
    const olds: EnvironmentRevisionOutputs = { ...inputs, revisionId: "65f0e0000000000000000002", number: 2, status: "Succeeded" };
    expect(await provider.diff("", olds, inputs)).toEqual({ changes: false });
    expect(await provider.diff("", olds, { ...inputs, waitForBuild: false, buildTimeoutMinutes: 5 })).toEqual({ changes: false });
    expect(await provider.diff("", olds, { ...inputs, image: "python:3.12" })).toEqual({ changes: true, replaces: ["image"] });
    expect(await provider.diff("", olds, { ...inputs, environmentVariables: [{ key: "A", value: "b" }] })).toEqual({
      changes: true,
      replaces: ["environmentVariables"],
    });
    expect(await provider.diff("", olds, { ...inputs, environmentId: UNKNOWN })).toEqual({ changes: true, replaces: ["environmentId"] });

    const failed = { ...olds, status: "Failed" };
    expect(await provider.diff("", failed, inputs)).toEqual({ changes: true, replaces: ["status"] });
    expect(await provider.diff("", { ...olds, status: "killed" }, inputs)).toEqual({ changes: true, replaces: ["status"] });
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
    const { id, outs } = await provider.create(inputs);
    expect(await env.requestCounts()).toEqual({ total: 2, byRoute: { [POST_REVISION]: 1, [GET_ENVIRONMENT]: 1 } });
    expect(outs).toEqual({ ...inputs, revisionId: expect.stringMatching(/^[0-9a-f]{24}$/), number: 2, status: "Succeeded" });
    expect(id).toBe(`${environmentId}/${outs.revisionId}`);
    const { environmentVariables: _secret, ...rest } = outs;
    expect(JSON.stringify(rest)).not.toContain("s3cr3t-value");

    await env.resetRequestCounts();
    const read = await provider.read(id, outs);
    expect(await env.requestCounts()).toEqual({ total: 1, byRoute: { [GET_ENVIRONMENT]: 1 } });
    expect(read).toEqual({ id, props: outs, inputs });
  });

  it("does not wait when asked not to", async () => {
    const environmentId = await makeEnvironment(env);
    await env.resetRequestCounts();
    const { outs } = await provider.create(await checked({ environmentId, image: "python:3.12", waitForBuild: false }));
    expect(await env.requestCounts()).toEqual({ total: 1, byRoute: { [POST_REVISION]: 1 } });
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
    const { environmentVariables: _secret, ...rest } = err.properties;
    expect(JSON.stringify(rest)).not.toContain("s3cr3t-value");

    expect(await provider.diff(err.id, err.properties as unknown as EnvironmentRevisionOutputs, inputs)).toEqual({
      changes: true,
      replaces: ["status"],
    });
  });

  it("keeps the recorded state once a newer revision hides it, and sees it gone with its environment", async () => {
    const environmentId = await makeEnvironment(env);
    const { id, outs } = await provider.create(await checked({ environmentId, image: "python:3.12" }));
    const newer = await env.api<{ environmentRevision: { id: string } }>("POST", `/api/environments/beta/environments/${environmentId}/revisions`, {
      image: "python:3.13",
    });
    // While the newer one builds, this one is still the selected revision and can be read.
    expect((await provider.read(id, outs)).props).toEqual(outs);
    await new Promise((r) => setTimeout(r, 250));
    const latest = await env.api<{ environment: { latestRevision: { id: string }; selectedRevision: { id: string } } }>(
      "GET",
      `/api/environments/v1/environments/${environmentId}`,
    );
    expect(latest.body.environment.selectedRevision.id).toBe(newer.body.environmentRevision.id);
    expect(await provider.read(id, outs)).toEqual({ id, props: outs, inputs: await checked({ environmentId, image: "python:3.12" }) });

    // Resource.get passes the id only: what Domino shows of the revision, when it shows it.
    const byId = await provider.read(`${environmentId}/${newer.body.environmentRevision.id}`);
    expect(byId.props).toEqual({ environmentId, revisionId: newer.body.environmentRevision.id, number: 3, status: "Succeeded" });

    await env.api("DELETE", `/api/environments/v1/environments/${environmentId}`);
    expect(await provider.read(id, outs)).toEqual({ id: "" });
  });

  it("forgets on delete without calling Domino, and says the revision stays", async () => {
    const environmentId = await makeEnvironment(env);
    const { id, outs } = await provider.create(await checked({ environmentId, image: "python:3.12", waitForBuild: false }));
    await env.resetRequestCounts();
    const lines: string[] = [];
    const spy = jest.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
    try {
      await provider.delete(id, outs);
    } finally {
      spy.mockRestore();
    }
    expect((await env.requestCounts()).total).toBe(0);
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^warning: pulumi-domino: EnvironmentRevision 2 \\(${id}\\) was removed from the stack but stays in the environment's revision history`))]);
    expect((await provider.read(id, outs)).id).toBe(id);
  });

  it("records the revision when its build cannot be followed, instead of leaking it", async () => {
    const environmentId = await makeEnvironment(env);
    const inputs = await checked({ environmentId, image: "python:3.12" });
    const spy = jest.spyOn(environmentsClient, "getEnvironment").mockRejectedValue(new Error("connection reset"));
    let init: ResourceInitError;
    try {
      init = await createError(inputs);
    } finally {
      spy.mockRestore();
    }
    expect(init.reasons[0]).toMatch(/^revision 2 \([0-9a-f]{24}\) of environment [0-9a-f]{24} was created, but its build could not be followed: connection reset$/);
    expect(init.properties).toMatchObject({ revisionId: init.id.split("/")[1], number: 2, __provider: "shim" });
    // The next `up` updates the recorded revision: it waits for the build instead of making another.
    const { outs } = await provider.update(init.id, init.properties as unknown as EnvironmentRevisionOutputs, { ...inputs, __provider: "shim" });
    expect(outs).toMatchObject({ revisionId: init.id.split("/")[1], status: "Succeeded" });
    const wire = await env.api<{ environment: { latestRevision: { number: number } } }>("GET", `/api/environments/v1/environments/${environmentId}`);
    expect(wire.body.environment.latestRevision.number).toBe(2);
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

  it("never duplicates a create whose answer was lost", async () => {
    const environmentId = await makeEnvironment(env);
    await env.api("PUT", "/__emulator/faults", { dropResponseRate: 1 });
    const { outs } = await provider.create(await checked({ environmentId, image: "python:3.12", waitForBuild: false }));
    await env.api("PUT", "/__emulator/faults", { dropResponseRate: 0 });
    const wire = await env.api<{ environment: { latestRevision: { id: string; number: number } } }>("GET", `/api/environments/v1/environments/${environmentId}`);
    expect(wire.body.environment.latestRevision).toMatchObject({ id: outs.revisionId, number: 2 });
  });
});

describe("EnvironmentRevision with slow builds", () => {
  const env = useEmulator({ dominoVersion: "6.3", buildDurationMs: 1000 });

  it("records a build still running at the deadline, and the next update waits for it again", async () => {
    const environmentId = await makeEnvironment(env);
    const inputs = await checked({ environmentId, image: "python:3.12", buildTimeoutMinutes: 0.01 });
    const err = await createError(inputs);
    expect(err.reasons[0]).toMatch(
      /^revision 2 \([0-9a-f]{24}\) of environment [0-9a-f]{24} was still building \(status (Queued|Building)\) after 0\.01 minutes; the next `pulumi up` waits for it again/,
    );
    const recorded = err.properties as unknown as EnvironmentRevisionOutputs;
    // Nothing changed, so the engine calls update (the resource has an init error).
    const news = { ...inputs, buildTimeoutMinutes: 1, __provider: "shim" };
    expect(await provider.diff(err.id, recorded, news)).toEqual({ changes: false });
    const { outs } = await provider.update(err.id, recorded, news);
    const { __provider: _shim, ...recordedOuts } = err.properties;
    expect(outs).toEqual({ ...recordedOuts, buildTimeoutMinutes: 1, status: "Succeeded" });
  });

  it("a build that fails after a timeout is reported by the update", async () => {
    const environmentId = await makeEnvironment(env);
    const inputs = await checked({ environmentId, image: "fail-later", buildTimeoutMinutes: 0 });
    const err = await createError(inputs);
    const news = { ...inputs, buildTimeoutMinutes: 1, __provider: "shim" };
    const again = await provider.update(err.id, err.properties as unknown as EnvironmentRevisionOutputs, news).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(ResourceInitError);
    expect((again as ResourceInitError).reasons[0]).toMatch(/ended with status Failed/);
    expect((again as ResourceInitError).properties).toMatchObject({ status: "Failed", buildTimeoutMinutes: 1 });
  });
});

describe("EnvironmentRevision against Domino 5.3", () => {
  const env = useEmulator({ dominoVersion: "5.3" });

  it("creates and waits as on 6.3, but refuses revision tags", async () => {
    const environmentId = await makeEnvironment(env);
    const { outs } = await provider.create(await checked({ environmentId, image: "python:3.12" }));
    expect(outs.status).toBe("Succeeded");
    await expect(provider.create(await checked({ environmentId, image: "python:3.12", tags: ["gpu"] }))).rejects.toThrow(
      "EnvironmentRevision.tags needs Domino 5.9.1 or later",
    );
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
