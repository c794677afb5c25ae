import * as environmentsClient from "../../provider/client/environments";
import * as usersClient from "../../provider/client/users";
import { activeClient } from "../../provider/config";
import { getEnvironment, getEnvironmentOutput } from "../../provider/lookups/get-environment";
import { getOrganization, getOrganizationOutput } from "../../provider/lookups/get-organization";
import { getUser, getUserOutput } from "../../provider/lookups/get-user";
import * as pulumi from "@pulumi/pulumi";
import { EmulatorFixture, useEmulator } from "../helpers/emulator";

function resolved<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

function user(id: string, userName: string, email: string): usersClient.UserV1 {
  return { id, userName, email, firstName: "", lastName: "", fullName: "", avatarUrl: "" };
}

async function makeEnvironment(env: EmulatorFixture, name: string, apiKey?: string): Promise<string> {
  const res = await env.api<{ environment: { id: string } }>(
    "POST",
    "/api/environments/beta/environments",
    { name, image: "python:3.11", visibility: "Private", addBaseDependencies: false },
    apiKey,
  );
  expect(res.status).toBe(200);
  return res.body.environment.id;
}

describe.each(["6.3", "5.3"] as const)("lookups against Domino %s", (dominoVersion) => {
  const env = useEmulator({ dominoVersion });
  // A lookup's client first makes the bounded connection check, once: users/self from 5.9.1
  // on; on 5.3, whose users/self answers 404, a one-item project list proves the key.
  const check: Record<string, number> =
    dominoVersion === "6.3" ? { "GET /api/users/v1/self": 1 } : { "GET /api/users/v1/self": 1, "GET /api/projects/beta/projects": 1 };
  const checkTotal = Object.keys(check).length;

  describe("getUser", () => {
    it("matches the user name or the email, case-insensitively, with one call after the connection check", async () => {
      await env.resetRequestCounts();
      expect(await getUser({ userName: "ALICE" })).toEqual({
        id: env.emulator.users.alice.id,
        userName: "alice",
        firstName: "Alice",
        lastName: "Anderson",
        fullName: "Alice Anderson",
        email: "alice@example.com",
      });
      expect(await env.requestCounts()).toEqual({ total: checkTotal + 1, byRoute: { ...check, "GET /api/users/v1/users": 1 } });
      expect((await getUser({ userName: "Bob@Example.com" })).id).toBe(env.emulator.users.bob.id);
      expect((await resolved(getUserOutput({ userName: Promise.resolve("admin") }))).id).toBe(env.emulator.users.admin.id);
    });

    it("says when nobody matches, as a Pulumi error", async () => {
      const err = await getUser({ userName: "carol" }).catch((e: unknown) => e);
      expect(pulumi.RunError.isInstance(err)).toBe(true);
      expect((err as Error).message).toMatch(
        /^getUser: no user has the user name or email address "carol" \(3 users visible to the caller were checked\); check the spelling/,
      );
      await expect(getUser({ userName: " " })).rejects.toThrow("getUser: userName must not be empty");
    });

    it("prefers a user name over another user's email, and refuses an ambiguous email", async () => {
      // The emulator's users have distinct emails: the ambiguous list is staged on the lookup's client.
      const spy = jest.spyOn((await activeClient()).users, "listUsersPage");
      try {
        spy.mockResolvedValue({ items: [user("1", "x", "shared@example.com"), user("2", "shared@example.com", "y@example.com")] });
        expect((await getUser({ userName: "shared@example.com" })).id).toBe("2");
        spy.mockResolvedValue({ items: [user("1", "x", "shared@example.com"), user("2", "y", "SHARED@example.com")] });
        await expect(getUser({ userName: "shared@example.com" })).rejects.toThrow(
          'getUser: 2 users have the email address "shared@example.com": x (1, shared@example.com), y (2, SHARED@example.com); look them up by user name',
        );
      } finally {
        spy.mockRestore();
      }
    });
  });

  describe("getEnvironment", () => {
    it("finds the one environment of that name with one call after the connection check", async () => {
      const id = await makeEnvironment(env, "python");
      await makeEnvironment(env, "r");
      await env.resetRequestCounts();
      expect(await getEnvironment({ name: "python" })).toEqual({
        id,
        name: "python",
        visibility: "Private",
        ownerId: env.emulator.users.admin.id,
        ownerUsername: "admin",
        ownerType: "Individual",
        supportedClusters: [],
        latestRevisionId: expect.stringMatching(/^[0-9a-f]{24}$/),
        latestRevisionNumber: 1,
        // The build moves on while the test runs (in the emulator, Queued for its first 40 ms).
        latestRevisionStatus: expect.stringMatching(/^(Queued|Building|Succeeded)$/),
        selectedRevisionId: expect.any(String),
      });
      expect(await env.requestCounts()).toEqual({ total: checkTotal + 1, byRoute: { ...check, "GET /api/environments/beta/environments": 1 } });
      expect((await resolved(getEnvironmentOutput({ name: pulumi.output("python") }))).id).toBe(id);
    });

    it("says when there is none, or more than one", async () => {
      await expect(getEnvironment({ name: "python" })).rejects.toThrow(
        'getEnvironment: no environment named "python" is visible to the caller (archived environments are not listed)',
      );
      const archived = await makeEnvironment(env, "old");
      await env.api("DELETE", `/api/environments/v1/environments/${archived}`);
      await expect(getEnvironment({ name: "old" })).rejects.toThrow(/no environment named "old"/);

      const first = await makeEnvironment(env, "dup");
      const second = await makeEnvironment(env, "dup", env.emulator.users.alice.apiKey);
      await expect(getEnvironment({ name: "dup" })).rejects.toThrow(
        `getEnvironment: 2 environments are named "dup": ${first} (owner admin, Private), ${second} (owner alice, Private); use Environment.get with the id instead`,
      );
      const err = await getEnvironment({ name: "" }).catch((e: unknown) => e);
      expect(pulumi.RunError.isInstance(err)).toBe(true);
      expect((err as Error).message).toBe("getEnvironment: name must not be empty: pass the environment's exact name");
    });

    it("reads every page to rule out a second match", async () => {
      const page = (items: environmentsClient.EnvironmentV1[]) => ({ items, metadata: { limit: 2 } });
      const env1 = { id: "1", name: "a", visibility: "Global", archived: false };
      // A server that pages by two: staged on the lookup's client.
      const spy = jest
        .spyOn((await activeClient()).environments, "listEnvironmentsPage")
        .mockResolvedValueOnce(page([env1, { ...env1, id: "2", name: "b" }]))
        .mockResolvedValueOnce(page([{ ...env1, id: "3" }]));
      try {
        await expect(getEnvironment({ name: "a" })).rejects.toThrow(/2 environments are named "a": 1 .*, 3 /);
        expect(spy).toHaveBeenCalledTimes(2);
      } finally {
        spy.mockRestore();
      }
    });
  });

  describe("getOrganization", () => {
    it("finds one of the caller's organizations with one call after the connection check", async () => {
      const created = await env.api<{ org: { id: string } }>("POST", "/api/organizations/v1/organizations", { name: "data", members: [] });
      await env.resetRequestCounts();
      expect(await getOrganization({ name: "data" })).toEqual({
        id: created.body.org.id,
        name: "data",
        defaultEnvironmentId: "",
        members: [{ userId: env.emulator.users.admin.id, organizationRole: "Admin" }],
      });
      expect(await env.requestCounts()).toEqual({ total: checkTotal + 1, byRoute: { ...check, "GET /api/organizations/v1/organizations": 1 } });
      expect((await resolved(getOrganizationOutput({ name: "data" }))).id).toBe(created.body.org.id);
    });

    it("lets an administrator find an organization they are not in", async () => {
      const created = await env.api<{ org: { id: string } }>(
        "POST",
        "/api/organizations/v1/organizations",
        { name: "alices", members: [] },
        env.emulator.users.alice.apiKey,
      );
      expect((await getOrganization({ name: "alices" })).id).toBe(created.body.org.id);
      env.actAs("bob");
      await expect(getOrganization({ name: "alices" })).rejects.toThrow(
        'getOrganization: no organization named "alices" is visible to the caller ' +
          "(searched the caller's organizations (only administrators can search every organization)); check the name",
      );
      await expect(getOrganization({ name: "" })).rejects.toThrow("getOrganization: name must not be empty");
    });
  });
});

