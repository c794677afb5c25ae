/** Environments and revisions, with builds computed from time. */
import { eventually, expectForbidden, expectHidden, sleep, UNKNOWN_ID, uniqueName, useEmulator } from "./support";

const BUILD_MS = 300;

describe("environments", () => {
  const env = useEmulator({ buildDurationMs: BUILD_MS });

  async function createEnvironment(body: Record<string, unknown> = {}, as: "admin" | "alice" | "bob" = "alice") {
    const res = await env.api.call("POST", "/api/environments/beta/environments", {
      as,
      body: { name: uniqueName("env"), image: "quay.io/domino/base:latest", addBaseDependencies: false, visibility: "private", ...body },
    });
    if (res.status !== 200) throw new Error(`environment create failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.environment;
  }

  test("a build moves Queued -> Building -> Succeeded over buildDurationMs; the built revision becomes selected", async () => {
    const { api } = env;
    const created = await createEnvironment({
      supportedClusters: ["spark"],
      environmentVariables: [{ key: "A", value: "1" }],
      tags: ["t1"],
      workspaceTools: [{ name: "jupyter", title: "Jupyter", startScripts: ["start.sh"] }],
    });
    expect(created).toMatchObject({
      visibility: "Private",
      archived: false,
      supportedClusters: ["Spark"],
      owner: { id: api.emulator.users.alice.id, username: "alice", ownerType: "Individual" },
      latestRevision: { number: 1, status: "Queued", availableTools: [{ name: "jupyter", title: "Jupyter", startScripts: ["start.sh"] }] },
    });
    expect(created.selectedRevision).toBeUndefined();
    const seen = new Set<string>([created.latestRevision.status]);
    const final = await eventually(async () => {
      const res = await api.call("GET", `/api/environments/v1/environments/${created.id}`, { as: "alice" });
      seen.add(res.body.environment.latestRevision.status);
      return res.body.environment.latestRevision.status === "Succeeded" ? res.body.environment : undefined;
    });
    expect(seen).toContain("Building");
    expect(final.selectedRevision.id).toBe(created.latestRevision.id);
    expect(final.activeRevisionTags).toEqual(["t1"]);
  });

  test("an image containing 'fail' ends Failed", async () => {
    const { api } = env;
    const created = await createEnvironment({ image: "registry/will-FAIL:1" });
    await sleep(BUILD_MS + 20);
    const res = await api.call("GET", `/api/environments/v1/environments/${created.id}`, { as: "alice" });
    expect(res.body.environment.latestRevision.status).toBe("Failed");
    expect(res.body.environment.selectedRevision).toBeUndefined();
  });

  test("revisions: numbered, inherit the image, restricted flag by admins only", async () => {
    const { api } = env;
    const created = await createEnvironment();
    const base = `/api/environments/beta/environments/${created.id}/revisions`;
    const rev = await api.call("POST", base, { as: "alice", body: { dockerfileInstructions: "RUN true", summary: "second" } });
    expect(rev.status).toBe(200);
    expect(rev.body.environmentRevision).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      number: 2,
      status: "Queued",
      availableTools: [],
    });
    expectHidden(await api.call("POST", base, { as: "bob", body: {} }), "Environment", created.id);
    expect((await api.call("POST", base, { as: "alice", body: { skipCache: "no" } })).status).toBe(400);
    expect((await api.call("POST", base, { as: "alice", body: { environmentVariables: [{ name: "A", value: "1" }] } })).status).toBe(400);

    const revId = rev.body.environmentRevision.id;
    const patchPath = `${base}/${revId}`;
    // The owner sees it but classifying needs an admin (403); a stranger does not see it (404).
    expectForbidden(await api.call("PATCH", patchPath, { as: "alice", body: { isRestricted: true } }), "ClassifyEnvironments");
    expectHidden(await api.call("PATCH", patchPath, { as: "bob", body: { isRestricted: true } }), "Environment", created.id);
    const patched = await api.call("PATCH", patchPath, { as: "admin", body: { isRestricted: true } });
    expect(patched.status).toBe(200);
    expect(patched.body).toEqual({ id: revId });
    expect((await api.call("PATCH", `${base}/${UNKNOWN_ID}`, { as: "admin", body: { isRestricted: true } })).status).toBe(404);
    expect((await api.call("PATCH", patchPath, { as: "admin", body: {} })).status).toBe(400);
    const read = await api.call("GET", `/api/environments/v1/environments/${created.id}`, { as: "alice" });
    expect(read.body.environment.latestRevision.number).toBe(2);
    expect(read.body.environment.restrictedRevision.id).toBe(revId);
  });

  test("visibility and ownership: Global needs an admin; private ones are invisible to others; org-owned ones to members", async () => {
    const { api } = env;
    expect(
      (
        await api.call("POST", "/api/environments/beta/environments", {
          as: "alice",
          body: { name: "g", image: "i", addBaseDependencies: true, visibility: "global" },
        })
      ).status,
    ).toBe(403);
    const global = await createEnvironment({ visibility: "Global" }, "admin");
    expect(global.visibility).toBe("Global");
    expect((await api.call("GET", `/api/environments/v1/environments/${global.id}`, { as: "bob" })).status).toBe(200);
    // Everyone sees a Global environment; only its owner (or an admin) may change it.
    expectForbidden(await api.call("DELETE", `/api/environments/v1/environments/${global.id}`, { as: "bob" }), "ManageEnvironments");
    expectForbidden(
      await api.call("POST", `/api/environments/beta/environments/${global.id}/revisions`, { as: "bob", body: {} }),
      "EditEnvironment",
    );

    const mine = await createEnvironment();
    expectHidden(await api.call("GET", `/api/environments/v1/environments/${mine.id}`, { as: "bob" }), "Environment", mine.id);
    const dup = await api.call("POST", "/api/environments/beta/environments", { as: "bob", body: { duplicateFromEnvironmentId: mine.id } });
    expectHidden(dup, "Environment", mine.id);
    const bobsList = await api.call("GET", "/api/environments/beta/environments?limit=500", { as: "bob" });
    const ids = bobsList.body.environments.map((e: { id: string }) => e.id);
    expect(ids).toContain(global.id);
    expect(ids).not.toContain(mine.id);

    const org = await api.call("POST", "/api/organizations/v1/organizations", {
      as: "alice",
      body: { name: uniqueName("env-org"), members: [{ userId: api.emulator.users.bob.id, organizationRole: "member" }] },
    });
    const orgEnv = await createEnvironment({ orgOwnerId: org.body.org.id });
    expect(orgEnv.visibility).toBe("Organization");
    expect(orgEnv.owner).toEqual({ id: org.body.org.id, username: org.body.org.name, ownerType: "Organization" });
    expect((await api.call("GET", `/api/environments/v1/environments/${orgEnv.id}`, { as: "bob" })).status).toBe(200);
    expectForbidden(await api.call("DELETE", `/api/environments/v1/environments/${orgEnv.id}`, { as: "bob" }), "ManageEnvironments");
    // Once out of the organization, bob sees neither its environment nor the organization.
    const orgId = org.body.org.id;
    const left = await api.call("DELETE", `/api/organizations/v1/organizations/${orgId}/user?memberToRemoveId=${api.emulator.users.bob.id}`, { as: "alice" });
    expect(left.status).toBe(200);
    expectHidden(await api.call("GET", `/api/environments/v1/environments/${orgEnv.id}`, { as: "bob" }), "Environment", orgEnv.id);
    const forOrg = await api.call("POST", "/api/environments/beta/environments", {
      as: "bob",
      body: { name: "o", image: "i", addBaseDependencies: true, orgOwnerId: orgId },
    });
    expectHidden(forOrg, "Organization", orgId);
  });

  test("missing fields needed for a new environment answer 400 {message}; duplicateFrom excludes other fields", async () => {
    const { api } = env;
    const post = (body: unknown) => api.call("POST", "/api/environments/beta/environments", { as: "alice", body });
    const noName = await post({ image: "i", addBaseDependencies: false });
    expect(noName.status).toBe(400);
    expect(noName.body.message).toMatch(/name/);
    expect((await post({ name: "n", addBaseDependencies: false })).body.message).toMatch(/image/);
    expect((await post({ name: "n", image: "i" })).body.message).toMatch(/addBaseDependencies/);
    expect((await post({ name: "n", image: "i", addBaseDependencies: false, visibility: "Organization" })).status).toBe(400);
    expect((await post({ name: "n", image: "i", addBaseDependencies: "no" })).status).toBe(400);

    const source = await createEnvironment({ image: "img:2" });
    const mixed = await post({ duplicateFromEnvironmentId: source.id, name: "x" });
    expect(mixed.status).toBe(400);
    const copy = await post({ duplicateFromEnvironmentId: source.id });
    expect(copy.status).toBe(200);
    expect(copy.body.environment.name).toBe(`${source.name} (copy)`);
    expect(copy.body.environment.id).not.toBe(source.id);
    expect((await post({ duplicateFromEnvironmentId: UNKNOWN_ID })).status).toBe(404);
  });

  test("archive: leaves the list, GET answers archived:true, new revisions are refused", async () => {
    const { api } = env;
    const created = await createEnvironment();
    expectHidden(await api.call("DELETE", `/api/environments/v1/environments/${created.id}`, { as: "bob" }), "Environment", created.id);
    const archived = await api.call("DELETE", `/api/environments/v1/environments/${created.id}`, { as: "alice" });
    expect(archived.status).toBe(200);
    expect(archived.body.environment.archived).toBe(true);
    const read = await api.call("GET", `/api/environments/v1/environments/${created.id}`, { as: "alice" });
    expect(read.status).toBe(200);
    expect(read.body.environment.archived).toBe(true);
    const list = await api.call("GET", "/api/environments/beta/environments?limit=500", { as: "alice" });
    expect(list.body.environments.map((e: { id: string }) => e.id)).not.toContain(created.id);
    const rev = await api.call("POST", `/api/environments/beta/environments/${created.id}/revisions`, { as: "alice", body: {} });
    expect(rev.status).toBe(400);
    expect(rev.body.errors[0]).toMatch(/archived/);
  });

  test("list pagination", async () => {
    const { api } = env;
    await api.control("POST", "/reset");
    for (let i = 0; i < 12; i++) await createEnvironment({}, "bob");
    const first = await api.call("GET", "/api/environments/beta/environments", { as: "bob" });
    expect(first.body.environments).toHaveLength(10);
    expect(first.body.metadata).toMatchObject({ offset: 0, limit: 10, totalCount: 12 });
    const second = await api.call("GET", "/api/environments/beta/environments?offset=10&limit=10", { as: "bob" });
    expect(second.body.environments).toHaveLength(2);
  });
});
