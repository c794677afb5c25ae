/**
 * Datasets and their parts as the dataset resources read them: a project's datasets
 * (through whichever list this Domino version has), a dataset's snapshots and tags, and
 * the wait for a new snapshot to settle.
 */
import { DominoClient } from "../client/client";
import { DatasetRwV1, SnapshotV1 } from "../client/datasets";
import { isNotFound } from "../client/errors";
import { collectPages, findInPages } from "../client/pagination";
import { enumValues, SnapshotStatus } from "./enums";
import { sameId } from "./ids";
import { waitFor } from "./wait";

/** Every dataset of a project: the v2 list on Domino 5.9.1 and later (v1 is deprecated there), v1 on 5.3 (no v2). */
export async function listProjectDatasets(client: DominoClient, projectId: string): Promise<DatasetRwV1[]> {
  const modern = (await client.capabilities()).surface !== "5.3";
  return collectPages((offset, limit) =>
    modern ? client.datasets.listProjectDatasetsV2Page(projectId, offset, limit) : client.datasets.listProjectDatasetsV1Page(projectId, offset, limit),
  );
}

/** Every dataset the caller can see, of every project: the v2 list on Domino 5.9.1 and later, v1 on 5.3. */
export async function listVisibleDatasets(client: DominoClient): Promise<DatasetRwV1[]> {
  const modern = (await client.capabilities()).surface !== "5.3";
  return collectPages((offset, limit) => (modern ? client.datasets.listDatasetsV2Page(offset, limit) : client.datasets.listDatasetsV1Page(offset, limit)));
}

/** One tag of a dataset: tags live on the dataset as a map from name to snapshot id. */
export interface DatasetTag {
  tagName: string;
  snapshotId: string;
}

export function tagsOf(dataset: Pick<DatasetRwV1, "tags">): DatasetTag[] {
  return Object.entries(dataset.tags ?? {}).map(([tagName, snapshotId]) => ({ tagName, snapshotId }));
}

/** The snapshot a tag points at, if the dataset has it (own keys only: a tag may be called "constructor"). */
export function tagTarget(dataset: Pick<DatasetRwV1, "tags">, tagName: string): string | undefined {
  const tags = dataset.tags ?? {};
  return Object.hasOwn(tags, tagName) ? tags[tagName] : undefined;
}

/** Every snapshot of a dataset. */
export function listSnapshots(client: DominoClient, datasetId: string): Promise<SnapshotV1[]> {
  return collectPages((offset, limit) => client.datasets.listSnapshotsPage(datasetId, offset, limit));
}

/** The snapshot, or undefined when it (or its dataset) is gone. */
export async function findSnapshot(client: DominoClient, datasetId: string, snapshotId: string): Promise<SnapshotV1 | undefined> {
  try {
    if ((await client.capabilities()).snapshotGet) return await client.datasets.getSnapshot(snapshotId);
    // Domino 5.3 has no read by snapshot id: page the dataset's snapshots.
    return await findInPages(
      (offset, limit) => client.datasets.listSnapshotsPage(datasetId, offset, limit),
      (s) => sameId(s.id, snapshotId),
    );
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export const SNAPSHOT_STATUSES: readonly SnapshotStatus[] = enumValues(SnapshotStatus);

/**
 * The status in the contract's spelling (Domino's may differ in case); absent means not
 * started yet. A status the contract does not list is kept as Domino said it, under the
 * enum's type.
 */
export function canonicalStatus(status: string | undefined): SnapshotStatus {
  if (!status) return "pending";
  return SNAPSHOT_STATUSES.find((s) => s.toLowerCase() === status.toLowerCase()) ?? (status as SnapshotStatus);
}

/** Statuses of a snapshot on its way out (Domino's quota marks the oldest untagged ones). */
export function isGoingAway(status: string): boolean {
  return status === "markForDeletion" || status === "deletionInProgress" || status === "deleted";
}

/** How a wait for a snapshot ended: settled (active or failed), or not by the deadline; `last` is the snapshot last seen. */
export interface SnapshotWait {
  timedOut: boolean;
  last: SnapshotV1 | undefined;
}

/** A snapshot is never ready the instant it is created: a poll right away would be wasted. */
const FIRST_POLL_MS = 250;

/**
 * Polls a snapshot until it is active or failed, or `timeoutMs` passes, printing its
 * status about every 15 s. Throws when the snapshot disappears meanwhile.
 */
export async function waitForSnapshot(client: DominoClient, datasetId: string, snapshotId: string, timeoutMs: number): Promise<SnapshotWait> {
  const deadline = Date.now() + timeoutMs;
  let last: SnapshotV1 | undefined;
  await new Promise((r) => setTimeout(r, Math.min(FIRST_POLL_MS, timeoutMs)));
  const settled = await waitFor(
    async () => {
      const snapshot = await findSnapshot(client, datasetId, snapshotId);
      if (!snapshot) throw new Error(`snapshot ${snapshotId} of dataset ${datasetId} disappeared while it was being made`);
      last = snapshot;
      const status = canonicalStatus(snapshot.status);
      return status === "active" || status === "failed" ? snapshot : undefined;
    },
    {
      timeoutMs: Math.max(0, deadline - Date.now()),
      intervalMs: 500,
      maxIntervalMs: 10_000,
      progress: () => `snapshot ${snapshotId} of dataset ${datasetId} is ${canonicalStatus(last?.status)}`,
    },
  );
  return { timedOut: settled === undefined, last: settled ?? last };
}
