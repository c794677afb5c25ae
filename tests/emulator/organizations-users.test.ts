/** Organizations, members and users. */
import { expectForbidden, expectHidden, UNKNOWN_ID, uniqueName, useEmulator } from "./support";

describe("organizations", () => {
  const env = useEmulator();

  test("create: members as given plus the creator as Admin; roles in PascalCase; name unique", async () => {
    const { api } = env;
    const { alice, bob } = api.emulator.users;
    const name = uniqueName("org");
    const created = await api.call("POST", "/api/organizations/v1/organizations", {
      as: "alice",
      body: { name, members: [{ userId: bob.id, organizationRole: "member" }] },
    });
    expect(created.status).toBe(200);
    expect(created.body.org).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      name,
      members: [
        { userId: bob.id, organizationRole: "Member" },
        { userId: alice.id, organizationRole: "Admin" },
      ],
    });
    const dup = await api.call("POST", "/api/organizations/v1/organizations", { as: "bob", body: { name: name.toUpperCase(), members: [] } });
    expect(dup.status).toBe(400);
    const userName = await api.call("POST", "/api/organizations/v1/organizations", { as: "bob", body: { name: "alice", members: [] } });
    expect(userName.status).toBe(400);
    expect((await api.call("POST", "/api/organizations/v1/organizations", { as: "bob", body: { name: "x" } })).status).toBe(400);
    expect(
      (await api.call("POST", "/api/organizations/v1/organizations", { as: "bob", body: { name: "y", members: [{ userId: UNKNOWN_ID, organizationRole: "Member" }] } }))
        .status,
    ).toBe(404);
    expect(
      (await api.call("POST", "/api/organizations/v1/organizations", { as: "bob", body: { name: "z", members: [{ userId: bob.id, organizationRole: "Owner" }] } }))
        .status,
    ).toBe(400);
  });

  test("members: PUT adds or changes the role, DELETE ?memberToRemoveId= removes; only org admins may", async () => {
    const { api } = env;
    const { admin, bob } = api.emulator.users;
    const org = (await api.call("POST", "/api/organizations/v1/organizations", { as: "alice", body: { name: uniqueName("org"), members: [] } })).body.org;
    const path = `/api/organizations/v1/organizations/${org.id}/user`;
    // Not yet a member, bob cannot see the organization at all.
    expectHidden(await api.call("PUT", path, { as: "bob", body: { userId: bob.id, organizationRole: "Admin" } }), "Organization", org.id);
    expectHidden(await api.call("DELETE", `${path}?memberToRemoveId=${admin.id}`, { as: "bob" }), "Organization", org.id);
    const added = await api.call("PUT", path, { as: "alice", body: { userId: bob.id, organizationRole: "Member" } });
    expect(added.status).toBe(200);
    expect(added.body.org.members).toContainEqual({ userId: bob.id, organizationRole: "Member" });
    // A plain member sees it but may not change its members.
    expectForbidden(await api.call("PUT", path, { as: "bob", body: { userId: admin.id, organizationRole: "Member" } }), "EditMembers");
    expectForbidden(await api.call("DELETE", `${path}?memberToRemoveId=${bob.id}`, { as: "bob" }), "EditMembers");
    const promoted = await api.call("PUT", path, { as: "alice", body: { userId: bob.id, organizationRole: "ADMIN" } });
    expect(promoted.body.org.members.filter((m: { userId: string }) => m.userId === bob.id)).toEqual([{ userId: bob.id, organizationRole: "Admin" }]);
    expect((await api.call("PUT", path, { as: "alice", body: { userId: UNKNOWN_ID, organizationRole: "Member" } })).status).toBe(404);
    expect((await api.call("PUT", path, { as: "alice", body: { userId: bob.id } })).status).toBe(400);

    const removed = await api.call("DELETE", `${path}?memberToRemoveId=${bob.id}`, { as: "alice" });
    expect(removed.status).toBe(200);
    expect(removed.body.org.members.map((m: { userId: string }) => m.userId)).not.toContain(bob.id);
    expect((await api.call("DELETE", `${path}?memberToRemoveId=${bob.id}`, { as: "alice" })).status).toBe(404);
    expect((await api.call("DELETE", path, { as: "alice" })).status).toBe(400);
    expect((await api.call("DELETE", `${path}?memberToRemoveId=nope`, { as: "alice" })).status).toBe(400);
  });

  test("read: members and admins may GET; to others it answers like an unknown id (404)", async () => {
    const { api } = env;
    const org = (await api.call("POST", "/api/organizations/v1/organizations", { as: "alice", body: { name: uniqueName("org"), members: [] } })).body.org;
    expect((await api.call("GET", `/api/organizations/v1/organizations/${org.id}`, { as: "alice" })).body.org).toEqual(org);
    expect((await api.call("GET", `/api/organizations/v1/organizations/${org.id}`, { as: "admin" })).status).toBe(200);
    expectHidden(await api.call("GET", `/api/organizations/v1/organizations/${org.id}`, { as: "bob" }), "Organization", org.id);
    expectHidden(await api.call("GET", `/api/organizations/v1/organizations/${UNKNOWN_ID}`), "Organization", UNKNOWN_ID);
  });

  test("lists: the caller's orgs with exact nameFilter; /all is admin-only with userIdFilter; paged", async () => {
    const { api } = env;
    await api.control("POST", "/reset");
    const { bob } = api.emulator.users;
    const names: string[] = [];
    for (let i = 0; i < 12; i++) {
      const name = uniqueName("listorg");
      names.push(name);
      const members = i % 2 === 0 ? [{ userId: bob.id, organizationRole: "Member" }] : [];
      expect((await api.call("POST", "/api/organizations/v1/organizations", { as: "alice", body: { name, members } })).status).toBe(200);
    }
    const mine = await api.call("GET", "/api/organizations/v1/organizations", { as: "alice" });
    expect(mine.body.orgs).toHaveLength(10);
    expect(mine.body.metadata).toMatchObject({ offset: 0, limit: 10, totalCount: 12 });
    const bobs = await api.call("GET", "/api/organizations/v1/organizations?limit=50", { as: "bob" });
    expect(bobs.body.orgs).toHaveLength(6);
    const filtered = await api.call("GET", `/api/organizations/v1/organizations?nameFilter=${names[3]}`, { as: "alice" });
    expect(filtered.body.orgs.map((o: { name: string }) => o.name)).toEqual([names[3]]);
    expect((await api.call("GET", `/api/organizations/v1/organizations?nameFilter=${names[3].toUpperCase()}`, { as: "alice" })).body.orgs).toEqual([]);

    expect((await api.call("GET", "/api/organizations/v1/organizations/all", { as: "alice" })).status).toBe(403);
    const all = await api.call("GET", "/api/organizations/v1/organizations/all?limit=5&offset=10", { as: "admin" });
    expect(all.status).toBe(200);
    expect(all.body.orgs).toHaveLength(2);
    expect(all.body.metadata).toMatchObject({ offset: 10, limit: 5, totalCount: 12 });
    const forBob = await api.call("GET", `/api/organizations/v1/organizations/all?userIdFilter=${bob.id}&limit=100`, { as: "admin" });
    expect(forBob.body.orgs).toHaveLength(6);
    expect((await api.call("GET", "/api/organizations/v1/organizations/all?userIdFilter=bob", { as: "admin" })).status).toBe(400);
  });
});

