/**
 * OrganizationMember: one user's membership of an organization, with its role.
 *
 * Domino adds members with a PUT; whether a second PUT changes a member's role is not
 * documented, so a role change removes the member and adds them again.
 */
import * as pulumi from "@pulumi/pulumi";
import { DominoApiError, isNotFound } from "../client/errors";
import {
  addOrganizationMember,
  getOrganization,
  OrganizationMemberV1,
  OrganizationRole,
  OrganizationV1,
  removeOrganizationMember,
} from "../client/organizations";
import { plainOutputs } from "../client/outputs";
import { checkInputs, diffInputs, inputsFromOutputs, joinId, outputSlots, Schema, splitId } from "./common";
import { providerShim } from "./shim";

export interface OrganizationMemberArgs {
  /** The organization (`Organization` resource id). Changing it replaces the membership. */
  organizationId: pulumi.Input<string>;
  /** The user to add. Changing it replaces the membership. */
  userId: pulumi.Input<string>;
  /** Member or Admin (case-insensitive). Default Member. Changed in place. */
  organizationRole?: pulumi.Input<string>;
}

export interface OrganizationMemberInputs {
  organizationId: string;
  userId: string;
  organizationRole: OrganizationRole;
}

export type OrganizationMemberOutputs = OrganizationMemberInputs;

const ROLES = ["Member", "Admin"] as const;

export const organizationMemberSchema: Schema = {
  organizationId: { kind: "string", required: true, dominoId: true, onChange: "replace" },
  userId: { kind: "string", required: true, dominoId: true, onChange: "replace" },
  organizationRole: { kind: "string", oneOf: ROLES, default: "Member", onChange: "update" },
};

const ID_PARTS = ["organizationId", "userId"] as const;

function canonicalRole(role: string): OrganizationRole | string {
  return ROLES.find((r) => r.toLowerCase() === role.toLowerCase()) ?? role;
}

function membership(org: OrganizationV1 | undefined, userId: string): OrganizationMemberV1 | undefined {
  // Domino answers with ids in lower case; an id given in another case is the same user.
  return org?.members?.find((m) => m.userId.toLowerCase() === userId.toLowerCase());
}

/**
 * Adds the member. Role casing on requests is not documented (responses say Member and
 * Admin): a 400 about the role gets one retry in lower case.
 */
async function putMember(organizationId: string, userId: string, role: OrganizationRole): Promise<OrganizationV1> {
  try {
    return await addOrganizationMember(organizationId, { userId, organizationRole: role });
  } catch (err) {
    if (err instanceof DominoApiError && err.status === 400 && /role/i.test(err.dominoMessage)) {
      return addOrganizationMember(organizationId, { userId, organizationRole: role.toLowerCase() });
    }
    throw err;
  }
}

async function removeMember(organizationId: string, userId: string): Promise<void> {
  try {
    await removeOrganizationMember(organizationId, userId);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/** Makes the user a member with exactly this role. */
async function setMember(organizationId: string, userId: string, role: OrganizationRole): Promise<OrganizationMemberOutputs> {
  let org = await putMember(organizationId, userId, role);
  let member = membership(org, userId);
  if (member && canonicalRole(member.organizationRole) !== role) {
    // Already a member with another role, which the PUT left alone.
    await removeMember(organizationId, userId);
    org = await putMember(organizationId, userId, role);
    member = membership(org, userId);
  }
  if (!member) {
    throw new Error(`adding user ${userId} to organization ${organizationId} was accepted, but the organization does not list them as a member`);
  }
  return plainOutputs({ organizationId, userId, organizationRole: canonicalRole(member.organizationRole) as OrganizationRole });
}

export const provider = {
  async check(_olds: unknown, news: Record<string, unknown>) {
    return checkInputs<OrganizationMemberInputs>("OrganizationMember", organizationMemberSchema, news);
  },

  async diff(_id: string, olds: OrganizationMemberOutputs, news: OrganizationMemberInputs) {
    return diffInputs(organizationMemberSchema, { ...olds }, { ...news });
  },

  async create(inputs: OrganizationMemberInputs & { __provider?: string }) {
    const outs = await setMember(inputs.organizationId, inputs.userId, inputs.organizationRole);
    return { id: joinId(inputs.organizationId, inputs.userId), outs };
  },

  async read(id: string, _props?: Partial<OrganizationMemberOutputs>) {
    const { organizationId, userId } = splitId("OrganizationMember", id, ID_PARTS);
    let org: OrganizationV1;
    try {
      org = await getOrganization(organizationId);
    } catch (err) {
      if (isNotFound(err)) return { id: "" };
      throw err;
    }
    const member = membership(org, userId);
    if (!member) return { id: "" };
    const outs = plainOutputs({ organizationId, userId, organizationRole: canonicalRole(member.organizationRole) as OrganizationRole });
    return { id, props: outs, inputs: inputsFromOutputs<OrganizationMemberInputs>(organizationMemberSchema, { ...outs }) };
  },

  /** A role change: remove, then add with the new role. */
  async update(_id: string, olds: OrganizationMemberOutputs, news: OrganizationMemberInputs) {
    await removeMember(olds.organizationId, olds.userId);
    return { outs: await setMember(olds.organizationId, olds.userId, news.organizationRole) };
  },

  async delete(id: string, props: OrganizationMemberOutputs) {
    const { organizationId, userId } = props.userId ? props : splitId("OrganizationMember", id, ID_PARTS);
    await removeMember(organizationId, userId);
  },
};

const OUTPUTS = ["organizationId", "userId", "organizationRole"] as const;

/**
 * A user's membership of a Domino organization. Import id: `<organizationId>/<userId>`.
 *
 * - A role change removes the member and adds them back with the new role (Domino has no
 *   documented role update), so for a moment the user is not a member.
 * - Changing `organizationId` or `userId` replaces the membership.
 * - Destroying it removes the user from the organization.
 */
export class OrganizationMember extends pulumi.dynamic.Resource {
  declare readonly organizationId: pulumi.Output<string>;
  declare readonly userId: pulumi.Output<string>;
  declare readonly organizationRole: pulumi.Output<string>;

  constructor(name: string, args: OrganizationMemberArgs, opts?: pulumi.CustomResourceOptions) {
    super(providerShim("organization-member"), name, { ...outputSlots(OUTPUTS), ...args }, opts, "domino", "OrganizationMember");
  }

  /** Looks up an existing membership by its id, `<organizationId>/<userId>`. */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): OrganizationMember {
    return new OrganizationMember(name, {} as OrganizationMemberArgs, { ...opts, id });
  }
}
