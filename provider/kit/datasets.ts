/**
 * Datasets and their parts as the dataset resources read them: a project's datasets
 * (through whichever list this Domino version has), a dataset's snapshots and tags, and
 * the wait for a new snapshot to settle.
 */
import { DominoClient } from "../client/client";
import { DatasetRwV1, SnapshotV1 } from "../client/datasets";
import { isNotFound } from "../client/errors";
import { collectPages, findInPages } from "../client/pagination";
import { sameId } from "./ids";
import { waitFor } from "./wait";

/** Every dataset of a project: the v2 list on Domino 5.9.1 and later (v1 is deprecated there), v1 on 5.3 (no v2). */
export async function listProjectDatasets(client: DominoClient, projectId: string): Promise<DatasetRwV1[]> {
  const modern = (await client.capabilities()).surface !== "5.3";
  return collectPages((offset, limit) =>
    modern ? client.datasets.listProjectDatasetsV2Page(projectId, offset, limit) : client.datasets.listProjectDatasetsV1Page(projectId, offset, limit),
  );
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

export const SNAPSHOT_STATUSES = ["active", "markForDeletion", "deletionInProgress", "deleted", "pending", "failed", "copying"] as const;

/** The status in the contract's spelling (Domino's may differ in case); absent means not started yet. */
export function canonicalStatus(status: string | undefined): string {
  if (!status) return "pending";
  return SNAPSHOT_STATUSES.find((s) => s.toLowerCase() === status.toLowerCase()) ?? status;
}

/** Statuses of a snapshot on its way out (Domino's quota marks the oldest untagged ones). */
export function isGoingAway(status: string): boolean {
  return status === "markForDeletion" || status === "deletionInProgress" || status === "deleted";
}

/** Thrown by `waitForSnapshot` when the snapshot is still not settled at the deadline. */
export class SnapshotWaitTimeout extends Error {
  constructor(readonly last: SnapshotV1 | undefined) {
    super("timed out");
    this.name = "SnapshotWaitTimeout";
  }
}

/** A snapshot is never ready the instant it is created: a poll right away would be wasted. */
const FIRST_POLL_MS = 250;

/**
 * Polls a snapshot until it is active or failed, printing its status about every 15 s.
 * Throws `SnapshotWaitTimeout` (with the last status seen) after `timeoutMs`, and an
 * error when the snapshot disappears meanwhile.
 */
export async function waitForSnapshot(client: DominoClient, datasetId: string, snapshotId: string, timeoutMs: number): Promise<SnapshotV1> {
  const deadline = Date.now() + timeoutMs;
  let last: SnapshotV1 | undefined;
  let timedOut = false;
  await new Promise((r) => setTimeout(r, Math.min(FIRST_POLL_MS, timeoutMs)));
  try {
    return await waitFor(
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
        describe: () => {
          timedOut = true;
          return "timed out";
        },
        progress: () => `snapshot ${snapshotId} of dataset ${datasetId} is ${canonicalStatus(last?.status)}`,
      },
    );
  } catch (err) {
    if (timedOut) throw new SnapshotWaitTimeout(last);
    throw err;
  }
}
