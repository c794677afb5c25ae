/**
 * Dataset: a read-write dataset of a project. Its name and description change in place;
 * moving it to another project means a new dataset.
 *
 * Domino 5.3's API has no call to delete a dataset (it arrived with 5.9.1). There,
 * destroying a Dataset removes it from the stack only, and says so: the dataset stays in
 * Domino until someone deletes it in the UI.
 */
import * as pulumi from "@pulumi/pulumi";
import { capabilities } from "../client/capabilities";
import {
  createDataset,
  DatasetRwMetadataV1,
  DatasetRwV1,
  deleteDataset,
  getDataset,
  listProjectDatasetsV1Page,
  listProjectDatasetsV2Page,
  updateDataset,
} from "../client/datasets";
import { isNotFound } from "../client/errors";
import { plainOutputs } from "../client/outputs";
import { findInPages } from "../client/pagination";
import { checkInputs, containsUnknown, diffInputs, inputsFromOutputs, outputSlots, Schema } from "./common";
import { warnUser } from "../client/notices";
import { providerShim } from "./shim";

export interface DatasetArgs {
  /** The project that owns the dataset. Changing it replaces the dataset. */
  projectId: pulumi.Input<string>;
  /** Unique within the project. Renamed in place. */
  name: pulumi.Input<string>;
  /** Updated in place. */
  description?: pulumi.Input<string>;
}

export interface DatasetInputs {
  projectId: string;
  name: string;
  description: string;
}

export interface DatasetOutputs extends DatasetInputs {
  createdAt: string;
  /** Snapshots of the dataset, as last read. */
  snapshotIds: string[];
  /** Tag name -> snapshot id, as last read. */
  tags: Record<string, string>;
}

export const datasetSchema: Schema = {
  projectId: { kind: "string", required: true, dominoId: true, onChange: "replace" },
  name: { kind: "string", required: true, nonEmpty: true, onChange: "update" },
  description: { kind: "string", default: "", onChange: "update" },
};

function toOutputs(dataset: DatasetRwV1, projectId: string): DatasetOutputs {
  return plainOutputs({
    projectId: dataset.projectId ?? projectId,
    name: dataset.name,
    description: dataset.description ?? "",
    createdAt: dataset.createdAt,
    snapshotIds: dataset.snapshotIds ?? [],
    tags: dataset.tags ?? {},
  });
}

const CANNOT_DELETE =
  "this Domino API (5.3) has no call that deletes a dataset (it exists from Domino 5.9.1)";

/** On Domino 5.3, whether a dataset is about to become undeletable by Pulumi; never fails the caller. */
async function onOldApi(): Promise<boolean> {
  try {
    return !(await capabilities()).datasetDelete;
  } catch {
    // No usable credentials yet (a preview without them, say): the warning waits for create.
    return false;
  }
}

export const provider = {
  async check(olds: Record<string, unknown>, news: Record<string, unknown>) {
    const result = checkInputs<DatasetInputs>("Dataset", datasetSchema, news);
    const creating = !olds || olds.name === undefined;
    if (creating && (result.failures ?? []).length === 0 && (await onOldApi())) {
      warnUser(
        `Dataset ${containsUnknown(news.name) ? "(name not known yet)" : `"${String(news.name)}"`}: ${CANNOT_DELETE}. ` +
          "`pulumi destroy` or a replacement will only remove it from the stack; delete it in the Domino UI.",
      );
    }
    return result;
  },

  async diff(_id: string, olds: DatasetOutputs, news: DatasetInputs) {
    const result = diffInputs(datasetSchema, { ...olds }, { ...news });
    if (result.replaces && (await onOldApi())) {
      warnUser(`Dataset "${olds.name}" is being replaced, but ${CANNOT_DELETE}: the old dataset will stay in Domino.`);
    }
    return result;
  },

  async create(inputs: DatasetInputs & { __provider?: string }) {
    const started = Date.now();
    // Names are unique per project: a lost answer shows as a dataset of this name made
    // after this attempt began.
    const findExisting = async () => {
      const listPage = (await capabilities()).surface === "5.3" ? listProjectDatasetsV1Page : listProjectDatasetsV2Page;
      return findInPages(
        (offset, limit) => listPage(inputs.projectId, offset, limit),
        (d) => d.name === inputs.name && Date.parse(d.createdAt) >= started - 60_000,
      );
    };
    const dataset = await createDataset(
      { name: inputs.name, projectId: inputs.projectId, ...(inputs.description ? { description: inputs.description } : {}) },
      findExisting,
    );
    return { id: dataset.id, outs: toOutputs(dataset, inputs.projectId) };
  },

  async read(id: string, props?: Partial<DatasetOutputs>) {
    let dataset: DatasetRwV1;
    try {
      dataset = await getDataset(id);
    } catch (err) {
      if (isNotFound(err)) return { id: "" };
      throw err;
    }
    const outs = toOutputs(dataset, props?.projectId ?? "");
    return { id, props: outs, inputs: inputsFromOutputs<DatasetInputs>(datasetSchema, { ...outs }) };
  },

  async update(id: string, olds: DatasetOutputs, news: DatasetInputs) {
    const body: DatasetRwMetadataV1 = {};
    if (news.name !== olds.name) body.name = news.name;
    if (news.description !== olds.description) body.description = news.description;
    const dataset = await updateDataset(id, body);
    return { outs: toOutputs(dataset, olds.projectId) };
  },

  async delete(id: string, props: DatasetOutputs) {
    if (!(await capabilities()).datasetDelete) {
      warnUser(
        `Dataset "${props.name ?? id}" (${id}) was removed from the stack but still exists in Domino: ${CANNOT_DELETE}. ` +
          "Delete it in the Domino UI.",
      );
      return;
    }
    try {
      await deleteDataset(id);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  },
};

const OUTPUTS = ["projectId", "name", "description", "createdAt", "snapshotIds", "tags"] as const;

/**
 * A read-write dataset of a Domino project. Import id: the dataset id.
 *
 * - `name` (unique within the project) and `description` are updated in place;
 *   changing `projectId` replaces the dataset.
 * - Destroying it deletes the dataset (Domino 5.9.1 and later; Domino marks it for
 *   deletion and purges it after its grace period).
 * - Domino 5.3 has no API call to delete a dataset. There, destroying (or replacing) a
 *   Dataset removes it from the stack only; the provider prints a warning when such a
 *   dataset is planned and when it is dropped, and the dataset stays in Domino until it is
 *   deleted in the UI.
 */
export class Dataset extends pulumi.dynamic.Resource {
  declare readonly projectId: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string>;
  declare readonly createdAt: pulumi.Output<string>;
  declare readonly snapshotIds: pulumi.Output<string[]>;
  declare readonly tags: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: DatasetArgs, opts?: pulumi.CustomResourceOptions) {
    super(providerShim("dataset"), name, { ...outputSlots(OUTPUTS), ...args }, opts, "domino", "Dataset");
  }

  /** Looks up an existing dataset by its id. */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): Dataset {
    return new Dataset(name, {} as DatasetArgs, { ...opts, id });
  }
}
