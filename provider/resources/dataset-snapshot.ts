/**
 * DatasetSnapshot: a read-only snapshot of files in a dataset. Snapshots cannot be
 * changed, and Domino's public API cannot delete them: deleting the resource only
 * removes it from the stack.
 */
import * as pulumi from "@pulumi/pulumi";
import { capabilities, currentUser } from "../client/capabilities";
import { createSnapshot, getSnapshot, listSnapshotsPage, SnapshotV1 } from "../client/datasets";
import { isNotFound } from "../client/errors";
import { warnUser } from "../client/notices";
import { plainOutputs } from "../client/outputs";
import { findInPages } from "../client/pagination";
import {
  checkInputs,
  diffInputs,
  inputsFromOutputs,
  joinId,
  outputSlots,
  partialCreate,
  ResourceInitError,
  Schema,
  splitId,
  waitFor,
  withoutProvider,
} from "./common";
import { providerShim } from "./shim";

export interface DatasetSnapshotArgs {
  /** The dataset to snapshot. Changing it makes a new snapshot. */
  datasetId: pulumi.Input<string>;
  /** Paths, relative to the dataset root, to capture. Changing them makes a new snapshot. */
  relativeFilePaths: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * How long to wait for the snapshot to become active, in minutes (fractions allowed).
   * Default 30. Changing it does not touch the snapshot.
   */
  snapshotTimeoutMinutes?: pulumi.Input<number>;
}

export interface DatasetSnapshotInputs {
  datasetId: string;
  relativeFilePaths: string[];
  snapshotTimeoutMinutes: number;
}

export interface DatasetSnapshotOutputs extends DatasetSnapshotInputs {
  snapshotId: string;
  /** active once usable; failed when Domino could not make it. */
  status: string;
  createdAt: string;
  creatorId: string;
}

export const datasetSnapshotSchema: Schema = {
  datasetId: { kind: "string", required: true, dominoId: true, onChange: "replace" },
  relativeFilePaths: {
    kind: "stringArray",
    required: true,
    onChange: "replace",
    validate: (value) => ((value as string[]).some((p) => p.startsWith("/")) ? "must hold paths relative to the dataset root (no leading /)" : undefined),
  },
  snapshotTimeoutMinutes: { kind: "number", default: 30, min: 0, onChange: "ignore" },
};

const ID_PARTS = ["datasetId", "snapshotId"] as const;

/** Statuses of a snapshot on its way out (Domino's quota marks the oldest untagged ones). */
const GONE = new Set(["markfordeletion", "deletioninprogress", "deleted"]);

const STATUSES = ["active", "markForDeletion", "deletionInProgress", "deleted", "pending", "failed", "copying"];

/** The status in the spec's spelling (compared case-insensitively). */
function canonicalStatus(status: string | undefined): string {
  if (!status) return "pending";
  return STATUSES.find((s) => s.toLowerCase() === status.toLowerCase()) ?? status;
}

function toOutputs(snapshot: SnapshotV1, recorded: Partial<DatasetSnapshotOutputs> & { datasetId: string }): DatasetSnapshotOutputs {
  return plainOutputs({
    ...recorded,
    datasetId: snapshot.datasetId ?? recorded.datasetId,
    snapshotId: snapshot.id,
    status: canonicalStatus(snapshot.status),
    createdAt: snapshot.createdAt,
    creatorId: snapshot.creatorId,
  } as DatasetSnapshotOutputs);
}

