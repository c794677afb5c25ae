/** Projects, status, results settings, collaborators, goals, repositories, shared datasets. */
import { createProject, expectForbidden, expectHidden, UNKNOWN_ID, uniqueName, useEmulator } from "./support";

describe("projects", () => {
  const env = useEmulator();

  test("create answers ProjectEnvelopeV1 with PascalCase visibility and the caller as owner", async () => {
    const { api } = env;
    const name = uniqueName("created");
    const res = await api.call("POST", "/api/projects/beta/projects", {
      as: "alice",
      body: { name, description: "d", visibility: "searchable", billingTag: { tag: "cc-1" } },
    });
    expect(res.status).toBe(200);
    expect(res.body.metadata).toEqual({ requestId: expect.any(String), notices: [] });
    expect(res.body.project).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      name,
      description: "d",
      visibility: "Searchable",
      ownerId: api.emulator.users.alice.id,
      ownerUsername: "alice",
      collaborators: [],
      internalTags: [],
      isRestricted: false,
      billingTag: { tag: "cc-1" },
    });
    const read = await api.call("GET", `/api/projects/v1/projects/${res.body.project.id}`, { as: "alice" });
    expect(read.status).toBe(200);
    expect(read.body.project).toEqual(res.body.project);
  });

  test("v2 create takes repoToCreate and derives the main repository", async () => {
    const { api } = env;
    const res = await api.call("POST", "/api/projects/v2/projects", {
      body: {
        name: uniqueName("v2"),
        description: "",
        visibility: "Public",
        repoToCreate: {
          credentialId: "aaaaaaaaaaaaaaaaaaaaaaaa",
          owner: "acme",
          repositoryToCreateName: "analysis",
          visibility: "private",
        },
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.project.mainRepository).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      name: "analysis",
      uri: "https://github.com/acme/analysis.git",
      defaultRef: { refType: "Head" },
      serviceProvider: "Github",
    });
    const bad = await api.call("POST", "/api/projects/v2/projects", {
      body: {
        name: uniqueName("v2"),
        description: "",
        visibility: "Public",
        repoToCreate: { credentialId: "not-hex", owner: "acme", repositoryToCreateName: "a", visibility: "private" },
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/credentialId/);
  });

  test("main repository: provider inferred from the host, name from the URI", async () => {
    const { api } = env;
    const project = await createProject(api, "alice", {
      mainRepository: { uri: "git@gitlab.com:team/models.git", defaultRef: { refType: "branch", value: "dev" } },
    });
    expect(project.mainRepository).toEqual({
      id: expect.any(String),
      name: "models",
      uri: "git@gitlab.com:team/models.git",
      defaultRef: { refType: "Branch", value: "dev" },
      serviceProvider: "GitLab",
    });
  });

  test("names: unique per owner (case-insensitive), no whitespace, other owners may reuse", async () => {
    const { api } = env;
    const name = uniqueName("dup");
    await createProject(api, "alice", { name });
    const again = await api.call("POST", "/api/projects/beta/projects", {
      as: "alice",
      body: { name: name.toUpperCase(), description: "", visibility: "Private" },
    });
    expect(again.status).toBe(400);
    expect(again.body).toEqual({ requestId: expect.any(String), errors: [expect.stringContaining("already exists")] });
    const bobs = await api.call("POST", "/api/projects/beta/projects", {
      as: "bob",
      body: { name, description: "", visibility: "Private" },
    });
    expect(bobs.status).toBe(200);
    const spaced = await api.call("POST", "/api/projects/beta/projects", {
      as: "alice",
      body: { name: "has space", description: "", visibility: "Private" },
    });
    expect(spaced.status).toBe(400);
    expect(spaced.body.errors[0]).toMatch(/whitespace/);
  });

  test("invalid bodies answer 400 {message}", async () => {
    const { api } = env;
    const cases: unknown[] = [
      { description: "", visibility: "Private" },
      { name: 12, description: "", visibility: "Private" },
      { name: "x", description: "", visibility: "Hidden" },
      { name: "x", description: "", visibility: "Private", isRestricted: "yes" },
      { name: "x", description: "", visibility: "Private", mainRepository: { name: "no-uri" } },
      [],
    ];
    for (const body of cases) {
      const res = await api.call("POST", "/api/projects/beta/projects", { body });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ message: expect.stringMatching(/^body/) });
    }
    const notJson = await api.call("POST", "/api/projects/beta/projects", { rawBody: "{not json" });
    expect(notJson.status).toBe(400);
    expect(notJson.body.message).toMatch(/JSON/);
  });

  test("ownership rules: admin may create for alice, alice may not create for bob, orgs cannot own", async () => {
    const { api } = env;
    const { alice, bob } = api.emulator.users;
    const forAlice = await api.call("POST", "/api/projects/beta/projects", {
      as: "admin",
      body: { name: uniqueName("owned"), description: "", visibility: "Private", ownerId: alice.id },
    });
    expect(forAlice.status).toBe(200);
    expect(forAlice.body.project.ownerUsername).toBe("alice");
    const forBob = await api.call("POST", "/api/projects/beta/projects", {
      as: "alice",
      body: { name: uniqueName("owned"), description: "", visibility: "Private", ownerId: bob.id },
    });
    expect(forBob.status).toBe(403);
    const unknownOwner = await api.call("POST", "/api/projects/beta/projects", {
      body: { name: uniqueName("owned"), description: "", visibility: "Private", ownerId: UNKNOWN_ID },
    });
    expect(unknownOwner.status).toBe(404);
    const restricted = await api.call("POST", "/api/projects/beta/projects", {
      as: "alice",
      body: { name: uniqueName("r"), description: "", visibility: "Private", isRestricted: true },
    });
    expect(restricted.status).toBe(403);
  });

  test("read permissions: private projects answer strangers like unknown ids (404), public ones are readable", async () => {
    const { api } = env;
    const priv = await createProject(api, "alice");
    const pub = await createProject(api, "alice", { visibility: "Public" });
    expectHidden(await api.call("GET", `/api/projects/v1/projects/${priv.id}`, { as: "bob" }), "Project", priv.id);
    const unknown = await api.call("GET", `/api/projects/v1/projects/${UNKNOWN_ID}`, { as: "bob" });
    expect(unknown.body.errors).toEqual([`Project ${UNKNOWN_ID} not found`]);
    expect((await api.call("GET", `/api/projects/v1/projects/${pub.id}`, { as: "bob" })).status).toBe(200);
    expect((await api.call("GET", `/api/projects/v1/projects/${priv.id}`, { as: "admin" })).status).toBe(200);
    const bobsList = await api.call("GET", "/api/projects/beta/projects?limit=1000", { as: "bob" });
    const ids = bobsList.body.projects.map((p: { id: string }) => p.id);
    expect(ids).toContain(pub.id);
    expect(ids).not.toContain(priv.id);
  });

  test("ids: malformed is 400 '<id> is not a valid ID', unknown is 404 FailureEnvelopeV1", async () => {
    const { api } = env;
    const bad = await api.call("GET", "/api/projects/v1/projects/abc");
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ requestId: expect.any(String), errors: ["abc is not a valid ID"] });
    const unknown = await api.call("GET", `/api/projects/v1/projects/${UNKNOWN_ID}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ requestId: expect.any(String), errors: [expect.stringContaining(UNKNOWN_ID)] });
  });

  test("archive: 404 for strangers, 403 for collaborators, then the project and its children answer 404 and leave the list; the name is free again", async () => {
    const { api } = env;
    const project = await createProject(api, "alice");
    const goal = await api.call("POST", `/api/projects/v1/projects/${project.id}/goals`, {
      as: "alice",
      body: { title: "g" },
    });
    expect(goal.status).toBe(200);
    expectHidden(await api.call("DELETE", `/api/projects/beta/projects/${project.id}`, { as: "bob" }), "Project", project.id);
    await api.call("POST", `/api/projects/v1/projects/${project.id}/collaborators`, {
      as: "alice",
      body: { id: api.emulator.users.bob.id, role: "contributor" },
    });
    expectForbidden(await api.call("DELETE", `/api/projects/beta/projects/${project.id}`, { as: "bob" }), "ArchiveProject");
    const archived = await api.call("DELETE", `/api/projects/beta/projects/${project.id}`, { as: "alice" });
    expect(archived.status).toBe(200);
    expect(archived.body).toEqual({ success: true, metadata: { requestId: expect.any(String), notices: [] } });
    expect((await api.call("GET", `/api/projects/v1/projects/${project.id}`)).status).toBe(404);
    expect((await api.call("GET", `/api/projects/v1/projects/${project.id}/goals`)).status).toBe(404);
    expect(
      (await api.call("PUT", `/api/projects/v1/projects/${project.id}/status`, { body: { status: "active", isBlocked: false } }))
        .status,
    ).toBe(404);
    expect((await api.call("DELETE", `/api/projects/beta/projects/${project.id}`)).status).toBe(404);
    const list = await api.call("GET", "/api/projects/beta/projects?limit=1000");
    expect(list.body.projects.map((p: { id: string }) => p.id)).not.toContain(project.id);
    const reuse = await api.call("POST", "/api/projects/beta/projects", {
      as: "alice",
      body: { name: project.name, description: "", visibility: "Private" },
    });
    expect(reuse.status).toBe(200);
    expect(reuse.body.project.id).not.toBe(project.id);
  });

  test("pagination: default limit 10, offset and limit, flat metadata with totalCount", async () => {
    const { api } = env;
    await api.control("POST", "/reset");
    for (let i = 0; i < 23; i++) await createProject(api, "bob");
    const first = await api.call("GET", "/api/projects/beta/projects", { as: "bob" });
    expect(first.body.projects).toHaveLength(10);
    expect(first.body.metadata).toEqual({ requestId: expect.any(String), notices: [], offset: 0, limit: 10, totalCount: 23 });
    const seen: string[] = [];
    for (let offset = 0; ; offset += 7) {
      const page = await api.call("GET", `/api/projects/beta/projects?offset=${offset}&limit=7`, { as: "bob" });
      expect(page.body.metadata).toMatchObject({ offset, limit: 7, totalCount: 23 });
      seen.push(...page.body.projects.map((p: { id: string }) => p.id));
      if (page.body.projects.length < 7) break;
    }
    expect(seen).toHaveLength(23);
    expect(new Set(seen).size).toBe(23);
    const beyond = await api.call("GET", "/api/projects/beta/projects?offset=100", { as: "bob" });
    expect(beyond.body.projects).toEqual([]);
    expect((await api.call("GET", "/api/projects/beta/projects?offset=-1")).status).toBe(400);
  });

  test("results settings: default main, PUT isolated (case-insensitive), 404 for strangers, 403 for non-owners", async () => {
    const { api } = env;
    const project = await createProject(api, "alice");
    const path = `/api/projects/beta/projects/${project.id}/results-settings`;
    const initial = await api.call("GET", path, { as: "alice" });
    expect(initial.status).toBe(200);
    expect(initial.body.resultsSettings).toEqual({ branch: "main" });
    const put = await api.call("PUT", path, { as: "alice", body: { branch: "Isolated" } });
    expect(put.status).toBe(200);
    expect(put.body.resultsSettings).toEqual({ branch: "isolated" });
    expect((await api.call("GET", path, { as: "alice" })).body.resultsSettings.branch).toBe("isolated");
    expectHidden(await api.call("PUT", path, { as: "bob", body: { branch: "main" } }), "Project", project.id);
    expectHidden(await api.call("GET", path, { as: "bob" }), "Project", project.id);
    await api.call("POST", `/api/projects/v1/projects/${project.id}/collaborators`, {
      as: "alice",
      body: { id: api.emulator.users.bob.id, role: "contributor" },
    });
    expect((await api.call("GET", path, { as: "bob" })).status).toBe(200);
    expectForbidden(await api.call("PUT", path, { as: "bob", body: { branch: "main" } }), "ChangeProjectSettings");
    expect((await api.call("PUT", path, { as: "alice", body: { branch: "elsewhere" } })).status).toBe(400);
  });

  test("status: PUT stores and echoes; contributors may set it, readers get 403, strangers 404", async () => {
    const { api } = env;
    const project = await createProject(api, "alice");
    const path = `/api/projects/v1/projects/${project.id}/status`;
    const res = await api.call("PUT", path, {
      as: "alice",
      body: { status: "Complete", isBlocked: true, blockedReason: "waiting" },
    });
    expect(res.status).toBe(200);
    expect(res.body.status).toEqual({ status: "complete", isBlocked: true, blockedReason: "waiting" });
    expectHidden(await api.call("PUT", path, { as: "bob", body: { status: "active", isBlocked: false } }), "Project", project.id);
    expect((await api.call("PUT", path, { as: "alice", body: { status: "active" } })).status).toBe(400);
    const collaborators = `/api/projects/v1/projects/${project.id}/collaborators`;
    const bobId = api.emulator.users.bob.id;
    await api.call("POST", collaborators, { as: "alice", body: { id: bobId, role: "resultsConsumer" } });
    expectForbidden(await api.call("PUT", path, { as: "bob", body: { status: "active", isBlocked: false } }), "Edit");
    await api.call("DELETE", `${collaborators}/${bobId}`, { as: "alice" });
    await api.call("POST", collaborators, { as: "alice", body: { id: bobId, role: "contributor" } });
    expect((await api.call("PUT", path, { as: "bob", body: { status: "active", isBlocked: false } })).status).toBe(200);
  });
});

describe("collaborators", () => {
  const env = useEmulator();

  test("add {id, role} (role case-insensitive), listed on the project, duplicate 400, remove", async () => {
    const { api } = env;
    const { bob } = api.emulator.users;
    const project = await createProject(api, "alice");
    const path = `/api/projects/v1/projects/${project.id}/collaborators`;
    const added = await api.call("POST", path, { as: "alice", body: { id: bob.id, role: "LauncherUser" } });
    expect(added.status).toBe(200);
    expect(added.body.collaborator).toEqual({ id: bob.id, role: "launcherUser" });
    const read = await api.call("GET", `/api/projects/v1/projects/${project.id}`, { as: "bob" });
    expect(read.status).toBe(200);
    expect(read.body.project.collaborators).toEqual([{ id: bob.id, role: "launcherUser" }]);

    const duplicate = await api.call("POST", path, { as: "alice", body: { id: bob.id, role: "contributor" } });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.errors[0]).toMatch(/already a collaborator/);

    const owner = await api.call("POST", path, { as: "alice", body: { id: api.emulator.users.alice.id, role: "contributor" } });
    expect(owner.status).toBe(400);

    const removed = await api.call("DELETE", `${path}/${bob.id}`, { as: "alice" });
    expect(removed.status).toBe(200);
    expect(removed.body.success).toBe(true);
    expect((await api.call("DELETE", `${path}/${bob.id}`, { as: "alice" })).status).toBe(404);
    expectHidden(await api.call("GET", `/api/projects/v1/projects/${project.id}`, { as: "bob" }), "Project", project.id);
  });

  test("404 for strangers, 403 for collaborators who are not owners, 404 for unknown users, 400 for bad roles and bad ids", async () => {
    const { api } = env;
    const { admin, bob } = api.emulator.users;
    const project = await createProject(api, "alice");
    const path = `/api/projects/v1/projects/${project.id}/collaborators`;
    expectHidden(await api.call("POST", path, { as: "bob", body: { id: bob.id, role: "contributor" } }), "Project", project.id);
    expectHidden(await api.call("DELETE", `${path}/${bob.id}`, { as: "bob" }), "Project", project.id);
    expect((await api.call("POST", path, { as: "alice", body: { id: bob.id, role: "contributor" } })).status).toBe(200);
    expectForbidden(await api.call("POST", path, { as: "bob", body: { id: admin.id, role: "contributor" } }), "ManageCollaborators");
    expectForbidden(await api.call("DELETE", `${path}/${bob.id}`, { as: "bob" }), "ManageCollaborators");
    expect((await api.call("DELETE", `${path}/${bob.id}`, { as: "alice" })).status).toBe(200);
    expect((await api.call("POST", path, { as: "alice", body: { id: UNKNOWN_ID, role: "contributor" } })).status).toBe(404);
    const badRole = await api.call("POST", path, { as: "alice", body: { id: bob.id, role: "owner" } });
    expect(badRole.status).toBe(400);
    expect(badRole.body.message).toMatch(/role/);
    const missing = await api.call("POST", path, { as: "alice", body: { id: bob.id } });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toMatch(/role/);
    const badId = await api.call("POST", path, { as: "alice", body: { id: "bob", role: "contributor" } });
    expect(badId.status).toBe(400);
    expect(badId.body.errors).toEqual(["bob is not a valid ID"]);
    // The admin may manage anyone's project.
    expect((await api.call("POST", path, { as: "admin", body: { id: admin.id, role: "resultsConsumer" } })).status).toBe(200);
  });

  test("an organization can be a collaborator; its members gain the role", async () => {
    const { api } = env;
    const { bob } = api.emulator.users;
    const org = await api.call("POST", "/api/organizations/v1/organizations", {
      as: "admin",
      body: { name: uniqueName("collab-org"), members: [{ userId: bob.id, organizationRole: "Member" }] },
    });
    expect(org.status).toBe(200);
    const project = await createProject(api, "alice");
    const added = await api.call("POST", `/api/projects/v1/projects/${project.id}/collaborators`, {
      as: "alice",
      body: { id: org.body.org.id, role: "contributor" },
    });
    expect(added.status).toBe(200);
    const goal = await api.call("POST", `/api/projects/v1/projects/${project.id}/goals`, { as: "bob", body: { title: "via org" } });
    expect(goal.status).toBe(200);
  });
});

describe("goals", () => {
  const env = useEmulator();

  test("create, list, complete, delete", async () => {
    const { api } = env;
    const project = await createProject(api, "alice");
    const base = `/api/projects/v1/projects/${project.id}/goals`;
    const created = await api.call("POST", base, {
      as: "alice",
      body: { title: "Ship it", description: "by Friday", assigneeId: api.emulator.users.bob.id, stageId: "any" },
    });
    expect(created.status).toBe(200);
    expect(created.body.goal).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      title: "Ship it",
      description: "by Friday",
      isComplete: false,
      projectId: project.id,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      creatorId: api.emulator.users.alice.id,
    });
    const goalId = created.body.goal.id;
    const list = await api.call("GET", base, { as: "alice" });
    expect(list.status).toBe(200);
    expect(list.body.goals).toEqual([created.body.goal]);
    expect(list.body.metadata).toEqual({ requestId: expect.any(String), notices: [] });

    const done = await api.call("PATCH", `${base}/${goalId}`, { as: "alice", body: { isComplete: true } });
    expect(done.status).toBe(200);
    expect(done.body.goal.isComplete).toBe(true);
    expect((await api.call("PATCH", `${base}/${goalId}`, { as: "alice", body: { isComplete: "yes" } })).status).toBe(400);
    expect((await api.call("PATCH", `${base}/${goalId}`, { as: "alice", body: {} })).status).toBe(400);

    expectHidden(await api.call("DELETE", `${base}/${goalId}`, { as: "bob" }), "Project", project.id);
    const removed = await api.call("DELETE", `${base}/${goalId}`, { as: "alice" });
    expect(removed.status).toBe(200);
    expect((await api.call("DELETE", `${base}/${goalId}`, { as: "alice" })).status).toBe(404);
    expect((await api.call("GET", base, { as: "alice" })).body.goals).toEqual([]);
  });

  test("404 for strangers (a known goal id tells nothing), 403 for readers, 404 for unknown assignee and goal, 400 without title", async () => {
    const { api } = env;
    const project = await createProject(api, "alice");
    const base = `/api/projects/v1/projects/${project.id}/goals`;
    expectHidden(await api.call("POST", base, { as: "bob", body: { title: "x" } }), "Project", project.id);
    expectHidden(await api.call("GET", base, { as: "bob" }), "Project", project.id);
    const goal = await api.call("POST", base, { as: "alice", body: { title: "known" } });
    // The project's visibility is checked before the goal's existence, so a stranger cannot
    // tell a real goal id from an unknown one.
    for (const goalId of [goal.body.goal.id, UNKNOWN_ID]) {
      expectHidden(await api.call("PATCH", `${base}/${goalId}`, { as: "bob", body: { isComplete: true } }), "Project", project.id);
    }
    await api.call("POST", `/api/projects/v1/projects/${project.id}/collaborators`, {
      as: "alice",
      body: { id: api.emulator.users.bob.id, role: "resultsConsumer" },
    });
    expect((await api.call("GET", base, { as: "bob" })).status).toBe(200);
    expectForbidden(await api.call("POST", base, { as: "bob", body: { title: "x" } }), "Edit");
    expectForbidden(await api.call("PATCH", `${base}/${goal.body.goal.id}`, { as: "bob", body: { isComplete: true } }), "Edit");
    // A reader still learns that an unknown goal does not exist (existence before permission).
    expect((await api.call("PATCH", `${base}/${UNKNOWN_ID}`, { as: "bob", body: { isComplete: true } })).status).toBe(404);
    expect((await api.call("POST", base, { as: "alice", body: { title: "x", assigneeId: UNKNOWN_ID } })).status).toBe(404);
    expect((await api.call("POST", base, { as: "alice", body: { description: "no title" } })).status).toBe(400);
    expect((await api.call("PATCH", `${base}/${UNKNOWN_ID}`, { as: "alice", body: { isComplete: true } })).status).toBe(404);
  });
});

describe("imported repositories", () => {
  const env = useEmulator();

  test("import, list (paged), remove; 403 for contributors, duplicate uri 400", async () => {
    const { api } = env;
    const project = await createProject(api, "alice");
    const base = `/api/projects/v1/projects/${project.id}/repositories`;
    const added = await api.call("POST", base, {
      as: "alice",
      body: { uri: "https://github.com/acme/lib.git", defaultRef: { refType: "TAG", value: "v1" }, gitCredentialId: "secret" },
    });
    expect(added.status).toBe(200);
    expect(added.body.repository).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      name: "lib",
      uri: "https://github.com/acme/lib.git",
      defaultRef: { refType: "Tag", value: "v1" },
      serviceProvider: "Github",
    });
    for (let i = 0; i < 11; i++) {
      const r = await api.call("POST", base, { as: "alice", body: { uri: `https://example.com/r${i}.git`, name: `r${i}` } });
      expect(r.status).toBe(200);
      expect(r.body.repository.serviceProvider).toBe("Unknown");
    }
    const page1 = await api.call("GET", base, { as: "alice" });
    expect(page1.body.repositories).toHaveLength(10);
    expect(page1.body.metadata).toMatchObject({ offset: 0, limit: 10, totalCount: 12 });
    const page2 = await api.call("GET", `${base}?offset=10`, { as: "alice" });
    expect(page2.body.repositories).toHaveLength(2);

    const dup = await api.call("POST", base, { as: "alice", body: { uri: "https://github.com/acme/lib.git" } });
    expect(dup.status).toBe(400);
    expect((await api.call("POST", base, { as: "alice", body: { uri: "not a uri" } })).status).toBe(400);
    expect((await api.call("POST", base, { as: "alice", body: { uri: "https://x/y.git", defaultRef: { refType: "Branch" } } })).status).toBe(400);
    expect((await api.call("POST", base, { as: "alice", body: { uri: "https://x/y.git", serviceProvider: "sourceforge" } })).status).toBe(400);

    await api.call("POST", `/api/projects/v1/projects/${project.id}/collaborators`, {
      as: "alice",
      body: { id: api.emulator.users.bob.id, role: "contributor" },
    });
    expect((await api.call("POST", base, { as: "bob", body: { uri: "https://github.com/b/b.git" } })).status).toBe(403);
    expect((await api.call("GET", base, { as: "bob" })).status).toBe(200);

    const repoId = added.body.repository.id;
    expect((await api.call("DELETE", `${base}/${repoId}`, { as: "bob" })).status).toBe(403);
    expect((await api.call("DELETE", `${base}/${repoId}`, { as: "alice" })).status).toBe(200);
    expect((await api.call("DELETE", `${base}/${repoId}`, { as: "alice" })).status).toBe(404);
  });
});

