/**
 * Dataset: a read-write dataset of a project. Its name and description change in place;
 * moving it to another project, or other creation grants, means a new dataset.
 *
 * Creation grants (`grants`, Domino 5.9.1 or later) give users and organizations a role on
 * the new dataset. Domino never returns a dataset's grants: the outputs keep the ones given,
 * and refresh cannot see grants changed in Domino's UI.
 *
 * Domino 5.3's API has no call to delete a dataset (it arrived with 5.9.1). There,
 * destroying a Dataset removes it from the stack only, and says so: the dataset stays in
 * Domino until someone deletes it in the UI.
 */
import { DominoClient } from "../client/client";
import { DATASET_ROLES, DatasetRwMetadataV1, DatasetRwV1 } from "../client/datasets";
import { activeClient } from "../config";
import { listProjectDatasets } from "../kit/datasets";
import type { DatasetRole } from "../kit/enums";
import { sameId } from "../kit/ids";
import { defineProvider } from "../kit/lifecycle";
import { warnUser } from "../kit/notices";
import { Candidates, createOnce, locateWith } from "../kit/recovery";
import { Args, resourceClass, ResourceArgs } from "../kit/resource";
import { containsUnknown, diffInputs, MAX_DESCRIPTION, REPLACING_ID, SchemaFor, segmentName } from "../kit/schema";

export interface DatasetInputs {
  /** The project that owns the dataset. Changing it replaces the dataset. */
  projectId: string;
  /**
   * Unique within the project (Domino compares names case-insensitively). 1 to 100
   * characters: letters, digits, `-`, `_` and `.`, not `.` or `..` (it names the dataset's
   * directory, `/domino/datasets/local/<name>`). Renamed in place.
   */
  name: string;
  /** At most 10,000 characters. Updated in place. Default "". */
  description?: string;
  /**
   * Roles given on the new dataset, besides the caller's (the owner). Needs Domino 5.9.1
   * or later. One grant per user or organization; organizations cannot be owners. Changing
   * it REPLACES the dataset with a new, empty one. Domino never returns grants: the outputs
   * keep the ones given. Default [].
   */
  grants?: DatasetGrant[];
}

/** A role on a dataset for a user or an organization. */
export interface DatasetGrant {
  /** The user's or organization's id. */
  targetId: string;
  /** DatasetRwOwner, DatasetRwEditor or DatasetRwReader (case-insensitive). */
  targetRole: DatasetRole;
}

export type DatasetGrantArgs = Args<DatasetGrant>;

export interface DatasetComputed {
  createdAt: string;
  /** Snapshots of the dataset, at the last read. */
  snapshotIds: string[];
  /** Tag name -> snapshot id, at the last read. */
  tags: Record<string, string>;
}

export const datasetSchema: SchemaFor<DatasetInputs> = {
  projectId: REPLACING_ID,
  name: {
    kind: "string",
    required: true,
    nonEmpty: true,
    max: 100,
    validate: segmentName("the name is the dataset's directory, /domino/datasets/local/<name>"),
    onChange: "update",
  },
  description: { kind: "string", default: "", max: MAX_DESCRIPTION, onChange: "update" },
  grants: {
    kind: "objectArray",
    default: [],
    fields: {
      targetId: { kind: "string", required: true, dominoId: true },
      targetRole: { kind: "string", required: true, oneOf: DATASET_ROLES },
    },
    validate: oneGrantEach,
    onChange: "replace",
    since: "5.9.1",
  },
};

function oneGrantEach(value: unknown): string | undefined {
  const seen = new Set<string>();
  for (const grant of Array.isArray(value) ? value : []) {
    const id = grant && typeof grant === "object" && typeof grant.targetId === "string" ? grant.targetId.toLowerCase() : undefined;
    if (id === undefined) continue;
    if (seen.has(id)) return `must give ${id} one grant, not several (Domino keeps one role per user or organization)`;
    seen.add(id);
  }
  return undefined;
}

/** Inputs after `check`: defaults filled in. */
type CheckedDataset = Required<DatasetInputs>;
/** The grants are absent after `Dataset.get`: Domino never returns them. */
export type DatasetOutputs = Omit<CheckedDataset, "grants"> & { grants?: DatasetGrant[] } & DatasetComputed;
export type DatasetArgs = ResourceArgs<DatasetInputs>;
export type DatasetState = Partial<Args<DatasetOutputs>>;

/** Domino's dataset as outputs; `grants` are the ones given, which Domino never returns. */
function toOutputs(dataset: DatasetRwV1, projectId: string, grants: DatasetGrant[] | undefined): DatasetOutputs {
  return {
    projectId: dataset.projectId ?? projectId,
    name: dataset.name,
    description: dataset.description ?? "",
    grants,
    createdAt: dataset.createdAt,
    snapshotIds: dataset.snapshotIds ?? [],
    tags: dataset.tags ?? {},
  };
}

const CANNOT_DELETE = "this Domino API (5.3) has no call that deletes a dataset (it exists from Domino 5.9.1)";

/** On Domino 5.3, whether a dataset is about to become undeletable by Pulumi; never fails the caller. */
async function onOldApi(): Promise<boolean> {
  try {
    return !(await (await activeClient()).capabilities()).datasetDelete;
  } catch {
    // No usable credentials yet (a preview without them, say): the warning waits for create.
    return false;
  }
}

