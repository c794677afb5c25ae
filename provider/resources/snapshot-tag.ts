/**
 * SnapshotTag: a name that points at one snapshot of a dataset (tags live on the dataset as
 * a map from name to snapshot id, so a name is unique per dataset). A tagged snapshot is
 * never removed by Domino's snapshot quota.
 */
import * as pulumi from "@pulumi/pulumi";
import { addDatasetTag, DatasetRwV1, getDataset, removeDatasetTag } from "../client/datasets";
import { isNotFound } from "../client/errors";
import { plainOutputs } from "../client/outputs";
import { checkInputs, diffInputs, inputsFromOutputs, joinId, outputSlots, Schema, splitId } from "./common";
import { providerShim } from "./shim";

export interface SnapshotTagArgs {
  /** The dataset the tag belongs to. Changing it replaces the tag. */
  datasetId: pulumi.Input<string>;
  /** The snapshot the tag points at (a snapshot of this dataset). Moved in place. */
  snapshotId: pulumi.Input<string>;
  /** Unique within the dataset. Changing it replaces the tag. */
  tagName: pulumi.Input<string>;
}

export interface SnapshotTagInputs {
  datasetId: string;
  snapshotId: string;
  tagName: string;
}

export type SnapshotTagOutputs = SnapshotTagInputs;

export const snapshotTagSchema: Schema = {
  datasetId: { kind: "string", required: true, dominoId: true, onChange: "replace" },
  snapshotId: { kind: "string", required: true, dominoId: true, onChange: "update" },
  tagName: { kind: "string", required: true, nonEmpty: true, onChange: "replace" },
};

const ID_PARTS = ["datasetId", "tagName"] as const;

function toOutputs(datasetId: string, tagName: string, snapshotId: string): SnapshotTagOutputs {
  return plainOutputs({ datasetId, snapshotId, tagName });
}

/** Adds the tag and checks, from the answer, that it points where asked. */
async function addTag(datasetId: string, tagName: string, snapshotId: string): Promise<void> {
  const pointsThere = (d: DatasetRwV1 | undefined) => d?.tags?.[tagName] === snapshotId;
  const dataset = await addDatasetTag(datasetId, tagName, snapshotId, async () => {
    const d = await getDataset(datasetId);
    return pointsThere(d) ? d : undefined;
  });
  if (!pointsThere(dataset)) {
    const actual = dataset.tags?.[tagName];
    throw new Error(
      `tag "${tagName}" of dataset ${datasetId} points at snapshot ${actual ?? "(none)"} after adding it for snapshot ${snapshotId}: ` +
        "the name is probably taken already; remove or import the existing tag first",
    );
  }
}

export const provider = {
  async check(_olds: unknown, news: Record<string, unknown>) {
    return checkInputs<SnapshotTagInputs>("SnapshotTag", snapshotTagSchema, news);
  },

  async diff(_id: string, olds: SnapshotTagOutputs, news: SnapshotTagInputs) {
    return diffInputs(snapshotTagSchema, { ...olds }, { ...news });
  },

  async create(inputs: SnapshotTagInputs & { __provider?: string }) {
    await addTag(inputs.datasetId, inputs.tagName, inputs.snapshotId);
    return { id: joinId(inputs.datasetId, inputs.tagName), outs: toOutputs(inputs.datasetId, inputs.tagName, inputs.snapshotId) };
  },

  async read(id: string, _props?: Partial<SnapshotTagOutputs>) {
    const { datasetId, tagName } = splitId("SnapshotTag", id, ID_PARTS);
    let dataset: DatasetRwV1;
    try {
      dataset = await getDataset(datasetId);
    } catch (err) {
      if (isNotFound(err)) return { id: "" };
      throw err;
    }
    const snapshotId = dataset.tags?.[tagName];
    if (snapshotId === undefined) return { id: "" };
    const outs = toOutputs(datasetId, tagName, snapshotId);
    return { id, props: outs, inputs: inputsFromOutputs<SnapshotTagInputs>(snapshotTagSchema, { ...outs }) };
  },

  /**
   * Moves the tag. Whether adding an existing name re-points it is not documented, so the
   * tag is removed and added again. A remove that finds it already gone is fine: a
   * retried update after a failed add starts from there.
   */
  async update(_id: string, olds: SnapshotTagOutputs, news: SnapshotTagInputs) {
    try {
      await removeDatasetTag(olds.datasetId, olds.tagName);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    await addTag(olds.datasetId, olds.tagName, news.snapshotId);
    return { outs: toOutputs(olds.datasetId, olds.tagName, news.snapshotId) };
  },

  async delete(id: string, props: SnapshotTagOutputs) {
    const { datasetId, tagName } = props.tagName ? props : splitId("SnapshotTag", id, ID_PARTS);
    try {
      await removeDatasetTag(datasetId, tagName);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  },
};

const OUTPUTS = ["datasetId", "snapshotId", "tagName"] as const;

/**
 * A tag on a dataset snapshot. Import id: `<datasetId>/<tagName>` (the tag name as is; it
 * may contain slashes).
 *
 * - Pointing the tag at another snapshot moves it in place (Domino has no documented way
 *   to re-point a name, so the tag is removed and added again: for a moment it does not
 *   exist).
 * - Changing `datasetId` or `tagName` replaces the tag.
 * - A name the dataset already uses is not taken over: Domino refuses it, and an answer
 *   that shows the name pointing at another snapshot fails the create.
 */
export class SnapshotTag extends pulumi.dynamic.Resource {
  declare readonly datasetId: pulumi.Output<string>;
  declare readonly snapshotId: pulumi.Output<string>;
  declare readonly tagName: pulumi.Output<string>;

  constructor(name: string, args: SnapshotTagArgs, opts?: pulumi.CustomResourceOptions) {
    super(providerShim("snapshot-tag"), name, { ...outputSlots(OUTPUTS), ...args }, opts, "domino", "SnapshotTag");
  }

  /** Looks up an existing tag by its id, `<datasetId>/<tagName>`. */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): SnapshotTag {
    return new SnapshotTag(name, {} as SnapshotTagArgs, { ...opts, id });
  }
}
