import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { activeClient } from "../../provider/config";
import type { EnvironmentVariable } from "../../provider/kit/revisions";
import { UNKNOWN } from "../../provider/kit/schema";
import { Environment, EnvironmentComputed, EnvironmentOutputs, provider as declared } from "../../provider/resources/environment";
import { EmulatorFixture, useEmulator } from "../helpers/emulator";

const ORG = "65f0c0000000000000000001";
const ENVIRONMENTS = "/api/environments/beta/environments";

/** Inputs after check: the variables with their values (the outputs hold digests). */
type CheckedEnvironment = Omit<EnvironmentOutputs, keyof EnvironmentComputed | "environmentVariables"> & {
  environmentVariables: EnvironmentVariable[];
};

const sha256 = (value: string) => createHash("sha256").update(value, "utf8").digest("hex");

/** The inputs as the outputs record them: each variable's value as its digest. */
function recorded(inputs: CheckedEnvironment): Omit<EnvironmentOutputs, keyof EnvironmentComputed> {
  return { ...inputs, environmentVariables: inputs.environmentVariables.map((v) => ({ key: v.key, valueSha256: sha256(v.value) })) };
}

// The kit defines the methods the engine's type has optional (Environment has no update).
const provider = declared as Required<Omit<typeof declared, "update">>;

async function checked(news: Record<string, unknown>): Promise<CheckedEnvironment> {
  const result = await provider.check({} as CheckedEnvironment, news as CheckedEnvironment);
  expect(result.failures).toEqual([]);
  return result.inputs as CheckedEnvironment;
}

async function failures(news: Record<string, unknown>): Promise<string[]> {
  return ((await provider.check({} as CheckedEnvironment, news as CheckedEnvironment)).failures ?? []).map((f) => f.reason);
}

async function create(inputs: CheckedEnvironment): Promise<{ id: string; outs: EnvironmentOutputs }> {
  const { id, outs } = await provider.create(inputs);
  if (!outs) throw new Error("create returned no outputs");
  return { id, outs };
}

async function namedIds(env: EmulatorFixture, name: string): Promise<string[]> {
  const list = await env.api<{ environments: { id: string; name: string }[] }>("GET", `${ENVIRONMENTS}?limit=999`);
  return list.body.environments.filter((e) => e.name === name).map((e) => e.id);
}

interface WireEnvironment {
  id: string;
  name: string;
  archived: boolean;
  visibility: string;
  latestRevision: { id: string; number: number; status: string };
}

async function environmentOf(env: EmulatorFixture, id: string): Promise<{ status: number; environment?: WireEnvironment }> {
  const res = await env.api<{ environment?: WireEnvironment }>("GET", `/api/environments/v1/environments/${id}`);
  return { status: res.status, environment: res.body.environment };
}

/** Captures what the provider tells the user on stderr. */
function captureWarnings(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const spy = jest.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  return { lines, restore: () => spy.mockRestore() };
}

const DEFAULTS = {
  description: "",
  visibility: "Private",
  addBaseDependencies: false,
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
};

