/**
 * Environments and their revisions. A revision's build state is computed from its creation
 * time: Queued for the first fifth of `buildDurationMs`, then Building, then Succeeded, or
 * Failed when the image name contains "fail". Nothing runs in the background, so state files
 * and restarts need no timers.
 */
import { badRequest, forbidden, invalidBody, notFound } from "../errors";
import { EnvironmentRecord, newId, RevisionDefinition, RevisionRecord, Store } from "../store";
import {
  environmentAccess,
  loadVisibleEnvironment,
  loadVisibleOrganization,
  requireEnvironmentAccess,
} from "./access";
import { EmulatorSettings, envelope, HandlerContext, OperationHandlers, paginate, requireId } from "./context";

export type BuildStatus = "Queued" | "Building" | "Succeeded" | "Failed";

const REVISION_FIELDS: ReadonlyArray<keyof RevisionDefinition> = [
  "image",
  "dockerfileInstructions",
  "environmentVariables",
  "preSetupScript",
  "postSetupScript",
  "preRunScript",
  "postRunScript",
  "skipCache",
  "summary",
  "supportedClusters",
  "tags",
  "useVpn",
  "workspaceTools",
];

interface NewEnvironmentBody extends RevisionDefinition {
  name?: string;
  description?: string;
  visibility?: "Global" | "Private";
  addBaseDependencies?: boolean;
  duplicateFromEnvironmentId?: string;
  orgOwnerId?: string;
  isRestricted?: boolean;
  isCurated?: boolean;
  rebuildOnBaseChanges?: "never" | "followActive";
}

export function buildStatus(revision: RevisionRecord, settings: EmulatorSettings, now: number): BuildStatus {
  const elapsed = now - revision.createdAt;
  if (elapsed >= settings.buildDurationMs) {
    return /fail/i.test(revision.definition.image ?? "") ? "Failed" : "Succeeded";
  }
  return elapsed < settings.buildDurationMs * 0.2 ? "Queued" : "Building";
}

function definitionFrom(body: RevisionDefinition): RevisionDefinition {
  const definition: RevisionDefinition = {};
  for (const field of REVISION_FIELDS) {
    if (body[field] !== undefined) (definition as Record<string, unknown>)[field] = structuredClone(body[field]);
  }
  return definition;
}

function revisionsOf(store: Store, env: EnvironmentRecord): RevisionRecord[] {
  return env.revisionIds.map((id) => store.revisions.get(id)).filter((r): r is RevisionRecord => r !== undefined);
}

function revisionWire(ctx: HandlerContext, revision: RevisionRecord): Record<string, unknown> {
  return {
    id: revision.id,
    number: revision.number,
    status: buildStatus(revision, ctx.settings, ctx.now),
    availableTools: structuredClone(revision.definition.workspaceTools ?? []),
  };
}

export function environmentWire(ctx: HandlerContext, env: EnvironmentRecord): Record<string, unknown> {
  const revisions = revisionsOf(ctx.store, env);
  const latest = revisions[revisions.length - 1];
  // Domino activates the newest revision that built; until one has, none is selected.
  const selected = [...revisions].reverse().find((r) => buildStatus(r, ctx.settings, ctx.now) === "Succeeded");
  const restricted = [...revisions].reverse().find((r) => r.isRestricted);
  const ownerName =
    env.ownerType === "Organization"
      ? ctx.store.organizations.get(env.ownerId)?.name
      : ctx.store.users.get(env.ownerId)?.userName;
  return {
    id: env.id,
    name: env.name,
    visibility: env.visibility,
    owner: { id: env.ownerId, username: ownerName ?? "", ownerType: env.ownerType },
    archived: env.archived,
    supportedClusters: [...(latest?.definition.supportedClusters ?? [])],
    ...(latest ? { latestRevision: revisionWire(ctx, latest) } : {}),
    ...(selected ? { selectedRevision: revisionWire(ctx, selected) } : {}),
    ...(restricted ? { restrictedRevision: revisionWire(ctx, restricted) } : {}),
    activeRevisionTags: [...(selected?.definition.tags ?? [])],
    internalTags: [],
    isCurated: env.isCurated,
    ...(env.rebuildOnBaseChanges ? { rebuildOnBaseChanges: env.rebuildOnBaseChanges } : {}),
  };
}

function addRevision(ctx: HandlerContext, env: EnvironmentRecord, definition: RevisionDefinition, isRestricted: boolean) {
  const revision: RevisionRecord = {
    id: newId(),
    environmentId: env.id,
    number: env.revisionIds.length + 1,
    definition,
    isRestricted,
    creatorId: ctx.caller.id,
    createdAt: ctx.now,
  };
  ctx.store.revisions.set(revision.id, revision);
  env.revisionIds.push(revision.id);
  return revision;
}

function duplicateEnvironment(ctx: HandlerContext, body: NewEnvironmentBody): EnvironmentRecord {
  const others = Object.keys(body).filter((key) => key !== "duplicateFromEnvironmentId");
  if (others.length > 0) {
    throw invalidBody(`duplicateFromEnvironmentId excludes every other field (also given: ${others.join(", ")})`);
  }
  // Reading is all duplicating needs, so a visible source is enough.
  const source = loadVisibleEnvironment(ctx, body.duplicateFromEnvironmentId);
  const sourceRevisions = revisionsOf(ctx.store, source);
  const env: EnvironmentRecord = {
    id: newId(),
    name: `${source.name} (copy)`,
    visibility: "Private",
    ownerId: ctx.caller.id,
    ownerType: "Individual",
    addBaseDependencies: source.addBaseDependencies,
    isCurated: false,
    ...(source.rebuildOnBaseChanges ? { rebuildOnBaseChanges: source.rebuildOnBaseChanges } : {}),
    revisionIds: [],
    archived: false,
    createdAt: ctx.now,
  };
  ctx.store.environments.set(env.id, env);
  const template = sourceRevisions[sourceRevisions.length - 1]?.definition ?? {};
  addRevision(ctx, env, structuredClone(template), false);
  return env;
}

