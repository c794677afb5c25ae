/**
 * What the Organization and OrganizationMember resources and the getOrganization lookup
 * share: finding organizations by name, and members and their roles as Domino reports them.
 */
import { DominoClient } from "../client/client";
import { OrganizationMemberV1, OrganizationV1 } from "../client/organizations";
import { collectPages } from "../client/pagination";
import { enumValues, OrganizationRole } from "./enums";
import { sameId } from "./ids";

/** The roles a member may have, in the spelling Domino answers with. */
export const ORGANIZATION_ROLES: readonly OrganizationRole[] = enumValues(OrganizationRole);

/**
 * A role in its canonical spelling. Domino's casing of roles is not settled (responses
 * say Member and Admin, the published enum says member and admin), so any casing is the
 * same role; a role this provider does not know is kept as Domino said it.
 */
export function canonicalRole(role: string): OrganizationRole {
  return ORGANIZATION_ROLES.find((r) => r.toLowerCase() === role.toLowerCase()) ?? (role as OrganizationRole);
}

/** The user's membership of `org`, if any (ids compared case-insensitively). */
export function membershipOf(org: OrganizationV1 | undefined, userId: string): OrganizationMemberV1 | undefined {
  return org?.members?.find((m) => sameId(m.userId, userId));
}

/**
 * The organizations named exactly `name`: among the caller's own ("mine"), or among every
 * organization ("all", administrators only; anyone else is answered 403).
 */
export async function organizationsNamed(client: DominoClient, name: string, among: "mine" | "all" = "mine"): Promise<OrganizationV1[]> {
  const list = among === "mine" ? client.organizations.listOrganizationsPage : client.organizations.listAllOrganizationsPage;
  const orgs = await collectPages((offset, limit) => list(offset, limit, name));
  // The filter is documented as exact; matching here too guards against a looser server.
  return orgs.filter((o) => o.name === name);
}
