/**
 * Walks every operation of the contract (spec/domino-public-api.yaml): each one is routed,
 * authenticated, validated against its schemas and answers a happy path; anything else is 404.
 */
import { loadContract, ContractOperation, JsonSchema } from "../../emulator/openapi";
import { servedOperations } from "../../emulator/server";
import { Api, createProject, eventually, UNKNOWN_ID, uniqueName, useEmulator } from "./support";

const contract = loadContract();
const served = servedOperations("6.3", contract);

/** A body with every required field filled, built from the schema. */
function sampleFor(schema: JsonSchema | undefined): unknown {
  if (!schema) return undefined;
  if (Array.isArray(schema.allOf)) {
    return Object.assign({}, ...(schema.allOf as JsonSchema[]).map((part) => sampleFor(part) as object));
  }
  if (Array.isArray(schema.enum)) return schema.enum[0];
  switch (schema.type) {
    case "object": {
      const out: Record<string, unknown> = {};
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      for (const key of (schema.required as string[] | undefined) ?? []) out[key] = sampleFor(properties[key]);
      return out;
    }
    case "array":
      return [];
    case "integer":
    case "number":
      return 1;
    case "boolean":
      return false;
    default:
      return typeof schema.pattern === "string" ? UNKNOWN_ID : "sample";
  }
}

function pathWith(op: ContractOperation, idValue: string): string {
  return op.openapiPath.replace(/\{(\w+)\}/g, (_m, name: string) => (name === "tagName" ? "some-tag" : idValue));
}

function templateMatches(op: ContractOperation, method: string, path: string): boolean {
  const pattern = new RegExp(`^${op.openapiPath.replace(/\{\w+\}/g, "[^/]+")}$`);
  return op.method === method && pattern.test(path);
}