describe("Environment check and diff", () => {
  it("fills defaults and canonicalises enum casing", async () => {
    expect(await checked({ name: "py", image: "python:3.11" })).toEqual({ name: "py", image: "python:3.11", ...DEFAULTS });
    expect(await checked({ name: "py", image: "python:3.11", visibility: "global", supportedClusters: ["spark", "RAY"] })).toMatchObject({
      visibility: "Global",
      supportedClusters: ["Spark", "Ray"],
    });
  });

  it("names the field and the rule", async () => {
    expect(await failures({})).toEqual(["Environment.name is required", "Environment.image is required"]);
    expect(await failures({ name: "py", image: "x", visibility: "Organization" })).toEqual([
      'Environment.visibility must be one of Global, Private (case-insensitive), got "Organization"',
    ]);
    expect(await failures({ name: "py", image: "x", visibility: "Global", orgOwnerId: ORG })).toEqual([
      "Environment.orgOwnerId applies only to Private environments (Domino ignores it for Global ones)",
    ]);
    expect(await failures({ name: "py", image: "x", environmentVariables: [{ key: "A", value: "1" }, { key: "A", value: "2" }] })).toEqual([
      'Environment.environmentVariables must not set "A" twice',
    ]);
    expect(await failures({ name: "py", image: "x", environmentVariables: [{ key: "1A", value: "s3cr3t" }] })).toEqual([
      'Environment.environmentVariables[0].key must be a variable name (letters, digits, underscores; not starting with a digit), got "1A"',
    ]);
    expect(await failures({ name: "py", image: "x", supportedClusters: ["Hadoop"] })).toEqual([
      'Environment.supportedClusters[0] must be one of Dask, Mpi, Ray, Spark (case-insensitive), got "Hadoop"',
    ]);
  });

  it("never echoes a variable's value in a failure", async () => {
    const reasons = await failures({ name: "py", image: "x", environmentVariables: [{ key: "TOKEN", value: 42 }] });
    expect(reasons).toEqual(["Environment.environmentVariables[0].value must be a string, got number"]);
  });

  it("lets unknown values through in preview", async () => {
    expect(await failures({ name: UNKNOWN, image: UNKNOWN, visibility: UNKNOWN, orgOwnerId: UNKNOWN, environmentVariables: UNKNOWN })).toEqual([]);
  });

  it("replaces for environment fields and ignores first-revision fields", async () => {
    const inputs = await checked({ name: "py", image: "python:3.11" });
    const olds = {
      ...recorded(inputs),
      ownerId: "65f0a0000000000000000001",
      ownerUsername: "admin",
      ownerType: "Individual",
      firstRevisionId: "65f0e0000000000000000001",
      latestRevisionId: "65f0e0000000000000000001",
      latestRevisionNumber: 1,
      latestRevisionStatus: "Succeeded",
    } as EnvironmentOutputs;
    expect(await provider.diff("", olds, inputs)).toEqual({ changes: false });
    for (const [field, value] of [
      ["name", "py2"],
      ["description", "d"],
      ["visibility", "Global"],
      ["orgOwnerId", ORG],
      ["addBaseDependencies", true],
    ] as const) {
      expect(await provider.diff("", olds, { ...inputs, [field]: value })).toEqual({ changes: true, replaces: [field] });
    }
    expect(await provider.diff("", olds, { ...inputs, name: UNKNOWN })).toEqual({ changes: true, replaces: ["name"] });
    const warned = captureWarnings();
    try {
      expect(await provider.diff("", olds, { ...inputs, image: "python:3.12", dockerfileInstructions: "RUN true" })).toEqual({ changes: false });
    } finally {
      warned.restore();
    }
  });

  it("warns, naming the fields but no values, when first-revision inputs change", async () => {
    const inputs = await checked({ name: "py", image: "python:3.11", environmentVariables: [{ key: "TOKEN", value: "old-s3cr3t" }] });
    const olds = { ...recorded(inputs), ownerId: "65f0a0000000000000000001", firstRevisionId: "65f0e0000000000000000001" } as EnvironmentOutputs;
    const warned = captureWarnings();
    try {
      const changed = { ...inputs, image: "python:3.12", environmentVariables: [{ key: "TOKEN", value: "new-s3cr3t" }] };
      expect(await provider.diff("65f0e0000000000000000002", olds, changed)).toEqual({ changes: false });
      expect(warned.lines).toHaveLength(1);
      expect(warned.lines[0]).toMatch(/^warning: pulumi-domino: Environment "py" \(65f0e0000000000000000002\): image, environmentVariables changed, .*first revision.*EnvironmentRevision.*ignoreChanges/);
      expect(warned.lines[0]).not.toMatch(/s3cr3t|python:3/);

      // Nothing to say when nothing changed, when the value is not known yet, or when a replacement builds it anyway.
      warned.lines.length = 0;
      expect(await provider.diff("", olds, inputs)).toEqual({ changes: false });
      expect(await provider.diff("", olds, { ...inputs, image: UNKNOWN, environmentVariables: [{ key: "TOKEN", value: UNKNOWN }] })).toEqual({ changes: false });
      expect(await provider.diff("", olds, { ...changed, name: "py2" })).toEqual({ changes: true, replaces: ["name"] });
      // State written before digests held the values: compared by digest all the same.
      expect(await provider.diff("", { ...olds, environmentVariables: inputs.environmentVariables } as unknown as EnvironmentOutputs, inputs)).toEqual({
        changes: false,
      });
      expect(warned.lines).toEqual([]);
    } finally {
      warned.restore();
    }
  });
});

