import { DominoApiError } from "../../provider/client/errors";
import { activeClient } from "../../provider/config";
import { UNKNOWN } from "../../provider/kit/schema";
import * as pulumi from "@pulumi/pulumi";
import { OrganizationMemberInputs, OrganizationMemberOutputs, provider as declared } from "../../provider/resources/organization-member";
import { EmulatorFixture, useEmulator } from "../helpers/emulator";

type CheckedMember = Required<OrganizationMemberInputs>;

/** The provider as the kit builds it: every call defined, and create's and update's outputs always set. */
interface Engine<I, O> {
  check(olds: I, news: I): Promise<pulumi.dynamic.CheckResult<I>>;
  diff(id: string, olds: O, news: I): Promise<pulumi.dynamic.DiffResult>;
  create(inputs: I & { __provider?: string }): Promise<{ id: string; outs: O }>;
  read(id: string, props?: O): Promise<pulumi.dynamic.ReadResult<O>>;
  update(id: string, olds: O, news: I): Promise<{ outs: O }>;
  delete(id: string, props: O): Promise<void>;
}

const provider = declared as Engine<CheckedMember, OrganizationMemberOutputs>;

const ORG = "65f0c0000000000000000001";
const ALICE = "65f0a0000000000000000002";
const BOB = "65f0a0000000000000000003";
const MEMBER = "/api/organizations/v1/organizations/{organizationId}/user";
const ORG_GET = "GET /api/organizations/v1/organizations/{organizationId}";

async function check(news: Record<string, unknown>) {
  return provider.check({} as CheckedMember, news as CheckedMember);
}

async function checked(news: Record<string, unknown>): Promise<CheckedMember> {
  const result = await check(news);
  expect(result.failures).toEqual([]);
  return result.inputs as CheckedMember;
}

/** An organization made out of band (by the administrator unless `members` says otherwise). */
async function makeOrg(env: EmulatorFixture, name: string, members: { userId: string; organizationRole: string }[] = []): Promise<string> {
  return (await env.api<{ org: { id: string } }>("POST", "/api/organizations/v1/organizations", { name, members })).body.org.id;
}

async function membersOf(env: EmulatorFixture, orgId: string): Promise<{ userId: string; organizationRole: string }[]> {
  return (await env.api<{ org: { members: { userId: string; organizationRole: string }[] } }>("GET", `/api/organizations/v1/organizations/${orgId}`)).body.org
    .members;
}