describe("the contract's operations", () => {
  const env = useEmulator();

  test("the 6.3 surface serves every operation except the 6.4-only user lookup", () => {
    expect(contract.operations.length).toBeGreaterThanOrEqual(45);
    expect(contract.operations.filter((op) => !served.includes(op)).map((op) => op.operationId)).toEqual(["getUser"]);
  });

  test.each(served.map((op) => [`${op.method} ${op.openapiPath}`, op] as const))(
    "%s answers 401 FailureEnvelopeV1 without a valid key",
    async (_name, op) => {
      const { api } = env;
      const path = pathWith(op, UNKNOWN_ID);
      const none = await api.call(op.method, path, { as: null, body: sampleFor(op.schemas.body) });
      expect(none.status).toBe(401);
      expect(none.body).toEqual({ requestId: expect.any(String), errors: [expect.any(String)] });
      const wrong = await api.call(op.method, path, { as: null, headers: { "X-Domino-Api-Key": "wrong" }, body: sampleFor(op.schemas.body) });
      expect(wrong.status).toBe(401);
      const wrongBearer = await api.call(op.method, path, { as: null, headers: { Authorization: "Bearer wrong" } });
      expect(wrongBearer.status).toBe(401);
    },
  );

  const withIds = served.filter((op) => /\{(?!tagName)\w+\}/.test(op.openapiPath));

  test.each(withIds.map((op) => [`${op.method} ${op.openapiPath}`, op] as const))(
    "%s: a malformed id is 400 '<id> is not a valid ID', an unknown one 404",
    async (_name, op) => {
      const { api } = env;
      const body = sampleFor(op.schemas.body);
      const query = op.operationId === "removeUserFromOrg" ? `?memberToRemoveId=${UNKNOWN_ID}` : "";
      const malformed = await api.call(op.method, pathWith(op, "not-an-id") + query, { body });
      expect(malformed.status).toBe(400);
      expect(malformed.body).toEqual({ requestId: expect.any(String), errors: ["not-an-id is not a valid ID"] });
      const unknown = await api.call(op.method, pathWith(op, UNKNOWN_ID) + query, { body });
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual({ requestId: expect.any(String), errors: [expect.stringContaining(UNKNOWN_ID)] });
    },
  );

  const withBodies = served.filter((op) => op.schemas.body);

  test.each(withBodies.map((op) => [`${op.method} ${op.openapiPath}`, op] as const))(
    "%s: bodies that break the schema answer 400 {message}",
    async (_name, op) => {
      const { api } = env;
      const path = pathWith(op, UNKNOWN_ID);
      const notObject = await api.call(op.method, path, { body: "just a string" });
      expect(notObject.status).toBe(400);
      expect(notObject.body).toEqual({ message: expect.stringMatching(/^body/) });
      const missing = await api.call(op.method, path);
      expect(missing.status).toBe(400);
      expect(missing.body).toEqual({ message: expect.any(String) });

      const schema = op.schemas.body as JsonSchema;
      const required = (schema.required as string[] | undefined) ?? [];
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const sample = sampleFor(schema) as Record<string, unknown>;
      for (const key of required) {
        const { [key]: _dropped, ...rest } = sample;
        const res = await api.call(op.method, path, { body: rest });
        expect(res.status).toBe(400);
        expect(res.body.message).toContain(key);
        const wrongType = await api.call(op.method, path, { body: { ...sample, [key]: { nested: true } } });
        expect(wrongType.status).toBe(400);
        expect(wrongType.body.message).toContain(key);
      }
      for (const [key, prop] of Object.entries(properties)) {
        if (!Array.isArray(prop.enum)) continue;
        const res = await api.call(op.method, path, { body: { ...sample, [key]: "NotAnAllowedValue" } });
        expect(res.status).toBe(400);
        expect(res.body.message).toContain(key);
      }
    },
  );

  test.each([
    ["GET", "/api/projects/v1/projects"],
    ["PATCH", `/api/projects/beta/projects/${UNKNOWN_ID}`],
    ["GET", `/api/projects/beta/projects/${UNKNOWN_ID}`],
    ["PUT", `/api/environments/v1/environments/${UNKNOWN_ID}`],
    ["GET", "/api/projects/beta/projects/"],
    ["HEAD", "/api/projects/beta/projects"],
    ["GET", "/api/nothing/here"],
    ["GET", "/v4/projects"],
    ["DELETE", `/api/datasetrw/v1/snapshots/${UNKNOWN_ID}`],
  ])("undocumented %s %s answers 404 even with a valid key", async (method, path) => {
    const res = await fetch(env.api.url + path, { method, headers: { "X-Domino-Api-Key": env.api.emulator.users.admin.apiKey } });
    expect(res.status).toBe(404);
    if (method !== "HEAD") expect(await res.json()).toEqual({ error: expect.stringContaining("No route") });
  });

  test("a tour answers 2xx on every served operation", async () => {
    const { api } = env;
    await tour(api);
    const missing = served.filter((op) => !api.successes.some((s) => templateMatches(op, s.method, s.path)));
    expect(missing.map((op) => op.operationId)).toEqual([]);
  });
});