describe("Environment against Domino 6.3", () => {
  const env = useEmulator({ dominoVersion: "6.3" });

  it("creates with one call after the list, without waiting for the build, and reads back", async () => {
    const inputs = await checked({
      name: "py",
      description: "team python",
      image: "python:3.11",
      dockerfileInstructions: "RUN pip install pandas",
      environmentVariables: [{ key: "TOKEN", value: "s3cr3t-value" }],
      supportedClusters: ["spark"],
      tags: ["team"],
    });
    await env.resetRequestCounts();
    const { id, outs } = await create(inputs);
    // Revision tags need 5.9.1+: check knew the version from its connection check. The
    // environments that existed before make a lost answer recoverable.
    expect(await env.requestCounts()).toEqual({
      total: 2,
      byRoute: { "GET /api/environments/beta/environments": 1, "POST /api/environments/beta/environments": 1 },
    });
    expect(outs).toEqual({
      ...inputs,
      environmentVariables: [{ key: "TOKEN", valueSha256: sha256("s3cr3t-value") }],
      ownerId: env.emulator.users.admin.id,
      ownerUsername: "admin",
      ownerType: "Individual",
      firstRevisionId: expect.stringMatching(/^[0-9a-f]{24}$/),
      latestRevisionId: outs.firstRevisionId,
      latestRevisionNumber: 1,
      latestRevisionStatus: "Queued",
    });
    // The outputs hold the variable's key and a digest of its value, never the value: the
    // SDK logs every resource's outputs in plaintext in a debug event of `pulumi up --json`.
    expect(JSON.stringify(outs)).not.toContain("s3cr3t-value");

    await env.resetRequestCounts();
    const read = await provider.read(id, outs);
    expect(await env.requestCounts()).toEqual({ total: 1, byRoute: { "GET /api/environments/v1/environments/{environmentId}": 1 } });
    // The build moves on meanwhile (in the emulator it takes 200 ms).
    expect(read.props).toEqual({ ...outs, latestRevisionStatus: expect.stringMatching(/^(Queued|Building|Succeeded)$/) });
    expect(read.inputs).toEqual(recorded(inputs));
    expect(await provider.diff(id, read.props as EnvironmentOutputs, inputs)).toEqual({ changes: false });
    // State written before digests holds the values in the outputs: a read records digests.
    const before = { ...outs, environmentVariables: inputs.environmentVariables } as unknown as EnvironmentOutputs;
    expect((await provider.read(id, before)).props).toEqual({ ...outs, latestRevisionStatus: expect.any(String) });
  });

  it("reads by id alone, as Environment.get does", async () => {
    await env.resetRequestCounts();
    const { id, outs } = await create(await checked({ name: "by-id", image: "python:3.11", description: "kept only in state" }));
    expect(await env.requestCounts()).toEqual({
      total: 2,
      byRoute: { "GET /api/environments/beta/environments": 1, "POST /api/environments/beta/environments": 1 },
    });
    const read = await provider.read(id);
    expect(read.props).toEqual({
      name: "by-id",
      description: "",
      visibility: "Private",
      addBaseDependencies: false,
      ownerId: outs.ownerId,
      ownerUsername: "admin",
      ownerType: "Individual",
      firstRevisionId: outs.firstRevisionId,
      latestRevisionId: outs.firstRevisionId,
      latestRevisionNumber: 1,
      latestRevisionStatus: expect.any(String),
    });
  });

  it("records an organization owner, which Domino reports as Organization visibility", async () => {
    const org = await env.api<{ org: { id: string } }>("POST", "/api/organizations/v1/organizations", { name: "data-team", members: [] });
    const inputs = await checked({ name: "org-env", image: "python:3.11", orgOwnerId: org.body.org.id });
    const { id, outs } = await create(inputs);
    expect(outs).toMatchObject({ visibility: "Private", orgOwnerId: org.body.org.id, ownerType: "Organization", ownerUsername: "data-team" });
    expect((await environmentOf(env, id)).environment?.visibility).toBe("Organization");
    const read = await provider.read(id, outs);
    expect(await provider.diff(id, read.props as EnvironmentOutputs, inputs)).toEqual({ changes: false });
  });

  it("refresh follows new revisions and sees archiving as deletion", async () => {
    const { id, outs } = await create(await checked({ name: "drift", image: "python:3.11" }));
    const revision = await env.api<{ environmentRevision: { id: string } }>("POST", `/api/environments/beta/environments/${id}/revisions`, { image: "python:3.12" });
    const read = await provider.read(id, outs);
    expect(read.props).toMatchObject({
      firstRevisionId: outs.firstRevisionId,
      latestRevisionId: revision.body.environmentRevision.id,
      latestRevisionNumber: 2,
      image: "python:3.11",
    });

    await env.api("DELETE", `/api/environments/v1/environments/${id}`);
    expect(await provider.read(id, outs)).toEqual({ id: "" });
    expect(await provider.read("65f0e0000000000000000099", outs)).toEqual({ id: "" });
  });

  it("deletes by archiving; deleting again or a missing one is fine", async () => {
    const { id, outs } = await create(await checked({ name: "bye", image: "python:3.11" }));
    await env.resetRequestCounts();
    await provider.delete(id, outs);
    expect(await env.requestCounts()).toEqual({ total: 1, byRoute: { "DELETE /api/environments/v1/environments/{environmentId}": 1 } });
    expect((await environmentOf(env, id)).environment?.archived).toBe(true);
    await expect(provider.delete(id, outs)).resolves.toBeUndefined();
    await expect(provider.delete("65f0e0000000000000000099", outs)).resolves.toBeUndefined();
  });

  it("reports Domino's refusal with the operation and Domino's words", async () => {
    env.actAs("alice");
    await expect(provider.create(await checked({ name: "everyone", image: "python:3.11", visibility: "Global" }))).rejects.toThrow(
      /create environment failed: POST \/api\/environments\/beta\/environments answered HTTP 403: .*Global environments/,
    );
  });

  it("creates next to an environment of the same name: names are not unique in Domino", async () => {
    const { id: first } = await create(await checked({ name: "twin", image: "python:3.11" }));
    const { id: second } = await create(await checked({ name: "twin", image: "python:3.11" }));
    expect(second).not.toBe(first);
    expect(await namedIds(env, "twin")).toEqual([first, second]);
  });

  it("never duplicates a create whose answer was lost, nor takes a same-named one that was there before", async () => {
    const before = (await create(await checked({ name: "once", image: "python:3.11" }))).id;
    env.emulator.faults.dropNext({ method: "POST", route: ENVIRONMENTS, when: "after" });
    await env.resetRequestCounts();
    const { id, outs } = await create(await checked({ name: "once", image: "python:3.11" }));
    // The list before, the lost create, the list after: nothing sent twice.
    expect(await env.requestCounts()).toEqual({
      total: 3,
      byRoute: { "GET /api/environments/beta/environments": 2, "POST /api/environments/beta/environments": 1 },
    });
    expect(id).not.toBe(before);
    expect(await namedIds(env, "once")).toEqual([before, id]);
    expect(outs).toMatchObject({ name: "once", firstRevisionId: expect.stringMatching(/^[0-9a-f]{24}$/), latestRevisionNumber: 1 });
  });

  it("does not take a new environment of the same name with another visibility or owner", async () => {
    const org = await env.api<{ org: { id: string } }>("POST", "/api/organizations/v1/organizations", { name: "data-team", members: [] });
    // While the create's answer is lost (a 502: it was not made), a Global and an
    // organization's environment of the same name appear; neither is the requested one.
    const rivals: string[] = [];
    const client = await activeClient();
    const send = client.environments.createEnvironment;
    const spy = jest.spyOn(client.environments, "createEnvironment").mockImplementationOnce(async (body) => {
      for (const other of [{ visibility: "Global" }, { visibility: "Private", orgOwnerId: org.body.org.id }]) {
        const res = await env.api<{ environment: { id: string } }>("POST", ENVIRONMENTS, { name: "mine", image: "python:3.11", addBaseDependencies: false, ...other });
        rivals.push(res.body.environment.id);
      }
      env.emulator.faults.failNext({ method: "POST", route: ENVIRONMENTS, status: 502 });
      return send(body);
    });
    let id: string;
    try {
      ({ id } = await create(await checked({ name: "mine", image: "python:3.11" })));
      // Nothing new matched, so the create was sent again.
      expect(spy).toHaveBeenCalledTimes(2);
    } finally {
      spy.mockRestore();
    }
    expect(rivals).not.toContain(id);
    expect(await namedIds(env, "mine")).toEqual([...rivals, id]);
  });

  it("locates what a create would have made", async () => {
    const { id } = await create(await checked({ name: "found", image: "python:3.11" }));
    await create(await checked({ name: "found", image: "python:3.11", visibility: "Global" }));
    const located = await provider.locate(await checked({ name: "found", image: "python:3.11" }));
    expect(located.map((l) => l.id)).toEqual([id]);
    expect(located[0].outs).toMatchObject({ name: "found", visibility: "Private", ownerType: "Individual" });
  });
});

