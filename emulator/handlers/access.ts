/**
 * Lookups that answer 404 the way Domino does, and the permission model.
 *
 * Permissions follow Domino's role table, reduced to what the contract names:
 * - Project: admins and the owner may do everything (ManageCollaborators, ArchiveProject,
 *   ChangeProjectSettings); collaborators with role `contributor` (directly or through an
 *   organization) may Edit (goals, status, linking datasets, creating datasets); any other
 *   collaborator role, and everyone for Public and Searchable projects, may read (ListProject).
 * - Dataset: admins, the project owner and DatasetRwOwner grantees own it; project
 *   contributors and DatasetRwEditor grantees edit; project readers and DatasetRwReader
 *   grantees read.
 * - Environment: Global ones are readable by all; Private ones by their owner; Organization
 *   ones by the organization's members. Admins, the owner and the organization's Admin
 *   members manage them.
 * Visibility is checked before anything else, existence of children next, permission last:
 * - an object the caller may not see (access "none") answers exactly like an unknown id, 404
 *   "<Kind> <id> not found", so ids of other people's private objects cannot be probed
 *   (Domino hides them the same way);
 * - an object the caller sees but may not change answers 403 "... does not have permission".
 * Handlers load what the caller addresses with loadVisible*; require*Access then only has to
 * tell read from write, but it also answers 404 for "none" in case a handler loaded an
 * object without the visibility check.
 */
import { forbidden, notFound } from "../errors";
import type {
  DatasetRecord,
  DatasetRole,
  EnvironmentRecord,
  OrganizationRecord,
  OrganizationRole,
  ProjectRecord,
  Store,
  UserRecord,
} from "../store";
import { HandlerContext, requireId } from "./context";

export function organizationRole(org: OrganizationRecord, userId: string): OrganizationRole | undefined {
  return org.members.find((m) => m.userId === userId)?.organizationRole;
}

/** Ids of the organizations the user belongs to. */
export function organizationIdsOf(store: Store, userId: string): Set<string> {
  const ids = new Set<string>();
  for (const org of store.organizations.values()) {
    if (organizationRole(org, userId)) ids.add(org.id);
  }
  return ids;
}

export type Principal = { kind: "user"; user: UserRecord } | { kind: "organization"; org: OrganizationRecord };

/** A user or an organization (organizations live in Domino's users collection). */
export function findPrincipal(store: Store, id: string): Principal | undefined {
  const user = store.users.get(id);
  if (user) return { kind: "user", user };
  const org = store.organizations.get(id);
  if (org) return { kind: "organization", org };
  return undefined;
}

export function requireUser(ctx: HandlerContext, rawId: unknown): UserRecord {
  const id = requireId(rawId);
  const user = ctx.store.users.get(id);
  if (!user) throw notFound(`User ${id} not found`);
  return user;
}

// ------------------------------------------------------------------ projects

export type ProjectAccess = "none" | "read" | "edit" | "manage";
const PROJECT_ACCESS_ORDER: readonly ProjectAccess[] = ["none", "read", "edit", "manage"];

function atLeast<T>(order: readonly T[], have: T, need: T): boolean {
  return order.indexOf(have) >= order.indexOf(need);
}

export function projectAccess(
  store: Store,
  project: ProjectRecord,
  user: UserRecord,
  userOrgIds: Set<string> = organizationIdsOf(store, user.id),
): ProjectAccess {
  if (user.isAdmin || project.ownerId === user.id) return "manage";
  let access: ProjectAccess = project.visibility === "Private" ? "none" : "read";
  for (const c of project.collaborators) {
    if (c.id !== user.id && !userOrgIds.has(c.id)) continue;
    const granted: ProjectAccess = c.role === "contributor" ? "edit" : "read";
    if (atLeast(PROJECT_ACCESS_ORDER, granted, access)) access = granted;
  }
  return access;
}

export const projectNotFound = (id: string) => notFound(`Project ${id} not found`);

/**
 * Existence only (archived projects and everything reached through them answer 404), for
 * projects the caller reaches through another object rather than addresses.
 */
export function loadProject(ctx: HandlerContext, rawId: unknown): ProjectRecord {
  const id = requireId(rawId);
  const project = ctx.store.projects.get(id);
  if (!project || project.archivedAt !== undefined) throw projectNotFound(id);
  return project;
}

/** A project the caller addresses: unknown and invisible both answer 404. */
export function loadVisibleProject(ctx: HandlerContext, rawId: unknown): ProjectRecord {
  const project = loadProject(ctx, rawId);
  if (projectAccess(ctx.store, project, ctx.caller) === "none") throw projectNotFound(project.id);
  return project;
}

/**
 * 403 when the caller sees the project but lacks `needed`. An invisible project answers 404,
 * unless `hidden` is "forbidden": for a project the caller did not name but reached through
 * an object they may see (a copied snapshot's project), where "not found" would be untrue.
 */
export function requireProjectAccess(
  ctx: HandlerContext,
  project: ProjectRecord,
  needed: Exclude<ProjectAccess, "none">,
  permission: string,
  hidden: "notFound" | "forbidden" = "notFound",
): void {
  const access = projectAccess(ctx.store, project, ctx.caller);
  if (access === "none" && hidden === "notFound") throw projectNotFound(project.id);
  if (!atLeast(PROJECT_ACCESS_ORDER, access, needed)) {
    throw forbidden(`User ${ctx.caller.userName} does not have permission ${permission} on project ${project.id}`);
  }
}

