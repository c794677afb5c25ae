import * as organizationsClient from "../../provider/client/organizations";
import { DominoApiError } from "../../provider/client/errors";
import { UNKNOWN } from "../../provider/resources/common";
import { OrganizationMemberInputs, OrganizationMemberOutputs, provider } from "../../provider/resources/organization-member";
import { EmulatorFixture, useEmulator } from "../helpers/emulator";

const ORG = "65f0c0000000000000000001";
const ALICE = "65f0a0000000000000000002";
const BOB = "65f0a0000000000000000003";
const MEMBER = "/api/organizations/v1/organizations/{organizationId}/user";

async function checked(news: Record<string, unknown>): Promise<OrganizationMemberInputs> {
  const result = await provider.check({}, news);
  expect(result.failures).toEqual([]);
  return result.inputs as OrganizationMemberInputs;
}

async function makeOrg(env: EmulatorFixture, name: string): Promise<string> {
  return (await env.api<{ org: { id: string } }>("POST", "/api/organizations/v1/organizations", { name, members: [] })).body.org.id;
}

async function membersOf(env: EmulatorFixture, orgId: string): Promise<{ userId: string; organizationRole: string }[]> {
  return (await env.api<{ org: { members: { userId: string; organizationRole: string }[] } }>("GET", `/api/organizations/v1/organizations/${orgId}`)).body.org
    .members;
}

describe("OrganizationMember check and diff", () => {
  it("fills the default role, canonicalises casing, and names the field and the rule", async () => {
    expect(await checked({ organizationId: ORG, userId: ALICE })).toEqual({ organizationId: ORG, userId: ALICE, organizationRole: "Member" });
    expect((await checked({ organizationId: ORG, userId: ALICE, organizationRole: "ADMIN" })).organizationRole).toBe("Admin");
    const result = await provider.check({}, { organizationId: ORG, userId: "alice", organizationRole: "Owner" });
    expect(result.failures?.map((f) => f.reason)).toEqual([
      'OrganizationMember.userId must be a Domino id (24 hexadecimal characters), got "alice"',
      'OrganizationMember.organizationRole must be one of Member, Admin (case-insensitive), got "Owner"',
    ]);
    expect((await provider.check({}, { organizationId: UNKNOWN, userId: UNKNOWN, organizationRole: UNKNOWN })).failures).toEqual([]);
  });

  it("changes the role in place and replaces for another user or organization", async () => {
    const olds: OrganizationMemberOutputs = { organizationId: ORG, userId: ALICE, organizationRole: "Member" };
    expect(await provider.diff("", olds, { ...olds })).toEqual({ changes: false });
    expect(await provider.diff("", olds, { ...olds, organizationRole: "Admin" })).toEqual({ changes: true });
    expect(await provider.diff("", olds, { ...olds, userId: BOB })).toEqual({ changes: true, replaces: ["userId"] });
    expect(await provider.diff("", olds, { ...olds, organizationId: UNKNOWN })).toEqual({ changes: true, replaces: ["organizationId"] });
  });
});

