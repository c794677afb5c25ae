/**
 * Typed calls for read-write datasets, their snapshots and tags, and the links that share
 * a dataset with another project. Nothing but the calls: no decisions.
 */
import { CallOptions, callFor, RequestCore, seg } from "./http";
import { listPage, Page } from "./pagination";

export interface DatasetRwV1 {
  id: string;
  name: string;
  description?: string;
  projectId?: string;
  createdAt: string;
  snapshotIds: string[];
  /** Tag name -> snapshot id. */
  tags: Record<string, string>;
}

export const DATASET_ROLES = ["DatasetRwOwner", "DatasetRwEditor", "DatasetRwReader"] as const;

export interface DatasetRwGrantV1 {
  /** A user or organization id. */
  targetId: string;
  /** DatasetRwOwner, DatasetRwEditor or DatasetRwReader. */
  targetRole: string;
}

export interface NewDatasetRwV1 {
  name: string;
  description?: string;
  projectId: string;
  /** Domino 5.9.1+. */
  grants?: DatasetRwGrantV1[];
}

export interface DatasetRwMetadataV1 {
  name?: string;
  description?: string;
}

export type SnapshotStatus = "active" | "markForDeletion" | "deletionInProgress" | "deleted" | "pending" | "failed" | "copying";

export interface SnapshotV1 {
  id: string;
  datasetId: string;
  creatorId?: string;
  createdAt: string;
  description?: string;
  status: SnapshotStatus | string;
}

const DATASETS = "/api/datasetrw/v1/datasets";
const datasetPath = (id: string) => `${DATASETS}/${seg(id)}`;

// ---------------------------------------------------------------- datasets

export async function createDataset(core: RequestCore, body: NewDatasetRwV1): Promise<DatasetRwV1> {
  return callFor(core, "dataset", { operation: "create dataset", method: "POST", path: DATASETS, body });
}

export async function getDataset(core: RequestCore, datasetId: string): Promise<DatasetRwV1> {
  return callFor(core, "dataset", { operation: "read dataset", method: "GET", path: datasetPath(datasetId) });
}

export async function updateDataset(core: RequestCore, datasetId: string, body: DatasetRwMetadataV1): Promise<DatasetRwV1> {
  return callFor(core, "dataset", { operation: "update dataset", method: "PATCH", path: datasetPath(datasetId), body });
}

/** Domino 5.9.1+ only. */
export async function deleteDataset(core: RequestCore, datasetId: string): Promise<void> {
  await core.call({ operation: "delete dataset", method: "DELETE", path: datasetPath(datasetId) });
}

/** One page of a project's datasets through the v2 list (Domino 5.9.1+; the v1 list is deprecated there). */
export async function listProjectDatasetsV2Page(core: RequestCore, projectId: string, offset: number, limit: number): Promise<Page<DatasetRwV1>> {
  const call = { operation: "list datasets", path: "/api/datasetrw/v2/datasets", query: { projectIdsToInclude: [projectId] } };
  const page = await listPage<{ dataset: DatasetRwV1 }>(core, "datasets", call, offset, limit);
  return { items: page.items.map((d) => d.dataset), metadata: page.metadata };
}

/** One page of a project's datasets through the v1 list (the only list on Domino 5.3). */
export async function listProjectDatasetsV1Page(core: RequestCore, projectId: string, offset: number, limit: number): Promise<Page<DatasetRwV1>> {
  return listPage(core, "datasets", { operation: "list datasets", path: DATASETS, query: { projectId } }, offset, limit);
}

/** One page of every dataset the caller can see, through the v2 list (Domino 5.9.1+). */
export async function listDatasetsV2Page(core: RequestCore, offset: number, limit: number): Promise<Page<DatasetRwV1>> {
  const page = await listPage<{ dataset: DatasetRwV1 }>(core, "datasets", { operation: "list datasets", path: "/api/datasetrw/v2/datasets" }, offset, limit);
  return { items: page.items.map((d) => d.dataset), metadata: page.metadata };
}

