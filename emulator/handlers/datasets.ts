/**
 * Read-write datasets, their snapshots and tags. A snapshot is `pending` until
 * `snapshotDurationMs` after its creation, then `active`, or `failed` when one of its
 * relativeFilePaths contains "fail" (computed from timestamps, like environment builds).
 * Deleting a dataset marks it; it then answers 404 and leaves every list.
 */
import { badRequest, forbidden, invalidBody, notFound } from "../errors";
import { DatasetRecord, DatasetRole, newId, ProjectRecord, SnapshotRecord } from "../store";
import {
  DatasetAccess,
  datasetAccess,
  findPrincipal,
  isDatasetLive,
  loadProject,
  loadVisibleDataset,
  loadVisibleProject,
  organizationIdsOf,
  projectAccess,
  projectNotFound,
  requireDatasetAccess,
  requireProjectAccess,
} from "./access";
import {
  EmulatorSettings,
  envelope,
  HandlerContext,
  isoTime,
  OperationHandlers,
  paginate,
  requireId,
  sameName,
} from "./context";

export type SnapshotStatus = "pending" | "active" | "failed";

interface NewDatasetBody {
  name: string;
  description?: string;
  projectId?: string;
  snapshotId?: string;
  grants?: Array<{ targetId: string; targetRole: DatasetRole }>;
}

type DatasetPermission =
  | "DeleteDatasetRwV2"
  | "EditSecurityDatasetRwV2"
  | "ListDatasetRwV2"
  | "PerformDatasetRwActionsInProjectV2"
  | "PermanentDeleteDatasetRwV2"
  | "ReadDatasetRwV2"
  | "UpdateDatasetRwV2"
  | "PerformDatasetRwActionsAsAdminV2";

const PERMISSION_NEEDS: Record<Exclude<DatasetPermission, "PerformDatasetRwActionsAsAdminV2">, DatasetAccess> = {
  ListDatasetRwV2: "reader",
  ReadDatasetRwV2: "reader",
  UpdateDatasetRwV2: "editor",
  PerformDatasetRwActionsInProjectV2: "editor",
  DeleteDatasetRwV2: "owner",
  EditSecurityDatasetRwV2: "owner",
  PermanentDeleteDatasetRwV2: "owner",
};
const ACCESS_ORDER: readonly DatasetAccess[] = ["none", "reader", "editor", "owner"];

export function snapshotStatus(snapshot: SnapshotRecord, settings: EmulatorSettings, now: number): SnapshotStatus {
  if (now - snapshot.createdAt < settings.snapshotDurationMs) return "pending";
  return snapshot.relativeFilePaths.some((p) => /fail/i.test(p)) ? "failed" : "active";
}

export function datasetWire(dataset: DatasetRecord): Record<string, unknown> {
  return {
    id: dataset.id,
    name: dataset.name,
    ...(dataset.description !== undefined ? { description: dataset.description } : {}),
    projectId: dataset.projectId,
    createdAt: isoTime(dataset.createdAt),
    snapshotIds: [...dataset.snapshotIds],
    tags: { ...dataset.tags },
  };
}

function snapshotWire(ctx: HandlerContext, snapshot: SnapshotRecord): Record<string, unknown> {
  return {
    id: snapshot.id,
    datasetId: snapshot.datasetId,
    creatorId: snapshot.creatorId,
    createdAt: isoTime(snapshot.createdAt),
    status: snapshotStatus(snapshot, ctx.settings, ctx.now),
  };
}

function datasetEnvelope(ctx: HandlerContext, dataset: DatasetRecord) {
  return { body: envelope(ctx, { dataset: datasetWire(dataset) }) };
}

function liveDatasetNamed(ctx: HandlerContext, projectId: string, name: string, except?: string) {
  for (const dataset of ctx.store.datasets.values()) {
    if (dataset.id !== except && dataset.projectId === projectId && isDatasetLive(ctx.store, dataset) && sameName(dataset.name, name)) {
      return dataset;
    }
  }
  return undefined;
}

function requireUniqueName(ctx: HandlerContext, project: ProjectRecord, name: string, except?: string): void {
  if (name.trim() === "") throw badRequest("Dataset name must not be empty");
  if (liveDatasetNamed(ctx, project.id, name, except)) {
    throw badRequest(`A dataset named ${name} already exists in project ${project.id}`);
  }
}

/** A snapshot the caller addresses: unknown, gone with its dataset, or of a dataset the caller cannot see: 404. */
function loadVisibleSnapshot(ctx: HandlerContext, rawId: unknown): { snapshot: SnapshotRecord; dataset: DatasetRecord } {
  const id = requireId(rawId);
  const snapshot = ctx.store.snapshots.get(id);
  const dataset = snapshot ? ctx.store.datasets.get(snapshot.datasetId) : undefined;
  if (!snapshot || !dataset || !isDatasetLive(ctx.store, dataset) || datasetAccess(ctx.store, dataset, ctx.caller) === "none") {
    throw notFound(`Snapshot ${id} not found`);
  }
  return { snapshot, dataset };
}

