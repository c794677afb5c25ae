/**
 * DatasetSnapshot: a read-only snapshot of files in a dataset. Snapshots cannot be
 * changed, and Domino's public API cannot delete them: deleting the resource only
 * removes it from the stack.
 */
import { DominoClient } from "../client/client";
import { SnapshotV1 } from "../client/datasets";
import { canonicalStatus, findSnapshot, isGoingAway, listSnapshots, waitForSnapshot } from "../kit/datasets";
import type { SnapshotStatus } from "../kit/enums";
import { compositeId, joinId, sameId } from "../kit/ids";
import { finishCreate, partialCreate } from "../kit/init-error";
import { defineProvider, recordedOutputs } from "../kit/lifecycle";
import { warnUser } from "../kit/notices";
import { Candidates, createOnce, locateWith } from "../kit/recovery";
import { Args, resourceClass, ResourceArgs } from "../kit/resource";
import { diffRenewing, REPLACING_ID, SchemaFor, waitMinutes } from "../kit/schema";

export interface DatasetSnapshotInputs {
  /** The dataset to snapshot. Changing it makes a new snapshot. */
  datasetId: string;
  /** Paths, relative to the dataset root, to capture. Changing them makes a new snapshot. */
  relativeFilePaths: string[];
  /**
   * How long to wait for the snapshot to become active, in minutes (fractions allowed;
   * 1 to 1440). Default 30. Changing it does not touch the snapshot.
   */
  snapshotTimeoutMinutes?: number;
}

export interface DatasetSnapshotComputed {
  snapshotId: string;
  /** active once usable; failed when Domino could not make it (pending or copying before). */
  status: SnapshotStatus;
  createdAt: string;
  creatorId: string;
}

export const datasetSnapshotSchema: SchemaFor<DatasetSnapshotInputs> = {
  datasetId: REPLACING_ID,
  relativeFilePaths: {
    kind: "stringArray",
    required: true,
    onChange: "replace",
    validate: (value) =>
      Array.isArray(value) && value.some((p) => typeof p === "string" && p.startsWith("/")) ? "must hold paths relative to the dataset root (no leading /)" : undefined,
  },
  snapshotTimeoutMinutes: { kind: "number", default: 30, validate: waitMinutes, onChange: "ignore" },
};

/** Inputs after `check`: defaults filled in. */
type CheckedDatasetSnapshot = Required<DatasetSnapshotInputs>;
export type DatasetSnapshotOutputs = CheckedDatasetSnapshot & DatasetSnapshotComputed;
export type DatasetSnapshotArgs = ResourceArgs<DatasetSnapshotInputs>;
export type DatasetSnapshotState = Partial<Args<DatasetSnapshotOutputs>>;

const ids = compositeId("DatasetSnapshot", "datasetId", "snapshotId");

/**
 * The outputs from what Domino says, over what was recorded. The snapshot does not tell
 * its paths: those come from the inputs, or are absent for a `get` with nothing recorded.
 */
function toOutputs(snapshot: SnapshotV1, recorded: Partial<DatasetSnapshotOutputs> & { datasetId: string }): DatasetSnapshotOutputs {
  return recordedOutputs<DatasetSnapshotOutputs>({
    ...recorded,
    datasetId: snapshot.datasetId ?? recorded.datasetId,
    snapshotId: snapshot.id,
    status: canonicalStatus(snapshot.status),
    createdAt: snapshot.createdAt,
    creatorId: snapshot.creatorId,
  });
}

/** Waits until the snapshot is active; a failed or late one is recorded with an error. */
async function settle(client: DominoClient, id: string, outs: DatasetSnapshotOutputs): Promise<DatasetSnapshotOutputs> {
  let current = outs;
  if (current.status !== "active" && current.status !== "failed") {
    const waited = await waitForSnapshot(client, outs.datasetId, outs.snapshotId, Math.round(outs.snapshotTimeoutMinutes * 60_000));
    if (waited.last) current = toOutputs(waited.last, current);
    if (waited.timedOut) {
      throw partialCreate(
        {},
        id,
        current,
        `snapshot ${outs.snapshotId} of dataset ${outs.datasetId} was still ${current.status} after ${outs.snapshotTimeoutMinutes} minutes; ` +
          "the next `pulumi up` waits for it again (raise snapshotTimeoutMinutes if snapshots take longer)",
      );
    }
  }
  if (current.status === "failed") {
    throw partialCreate({}, id, current, `snapshot ${outs.snapshotId} of dataset ${outs.datasetId} failed in Domino; the next \`pulumi up\` makes a new snapshot`);
  }
  return current;
}