/** One page of every dataset the caller can see, through the v1 list (the only list on Domino 5.3). */
export async function listDatasetsV1Page(core: RequestCore, offset: number, limit: number): Promise<Page<DatasetRwV1>> {
  return listPage(core, "datasets", { operation: "list datasets", path: DATASETS }, offset, limit);
}

// ---------------------------------------------------------------- snapshots

export async function createSnapshot(core: RequestCore, datasetId: string, relativeFilePaths: string[]): Promise<SnapshotV1> {
  const path = `${datasetPath(datasetId)}/snapshots`;
  return callFor(core, "snapshot", { operation: "create dataset snapshot", method: "POST", path, body: { relativeFilePaths } });
}

/** Domino 5.9.1+ only. */
export async function getSnapshot(core: RequestCore, snapshotId: string): Promise<SnapshotV1> {
  const path = `/api/datasetrw/v1/snapshots/${seg(snapshotId)}`;
  return callFor(core, "snapshot", { operation: "read dataset snapshot", method: "GET", path });
}

export async function listSnapshotsPage(core: RequestCore, datasetId: string, offset: number, limit: number): Promise<Page<SnapshotV1>> {
  return listPage(core, "snapshots", { operation: "list dataset snapshots", path: `${datasetPath(datasetId)}/snapshots` }, offset, limit);
}

// ---------------------------------------------------------------- tags

/** Points `tagName` at a snapshot; answers with the dataset and its tag map. */
export async function addDatasetTag(core: RequestCore, datasetId: string, tagName: string, snapshotId: string): Promise<DatasetRwV1> {
  const path = `${datasetPath(datasetId)}/tags`;
  return callFor(core, "dataset", { operation: "tag dataset snapshot", method: "POST", path, body: { tagName, snapshotId } });
}

export async function removeDatasetTag(core: RequestCore, datasetId: string, tagName: string): Promise<DatasetRwV1> {
  const path = `${datasetPath(datasetId)}/tags/${seg(tagName)}`;
  return callFor(core, "dataset", { operation: "remove dataset tag", method: "DELETE", path });
}

// ---------------------------------------------------------------- shared datasets of a project

export interface SharedDatasetsV1 {
  projectId: string;
  sharedDatasetIds: string[];
}

const sharedDatasetsPath = (projectId: string) => `/api/projects/v1/projects/${seg(projectId)}/shared-datasets`;

/** A call that answers with the project's shared datasets (an answer may leave fields out). */
async function sharedDatasetsCall(core: RequestCore, projectId: string, call: Omit<CallOptions, "path">): Promise<SharedDatasetsV1> {
  const answer = await callFor<Partial<SharedDatasetsV1> | undefined>(core, "dataset", { ...call, path: sharedDatasetsPath(projectId) });
  return { projectId: answer?.projectId ?? projectId, sharedDatasetIds: answer?.sharedDatasetIds ?? [] };
}

/** Ids of the datasets linked into a project (unpaged). */
export async function listSharedDatasets(core: RequestCore, projectId: string): Promise<SharedDatasetsV1> {
  return sharedDatasetsCall(core, projectId, { operation: "list shared datasets of project", method: "GET" });
}

export async function linkSharedDataset(core: RequestCore, projectId: string, datasetId: string): Promise<SharedDatasetsV1> {
  return sharedDatasetsCall(core, projectId, { operation: "link shared dataset to project", method: "POST", body: { datasetId } });
}

export async function unlinkSharedDataset(core: RequestCore, projectId: string, datasetId: string): Promise<void> {
  const path = `${sharedDatasetsPath(projectId)}/${seg(datasetId)}`;
  await core.call({ operation: "unlink shared dataset from project", method: "DELETE", path });
}

/** The calls of this area, for `DominoClient`. */
export const datasetsCalls = { createDataset, getDataset, updateDataset, deleteDataset, listProjectDatasetsV2Page, listProjectDatasetsV1Page, listDatasetsV2Page, listDatasetsV1Page, createSnapshot, getSnapshot, listSnapshotsPage, addDatasetTag, removeDatasetTag, listSharedDatasets, linkSharedDataset, unlinkSharedDataset };
