/**
 * Typed calls for read-write datasets, their snapshots and tags, and the links that share
 * a dataset with another project. Nothing but the calls: no decisions.
 */
import { RequestCore, seg } from "./http";
import { Page, PageMetadata } from "./pagination";

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

export interface NewDatasetRwV1 {
  name: string;
  description?: string;
  projectId: string;
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

export async function createDataset(
  core: RequestCore,
  body: NewDatasetRwV1,
): Promise<DatasetRwV1> {
  const res = await core.call<{ dataset: DatasetRwV1 }>({
    operation: "create dataset",
    method: "POST",
    path: DATASETS,
    body,
  });
  return res.dataset;
}

export async function getDataset(core: RequestCore, datasetId: string): Promise<DatasetRwV1> {
  const res = await core.call<{ dataset: DatasetRwV1 }>({ operation: "read dataset", method: "GET", path: datasetPath(datasetId) });
  return res.dataset;
}

export async function updateDataset(core: RequestCore, datasetId: string, body: DatasetRwMetadataV1): Promise<DatasetRwV1> {
  const res = await core.call<{ dataset: DatasetRwV1 }>({
    operation: "update dataset",
    method: "PATCH",
    path: datasetPath(datasetId),
    body,
  });
  return res.dataset;
}

/** Domino 5.9.1+ only. */
export async function deleteDataset(core: RequestCore, datasetId: string): Promise<void> {
  await core.call({ operation: "delete dataset", method: "DELETE", path: datasetPath(datasetId) });
}

/** One page of a project's datasets through the v2 list (Domino 5.9.1+; the v1 list is deprecated there). */
export async function listProjectDatasetsV2Page(core: RequestCore, projectId: string, offset: number, limit: number): Promise<Page<DatasetRwV1>> {
  const res = await core.call<{ datasets: Array<{ dataset: DatasetRwV1 }>; metadata?: PageMetadata }>({
    operation: "list datasets",
    method: "GET",
    path: "/api/datasetrw/v2/datasets",
    query: { projectIdsToInclude: [projectId], offset, limit },
  });
  return { items: (res.datasets ?? []).map((d) => d.dataset), metadata: res.metadata };
}

/** One page of a project's datasets through the v1 list (the only list on Domino 5.3). */
export async function listProjectDatasetsV1Page(core: RequestCore, projectId: string, offset: number, limit: number): Promise<Page<DatasetRwV1>> {
  const res = await core.call<{ datasets: DatasetRwV1[]; metadata?: PageMetadata }>({
    operation: "list datasets",
    method: "GET",
    path: DATASETS,
    query: { projectId, offset, limit },
  });
  return { items: res.datasets ?? [], metadata: res.metadata };
}

// ---------------------------------------------------------------- snapshots

export async function createSnapshot(
  core: RequestCore,
  datasetId: string,
  relativeFilePaths: string[],
): Promise<SnapshotV1> {
  const res = await core.call<{ snapshot: SnapshotV1 }>({
    operation: "create dataset snapshot",
    method: "POST",
    path: `${datasetPath(datasetId)}/snapshots`,
    body: { relativeFilePaths },
  });
  return res.snapshot;
}

/** Domino 5.9.1+ only. */
export async function getSnapshot(core: RequestCore, snapshotId: string): Promise<SnapshotV1> {
  const res = await core.call<{ snapshot: SnapshotV1 }>({
    operation: "read dataset snapshot",
    method: "GET",
    path: `/api/datasetrw/v1/snapshots/${seg(snapshotId)}`,
  });
  return res.snapshot;
}

export async function listSnapshotsPage(core: RequestCore, datasetId: string, offset: number, limit: number): Promise<Page<SnapshotV1>> {
  const res = await core.call<{ snapshots: SnapshotV1[]; metadata?: PageMetadata }>({
    operation: "list dataset snapshots",
    method: "GET",
    path: `${datasetPath(datasetId)}/snapshots`,
    query: { offset, limit },
  });
  return { items: res.snapshots ?? [], metadata: res.metadata };
}

// ---------------------------------------------------------------- tags

/** Points `tagName` at a snapshot; answers with the dataset and its tag map. */
export async function addDatasetTag(
  core: RequestCore,
  datasetId: string,
  tagName: string,
  snapshotId: string,
): Promise<DatasetRwV1> {
  const res = await core.call<{ dataset: DatasetRwV1 }>({
    operation: "tag dataset snapshot",
    method: "POST",
    path: `${datasetPath(datasetId)}/tags`,
    body: { tagName, snapshotId },
  });
  return res.dataset;
}

export async function removeDatasetTag(core: RequestCore, datasetId: string, tagName: string): Promise<DatasetRwV1> {
  const res = await core.call<{ dataset: DatasetRwV1 }>({
    operation: "remove dataset tag",
    method: "DELETE",
    path: `${datasetPath(datasetId)}/tags/${seg(tagName)}`,
  });
  return res.dataset;
}

// ---------------------------------------------------------------- shared datasets of a project

export interface SharedDatasetsV1 {
  projectId: string;
  sharedDatasetIds: string[];
}

const sharedDatasetsPath = (projectId: string) => `/api/projects/v1/projects/${seg(projectId)}/shared-datasets`;

/** Ids of the datasets linked into a project (unpaged). */
export async function listSharedDatasets(core: RequestCore, projectId: string): Promise<SharedDatasetsV1> {
  const res = await core.call<{ dataset: SharedDatasetsV1 }>({
    operation: "list shared datasets of project",
    method: "GET",
    path: sharedDatasetsPath(projectId),
  });
  return { projectId: res.dataset?.projectId ?? projectId, sharedDatasetIds: res.dataset?.sharedDatasetIds ?? [] };
}

export async function linkSharedDataset(
  core: RequestCore,
  projectId: string,
  datasetId: string,
): Promise<SharedDatasetsV1> {
  const res = await core.call<{ dataset: SharedDatasetsV1 }>({
    operation: "link shared dataset to project",
    method: "POST",
    path: sharedDatasetsPath(projectId),
    body: { datasetId },
  });
  return { projectId: res.dataset?.projectId ?? projectId, sharedDatasetIds: res.dataset?.sharedDatasetIds ?? [] };
}

export async function unlinkSharedDataset(core: RequestCore, projectId: string, datasetId: string): Promise<void> {
  await core.call({
    operation: "unlink shared dataset from project",
    method: "DELETE",
    path: `${sharedDatasetsPath(projectId)}/${seg(datasetId)}`,
  });
}

/** The calls of this area, for `DominoClient`. */
export const datasetsCalls = { createDataset, getDataset, updateDataset, deleteDataset, listProjectDatasetsV2Page, listProjectDatasetsV1Page, createSnapshot, getSnapshot, listSnapshotsPage, addDatasetTag, removeDatasetTag, listSharedDatasets, linkSharedDataset, unlinkSharedDataset };