async function ok(api: Api, method: string, path: string, body?: unknown, as: "admin" | "alice" | "bob" = "alice") {
  const res = await api.call(method, path, { body, as });
  if (res.status !== 200) throw new Error(`${method} ${path} -> ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function tour(api: Api): Promise<void> {
  const { bob } = api.emulator.users;
  const project = await createProject(api, "alice");
  const other = await createProject(api, "alice");
  const v2 = await ok(api, "POST", "/api/projects/v2/projects", { name: uniqueName("tour"), description: "", visibility: "Private" });
  await ok(api, "GET", "/api/projects/beta/projects");
  await ok(api, "GET", `/api/projects/v1/projects/${project.id}`);
  await ok(api, "GET", `/api/projects/beta/projects/${project.id}/results-settings`);
  await ok(api, "PUT", `/api/projects/beta/projects/${project.id}/results-settings`, { branch: "isolated" });
  await ok(api, "PUT", `/api/projects/v1/projects/${project.id}/status`, { status: "active", isBlocked: false });
  await ok(api, "POST", `/api/projects/v1/projects/${project.id}/collaborators`, { id: bob.id, role: "contributor" });
  await ok(api, "DELETE", `/api/projects/v1/projects/${project.id}/collaborators/${bob.id}`);
  const goal = await ok(api, "POST", `/api/projects/v1/projects/${project.id}/goals`, { title: "g" });
  await ok(api, "GET", `/api/projects/v1/projects/${project.id}/goals`);
  await ok(api, "PATCH", `/api/projects/v1/projects/${project.id}/goals/${goal.goal.id}`, { isComplete: true });
  await ok(api, "DELETE", `/api/projects/v1/projects/${project.id}/goals/${goal.goal.id}`);
  const repo = await ok(api, "POST", `/api/projects/v1/projects/${project.id}/repositories`, { uri: "https://github.com/a/b.git" });
  await ok(api, "GET", `/api/projects/v1/projects/${project.id}/repositories`);
  await ok(api, "DELETE", `/api/projects/v1/projects/${project.id}/repositories/${repo.repository.id}`);

  const dataset = await ok(api, "POST", "/api/datasetrw/v1/datasets", { name: "d", projectId: other.id });
  const datasetId = dataset.dataset.id;
  await ok(api, "GET", "/api/datasetrw/v1/datasets");
  await ok(api, "GET", `/api/datasetrw/v2/datasets?projectIdsToInclude=${other.id}`);
  await ok(api, "GET", `/api/datasetrw/v1/datasets/${datasetId}`);
  await ok(api, "PATCH", `/api/datasetrw/v1/datasets/${datasetId}`, { description: "x" });
  const snapshot = await ok(api, "POST", `/api/datasetrw/v1/datasets/${datasetId}/snapshots`, { relativeFilePaths: ["a"] });
  await ok(api, "GET", `/api/datasetrw/v1/datasets/${datasetId}/snapshots`);
  await ok(api, "GET", `/api/datasetrw/v1/snapshots/${snapshot.snapshot.id}`);
  await ok(api, "POST", `/api/datasetrw/v1/datasets/${datasetId}/tags`, { tagName: "t", snapshotId: snapshot.snapshot.id });
  await ok(api, "DELETE", `/api/datasetrw/v1/datasets/${datasetId}/tags/t`);
  await ok(api, "GET", `/api/projects/v1/projects/${project.id}/shared-datasets`);
  await ok(api, "POST", `/api/projects/v1/projects/${project.id}/shared-datasets`, { datasetId });
  await ok(api, "DELETE", `/api/projects/v1/projects/${project.id}/shared-datasets/${datasetId}`);
  await ok(api, "DELETE", `/api/datasetrw/v1/datasets/${datasetId}`);

  const environment = await ok(api, "POST", "/api/environments/beta/environments", {
    name: "e",
    image: "img",
    addBaseDependencies: true,
    visibility: "Private",
  });
  const envId = environment.environment.id;
  await ok(api, "GET", "/api/environments/beta/environments");
  await ok(api, "GET", `/api/environments/v1/environments/${envId}`);
  const revision = await ok(api, "POST", `/api/environments/beta/environments/${envId}/revisions`, { image: "img2" });
  await ok(api, "PATCH", `/api/environments/beta/environments/${envId}/revisions/${revision.environmentRevision.id}`, { isRestricted: true }, "admin");
  await eventually(async () => {
    const env = await ok(api, "GET", `/api/environments/v1/environments/${envId}`);
    return env.environment.latestRevision.status === "Succeeded" ? true : undefined;
  });
  await ok(api, "DELETE", `/api/environments/v1/environments/${envId}`);

  const org = await ok(api, "POST", "/api/organizations/v1/organizations", { name: uniqueName("tour-org"), members: [] });
  await ok(api, "GET", "/api/organizations/v1/organizations");
  await ok(api, "GET", "/api/organizations/v1/organizations/all", undefined, "admin");
  await ok(api, "GET", `/api/organizations/v1/organizations/${org.org.id}`);
  await ok(api, "PUT", `/api/organizations/v1/organizations/${org.org.id}/user`, { userId: bob.id, organizationRole: "Member" });
  await ok(api, "DELETE", `/api/organizations/v1/organizations/${org.org.id}/user?memberToRemoveId=${bob.id}`);

  await ok(api, "GET", "/api/users/v1/users");
  await ok(api, "GET", "/api/users/v1/self");
  await ok(api, "DELETE", `/api/projects/beta/projects/${v2.project.id}`);
}
