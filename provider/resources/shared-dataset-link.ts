/**
 * SharedDatasetLink: makes a dataset of one project available in another project. The
 * link is all there is: changing either end replaces it, and removing it leaves the
 * dataset untouched.
 */
import * as pulumi from "@pulumi/pulumi";
import { linkSharedDataset, listSharedDatasets, SharedDatasetsV1, unlinkSharedDataset } from "../client/datasets";
import { isNotFound } from "../client/errors";
import { plainOutputs } from "../client/outputs";
import { checkInputs, diffInputs, inputsFromOutputs, joinId, outputSlots, Schema, splitId } from "./common";
import { providerShim } from "./shim";

export interface SharedDatasetLinkArgs {
  /** The project that gets access to the dataset. Changing it replaces the link. */
  projectId: pulumi.Input<string>;
  /** The dataset (of another project) to link. Changing it replaces the link. */
  datasetId: pulumi.Input<string>;
}

export interface SharedDatasetLinkInputs {
  projectId: string;
  datasetId: string;
}

export type SharedDatasetLinkOutputs = SharedDatasetLinkInputs;

export const sharedDatasetLinkSchema: Schema = {
  projectId: { kind: "string", required: true, dominoId: true, onChange: "replace" },
  datasetId: { kind: "string", required: true, dominoId: true, onChange: "replace" },
};

const ID_PARTS = ["projectId", "datasetId"] as const;

// Domino answers with ids in lower case; an id given in another case is the same dataset.
const links = (shared: SharedDatasetsV1 | undefined, datasetId: string) =>
  shared?.sharedDatasetIds.some((id) => id.toLowerCase() === datasetId.toLowerCase()) === true;

export const provider = {
  async check(_olds: unknown, news: Record<string, unknown>) {
    return checkInputs<SharedDatasetLinkInputs>("SharedDatasetLink", sharedDatasetLinkSchema, news);
  },

  async diff(_id: string, olds: SharedDatasetLinkOutputs, news: SharedDatasetLinkInputs) {
    return diffInputs(sharedDatasetLinkSchema, { ...olds }, { ...news });
  },

  async create(inputs: SharedDatasetLinkInputs & { __provider?: string }) {
    const { projectId, datasetId } = inputs;
    const shared = await linkSharedDataset(projectId, datasetId, async () => {
      const current = await listSharedDatasets(projectId);
      return links(current, datasetId) ? current : undefined;
    });
    if (!links(shared, datasetId)) {
      throw new Error(`linking dataset ${datasetId} to project ${projectId} was accepted, but the project's shared datasets do not include it`);
    }
    return { id: joinId(projectId, datasetId), outs: plainOutputs({ projectId, datasetId }) };
  },

  async read(id: string, _props?: Partial<SharedDatasetLinkOutputs>) {
    const { projectId, datasetId } = splitId("SharedDatasetLink", id, ID_PARTS);
    let shared: SharedDatasetsV1;
    try {
      shared = await listSharedDatasets(projectId);
    } catch (err) {
      // The project is gone (or archived): so is the link.
      if (isNotFound(err)) return { id: "" };
      throw err;
    }
    if (!links(shared, datasetId)) return { id: "" };
    const outs = plainOutputs({ projectId, datasetId });
    return { id, props: outs, inputs: inputsFromOutputs<SharedDatasetLinkInputs>(sharedDatasetLinkSchema, { ...outs }) };
  },

  /** Both inputs replace the link, so an update has nothing to do. */
  async update(_id: string, olds: SharedDatasetLinkOutputs, _news: SharedDatasetLinkInputs) {
    return { outs: olds };
  },

  async delete(id: string, props: SharedDatasetLinkOutputs) {
    const { projectId, datasetId } = props.datasetId ? props : splitId("SharedDatasetLink", id, ID_PARTS);
    try {
      await unlinkSharedDataset(projectId, datasetId);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  },
};

const OUTPUTS = ["projectId", "datasetId"] as const;

/**
 * A dataset shared into another project. Import id: `<projectId>/<datasetId>`.
 *
 * Any change replaces the link; destroying it unlinks the dataset from the project and
 * leaves the dataset itself alone.
 */
export class SharedDatasetLink extends pulumi.dynamic.Resource {
  declare readonly projectId: pulumi.Output<string>;
  declare readonly datasetId: pulumi.Output<string>;

  constructor(name: string, args: SharedDatasetLinkArgs, opts?: pulumi.CustomResourceOptions) {
    super(providerShim("shared-dataset-link"), name, { ...outputSlots(OUTPUTS), ...args }, opts, "domino", "SharedDatasetLink");
  }

  /** Looks up an existing link by its id, `<projectId>/<datasetId>`. */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): SharedDatasetLink {
    return new SharedDatasetLink(name, {} as SharedDatasetLinkArgs, { ...opts, id });
  }
}