/** The snapshot, or undefined when it (or its dataset) is gone. */
async function findSnapshot(datasetId: string, snapshotId: string): Promise<SnapshotV1 | undefined> {
  try {
    if ((await capabilities()).snapshotGet) return await getSnapshot(snapshotId);
    // Domino 5.3 has no read by snapshot id: page the dataset's snapshots.
    return await findInPages((offset, limit) => listSnapshotsPage(datasetId, offset, limit), (s) => s.id === snapshotId);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

const FIRST_POLL_MS = 250;

function settled(status: string): boolean {
  return status === "active" || status === "failed";
}

async function settle(inputs: { __provider?: unknown }, id: string, outs: DatasetSnapshotOutputs): Promise<DatasetSnapshotOutputs> {
  let current = outs;
  if (!settled(current.status)) {
    let timedOut = false;
    const timeoutMs = Math.round(outs.snapshotTimeoutMinutes * 60_000);
    const deadline = Date.now() + timeoutMs;
    // A snapshot is never ready the instant it is created: a poll right away would be wasted.
    await new Promise((r) => setTimeout(r, Math.min(FIRST_POLL_MS, timeoutMs)));
    try {
      current = await waitFor(
        async () => {
          const snapshot = await findSnapshot(outs.datasetId, outs.snapshotId);
          if (!snapshot) throw new Error(`snapshot ${outs.snapshotId} of dataset ${outs.datasetId} disappeared while it was being made`);
          current = toOutputs(snapshot, current);
          return settled(current.status) ? current : undefined;
        },
        {
          timeoutMs: Math.max(0, deadline - Date.now()),
          intervalMs: 500,
          maxIntervalMs: 10_000,
          describe: () => {
            timedOut = true;
            return "timed out";
          },
        },
      );
    } catch (err) {
      if (!timedOut) throw err;
      throw partialCreate(
        inputs,
        id,
        current,
        `snapshot ${outs.snapshotId} of dataset ${outs.datasetId} was still ${current.status} after ${outs.snapshotTimeoutMinutes} minutes; ` +
          "the next `pulumi up` waits for it again (raise snapshotTimeoutMinutes if snapshots take longer)",
      );
    }
  }
  if (current.status === "failed") {
    throw partialCreate(
      inputs,
      id,
      current,
      `snapshot ${outs.snapshotId} of dataset ${outs.datasetId} failed in Domino; the next \`pulumi up\` makes a new snapshot`,
    );
  }
  return current;
}

export const provider = {
  async check(_olds: unknown, news: Record<string, unknown>) {
    return checkInputs<DatasetSnapshotInputs>("DatasetSnapshot", datasetSnapshotSchema, news);
  },

  async diff(_id: string, olds: DatasetSnapshotOutputs, news: DatasetSnapshotInputs) {
    const result = diffInputs(datasetSnapshotSchema, { ...olds }, { ...news });
    // A failed snapshot is of no use: the next update makes a new one.
    if (olds.status === "failed" && !result.replaces) return { changes: true, replaces: ["status"] };
    return result;
  },

  async create(inputs: DatasetSnapshotInputs & { __provider?: string }) {
    const started = Date.now();
    // Snapshots have no natural key: a lost answer is recognised as a snapshot of this
    // dataset made by the caller after this attempt began.
    const findExisting = async () => {
      const self = await currentUser();
      return findInPages(
        (offset, limit) => listSnapshotsPage(inputs.datasetId, offset, limit),
        (s) => Date.parse(s.createdAt) >= started - 60_000 && (!self || !s.creatorId || s.creatorId === self.id),
      );
    };
    const snapshot = await createSnapshot(inputs.datasetId, inputs.relativeFilePaths, findExisting);
    const id = joinId(inputs.datasetId, snapshot.id);
    const outs = toOutputs(snapshot, {
      datasetId: inputs.datasetId,
      relativeFilePaths: inputs.relativeFilePaths,
      snapshotTimeoutMinutes: inputs.snapshotTimeoutMinutes,
    });
    try {
      return { id, outs: await settle(inputs, id, outs) };
    } catch (err) {
      if (err instanceof ResourceInitError) throw err;
      // The snapshot exists whatever went wrong while waiting for it: record it, or the next
      // `pulumi up` would make another one.
      throw partialCreate(
        inputs,
        id,
        outs,
        `snapshot ${outs.snapshotId} of dataset ${outs.datasetId} was created, but its progress could not be followed: ${(err as Error).message}`,
      );
    }
  },

  async read(id: string, props?: Partial<DatasetSnapshotOutputs>) {
    const { datasetId, snapshotId } = splitId("DatasetSnapshot", id, ID_PARTS);
    const snapshot = await findSnapshot(datasetId, snapshotId);
    if (!snapshot || GONE.has(canonicalStatus(snapshot.status).toLowerCase())) return { id: "" };
    const outs = toOutputs(snapshot, { ...withoutProvider(props ?? {}), datasetId });
    return { id, props: outs, inputs: inputsFromOutputs<DatasetSnapshotInputs>(datasetSnapshotSchema, { ...outs }) };
  },

  /** Only reached after a create that ran out of time: every real change is a replacement. */
  async update(id: string, olds: DatasetSnapshotOutputs, news: DatasetSnapshotInputs & { __provider?: string }) {
    return { outs: await settle(news, id, { ...withoutProvider(olds), snapshotTimeoutMinutes: news.snapshotTimeoutMinutes }) };
  },

  /** Domino's public API cannot delete a snapshot: it stays with the dataset. */
  async delete(id: string, _props: DatasetSnapshotOutputs) {
    warnUser(
      `DatasetSnapshot ${id} was removed from the stack but still exists in Domino: Domino's public API has no call that deletes a snapshot. ` +
        "Delete it in the Domino UI if it is no longer needed (untagged snapshots are also removed by the dataset's snapshot quota).",
    );
  },
};

const OUTPUTS = ["datasetId", "snapshotId", "relativeFilePaths", "status", "createdAt", "creatorId", "snapshotTimeoutMinutes"] as const;

/**
 * A snapshot of a Domino dataset. Import id: `<datasetId>/<snapshotId>`.
 *
 * - Snapshots cannot change: a change of `datasetId` or `relativeFilePaths` makes a new
 *   snapshot.
 * - `pulumi up` waits until the snapshot is active (`snapshotTimeoutMinutes`). A snapshot
 *   that fails, or is not ready in time, is recorded with an error: after a failure the
 *   next `pulumi up` makes a new snapshot; after a timeout it waits again.
 * - Destroying it only forgets it, with a warning: Domino's public API has no call to
 *   delete a snapshot.
 *   Domino itself marks the oldest untagged snapshots for deletion when a dataset exceeds
 *   its snapshot quota; refresh then reports the snapshot as gone. Tag a snapshot
 *   (`SnapshotTag`) to keep it.
 * - On Domino 5.3 (no read by snapshot id) refresh pages through the dataset's snapshots.
 */
export class DatasetSnapshot extends pulumi.dynamic.Resource {
  declare readonly datasetId: pulumi.Output<string>;
  declare readonly snapshotId: pulumi.Output<string>;
  declare readonly relativeFilePaths: pulumi.Output<string[]>;
  declare readonly status: pulumi.Output<string>;
  declare readonly createdAt: pulumi.Output<string>;
  declare readonly creatorId: pulumi.Output<string>;
  declare readonly snapshotTimeoutMinutes: pulumi.Output<number>;

  constructor(name: string, args: DatasetSnapshotArgs, opts?: pulumi.CustomResourceOptions) {
    super(providerShim("dataset-snapshot"), name, { ...outputSlots(OUTPUTS), ...args }, opts, "domino", "DatasetSnapshot");
  }

  /** Looks up an existing snapshot by its id, `<datasetId>/<snapshotId>`. */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): DatasetSnapshot {
    return new DatasetSnapshot(name, {} as DatasetSnapshotArgs, { ...opts, id });
  }
}
