/**
 * SharedDatasetLink: makes a dataset of one project available in another project. The
 * link is all there is: changing either end replaces it, and removing it leaves the
 * dataset untouched.
 */
import * as pulumi from "@pulumi/pulumi";
import { DominoClient } from "../client/client";
import { isNotFound } from "../client/errors";
import { joinId, sameId, splitId } from "../kit/ids";
import { defineProvider } from "../kit/lifecycle";
import { Candidates, createOnce, locateWith, releaseClaim } from "../kit/recovery";
import { Args, DominoResource, FieldList, OutputProperties, outputNames } from "../kit/resource";
import { SchemaFor } from "../kit/schema";

export interface SharedDatasetLinkInputs {
  /** The project that gets access to the dataset. Changing it replaces the link. */
  projectId: string;
  /** The dataset (of another project) to link. Changing it replaces the link. */
  datasetId: string;
}

/** A link is all inputs: nothing is computed. */
export interface SharedDatasetLinkComputed {}

export type SharedDatasetLinkOutputs = SharedDatasetLinkInputs & SharedDatasetLinkComputed;
export type SharedDatasetLinkArgs = Args<SharedDatasetLinkInputs>;
export type SharedDatasetLinkState = Partial<Args<SharedDatasetLinkOutputs>>;

export const sharedDatasetLinkSchema: SchemaFor<SharedDatasetLinkInputs> = {
  projectId: { kind: "string", required: true, dominoId: true, onChange: "replace" },
  datasetId: { kind: "string", required: true, dominoId: true, onChange: "replace" },
};

const COMPUTED: FieldList<SharedDatasetLinkComputed> = {};
const ID_PARTS = ["projectId", "datasetId"] as const;
/** The kind for create claims; a link's id is its project and dataset, so it comes back when the dataset is linked again. */
const CLAIM_KIND = "shared dataset link";

/** One dataset linked into a project, as the recovery compares them. */
interface Linked {
  datasetId: string;
}

// Domino answers with ids in lower case; an id given in another case is the same dataset.
const links = (sharedDatasetIds: readonly string[], datasetId: string) => sharedDatasetIds.some((id) => sameId(id, datasetId));

/**
 * The dataset is the key: Domino accepts linking a dataset again, but a link made before
 * is not this resource's, so it is refused before anything is sent. What a create made is
 * the link of this dataset (in create recovery, one that was not there before).
 */
function candidates(client: DominoClient, inputs: SharedDatasetLinkInputs): Candidates<Linked> {
  const { projectId, datasetId } = inputs;
  return {
    what: `the link of dataset ${datasetId} to project ${projectId}`,
    kind: CLAIM_KIND,
    settings: client.settings,
    list: async () => (await client.datasets.listSharedDatasets(projectId)).sharedDatasetIds.map((id) => ({ datasetId: id })),
    idOf: (l) => joinId(projectId, l.datasetId),
    sameKey: (l) => sameId(l.datasetId, datasetId),
    takenHint: "take it over with `SharedDatasetLink.get`",
    matches: (l) => sameId(l.datasetId, datasetId),
  };
}

export const provider = defineProvider<SharedDatasetLinkInputs, SharedDatasetLinkOutputs>({
  kind: "SharedDatasetLink",
  schema: sharedDatasetLinkSchema,
  describe: (l) => `of dataset ${l.datasetId} to project ${l.projectId}`,

  async create({ client }, inputs) {
    const { projectId, datasetId } = inputs;
    await createOnce<Linked>({
      ...candidates(client, inputs),
      async send() {
        const shared = await client.datasets.linkSharedDataset(projectId, datasetId);
        if (!links(shared.sharedDatasetIds, datasetId)) {
          throw new Error(`linking dataset ${datasetId} to project ${projectId} was accepted, but the project's shared datasets do not include it`);
        }
        return { datasetId };
      },
    });
    return { id: joinId(projectId, datasetId), outs: { projectId, datasetId } };
  },

  async read({ client }, id) {
    const { projectId, datasetId } = splitId("SharedDatasetLink", id, ID_PARTS);
    // A project that is gone (or archived) answers 404: so is the link.
    const shared = await client.datasets.listSharedDatasets(projectId);
    return links(shared.sharedDatasetIds, datasetId) ? { projectId, datasetId } : undefined;
  },

  async delete({ client }, id, props) {
    const { projectId, datasetId } = props.datasetId ? props : splitId("SharedDatasetLink", id, ID_PARTS);
    // Unlinked (or found unlinked): a later link of the same dataset is a new object.
    const release = () => releaseClaim(client.settings.host, CLAIM_KIND, joinId(projectId, datasetId));
    try {
      await client.datasets.unlinkSharedDataset(projectId, datasetId);
    } catch (err) {
      if (isNotFound(err)) release();
      throw err;
    }
    release();
  },

  async locate({ client }, inputs) {
    return locateWith(candidates(client, inputs), (l) => joinId(inputs.projectId, l.datasetId));
  },
});

export interface SharedDatasetLink extends OutputProperties<SharedDatasetLinkOutputs> {}

/**
 * A dataset shared into another project. Id for `get`: `<projectId>/<datasetId>`.
 *
 * - Any change replaces the link; destroying it unlinks the dataset from the project and
 *   leaves the dataset itself alone.
 * - A dataset already linked to the project is not taken over: the create fails, naming
 *   the link (take it over with `SharedDatasetLink.get`).
 */
export class SharedDatasetLink extends DominoResource {
  constructor(name: string, args: SharedDatasetLinkArgs, opts?: pulumi.CustomResourceOptions) {
    super({ module: "shared-dataset-link", type: "SharedDatasetLink", outputs: outputNames(sharedDatasetLinkSchema, COMPUTED) }, name, args, opts);
  }

  /** An existing link, by its id `<projectId>/<datasetId>`. */
  static get(name: string, id: pulumi.Input<pulumi.ID>, state?: SharedDatasetLinkState, opts?: pulumi.CustomResourceOptions): SharedDatasetLink {
    return new SharedDatasetLink(name, (state ?? {}) as SharedDatasetLinkArgs, { ...opts, id });
  }
}