describe.each(["6.3", "5.3"] as const)("OrganizationMember against Domino %s", (dominoVersion) => {
  const env = useEmulator({ dominoVersion });

  it("adds with one call, changes the role with two, reads with one, removes with one", async () => {
    const orgId = await makeOrg(env, "team");
    const inputs = await checked({ organizationId: orgId, userId: ALICE });
    await env.resetRequestCounts();
    const { id, outs } = await provider.create(inputs);
    expect(await env.requestCounts()).toEqual({ total: 1, byRoute: { [`PUT ${MEMBER}`]: 1 } });
    expect(id).toBe(`${orgId}/${ALICE}`);
    expect(outs).toEqual(inputs);

    await env.resetRequestCounts();
    const { outs: promoted } = await provider.update(id, outs, { ...inputs, organizationRole: "Admin" });
    expect(await env.requestCounts()).toEqual({ total: 2, byRoute: { [`DELETE ${MEMBER}`]: 1, [`PUT ${MEMBER}`]: 1 } });
    expect(promoted).toEqual({ ...inputs, organizationRole: "Admin" });
    expect(await membersOf(env, orgId)).toContainEqual({ userId: ALICE, organizationRole: "Admin" });

    await env.resetRequestCounts();
    expect(await provider.read(id)).toEqual({ id, props: promoted, inputs: promoted });
    expect(await env.requestCounts()).toEqual({ total: 1, byRoute: { "GET /api/organizations/v1/organizations/{organizationId}": 1 } });

    await env.resetRequestCounts();
    await provider.delete(id, promoted);
    expect(await env.requestCounts()).toEqual({ total: 1, byRoute: { [`DELETE ${MEMBER}`]: 1 } });
    expect((await membersOf(env, orgId)).map((m) => m.userId)).not.toContain(ALICE);
    await expect(provider.delete(id, promoted)).resolves.toBeUndefined();
  });

  it("refresh follows an out-of-band role change and removal, and an unknown organization", async () => {
    const orgId = await makeOrg(env, "drift");
    const { id, outs } = await provider.create(await checked({ organizationId: orgId, userId: BOB }));
    await env.api("PUT", `/api/organizations/v1/organizations/${orgId}/user`, { userId: BOB, organizationRole: "Admin" });
    const read = await provider.read(id, outs);
    expect(read.props).toEqual({ ...outs, organizationRole: "Admin" });
    expect(await provider.diff(id, read.props as OrganizationMemberOutputs, outs)).toEqual({ changes: true });

    await env.api("DELETE", `/api/organizations/v1/organizations/${orgId}/user?memberToRemoveId=${BOB}`);
    expect(await provider.read(id, outs)).toEqual({ id: "" });
    expect(await provider.read(`65f0c00000000000000000ff/${BOB}`, outs)).toEqual({ id: "" });
  });

  it("finds a member whose ids were given in upper case", async () => {
    const orgId = await makeOrg(env, "upper");
    const { id, outs } = await provider.create({ organizationId: orgId.toUpperCase(), userId: BOB.toUpperCase(), organizationRole: "Member" });
    expect(outs.organizationRole).toBe("Member");
    expect(await provider.read(id, outs)).toMatchObject({ id, props: { organizationRole: "Member" } });
    expect(await provider.diff(id, outs, await checked({ organizationId: orgId, userId: BOB }))).toEqual({ changes: false });
  });

  it("takes an existing member to the asked role", async () => {
    const orgId = await makeOrg(env, "existing");
    await env.api("PUT", `/api/organizations/v1/organizations/${orgId}/user`, { userId: ALICE, organizationRole: "Admin" });
    const { outs } = await provider.create(await checked({ organizationId: orgId, userId: ALICE, organizationRole: "member" }));
    expect(outs.organizationRole).toBe("Member");
    expect(await membersOf(env, orgId)).toContainEqual({ userId: ALICE, organizationRole: "Member" });
  });

  it("removes and adds again when a server's PUT leaves an existing member's role alone", async () => {
    const orgId = await makeOrg(env, "sticky");
    await env.api("PUT", `/api/organizations/v1/organizations/${orgId}/user`, { userId: ALICE, organizationRole: "Admin" });
    const spy = jest.spyOn(organizationsClient, "addOrganizationMember").mockImplementationOnce(async (org) => organizationsClient.getOrganization(org));
    await env.resetRequestCounts();
    try {
      const { outs } = await provider.create(await checked({ organizationId: orgId, userId: ALICE }));
      expect(outs.organizationRole).toBe("Member");
    } finally {
      spy.mockRestore();
    }
    expect((await env.requestCounts()).byRoute).toEqual({
      "GET /api/organizations/v1/organizations/{organizationId}": 1,
      [`DELETE ${MEMBER}`]: 1,
      [`PUT ${MEMBER}`]: 1,
    });
    expect(await membersOf(env, orgId)).toContainEqual({ userId: ALICE, organizationRole: "Member" });
  });

  it("reports Domino's refusal with its words", async () => {
    const orgId = await makeOrg(env, "closed");
    env.actAs("bob");
    await expect(provider.create(await checked({ organizationId: orgId, userId: BOB }))).rejects.toThrow(
      /add organization member failed: PUT \/api\/organizations\/v1\/organizations\/[0-9a-f]{24}\/user answered HTTP 403: .*EditMembers/,
    );
  });

  it("retries a role the server refuses in PascalCase in lower case", async () => {
    const orgId = await makeOrg(env, "casing");
    const real = organizationsClient.addOrganizationMember;
    const spy = jest.spyOn(organizationsClient, "addOrganizationMember").mockImplementationOnce(async () => {
      throw new DominoApiError({ operation: "add organization member", method: "PUT", path: "/x", status: 400, dominoMessage: "invalid organizationRole" });
    });
    spy.mockImplementation(async (org, member) => real(org, { ...member, organizationRole: member.organizationRole === "member" ? "Member" : member.organizationRole }));
    try {
      const { outs } = await provider.create(await checked({ organizationId: orgId, userId: ALICE }));
      expect(outs.organizationRole).toBe("Member");
      expect(spy.mock.calls.map((c) => c[1].organizationRole)).toEqual(["Member", "member"]);
    } finally {
      spy.mockRestore();
    }
  });
});