/**
 * Snapshots have no natural key (snapshots of the same paths may repeat), and Domino does
 * not answer with a snapshot's paths: what a create made is recognised by being a snapshot
 * of the dataset made by this caller (where Domino says who the caller is: 5.9.1 and later)
 * and not on its way out; in create recovery, also one that was not there before and that
 * no other resource here has taken.
 */
async function candidates(client: DominoClient, inputs: CheckedDatasetSnapshot): Promise<Candidates<SnapshotV1>> {
  const self = await client.currentUser();
  return {
    what: `a snapshot of dataset ${inputs.datasetId}`,
    kind: "dataset snapshot",
    settings: client.settings,
    list: () => listSnapshots(client, inputs.datasetId),
    idOf: (s) => s.id,
    // Nothing tells two new snapshots of a dataset apart: their creates go one at a time.
    lane: inputs.datasetId,
    matches: (s) => (!self || !s.creatorId || sameId(s.creatorId, self.id)) && !isGoingAway(canonicalStatus(s.status)),
  };
}

export const provider = defineProvider<CheckedDatasetSnapshot, DatasetSnapshotOutputs>({
  kind: "DatasetSnapshot",
  schema: datasetSnapshotSchema,
  computed: { snapshotId: true, status: true, createdAt: true, creatorId: true },
  describe: (s) => `of dataset ${s.datasetId}`,
  adoption: { key: ["datasetId"], id: ids },

  // A failed snapshot is of no use: the next update makes a new one.
  diff: (olds, news) => diffRenewing(datasetSnapshotSchema, olds, news, olds.status === "failed"),

  async create({ client }, inputs) {
    const spec = await candidates(client, inputs);
    const snapshot = await createOnce<SnapshotV1>({ ...spec, send: () => client.datasets.createSnapshot(inputs.datasetId, inputs.relativeFilePaths) });
    const id = joinId(inputs.datasetId, snapshot.id);
    const outs = toOutputs(snapshot, {
      datasetId: inputs.datasetId,
      relativeFilePaths: inputs.relativeFilePaths,
      snapshotTimeoutMinutes: inputs.snapshotTimeoutMinutes,
    });
    // The snapshot exists whatever goes wrong while waiting for it: it is recorded, or the
    // next `pulumi up` would make another one.
    return finishCreate(
      id,
      outs,
      () => settle(client, id, outs),
      (message) => `snapshot ${outs.snapshotId} of dataset ${outs.datasetId} was created, but its progress could not be followed: ${message}`,
    );
  },

  async read({ client }, id, recorded) {
    const { datasetId, snapshotId } = ids.split(id);
    const snapshot = await findSnapshot(client, datasetId, snapshotId);
    if (!snapshot || isGoingAway(canonicalStatus(snapshot.status))) return undefined;
    return toOutputs(snapshot, { ...recorded, datasetId });
  },

  /** Only reached after a create that ran out of time: every real change is a replacement. */
  update: ({ client }, id, olds, news) => settle(client, id, { ...olds, snapshotTimeoutMinutes: news.snapshotTimeoutMinutes }),

  /** Domino's public API cannot delete a snapshot: it stays with the dataset. */
  async delete(_ctx, id) {
    warnUser(
      `DatasetSnapshot ${id} was removed from the stack but still exists in Domino: Domino's public API has no call that deletes a snapshot. ` +
        "Delete it in the Domino UI if it is no longer needed (untagged snapshots are also removed by the dataset's snapshot quota).",
    );
  },

  /** Every live snapshot of the dataset by this caller: without paths to compare, `recover` can tell only when there is one. */
  locate: async ({ client }, inputs) => locateWith(await candidates(client, inputs), (s) => joinId(inputs.datasetId, s.id)),
});

/**
 * A snapshot of a Domino dataset. Id for `get`: `<datasetId>/<snapshotId>`.
 *
 * - Snapshots cannot change: a change of `datasetId` or `relativeFilePaths` makes a new
 *   snapshot.
 * - `pulumi up` waits until the snapshot is active (`snapshotTimeoutMinutes`), printing
 *   its status about every 15 s. A snapshot that fails, or is not ready in time, is
 *   recorded with an error: after a failure the next `pulumi up` makes a new snapshot;
 *   after a timeout it waits again.
 * - Destroying it only forgets it, with a warning: Domino's public API has no call to
 *   delete a snapshot.
 *   Domino itself marks the oldest untagged snapshots for deletion when a dataset exceeds
 *   its snapshot quota; refresh then finds the snapshot gone. Tag a snapshot
 *   (`SnapshotTag`) to keep it.
 * - On Domino 5.3 (no read by snapshot id) refresh pages through the dataset's snapshots.
 */
export class DatasetSnapshot extends resourceClass<DatasetSnapshotArgs, DatasetSnapshotOutputs>("dataset-snapshot", provider) {}
