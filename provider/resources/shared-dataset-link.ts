/**
 * SharedDatasetLink: makes a dataset of one project available in another project. The
 * link is all there is: changing either end replaces it, and removing it leaves the
 * dataset untouched.
 */
import { DominoClient } from "../client/client";
import { compositeId, joinId, sameId } from "../kit/ids";
import { defineProvider } from "../kit/lifecycle";
import { Candidates, createOnce, locateWith, removeReleasing } from "../kit/recovery";
import { Args, resourceClass, ResourceArgs } from "../kit/resource";
import { REPLACING_ID, SchemaFor } from "../kit/schema";

export interface SharedDatasetLinkInputs {
  /** The project that gets access to the dataset. Changing it replaces the link. */
  projectId: string;
  /** The dataset (of another project) to link. Changing it replaces the link. */
  datasetId: string;
}

/** A link is all inputs: nothing is computed. */
export interface SharedDatasetLinkComputed {}

export const sharedDatasetLinkSchema: SchemaFor<SharedDatasetLinkInputs> = {
  projectId: REPLACING_ID,
  datasetId: REPLACING_ID,
};

export type SharedDatasetLinkOutputs = SharedDatasetLinkInputs & SharedDatasetLinkComputed;
export type SharedDatasetLinkArgs = ResourceArgs<SharedDatasetLinkInputs>;
export type SharedDatasetLinkState = Partial<Args<SharedDatasetLinkOutputs>>;

const ids = compositeId("SharedDatasetLink", "projectId", "datasetId");
/** The kind for create claims; a link's id is its project and dataset, so it comes back when the dataset is linked again. */
const CLAIM_KIND = "shared dataset link";

/** One dataset linked into a project, the way create recovery compares them. */
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
    takenHint: "adopt it with `adoptId`",
    matches: (l) => sameId(l.datasetId, datasetId),
  };
}

export const provider = defineProvider<SharedDatasetLinkInputs, SharedDatasetLinkOutputs>({
  kind: "SharedDatasetLink",
  schema: sharedDatasetLinkSchema,
  computed: {},
  describe: (l) => `of dataset ${l.datasetId} to project ${l.projectId}`,
  adoption: { key: ["projectId", "datasetId"], id: ids },

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
    const { projectId, datasetId } = ids.split(id);
    // A project that is gone (or archived) answers 404: so is the link.
    const shared = await client.datasets.listSharedDatasets(projectId);
    return links(shared.sharedDatasetIds, datasetId) ? { projectId, datasetId } : undefined;
  },

  async delete({ client }, id, props) {
    const { projectId, datasetId } = ids.of(id, props);
    // Unlinked (or found unlinked): a later link of the same dataset is a new object.
    await removeReleasing(client.settings.host, CLAIM_KIND, joinId(projectId, datasetId), () =>
      client.datasets.unlinkSharedDataset(projectId, datasetId),
    );
  },

  locate: async ({ client }, inputs) => locateWith(candidates(client, inputs), (l) => joinId(inputs.projectId, l.datasetId)),
});

/**
 * A dataset shared into another project. Id for `get`: `<projectId>/<datasetId>`.
 *
 * - Any change replaces the link; destroying it unlinks the dataset from the project and
 *   leaves the dataset itself alone.
 * - A dataset already linked to the project is not taken over: the create fails, naming
 *   the link (adopt it with `adoptId`).
 */
export class SharedDatasetLink extends resourceClass<SharedDatasetLinkArgs, SharedDatasetLinkOutputs>("shared-dataset-link", provider) {}