describe("OrganizationMember check and diff", () => {
  it("fills the default role, canonicalises casing, and names the field and the rule", async () => {
    expect(await checked({ organizationId: ORG, userId: ALICE })).toEqual({ organizationId: ORG, userId: ALICE, organizationRole: "Member" });
    expect((await checked({ organizationId: ORG, userId: ALICE, organizationRole: "ADMIN" })).organizationRole).toBe("Admin");
    const result = await check({ organizationId: ORG, userId: "alice", organizationRole: "Owner" });
    expect(result.failures?.map((f) => f.reason)).toEqual([
      'OrganizationMember.userId must be a Domino id (24 hexadecimal characters), got "alice"',
      'OrganizationMember.organizationRole must be one of Member, Admin (case-insensitive), got "Owner"',
    ]);
    expect((await check({ organizationId: UNKNOWN, userId: UNKNOWN, organizationRole: UNKNOWN })).failures).toEqual([]);
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

  it("adds with a look and one call, changes the role with two, reads with one, removes with one", async () => {
    const orgId = await makeOrg(env, "team");
    const inputs = await checked({ organizationId: orgId, userId: ALICE });
    await env.resetRequestCounts();
    const { id, outs } = await provider.create(inputs);
    // The members are read first: an existing membership is refused, not taken.
    expect(await env.requestCounts()).toEqual({ total: 2, byRoute: { [ORG_GET]: 1, [`PUT ${MEMBER}`]: 1 } });
    expect(id).toBe(`${orgId}/${ALICE}`);
    expect(outs).toEqual(inputs);

    await env.resetRequestCounts();
    const { outs: promoted } = await provider.update(id, outs, { ...inputs, organizationRole: "Admin" });
    expect(await env.requestCounts()).toEqual({ total: 2, byRoute: { [`DELETE ${MEMBER}`]: 1, [`PUT ${MEMBER}`]: 1 } });
    expect(promoted).toEqual({ ...inputs, organizationRole: "Admin" });
    expect(await membersOf(env, orgId)).toContainEqual({ userId: ALICE, organizationRole: "Admin" });

    await env.resetRequestCounts();
    expect(await provider.read(id)).toEqual({ id, props: promoted, inputs: promoted });
    expect(await env.requestCounts()).toEqual({ total: 1, byRoute: { [ORG_GET]: 1 } });

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

  it("refuses a user who is already a member, before sending anything", async () => {
    const orgId = await makeOrg(env, "existing");
    await env.api("PUT", `/api/organizations/v1/organizations/${orgId}/user`, { userId: ALICE, organizationRole: "Admin" });
    await env.resetRequestCounts();
    await expect(provider.create(await checked({ organizationId: orgId, userId: ALICE, organizationRole: "member" }))).rejects.toThrow(
      `OrganizationMember create: user ${ALICE}'s membership of organization ${orgId} already exists in Domino (id ${orgId}/${ALICE}); ` +
        `adopt it with \`adoptId\` (id ${orgId}/${ALICE}), or remove the user from the organization first`,
    );
    expect(await env.requestCounts()).toEqual({ total: 1, byRoute: { [ORG_GET]: 1 } });
    expect(await membersOf(env, orgId)).toContainEqual({ userId: ALICE, organizationRole: "Admin" });
  });

  it("says when the organization does not exist or cannot be seen", async () => {
    await expect(provider.create(await checked({ organizationId: "65f0c00000000000000000ff", userId: ALICE }))).rejects.toThrow(
      "OrganizationMember create: organization 65f0c00000000000000000ff does not exist in Domino, or the API key's user can neither see it",
    );
  });

  it("makes one membership when the first PUT's answer is lost", async () => {
    const orgId = await makeOrg(env, "lost");
    // Committed, then the connection is dropped: the request core repeats the PUT, which is harmless.
    await env.api("POST", "/__emulator/faults/rules", { method: "PUT", route: MEMBER, when: "after", action: "drop" });
    await env.resetRequestCounts();
    const { outs } = await provider.create(await checked({ organizationId: orgId, userId: ALICE, organizationRole: "Admin" }));
    expect(outs.organizationRole).toBe("Admin");
    expect((await env.requestCounts()).byRoute).toEqual({ [ORG_GET]: 1, [`PUT ${MEMBER}`]: 2 });
    expect((await membersOf(env, orgId)).filter((m) => m.userId === ALICE)).toEqual([{ userId: ALICE, organizationRole: "Admin" }]);
  });

  it("locates what an interrupted create made: the user with the requested role", async () => {
    const orgId = await makeOrg(env, "found");
    const inputs = await checked({ organizationId: orgId, userId: ALICE, organizationRole: "Admin" });
    expect(await declared.locate(inputs)).toEqual([]);
    await env.api("PUT", `/api/organizations/v1/organizations/${orgId}/user`, { userId: ALICE, organizationRole: "Member" });
    expect(await declared.locate(inputs)).toEqual([]);
    await env.api("PUT", `/api/organizations/v1/organizations/${orgId}/user`, { userId: ALICE, organizationRole: "Admin" });
    expect(await declared.locate(inputs)).toEqual([{ id: `${orgId}/${ALICE}`, outs: inputs }]);
  });

  it("adds the member again when it was removed out of band before a role change", async () => {
    const orgId = await makeOrg(env, "gone");
    const { id, outs } = await provider.create(await checked({ organizationId: orgId, userId: ALICE }));
    await env.api("DELETE", `/api/organizations/v1/organizations/${orgId}/user?memberToRemoveId=${ALICE}`);
    const { outs: promoted } = await provider.update(id, outs, { ...outs, organizationRole: "Admin" });
    expect(promoted.organizationRole).toBe("Admin");
    expect(await membersOf(env, orgId)).toContainEqual({ userId: ALICE, organizationRole: "Admin" });
  });

  it("reports Domino's refusal with its words", async () => {
    // Bob may see the organization (he is a member) but not change its members.
    const orgId = await makeOrg(env, "closed", [{ userId: BOB, organizationRole: "Member" }]);
    env.actAs("bob");
    await expect(provider.create(await checked({ organizationId: orgId, userId: ALICE }))).rejects.toThrow(
      /^OrganizationMember create: add organization member failed: PUT \/api\/organizations\/v1\/organizations\/[0-9a-f]{24}\/user answered HTTP 403: .*EditMembers/,
    );
  });

  it("retries a role the server refuses in PascalCase in lower case", async () => {
    const orgId = await makeOrg(env, "casing");
    // No server known to this emulator refuses a role's casing, so the refusal is staged
    // on the client the provider uses.
    const calls = (await activeClient()).organizations;
    const real = calls.addOrganizationMember;
    const spy = jest.spyOn(calls, "addOrganizationMember").mockImplementationOnce(async () => {
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
