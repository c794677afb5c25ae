/**
 * Typed calls for organizations and their members. Nothing but the calls: no decisions.
 *
 * An organization's id is its id in the users collection (`OrganizationV1.id`); every
 * `organizationId` path parameter takes that id.
 */
import { callFor, RequestCore, seg } from "./http";
import { listPage, Page } from "./pagination";

export type OrganizationRole = "Member" | "Admin";

export interface OrganizationMemberV1 {
  userId: string;
  /** Member or Admin (any casing on the wire). */
  organizationRole: string;
}

export interface OrganizationV1 {
  id: string;
  name: string;
  defaultEnvironmentId?: string;
  members: OrganizationMemberV1[];
}

const ORGANIZATIONS = "/api/organizations/v1/organizations";
const organizationPath = (id: string) => `${ORGANIZATIONS}/${seg(id)}`;

export async function createOrganization(core: RequestCore, name: string): Promise<OrganizationV1> {
  return callFor(core, "org", { operation: "create organization", method: "POST", path: ORGANIZATIONS, body: { name, members: [] } });
}

export async function getOrganization(core: RequestCore, organizationId: string): Promise<OrganizationV1> {
  return callFor(core, "org", { operation: "read organization", method: "GET", path: organizationPath(organizationId) });
}

type OrganizationsPage = Page<OrganizationV1>;

/** One page of the organizations the caller belongs to, optionally only those with this exact name. */
export async function listOrganizationsPage(core: RequestCore, offset: number, limit: number, nameFilter?: string): Promise<OrganizationsPage> {
  return listPage(core, "orgs", { operation: "list organizations", path: ORGANIZATIONS, query: { nameFilter } }, offset, limit);
}

/** One page of every organization (administrators only). */
export async function listAllOrganizationsPage(core: RequestCore, offset: number, limit: number, nameFilter?: string): Promise<OrganizationsPage> {
  const call = { operation: "list all organizations", path: `${ORGANIZATIONS}/all`, query: { nameFilter } };
  return listPage(core, "orgs", call, offset, limit);
}

/** Adds a member (PUT: repeating it is harmless). Answers with the organization after the change. */
export async function addOrganizationMember(core: RequestCore, organizationId: string, member: OrganizationMemberV1): Promise<OrganizationV1> {
  const path = `${organizationPath(organizationId)}/user`;
  return callFor(core, "org", { operation: "add organization member", method: "PUT", path, body: member });
}

export async function removeOrganizationMember(core: RequestCore, organizationId: string, userId: string): Promise<OrganizationV1> {
  const path = `${organizationPath(organizationId)}/user`;
  return callFor(core, "org", { operation: "remove organization member", method: "DELETE", path, query: { memberToRemoveId: userId } });
}

/** The calls of this area, for `DominoClient`. */
export const organizationsCalls = { createOrganization, getOrganization, listOrganizationsPage, listAllOrganizationsPage, addOrganizationMember, removeOrganizationMember };
