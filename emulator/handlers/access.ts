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
 * Existence is checked before permission: an unknown id is 404, a known one the caller may
 * not use is 403.
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

/** Archived projects and everything reached through them answer 404. */
export function loadProject(ctx: HandlerContext, rawId: unknown): ProjectRecord {
  const id = requireId(rawId);
  const project = ctx.store.projects.get(id);
  if (!project || project.archivedAt !== undefined) throw notFound(`Project ${id} not found`);
  return project;
}

export function requireProjectAccess(
  ctx: HandlerContext,
  project: ProjectRecord,
  needed: Exclude<ProjectAccess, "none">,
  permission: string,
): void {
  if (!atLeast(PROJECT_ACCESS_ORDER, projectAccess(ctx.store, project, ctx.caller), needed)) {
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

export function loadDataset(ctx: HandlerContext, rawId: unknown): DatasetRecord {
  const id = requireId(rawId);
  const dataset = ctx.store.datasets.get(id);
  if (!dataset || !isDatasetLive(ctx.store, dataset)) throw notFound(`Dataset ${id} not found`);
  return dataset;
}

export function requireDatasetAccess(
  ctx: HandlerContext,
  dataset: DatasetRecord,
  needed: Exclude<DatasetAccess, "none">,
  permission: string,
): void {
  if (!atLeast(DATASET_ACCESS_ORDER, datasetAccess(ctx.store, dataset, ctx.caller), needed)) {
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

export function loadEnvironment(ctx: HandlerContext, rawId: unknown): EnvironmentRecord {
  const id = requireId(rawId);
  const env = ctx.store.environments.get(id);
  if (!env) throw notFound(`Environment ${id} not found`);
  return env;
}

export function requireEnvironmentAccess(
  ctx: HandlerContext,
  env: EnvironmentRecord,
  needed: Exclude<EnvironmentAccess, "none">,
  permission: string,
): void {
  if (!atLeast(ENVIRONMENT_ACCESS_ORDER, environmentAccess(ctx.store, env, ctx.caller), needed)) {
    throw forbidden(`User ${ctx.caller.userName} does not have permission ${permission} on environment ${env.id}`);
  }
}

// ------------------------------------------------------------- organizations

export function loadOrganization(ctx: HandlerContext, rawId: unknown): OrganizationRecord {
  const id = requireId(rawId);
  const org = ctx.store.organizations.get(id);
  if (!org) throw notFound(`Organization ${id} not found`);
  return org;
}