describe("shared datasets", () => {
  const env = useEmulator();

  test("link, list, unlink; own project's dataset refused; deleted datasets drop out", async () => {
    const { api } = env;
    const source = await createProject(api, "alice");
    const target = await createProject(api, "alice");
    const dataset = await api.call("POST", "/api/datasetrw/v1/datasets", {
      as: "alice",
      body: { name: "shared", projectId: source.id },
    });
    expect(dataset.status).toBe(200);
    const datasetId = dataset.body.dataset.id;
    const base = `/api/projects/v1/projects/${target.id}/shared-datasets`;

    const empty = await api.call("GET", base, { as: "alice" });
    expect(empty.body.dataset).toEqual({ projectId: target.id, sharedDatasetIds: [] });
    const linked = await api.call("POST", base, { as: "alice", body: { datasetId } });
    expect(linked.status).toBe(200);
    expect(linked.body.dataset).toEqual({ projectId: target.id, sharedDatasetIds: [datasetId] });
    const again = await api.call("POST", base, { as: "alice", body: { datasetId } });
    expect(again.body.dataset.sharedDatasetIds).toEqual([datasetId]);

    const own = await api.call("POST", `/api/projects/v1/projects/${source.id}/shared-datasets`, { as: "alice", body: { datasetId } });
    expect(own.status).toBe(400);
    expectHidden(await api.call("POST", base, { as: "bob", body: { datasetId } }), "Project", target.id);
    expectHidden(await api.call("GET", base, { as: "bob" }), "Project", target.id);
    expect((await api.call("POST", base, { as: "alice", body: { datasetId: UNKNOWN_ID } })).status).toBe(404);
    // Bob may edit a project of his own but cannot see alice's dataset: linking it is 404.
    const bobs = await createProject(api, "bob");
    expectHidden(
      await api.call("POST", `/api/projects/v1/projects/${bobs.id}/shared-datasets`, { as: "bob", body: { datasetId } }),
      "Dataset",
      datasetId,
    );
    expect((await api.call("POST", base, { as: "alice", body: {} })).status).toBe(400);

    const unlinked = await api.call("DELETE", `${base}/${datasetId}`, { as: "alice" });
    expect(unlinked.status).toBe(200);
    expect((await api.call("DELETE", `${base}/${datasetId}`, { as: "alice" })).status).toBe(404);

    await api.call("POST", base, { as: "alice", body: { datasetId } });
    expect((await api.call("DELETE", `/api/datasetrw/v1/datasets/${datasetId}`, { as: "alice" })).status).toBe(200);
    expect((await api.call("GET", base, { as: "alice" })).body.dataset.sharedDatasetIds).toEqual([]);
  });
});