describe("lookups in a Pulumi program", () => {
  const env = useEmulator({ dominoVersion: "6.3" });

  /** Runs `fn` with this stack configuration, as a program's runtime holds it. */
  async function withStackConfig(config: Record<string, string>, fn: () => Promise<void>): Promise<void> {
    pulumi.runtime.setAllConfig(config);
    try {
      await fn();
    } finally {
      pulumi.runtime.setAllConfig({});
    }
  }

  it("take the domino:* stack configuration, which wins over the environment", async () => {
    await env.api("POST", "/api/organizations/v1/organizations", { name: "admins", members: [] });
    expect((await getOrganization({ name: "admins" })).name).toBe("admins");
    process.env.DOMINO_API_HOST = "http://127.0.0.1:1";
    try {
      await withStackConfig({ "domino:host": env.url, "domino:apiKey": env.emulator.users.bob.apiKey }, async () => {
        expect((await getUser({ userName: "alice" })).id).toBe(env.emulator.users.alice.id);
        // Bob's key from the stack is used, not the administrator's from the environment.
        await expect(getOrganization({ name: "admins" })).rejects.toThrow(/no organization named "admins"/);
      });
    } finally {
      process.env.DOMINO_API_HOST = env.url;
    }
  });

  it("share one client while the configuration stays the same", async () => {
    await withStackConfig({ "domino:host": env.url, "domino:apiKey": env.emulator.users.alice.apiKey }, async () => {
      await getUser({ userName: "bob" });
      const first = await activeClient();
      await getUser({ userName: "bob" });
      expect(await activeClient()).toBe(first);
    });
    await withStackConfig({ "domino:host": env.url, "domino:apiKey": env.emulator.users.bob.apiKey }, async () => {
      const before = await activeClient();
      await getUser({ userName: "alice" });
      expect(await activeClient()).not.toBe(before);
    });
  });

  it("say that a refused key was refused, naming the host", async () => {
    await withStackConfig({ "domino:host": env.url, "domino:apiKey": "not-a-key" }, async () => {
      const err = await getUser({ userName: "alice" }).catch((e: unknown) => e);
      expect(pulumi.RunError.isInstance(err)).toBe(true);
      expect((err as Error).message).toBe(
        `getUser: domino:apiKey was refused by ${env.url} (HTTP 401: Invalid API key or token); ` +
          "check the key, or set domino:authStyle bearer if it is an access token",
      );
      await expect(getOrganization({ name: "admins" })).rejects.toThrow(`getOrganization: domino:apiKey was refused by ${env.url} (HTTP 401`);
    });
  });

  it("pass on a bad setting with its fix", async () => {
    await withStackConfig({ "domino:host": "domino.example.com" }, async () => {
      const err = await getOrganization({ name: "admins" }).catch((e: unknown) => e);
      expect(pulumi.RunError.isInstance(err)).toBe(true);
      expect((err as Error).message).toMatch(/^getOrganization: domino:host must be an absolute URL with its scheme/);
    });
  });
});
