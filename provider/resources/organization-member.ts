/**
 * OrganizationMember: one user's membership of an organization, with its role.
 *
 * Domino adds members with a PUT; whether a second PUT changes a member's role is not
 * documented, so a role change removes the member and adds them again.
 */
import { DominoClient } from "../client/client";
import { DominoApiError, isNotFound, unlessNotFound } from "../client/errors";
import { OrganizationMemberV1, OrganizationV1 } from "../client/organizations";
import type { OrganizationRole } from "../kit/enums";
import { compositeId, joinId, sameId } from "../kit/ids";
import { defineProvider } from "../kit/lifecycle";
import { canonicalRole, membershipOf, ORGANIZATION_ROLES } from "../kit/organizations";
import { Candidates, createOnce, locateWith } from "../kit/recovery";
import { Args, resourceClass, ResourceArgs } from "../kit/resource";
import { REPLACING_ID, SchemaFor } from "../kit/schema";

export interface OrganizationMemberInputs {
  /** The organization (`Organization` resource id). Changing it replaces the membership. */
  organizationId: string;
  /** The user to add. Changing it replaces the membership. */
  userId: string;
  /** Member or Admin (case-insensitive at run time). Default Member. Changed in place (remove, then add). */
  organizationRole?: OrganizationRole;
}

/** Nothing is computed: a membership is its inputs. */
export interface OrganizationMemberComputed {}

export const organizationMemberSchema: SchemaFor<OrganizationMemberInputs> = {
  organizationId: REPLACING_ID,
  userId: REPLACING_ID,
  organizationRole: { kind: "string", oneOf: ORGANIZATION_ROLES, default: "Member", onChange: "update" },
};

type CheckedOrganizationMember = Required<OrganizationMemberInputs>;
export type OrganizationMemberOutputs = CheckedOrganizationMember & OrganizationMemberComputed;
export type OrganizationMemberArgs = ResourceArgs<OrganizationMemberInputs>;
export type OrganizationMemberState = Partial<Args<OrganizationMemberOutputs>>;

const ids = compositeId("OrganizationMember", "organizationId", "userId");

function toOutputs(organizationId: string, userId: string, member: OrganizationMemberV1): OrganizationMemberOutputs {
  return { organizationId, userId, organizationRole: canonicalRole(member.organizationRole) };
}

/** The organization's members; a 404 means it does not exist or the caller cannot see it. */
async function membersOf(client: DominoClient, organizationId: string): Promise<OrganizationMemberV1[]> {
  try {
    return (await client.organizations.getOrganization(organizationId)).members ?? [];
  } catch (err) {
    if (!isNotFound(err)) throw err;
    throw new Error(
      `organization ${organizationId} does not exist in Domino, or the API key's user can neither see it (as a member) nor administer Domino: ` +
        "check organizationId",
    );
  }
}

/**
 * Adds the member. Role casing on requests is not documented (responses say Member and
 * Admin): a 400 about the role gets one retry in lower case.
 */
async function putMember(client: DominoClient, organizationId: string, userId: string, role: string): Promise<OrganizationV1> {
  try {
    return await client.organizations.addOrganizationMember(organizationId, { userId, organizationRole: role });
  } catch (err) {
    if (err instanceof DominoApiError && err.status === 400 && /role/i.test(err.dominoMessage)) {
      return client.organizations.addOrganizationMember(organizationId, { userId, organizationRole: role.toLowerCase() });
    }
    throw err;
  }
}

/** Adds the user with this role; the membership the organization lists afterwards. */
async function addMember(client: DominoClient, organizationId: string, userId: string, role: string): Promise<OrganizationMemberV1> {
  const member = membershipOf(await putMember(client, organizationId, userId, role), userId);
  if (!member) {
    throw new Error(`adding user ${userId} to organization ${organizationId} was accepted, but the organization does not list them as a member`);
  }
  return member;
}

/**
 * A user is a member of an organization at most once: the user is the natural key. The
 * PUT is idempotent (the request core repeats it when needed), so the first list is there
 * to refuse a membership that exists already, instead of silently taking it.
 */
function candidates(client: DominoClient, inputs: CheckedOrganizationMember): Candidates<OrganizationMemberV1> {
  const { organizationId, userId, organizationRole } = inputs;
  const id = joinId(organizationId, userId);
  return {
    what: `user ${userId}'s membership of organization ${organizationId}`,
    kind: "organization-member",
    settings: client.settings,
    list: () => membersOf(client, organizationId),
    idOf: (m) => joinId(organizationId, m.userId),
    matches: (m) => sameId(m.userId, userId) && canonicalRole(m.organizationRole) === canonicalRole(organizationRole),
    sameKey: (m) => sameId(m.userId, userId),
    takenHint: `adopt it with \`adoptId\` (id ${id}), or remove the user from the organization first`,
  };
}

export const provider = defineProvider<CheckedOrganizationMember, OrganizationMemberOutputs>({
  kind: "OrganizationMember",
  schema: organizationMemberSchema,
  computed: {},
  describe: (m) => `user ${m.userId} in organization ${m.organizationId}`,
  adoption: { key: ["organizationId", "userId"], id: ids },

  async create({ client }, inputs) {
    const { organizationId, userId, organizationRole } = inputs;
    const member = await createOnce<OrganizationMemberV1>({
      ...candidates(client, inputs),
      send: () => addMember(client, organizationId, userId, organizationRole),
    });
    return { id: joinId(organizationId, userId), outs: toOutputs(organizationId, userId, member) };
  },

  async read({ client }, id) {
    const { organizationId, userId } = ids.split(id);
    // An organization that is gone (404) takes its members with it.
    const member = membershipOf(await client.organizations.getOrganization(organizationId), userId);
    return member && toOutputs(organizationId, userId, member);
  },

  /** A role change: remove, then add with the new role (a second PUT is not documented to change it). */
  async update({ client }, _id, olds, news) {
    // Already removed out of band (a 404): adding is all that is left.
    await unlessNotFound(() => client.organizations.removeOrganizationMember(olds.organizationId, olds.userId));
    return toOutputs(olds.organizationId, olds.userId, await addMember(client, olds.organizationId, olds.userId, news.organizationRole));
  },

  async delete({ client }, id, props) {
    const { organizationId, userId } = ids.of(id, props);
    await client.organizations.removeOrganizationMember(organizationId, userId);
  },

  locate: async ({ client }, inputs) => locateWith(candidates(client, inputs), (m) => joinId(inputs.organizationId, m.userId)),
});

/**
 * A user's membership of a Domino organization. Id for `get`: `<organizationId>/<userId>`.
 *
 * - A user who is already a member is refused at create: adopt the membership with
 *   `adoptId` instead.
 * - A role change removes the member and adds them back with the new role (Domino has no
 *   documented role update), so for a moment the user is not a member.
 * - Changing `organizationId` or `userId` replaces the membership.
 * - Destroying it removes the user from the organization.
 */
export class OrganizationMember extends resourceClass<OrganizationMemberArgs, OrganizationMemberOutputs>("organization-member", provider) {}
