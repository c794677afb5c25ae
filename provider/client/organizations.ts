/**
 * Typed calls for organizations and their members. Nothing but the calls: no decisions.
 *
 * An organization's id is its id in the users collection (`OrganizationV1.id`); every
 * `organizationId` path parameter takes that id.
 */
import { RequestCore, seg } from "./http";
import { Page, PageMetadata } from "./pagination";

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

export async function createOrganization(
  core: RequestCore,
  name: string,
): Promise<OrganizationV1> {
  const res = await core.call<{ org: OrganizationV1 }>({
    operation: "create organization",
    method: "POST",
    path: ORGANIZATIONS,
    body: { name, members: [] },
  });
  return res.org;
}

export async function getOrganization(core: RequestCore, organizationId: string): Promise<OrganizationV1> {
  const res = await core.call<{ org: OrganizationV1 }>({
    operation: "read organization",
    method: "GET",
    path: organizationPath(organizationId),
  });
  return res.org;
}

/** One page of the organizations the caller belongs to, optionally only those with this exact name. */
export async function listOrganizationsPage(
  core: RequestCore,
  offset: number,
  limit: number,
  nameFilter?: string,
): Promise<Page<OrganizationV1>> {
  const res = await core.call<{ orgs: OrganizationV1[]; metadata?: PageMetadata }>({
    operation: "list organizations",
    method: "GET",
    path: ORGANIZATIONS,
    query: { nameFilter, offset, limit },
  });
  return { items: res.orgs ?? [], metadata: res.metadata };
}

/** One page of every organization (administrators only). */
export async function listAllOrganizationsPage(
  core: RequestCore,
  offset: number,
  limit: number,
  nameFilter?: string,
): Promise<Page<OrganizationV1>> {
  const res = await core.call<{ orgs: OrganizationV1[]; metadata?: PageMetadata }>({
    operation: "list all organizations",
    method: "GET",
    path: `${ORGANIZATIONS}/all`,
    query: { nameFilter, offset, limit },
  });
  return { items: res.orgs ?? [], metadata: res.metadata };
}

/** Adds a member (PUT: repeating it is harmless). Answers with the organization after the change. */
export async function addOrganizationMember(core: RequestCore, organizationId: string, member: OrganizationMemberV1): Promise<OrganizationV1> {
  const res = await core.call<{ org: OrganizationV1 }>({
    operation: "add organization member",
    method: "PUT",
    path: `${organizationPath(organizationId)}/user`,
    body: member,
  });
  return res.org;
}

export async function removeOrganizationMember(core: RequestCore, organizationId: string, userId: string): Promise<OrganizationV1> {
  const res = await core.call<{ org: OrganizationV1 }>({
    operation: "remove organization member",
    method: "DELETE",
    path: `${organizationPath(organizationId)}/user`,
    query: { memberToRemoveId: userId },
  });
  return res.org;
}

/** The calls of this area, for `DominoClient`. */
export const organizationsCalls = { createOrganization, getOrganization, listOrganizationsPage, listAllOrganizationsPage, addOrganizationMember, removeOrganizationMember };