function newEnvironment(ctx: HandlerContext, body: NewEnvironmentBody): EnvironmentRecord {
  const { caller } = ctx;
  if (!body.name || body.name.trim() === "") throw invalidBody("body/name is required to create an environment");
  if (!body.image || body.image.trim() === "") throw invalidBody("body/image is required to create an environment");
  if (body.addBaseDependencies === undefined) {
    throw invalidBody("body/addBaseDependencies is required to create an environment");
  }
  const requested = body.visibility ?? "Private";
  if (requested === "Global" && !caller.isAdmin) {
    throw forbidden(`User ${caller.userName} does not have permission to create Global environments`);
  }
  if (body.isRestricted === true && !caller.isAdmin) {
    throw forbidden(`User ${caller.userName} does not have permission ClassifyEnvironments`);
  }
  if (body.isCurated === true && !caller.isAdmin) {
    throw forbidden(`User ${caller.userName} does not have permission to curate environments`);
  }
  let owner: Pick<EnvironmentRecord, "ownerId" | "ownerType" | "visibility"> = {
    ownerId: caller.id,
    ownerType: "Individual",
    visibility: requested,
  };
  if (body.orgOwnerId !== undefined) {
    if (requested !== "Private") throw badRequest("orgOwnerId applies to Private environments only");
    // Only members (and admins) see an organization; any of them may give it an environment.
    const org = loadVisibleOrganization(ctx, body.orgOwnerId);
    owner = { ownerId: org.id, ownerType: "Organization", visibility: "Organization" };
  }
  const env: EnvironmentRecord = {
    id: newId(),
    name: body.name,
    ...(body.description !== undefined ? { description: body.description } : {}),
    ...owner,
    addBaseDependencies: body.addBaseDependencies,
    isCurated: body.isCurated ?? false,
    ...(body.rebuildOnBaseChanges ? { rebuildOnBaseChanges: body.rebuildOnBaseChanges } : {}),
    revisionIds: [],
    archived: false,
    createdAt: ctx.now,
  };
  ctx.store.environments.set(env.id, env);
  addRevision(ctx, env, definitionFrom(body), body.isRestricted ?? false);
  return env;
}

function refuseIfArchived(env: EnvironmentRecord): void {
  if (env.archived) throw badRequest(`Environment ${env.id} is archived`);
}

export const environmentHandlers: OperationHandlers = {
  getEnvironments(ctx) {
    const visible = [...ctx.store.environments.values()].filter(
      (env) => !env.archived && environmentAccess(ctx.store, env, ctx.caller) !== "none",
    );
    const { items, metadata } = paginate(ctx, visible);
    return { body: { environments: items.map((env) => environmentWire(ctx, env)), metadata } };
  },

  createEnvironment(ctx) {
    const body = ctx.body as NewEnvironmentBody;
    const env =
      body.duplicateFromEnvironmentId !== undefined ? duplicateEnvironment(ctx, body) : newEnvironment(ctx, body);
    return { body: envelope(ctx, { environment: environmentWire(ctx, env) }) };
  },

  getEnvironment(ctx) {
    const env = loadVisibleEnvironment(ctx, ctx.params.environmentId);
    return { body: envelope(ctx, { environment: environmentWire(ctx, env) }) };
  },

  archiveEnvironment(ctx) {
    const env = loadVisibleEnvironment(ctx, ctx.params.environmentId);
    requireEnvironmentAccess(ctx, env, "manage", "ManageEnvironments");
    env.archived = true;
    return { body: envelope(ctx, { environment: environmentWire(ctx, env) }) };
  },

  createEnvironmentRevision(ctx) {
    const env = loadVisibleEnvironment(ctx, ctx.params.environmentId);
    requireEnvironmentAccess(ctx, env, "manage", "EditEnvironment");
    refuseIfArchived(env);
    const definition = definitionFrom(ctx.body as RevisionDefinition);
    if (definition.image === undefined) {
      const revisions = revisionsOf(ctx.store, env);
      const previousImage = revisions[revisions.length - 1]?.definition.image;
      if (previousImage !== undefined) definition.image = previousImage;
    }
    const revision = addRevision(ctx, env, definition, false);
    return { body: envelope(ctx, { environmentRevision: revisionWire(ctx, revision) }) };
  },

  updateEnvironmentRevisionIsRestricted(ctx) {
    const env = loadVisibleEnvironment(ctx, ctx.params.environmentId);
    const revisionId = requireId(ctx.params.revisionId);
    const revision = ctx.store.revisions.get(revisionId);
    if (!revision || revision.environmentId !== env.id) {
      throw notFound(`Revision ${revisionId} not found in environment ${env.id}`);
    }
    if (!ctx.caller.isAdmin) {
      throw forbidden(`User ${ctx.caller.userName} does not have permission ClassifyEnvironments`);
    }
    refuseIfArchived(env);
    revision.isRestricted = (ctx.body as { isRestricted: boolean }).isRestricted;
    return { body: { id: revision.id } };
  },
};
