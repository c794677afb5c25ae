/**
 * SnapshotTag: a name that points at one snapshot of a dataset (tags live on the dataset as
 * a map from name to snapshot id, so a name is unique per dataset). A tagged snapshot is
 * never removed by Domino's snapshot quota.
 */
import { DominoClient } from "../client/client";
import { DatasetRwV1 } from "../client/datasets";
import { unlessNotFound } from "../client/errors";
import { DatasetTag, tagsOf, tagTarget } from "../kit/datasets";
import { compositeId, joinId, sameId } from "../kit/ids";
import { defineProvider } from "../kit/lifecycle";
import { Candidates, createOnce, locateWith, removeReleasing } from "../kit/recovery";
import { Args, resourceClass, ResourceArgs } from "../kit/resource";
import { displayName, REPLACING_ID, SchemaFor } from "../kit/schema";

export interface SnapshotTagInputs {
  /** The dataset the tag belongs to. Changing it replaces the tag. */
  datasetId: string;
  /** The snapshot the tag points at (a snapshot of this dataset). Moved in place. */
  snapshotId: string;
  /**
   * Unique within the dataset. 1 to 100 characters, without line breaks or other control
   * characters or whitespace at either end, and not `.` or `..` (it is a segment of the API
   * path of the tag). Changing it replaces the tag.
   */
  tagName: string;
}

/** A tag is all inputs: nothing is computed. */
export interface SnapshotTagComputed {}

export const snapshotTagSchema: SchemaFor<SnapshotTagInputs> = {
  datasetId: REPLACING_ID,
  snapshotId: { kind: "string", required: true, dominoId: true, onChange: "update" },
  tagName: {
    kind: "string",
    required: true,
    nonEmpty: true,
    max: 100,
    validate: (v) =>
      v === "." || v === ".." ? `must not be "${v}" (the tag name is a segment of the API path .../tags/{tagName})` : displayName(v),
    onChange: "replace",
  },
};

export type SnapshotTagOutputs = SnapshotTagInputs & SnapshotTagComputed;
export type SnapshotTagArgs = ResourceArgs<SnapshotTagInputs>;
export type SnapshotTagState = Partial<Args<SnapshotTagOutputs>>;

const ids = compositeId("SnapshotTag", "datasetId", "tagName");
/** The kind for create claims; a tag's id is its dataset and name, so it comes back when the name is used again. */
const CLAIM_KIND = "snapshot tag";

/** Removes the tag and frees its id for a tag made again under the same name. */
async function removeTag(client: DominoClient, datasetId: string, tagName: string): Promise<DatasetRwV1> {
  return removeReleasing(client.settings.host, CLAIM_KIND, joinId(datasetId, tagName), () =>
    client.datasets.removeDatasetTag(datasetId, tagName),
  );
}

function toOutputs(datasetId: string, tagName: string, snapshotId: string): SnapshotTagOutputs {
  return { datasetId, snapshotId, tagName };
}

/**
 * The name is the key (compared exactly, like Domino does): a tag of that name already on
 * the dataset is refused before anything is sent (Domino would refuse it too), and what a
 * create made is recognised by the name pointing at the requested snapshot (in create
 * recovery, a tag that was not there before). `before` is the dataset just before (a
 * remove's answer), when the caller has it: the first list is then not read.
 */
function candidates(client: DominoClient, inputs: SnapshotTagInputs, before?: DatasetRwV1): Candidates<DatasetTag> {
  const { datasetId, tagName, snapshotId } = inputs;
  let known = before;
  return {
    what: `tag "${tagName}" of dataset ${datasetId}`,
    kind: CLAIM_KIND,
    settings: client.settings,
    list: async () => {
      const dataset = known ?? (await client.datasets.getDataset(datasetId));
      known = undefined;
      return tagsOf(dataset);
    },
    idOf: (t) => joinId(datasetId, t.tagName),
    sameKey: (t) => t.tagName === tagName,
    takenHint: "adopt it with `adoptId`, or choose another name",
    matches: (t) => t.tagName === tagName && sameId(t.snapshotId, snapshotId),
  };
}

/** Adds the tag, made once, and checks from the answer that it points where asked. */
async function addTag(client: DominoClient, inputs: SnapshotTagInputs, before?: DatasetRwV1): Promise<void> {
  const { datasetId, tagName, snapshotId } = inputs;
  await createOnce<DatasetTag>({
    ...candidates(client, inputs, before),
    async send() {
      const dataset = await client.datasets.addDatasetTag(datasetId, tagName, snapshotId);
      const actual = tagTarget(dataset, tagName);
      if (!sameId(actual, snapshotId)) {
        throw new Error(
          `tag "${tagName}" of dataset ${datasetId} points at snapshot ${actual ?? "(none)"} after adding it for snapshot ${snapshotId}: ` +
            "the name was probably taken meanwhile; remove the other tag or adopt it with `adoptId`",
        );
      }
      return { tagName, snapshotId };
    },
  });
}

export const provider = defineProvider<SnapshotTagInputs, SnapshotTagOutputs>({
  kind: "SnapshotTag",
  schema: snapshotTagSchema,
  computed: {},
  describe: (t) => `"${t.tagName}"`,
  adoption: { key: ["datasetId", "tagName"], id: ids },

  async create({ client }, inputs) {
    await addTag(client, inputs);
    return { id: joinId(inputs.datasetId, inputs.tagName), outs: toOutputs(inputs.datasetId, inputs.tagName, inputs.snapshotId) };
  },

  async read({ client }, id) {
    const { datasetId, tagName } = ids.split(id);
    // A dataset that is gone answers 404: so is the tag.
    const snapshotId = tagTarget(await client.datasets.getDataset(datasetId), tagName);
    return snapshotId === undefined ? undefined : toOutputs(datasetId, tagName, snapshotId);
  },

  /**
   * Moves the tag. Whether adding an existing name re-points it is not documented, so the
   * tag is removed and added again. A remove that finds it already gone is fine: a
   * retried update after a failed add starts from there. The remove's answer (the dataset
   * without the tag) is the state the add starts from.
   */
  async update({ client }, _id, olds, news) {
    const afterRemove = await unlessNotFound(() => removeTag(client, olds.datasetId, olds.tagName));
    await addTag(client, { datasetId: olds.datasetId, tagName: olds.tagName, snapshotId: news.snapshotId }, afterRemove);
    return toOutputs(olds.datasetId, olds.tagName, news.snapshotId);
  },

  async delete({ client }, id, props) {
    const { datasetId, tagName } = ids.of(id, props);
    await removeTag(client, datasetId, tagName);
  },

  locate: async ({ client }, inputs) => locateWith(candidates(client, inputs), (t) => joinId(inputs.datasetId, t.tagName)),
});

/**
 * A tag on a dataset snapshot. Id for `get`: `<datasetId>/<tagName>` (the tag name
 * unchanged; it may contain slashes).
 *
 * - Pointing the tag at another snapshot moves it in place (Domino has no documented way
 *   to re-point a name, so the tag is removed and added again: for a moment it does not
 *   exist).
 * - Changing `datasetId` or `tagName` replaces the tag.
 * - A name the dataset already uses is not taken over: the create fails before anything
 *   is sent, naming the tag (adopt it with `adoptId`).
 */
export class SnapshotTag extends resourceClass<SnapshotTagArgs, SnapshotTagOutputs>("snapshot-tag", provider) {}