describe("users", () => {
  const env = useEmulator();

  test("self answers UserEnvelopeV1 for the caller: a key as X-Domino-Api-Key, a token as Bearer", async () => {
    const { api } = env;
    const res = await api.call("GET", "/api/users/v1/self", { as: "bob" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      user: {
        id: api.emulator.users.bob.id,
        userName: "bob",
        firstName: "Bob",
        lastName: "Baker",
        fullName: "Bob Baker",
        avatarUrl: expect.stringMatching(/^https:\/\//),
        email: "bob@example.com",
        roles: ["Practitioner"],
      },
      metadata: { requestId: expect.any(String), notices: [] },
    });
    const bearer = await api.call("GET", "/api/users/v1/self", {
      as: null,
      headers: { Authorization: `Bearer ${api.emulator.users.alice.accessToken}` },
    });
    expect(bearer.status).toBe(200);
    expect(bearer.body.user.userName).toBe("alice");
  });

  test("a credential in the wrong header is 403 'No current user in request'; an unknown one 401", async () => {
    const { api } = env;
    const { alice } = api.emulator.users;
    const wrongStyle = { status: 403, body: { requestId: expect.any(String), errors: ["No current user in request"] } };
    const keyAsBearer = await api.call("GET", "/api/users/v1/self", { as: null, headers: { Authorization: `Bearer ${alice.apiKey}` } });
    expect({ status: keyAsBearer.status, body: keyAsBearer.body }).toEqual(wrongStyle);
    const tokenAsKey = await api.call("GET", "/api/users/v1/self", { as: null, headers: { "X-Domino-Api-Key": alice.accessToken } });
    expect({ status: tokenAsKey.status, body: tokenAsKey.body }).toEqual(wrongStyle);
    // Not only on self: every operation authenticates the same way, before it runs.
    const name = uniqueName("wrong-style");
    const create = await api.call("POST", "/api/projects/beta/projects", {
      as: null,
      headers: { Authorization: `Bearer ${alice.apiKey}` },
      body: { name, description: "", visibility: "Private" },
    });
    expect(create.status).toBe(403);
    const projects = await api.call("GET", "/api/projects/beta/projects?limit=1000", { as: "alice" });
    expect(projects.body.projects.map((p: { name: string }) => p.name)).not.toContain(name);
    // A correctly sent credential wins over a wrongly sent one.
    const both = await api.call("GET", "/api/users/v1/self", {
      as: null,
      headers: { Authorization: `Bearer ${alice.apiKey}`, "X-Domino-Api-Key": alice.apiKey },
    });
    expect(both.status).toBe(200);
    const unknown = await api.call("GET", "/api/users/v1/self", { as: null, headers: { Authorization: "Bearer not-a-token" } });
    expect(unknown.status).toBe(401);
  });

  test("list pages through all users; a userName query is ignored", async () => {
    const { api } = env;
    const all = await api.call("GET", "/api/users/v1/users?userName=bob", { as: "alice" });
    expect(all.status).toBe(200);
    expect(all.body.users.map((u: { userName: string }) => u.userName)).toEqual(["admin", "alice", "bob"]);
    expect(all.body.metadata).toEqual({ requestId: expect.any(String), notices: [], offset: 0, limit: 10, totalCount: 3 });
    const page = await api.call("GET", "/api/users/v1/users?offset=1&limit=1", { as: "alice" });
    expect(page.body.users.map((u: { userName: string }) => u.userName)).toEqual(["alice"]);
  });

  test("seeded users have fixed ids, documented keys and emails", async () => {
    const { users } = env.api.emulator;
    expect(users.admin).toEqual({
      id: "65f0a0000000000000000001",
      userName: "admin",
      email: "admin@example.com",
      apiKey: "domino-emulator-admin-key",
      accessToken: "domino-emulator-admin-token",
      isAdmin: true,
    });
    expect(users.alice).toEqual({
      id: "65f0a0000000000000000002",
      userName: "alice",
      email: "alice@example.com",
      apiKey: "domino-emulator-alice-key",
      accessToken: "domino-emulator-alice-token",
      isAdmin: false,
    });
    expect(users.bob.apiKey).toBe("domino-emulator-bob-key");
    expect(users.bob.accessToken).toBe("domino-emulator-bob-token");
    const afterReset = await env.api.control("POST", "/reset");
    expect(afterReset.status).toBe(200);
    const self = await env.api.call("GET", "/api/users/v1/self", { as: "admin" });
    expect(self.body.user.id).toBe("65f0a0000000000000000001");
  });

  test("GET /api/users/v1/user/{id} (6.4 only) is not served", async () => {
    const { api } = env;
    const res = await api.call("GET", `/api/users/v1/user/${api.emulator.users.bob.id}`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: expect.stringContaining("No route") });
  });
});
