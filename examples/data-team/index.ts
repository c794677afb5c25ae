/**
 * Data team: a project that produces a dataset, a snapshot of it with a tag that
 * downstream users pin to, and a second project that the dataset is shared into.
 *
 *     pulumi config set domino:host https://domino.example.com
 *     pulumi config set --secret domino:apiKey <your API key>
 *     pulumi up
 *
 * Releasing a new version of the data: add a snapshot and point the `stable` tag at it.
 * The tag moves in place; consumers that read `stable` see the new files.
 */
import * as pulumi from "@pulumi/pulumi";
import * as domino from "pulumi-domino";

const config = new pulumi.Config();
const prefix = config.get("prefix") ?? "data-team";

const producer = new domino.Project("producer", {
  name: `${prefix}-features`,
  description: "Builds the feature tables",
  visibility: "Private",
});

const consumer = new domino.Project("consumer", {
  name: `${prefix}-churn-model`,
  description: "Trains the churn model on the shared features",
  visibility: "Private",
});

const features = new domino.Dataset("features", {
  projectId: producer.id,
  name: "customer-features",
  description: "Daily customer feature tables",
});

const january = new domino.DatasetSnapshot("january", {
  datasetId: features.id,
  relativeFilePaths: ["tables/2024-01"],
});

const stable = new domino.SnapshotTag("stable", {
  datasetId: features.id,
  snapshotId: january.snapshotId,
  tagName: "stable",
});

const shared = new domino.SharedDatasetLink("features-in-churn-model", {
  projectId: consumer.id,
  datasetId: features.id,
});

export const producerProjectId = producer.id;
export const consumerProjectId = consumer.id;
export const datasetId = features.id;
export const datasetName = features.name;
export const stableSnapshotId = stable.snapshotId;
export const snapshotStatus = january.status;
export const sharedLinkId = shared.id;