describe("Environment against Domino 5.3", () => {
  const env = useEmulator({ dominoVersion: "5.3" });

  it("creates, reads and archives as on 6.3", async () => {
    const { id, outs } = await create(await checked({ name: "old", image: "python:3.9" }));
    expect((await provider.read(id, outs)).props).toMatchObject({ name: "old", latestRevisionNumber: 1 });
    await provider.delete(id, outs);
    expect(await provider.read(id, outs)).toEqual({ id: "" });
  });

  it("refuses revision tags at check, and at create before sending anything", async () => {
    const message = "Environment.tags needs Domino 5.9.1 or later; this Domino API (5.3) does not have it. Remove tags or set it to [].";
    const result = await provider.check({}, { name: "tagged", image: "python:3.9", tags: ["x"] });
    expect(result.failures?.map((f) => f.reason)).toEqual([message]);
    await env.resetRequestCounts();
    await expect(provider.create({ ...(await checked({ name: "tagged", image: "python:3.9" })), tags: ["x"] })).rejects.toThrow(message);
    expect((await env.requestCounts()).byRoute["POST /api/environments/beta/environments"]).toBeUndefined();
  });
});

describe("Environment resource class", () => {
  it("stores environment variables as secrets", async () => {
    const registered: { inputs: Record<string, unknown> }[] = [];
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.push({ inputs: args.inputs });
          return { id: "65f0e0000000000000000001", state: args.inputs };
        },
        call: () => ({}),
      },
      "project",
      "stack",
      true,
    );
    // The options reach the engine through registerResource: additionalSecretOutputs must name the list.
    const runtimeResource = require("@pulumi/pulumi/runtime/resource") as { registerResource: (...args: unknown[]) => void };
    const register = jest.spyOn(runtimeResource, "registerResource");
    const resource = new Environment(
      "py",
      { name: "py", image: "python:3.11", environmentVariables: [{ key: "TOKEN", value: "s3cr3t" }] },
      { additionalSecretOutputs: ["summary"] },
    );
    const opts = register.mock.calls[0][8] as pulumi.CustomResourceOptions;
    expect(opts.additionalSecretOutputs).toEqual(["summary", "environmentVariables"]);
    register.mockRestore();
    const isSecret = (o: pulumi.Output<unknown>) => (o as unknown as { isSecret: Promise<boolean> }).isSecret;
    expect(await isSecret(resource.environmentVariables)).toBe(true);
    expect(await isSecret(resource.image)).toBe(false);
    expect(registered).toHaveLength(1);
  });
});