function grantsFrom(ctx: HandlerContext, body: NewDatasetBody): DatasetRecord["grants"] {
  const grants: DatasetRecord["grants"] = [{ targetId: ctx.caller.id, targetRole: "DatasetRwOwner" }];
  if (body.snapshotId !== undefined) return grants;
  for (const grant of body.grants ?? []) {
    const targetId = requireId(grant.targetId);
    const principal = findPrincipal(ctx.store, targetId);
    if (!principal) throw notFound(`User or organization ${targetId} not found`);
    if (principal.kind === "organization" && grant.targetRole === "DatasetRwOwner") {
      throw badRequest(`Organization ${targetId} cannot be a dataset owner`);
    }
    const existing = grants.find((g) => g.targetId === targetId);
    if (existing) existing.targetRole = grant.targetRole;
    else grants.push({ targetId, targetRole: grant.targetRole });
  }
  return grants;
}

export const datasetHandlers: OperationHandlers = {
  getDatasets(ctx) {
    const project = ctx.query.projectId !== undefined ? loadProject(ctx, ctx.query.projectId) : undefined;
    const orgIds = organizationIdsOf(ctx.store, ctx.caller.id);
    const visible = [...ctx.store.datasets.values()].filter(
      (d) =>
        (!project || d.projectId === project.id) &&
        isDatasetLive(ctx.store, d) &&
        datasetAccess(ctx.store, d, ctx.caller, orgIds) !== "none",
    );
    // Filtering by a project the caller cannot see would otherwise tell it apart from an
    // unknown id (200 vs 404). A grantee of one of its datasets sees that much of it.
    if (project && visible.length === 0 && projectAccess(ctx.store, project, ctx.caller, orgIds) === "none") {
      throw projectNotFound(project.id);
    }
    const { items, metadata } = paginate(ctx, visible);
    return { body: { datasets: items.map(datasetWire), metadata } };
  },

  getDatasetsV2(ctx) {
    const include = (ctx.query.projectIdsToInclude as string[] | undefined)?.map(requireId);
    const exclude = (ctx.query.projectIdsToExclude as string[] | undefined)?.map(requireId);
    if (include && exclude) throw invalidBody("querystring/projectIdsToInclude and projectIdsToExclude cannot be combined");
    const permission = (ctx.query.minimumPermission as DatasetPermission | undefined) ?? "ListDatasetRwV2";
    if (permission === "PerformDatasetRwActionsAsAdminV2" && !ctx.caller.isAdmin) {
      throw forbidden(`User ${ctx.caller.userName} does not have permission ${permission}`);
    }
    const needed: DatasetAccess = permission === "PerformDatasetRwActionsAsAdminV2" ? "owner" : PERMISSION_NEEDS[permission];
    const orgIds = organizationIdsOf(ctx.store, ctx.caller.id);
    const matching = [...ctx.store.datasets.values()].filter((d) => {
      if (!isDatasetLive(ctx.store, d)) return false;
      if (include && !include.includes(d.projectId)) return false;
      if (exclude && exclude.includes(d.projectId)) return false;
      const access = datasetAccess(ctx.store, d, ctx.caller, orgIds);
      return ACCESS_ORDER.indexOf(access) >= ACCESS_ORDER.indexOf(needed);
    });
    const { items, metadata } = paginate(ctx, matching);
    const withInfo = ctx.query.includeProjectInfo === true;
    const datasets = items.map((d) => {
      const project = ctx.store.projects.get(d.projectId);
      const info =
        withInfo && project
          ? {
              projectInfo: {
                projectId: project.id,
                projectName: project.name,
                projectOwnerUsername: ctx.store.users.get(project.ownerId)?.userName ?? "",
              },
            }
          : {};
      return { dataset: datasetWire(d), ...info };
    });
    return { body: { datasets, metadata } };
  },

  createDataset(ctx) {
    const body = ctx.body as NewDatasetBody;
    if ((body.projectId === undefined) === (body.snapshotId === undefined)) {
      throw invalidBody("Exactly one of body/projectId or body/snapshotId must be given");
    }
    let project: ProjectRecord;
    let sourceSnapshotId: string | undefined;
    if (body.snapshotId !== undefined) {
      // Reading the source is all copying needs, so a visible snapshot is enough.
      const { snapshot, dataset: source } = loadVisibleSnapshot(ctx, body.snapshotId);
      const status = snapshotStatus(snapshot, ctx.settings, ctx.now);
      if (status !== "active") throw badRequest(`Snapshot ${snapshot.id} is ${status}; only an active snapshot can be copied`);
      project = loadProject(ctx, source.projectId);
      sourceSnapshotId = snapshot.id;
      // The caller named a snapshot they may see, not its project: lacking the right to add
      // datasets there is a refusal (403), not an unknown object.
      requireProjectAccess(ctx, project, "edit", "ManageDatasetsRw", "forbidden");
    } else {
      project = loadVisibleProject(ctx, body.projectId);
      requireProjectAccess(ctx, project, "edit", "ManageDatasetsRw");
    }
    requireUniqueName(ctx, project, body.name);
    const dataset: DatasetRecord = {
      id: newId(),
      projectId: project.id,
      name: body.name,
      ...(body.description !== undefined ? { description: body.description } : {}),
      creatorId: ctx.caller.id,
      grants: grantsFrom(ctx, body),
      snapshotIds: [],
      tags: {},
      ...(sourceSnapshotId ? { sourceSnapshotId } : {}),
      createdAt: ctx.now,
    };
    ctx.store.datasets.set(dataset.id, dataset);
    return datasetEnvelope(ctx, dataset);
  },

  getDataset(ctx) {
    const dataset = loadVisibleDataset(ctx, ctx.params.datasetId);
    return datasetEnvelope(ctx, dataset);
  },

  updateDataset(ctx) {
    const dataset = loadVisibleDataset(ctx, ctx.params.datasetId);
    requireDatasetAccess(ctx, dataset, "editor", "UpdateDatasetRw");
    const body = ctx.body as { name?: string; description?: string };
    if (body.name !== undefined) {
      const project = loadProject(ctx, dataset.projectId);
      requireUniqueName(ctx, project, body.name, dataset.id);
      dataset.name = body.name;
    }
    if (body.description !== undefined) dataset.description = body.description;
    return datasetEnvelope(ctx, dataset);
  },

  deleteDataset(ctx) {
    const dataset = loadVisibleDataset(ctx, ctx.params.datasetId);
    requireDatasetAccess(ctx, dataset, "owner", "PermanentDeleteDatasetRw");
    const answer = datasetEnvelope(ctx, dataset);
    dataset.deletedAt = ctx.now;
    return answer;
  },

  getDatasetSnapshots(ctx) {
    const dataset = loadVisibleDataset(ctx, ctx.params.datasetId);
    const snapshots = dataset.snapshotIds
      .map((id) => ctx.store.snapshots.get(id))
      .filter((s): s is SnapshotRecord => s !== undefined);
    const { items, metadata } = paginate(ctx, snapshots);
    return { body: { snapshots: items.map((s) => snapshotWire(ctx, s)), metadata } };
  },

  createSnapshot(ctx) {
    const dataset = loadVisibleDataset(ctx, ctx.params.datasetId);
    requireDatasetAccess(ctx, dataset, "editor", "UpdateDatasetRw");
    const snapshot: SnapshotRecord = {
      id: newId(),
      datasetId: dataset.id,
      creatorId: ctx.caller.id,
      relativeFilePaths: [...(ctx.body as { relativeFilePaths: string[] }).relativeFilePaths],
      createdAt: ctx.now,
    };
    ctx.store.snapshots.set(snapshot.id, snapshot);
    dataset.snapshotIds.push(snapshot.id);
    return { body: envelope(ctx, { snapshot: snapshotWire(ctx, snapshot) }) };
  },

  getSnapshot(ctx) {
    const { snapshot } = loadVisibleSnapshot(ctx, ctx.params.snapshotId);
    return { body: envelope(ctx, { snapshot: snapshotWire(ctx, snapshot) }) };
  },

  addDatasetTag(ctx) {
    const dataset = loadVisibleDataset(ctx, ctx.params.datasetId);
    const body = ctx.body as { tagName: string; snapshotId: string };
    const snapshotId = requireId(body.snapshotId);
    requireDatasetAccess(ctx, dataset, "editor", "UpdateDatasetRw");
    if (body.tagName.trim() === "") throw badRequest("Tag name must not be empty");
    const snapshot = ctx.store.snapshots.get(snapshotId);
    if (!snapshot) throw notFound(`Snapshot ${snapshotId} not found`);
    if (snapshot.datasetId !== dataset.id) {
      throw badRequest(`Snapshot ${snapshotId} is not a snapshot of dataset ${dataset.id}`);
    }
    if (Object.hasOwn(dataset.tags, body.tagName)) {
      throw badRequest(`Tag ${body.tagName} already exists on dataset ${dataset.id}`);
    }
    // defineProperty, not assignment: a tag may be called "__proto__".
    Object.defineProperty(dataset.tags, body.tagName, { value: snapshotId, enumerable: true, writable: true, configurable: true });
    return datasetEnvelope(ctx, dataset);
  },

  removeDatasetTag(ctx) {
    const dataset = loadVisibleDataset(ctx, ctx.params.datasetId);
    requireDatasetAccess(ctx, dataset, "editor", "UpdateDatasetRw");
    const tagName = ctx.params.tagName;
    if (!Object.hasOwn(dataset.tags, tagName)) throw notFound(`Tag ${tagName} not found on dataset ${dataset.id}`);
    delete dataset.tags[tagName];
    return datasetEnvelope(ctx, dataset);
  },
};