// ------------------------------------------------------------------ datasets

export type DatasetAccess = "none" | "reader" | "editor" | "owner";
const DATASET_ACCESS_ORDER: readonly DatasetAccess[] = ["none", "reader", "editor", "owner"];
const ROLE_ACCESS: Record<DatasetRole, DatasetAccess> = {
  DatasetRwOwner: "owner",
  DatasetRwEditor: "editor",
  DatasetRwReader: "reader",
};

export function datasetAccess(
  store: Store,
  dataset: DatasetRecord,
  user: UserRecord,
  userOrgIds: Set<string> = organizationIdsOf(store, user.id),
): DatasetAccess {
  if (user.isAdmin) return "owner";
  const project = store.projects.get(dataset.projectId);
  const fromProject = project ? projectAccess(store, project, user, userOrgIds) : "none";
  let access: DatasetAccess =
    fromProject === "manage" ? "owner" : fromProject === "edit" ? "editor" : fromProject === "read" ? "reader" : "none";
  for (const grant of dataset.grants) {
    if (grant.targetId !== user.id && !userOrgIds.has(grant.targetId)) continue;
    const granted = ROLE_ACCESS[grant.targetRole];
    if (atLeast(DATASET_ACCESS_ORDER, granted, access)) access = granted;
  }
  return access;
}

/** A dataset is gone once deleted, and with its project once that is archived. */
export function isDatasetLive(store: Store, dataset: DatasetRecord): boolean {
  const project = store.projects.get(dataset.projectId);
  return dataset.deletedAt === undefined && project !== undefined && project.archivedAt === undefined;
}

export const datasetNotFound = (id: string) => notFound(`Dataset ${id} not found`);

export function loadDataset(ctx: HandlerContext, rawId: unknown): DatasetRecord {
  const id = requireId(rawId);
  const dataset = ctx.store.datasets.get(id);
  if (!dataset || !isDatasetLive(ctx.store, dataset)) throw datasetNotFound(id);
  return dataset;
}

/** A dataset the caller addresses: unknown and invisible both answer 404. */
export function loadVisibleDataset(ctx: HandlerContext, rawId: unknown): DatasetRecord {
  const dataset = loadDataset(ctx, rawId);
  if (datasetAccess(ctx.store, dataset, ctx.caller) === "none") throw datasetNotFound(dataset.id);
  return dataset;
}

export function requireDatasetAccess(
  ctx: HandlerContext,
  dataset: DatasetRecord,
  needed: Exclude<DatasetAccess, "none">,
  permission: string,
): void {
  const access = datasetAccess(ctx.store, dataset, ctx.caller);
  if (access === "none") throw datasetNotFound(dataset.id);
  if (!atLeast(DATASET_ACCESS_ORDER, access, needed)) {
    throw forbidden(`User ${ctx.caller.userName} does not have permission ${permission} on dataset ${dataset.id}`);
  }
}

// -------------------------------------------------------------- environments

export type EnvironmentAccess = "none" | "read" | "manage";
const ENVIRONMENT_ACCESS_ORDER: readonly EnvironmentAccess[] = ["none", "read", "manage"];

export function environmentAccess(store: Store, env: EnvironmentRecord, user: UserRecord): EnvironmentAccess {
  if (user.isAdmin) return "manage";
  if (env.ownerType === "Individual" && env.ownerId === user.id) return "manage";
  if (env.ownerType === "Organization") {
    const org = store.organizations.get(env.ownerId);
    const role = org ? organizationRole(org, user.id) : undefined;
    if (role === "Admin") return "manage";
    if (role === "Member") return "read";
  }
  return env.visibility === "Global" ? "read" : "none";
}

const environmentNotFound = (id: string) => notFound(`Environment ${id} not found`);

/** An environment the caller addresses: unknown and invisible both answer 404. */
export function loadVisibleEnvironment(ctx: HandlerContext, rawId: unknown): EnvironmentRecord {
  const id = requireId(rawId);
  const env = ctx.store.environments.get(id);
  if (!env || environmentAccess(ctx.store, env, ctx.caller) === "none") throw environmentNotFound(id);
  return env;
}

export function requireEnvironmentAccess(
  ctx: HandlerContext,
  env: EnvironmentRecord,
  needed: Exclude<EnvironmentAccess, "none">,
  permission: string,
): void {
  const access = environmentAccess(ctx.store, env, ctx.caller);
  if (access === "none") throw environmentNotFound(env.id);
  if (!atLeast(ENVIRONMENT_ACCESS_ORDER, access, needed)) {
    throw forbidden(`User ${ctx.caller.userName} does not have permission ${permission} on environment ${env.id}`);
  }
}

// ------------------------------------------------------------- organizations

/**
 * An organization the caller addresses. Only its members and admins see it (nothing lists
 * other people's organizations), so to anyone else it answers like an unknown id.
 */
export function loadVisibleOrganization(ctx: HandlerContext, rawId: unknown): OrganizationRecord {
  const id = requireId(rawId);
  const org = ctx.store.organizations.get(id);
  if (!org || (!ctx.caller.isAdmin && !organizationRole(org, ctx.caller.id))) {
    throw notFound(`Organization ${id} not found`);
  }
  return org;
}