/**
 * Names are unique per project (Domino compares them case-insensitively): a dataset of
 * this name that exists already is refused before anything is sent, and what a create
 * made is recognised by a dataset of this name and description (in create recovery, one
 * that was not there before).
 */
function candidates(client: DominoClient, inputs: CheckedDataset): Candidates<DatasetRwV1> {
  return {
    what: `dataset "${inputs.name}" of project ${inputs.projectId}`,
    kind: "dataset",
    settings: client.settings,
    list: () => listProjectDatasets(client, inputs.projectId),
    idOf: (d) => d.id,
    matches: (d) => d.name === inputs.name && (d.description ?? "") === inputs.description,
    sameKey: (d) => d.name.toLowerCase() === inputs.name.toLowerCase(),
    takenHint: "adopt it with `adoptId`, or choose another name",
  };
}

/**
 * Besides the lifecycle, the warnings Domino 5.3 needs at planning time: a dataset
 * planned there can never be deleted by Pulumi, and one being replaced stays behind.
 */
export const provider = defineProvider<CheckedDataset, DatasetOutputs>({
  kind: "Dataset",
  schema: datasetSchema,
  computed: { createdAt: true, snapshotIds: true, tags: true },
  describe: (d) => `"${d.name}"`,
  // The name is unique in the project: adopting renames nothing (rename after the adoption).
  adoption: { key: ["projectId", "name"] },

  // A replacement in the same project that keeps the name (in any case: Domino compares
  // names case-insensitively) would collide with the old dataset: it goes first.
  diff: (olds, news) =>
    diffInputs(
      datasetSchema,
      { ...olds },
      { ...news },
      (_replaces, o, n) =>
        typeof o.projectId === "string" &&
        typeof n.projectId === "string" &&
        sameId(o.projectId, n.projectId) &&
        typeof o.name === "string" &&
        typeof n.name === "string" &&
        !containsUnknown(n.name) &&
        o.name.toLowerCase() === n.name.toLowerCase(),
    ),

  async afterCheck(olds, result) {
    const creating = !olds || !("name" in olds) || olds.name === undefined;
    if (creating && (result.failures ?? []).length === 0 && (await onOldApi())) {
      warnUser(
        `Dataset ${containsUnknown(result.inputs?.name) ? "(name not known yet)" : `"${String(result.inputs?.name)}"`}: ${CANNOT_DELETE}. ` +
          "`pulumi destroy` or a replacement will only remove it from the stack; delete it in the Domino UI.",
      );
    }
  },

  async afterDiff(_id, olds, _news, result) {
    if (result.replaces?.length && (await onOldApi())) {
      warnUser(`Dataset "${olds.name}" is being replaced, but ${CANNOT_DELETE}: the old dataset will stay in Domino.`);
    }
  },

  async create({ client }, inputs) {
    const dataset = await createOnce<DatasetRwV1>({
      ...candidates(client, inputs),
      send: () =>
        client.datasets.createDataset({
          name: inputs.name,
          projectId: inputs.projectId,
          ...(inputs.description ? { description: inputs.description } : {}),
          ...(inputs.grants.length > 0 ? { grants: inputs.grants } : {}),
        }),
    });
    return { id: dataset.id, outs: toOutputs(dataset, inputs.projectId, inputs.grants) };
  },

  // A dataset that is deleted (or gone with its project) answers 404: gone.
  read: async ({ client }, id, recorded) => toOutputs(await client.datasets.getDataset(id), recorded.projectId ?? "", recorded.grants),

  async update({ client }, id, olds, news) {
    const body: DatasetRwMetadataV1 = {};
    if (news.name !== olds.name) body.name = news.name;
    if (news.description !== olds.description) body.description = news.description;
    return toOutputs(await client.datasets.updateDataset(id, body), olds.projectId, olds.grants);
  },

  async delete({ client }, id, props) {
    if (!(await client.capabilities()).datasetDelete) {
      warnUser(
        `Dataset "${props.name ?? id}" (${id}) was removed from the stack but still exists in Domino: ${CANNOT_DELETE}. ` +
          "Delete it in the Domino UI.",
      );
      return;
    }
    await client.datasets.deleteDataset(id);
  },

  locate: async ({ client }, inputs) => locateWith(candidates(client, inputs), (d) => d.id),
});

/**
 * A read-write dataset of a Domino project. Id for `get`: the dataset id.
 *
 * - `name` (unique within the project) and `description` are updated in place;
 *   changing `projectId` or `grants` replaces the dataset with a new, empty one (in the
 *   same project with the same name, the old one is deleted first: the names would
 *   collide). Use `protect: true` on datasets that hold data.
 * - A dataset of the same name that already exists in the project is not taken over: the
 *   create fails, naming it (adopt it with `adoptId`).
 * - Destroying it deletes the dataset (Domino 5.9.1 and later; Domino marks it for
 *   deletion and purges it after its grace period).
 * - Domino 5.3 has no API call to delete a dataset. There, destroying (or replacing) a
 *   Dataset removes it from the stack only; the provider prints a warning when such a
 *   dataset is planned and when it is dropped, and the dataset stays in Domino until it is
 *   deleted in the UI.
 */
export class Dataset extends resourceClass<DatasetArgs, DatasetOutputs>("dataset", provider) {}
