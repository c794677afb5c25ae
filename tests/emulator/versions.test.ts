/** The two API surfaces, derived from x-domino-versions / x-domino-since in the contract. */
import { loadContract } from "../../emulator/openapi";
import { servedOperations } from "../../emulator/server";
import { parseVersionList, versionListIncludes } from "../../emulator/version";
import { createProject, UNKNOWN_ID, useEmulator } from "./support";

const contract = loadContract();

describe("x-domino-versions", () => {
  test("parses lists, ranges and ignores parenthesised remarks", () => {
    expect(parseVersionList("5.3, 5.9.1-6.3 (absent in 5.3)")).toEqual([
      { from: "5.3", to: "5.3" },
      { from: "5.9.1", to: "6.3" },
    ]);
    expect(versionListIncludes("6.0.1-6.3 (absent in 5.3 and 5.9.1-5.11.1)", "5.3")).toBe(false);
    expect(versionListIncludes("6.0.1-6.3 (absent in 5.3 and 5.9.1-5.11.1)", "6.3")).toBe(true);
    expect(versionListIncludes("5.9.1-6.3", "5.10.1")).toBe(true);
    expect(versionListIncludes("5.3, 5.4 (deprecated), 5.9.1-6.3 (deprecated)", "5.3")).toBe(true);
    expect(versionListIncludes("6.4 (unconfirmed)", "6.3")).toBe(false);
  });

  test("5.3 lacks exactly the documented operations", () => {
    const all = contract.operations.map((op) => op.operationId);
    const on53 = new Set(servedOperations("5.3", contract).map((op) => op.operationId));
    expect(all.filter((id) => !on53.has(id)).sort()).toEqual(
      [
        "createProjectV2",
        "deleteDataset",
        "getCurrentUser",
        "getDatasetsV2",
        "getProjectById",
        "getProjectGoals",
        "getProjectResultSettings",
        "getSnapshot",
        "getUser",
        "updateEnvironmentRevisionIsRestricted",
      ].sort(),
    );
  });
});

describe("the 5.3 surface", () => {
  const env = useEmulator({ dominoVersion: "5.3" });
  const missingOn53 = contract.operations.filter((op) => !servedOperations("5.3", contract).includes(op));

  test.each(missingOn53.map((op) => [`${op.method} ${op.openapiPath}`, op] as const))(
    "%s answers 404 {error} (no such route)",
    async (_name, op) => {
      const path = op.openapiPath.replace(/\{\w+\}/g, UNKNOWN_ID);
      const res = await env.api.call(op.method, path, { body: op.schemas.body ? {} : undefined });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: expect.stringContaining("No route") });
    },
  );

  test("the operations it has work, and fields newer than 5.3 are absent from answers and ignored on input", async () => {
    const { api } = env;
    const project = await createProject(api, "alice", { billingTag: { tag: "x" }, isRestricted: true });
    expect(project).toEqual({
      id: expect.any(String),
      name: expect.any(String),
      description: "test project",
      visibility: "Private",
      ownerId: api.emulator.users.alice.id,
      ownerUsername: "alice",
      collaborators: [],
    });
    const list = await api.call("GET", "/api/projects/beta/projects", { as: "alice" });
    expect(list.body.projects.map((p: { id: string }) => p.id)).toContain(project.id);
    const users = await api.call("GET", "/api/users/v1/users");
    expect(users.body.users[0].roles).toBeUndefined();
    const environment = await api.call("POST", "/api/environments/beta/environments", {
      as: "alice",
      body: { name: "e", image: "i", addBaseDependencies: false, tags: ["ignored"] },
    });
    expect(environment.status).toBe(200);
    expect(environment.body.environment.internalTags).toBeUndefined();
    expect(environment.body.environment.activeRevisionTags).toBeUndefined();
    expect(environment.body.environment.archived).toBe(false);
  });

  test("a failure answers FailureEnvelopeV1 as on 6.3", async () => {
    const res = await env.api.call("POST", `/api/projects/v1/projects/${UNKNOWN_ID}/goals`, { body: { title: "t" } });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ requestId: expect.any(String), errors: [expect.any(String)] });
  });
});
