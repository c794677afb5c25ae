/**
 * GitOps: the same program for every environment; each stack's settings are committed
 * in Pulumi.<stack>.yaml and a pipeline runs `pulumi preview` on pull requests and
 * `pulumi up` on merge, stack by stack. See README.md for the pipeline.
 *
 * Per stack: a project, its collaborators (by user name, from config), a dataset, and,
 * when `sharedDatasetId` is set, a link to a dataset owned by another team (read with
 * `Dataset.get`, never modified by this stack).
 */
import * as pulumi from "@pulumi/pulumi";
import * as domino from "pulumi-domino";

interface CollaboratorSetting {
  user: string;
  role: domino.CollaboratorRole;
}

const config = new pulumi.Config();
const stack = pulumi.getStack();

const project = new domino.Project("project", {
  name: config.require("projectName"),
  description: `Churn model (${stack})`,
  // A config value is a string: enumValue checks it (in any letter case) and gives the enum's type.
  visibility: domino.enumValue(domino.ProjectVisibility, config.require("visibility"), "visibility"),
});

for (const { user, role } of config.requireObject<CollaboratorSetting[]>("collaborators")) {
  new domino.Collaborator(`collaborator-${user}`, {
    projectId: project.id,
    userId: domino.getUserOutput({ userName: user }).id,
    role,
  });
}

const predictions = new domino.Dataset("predictions", {
  projectId: project.id,
  name: "predictions",
  description: `Model outputs (${stack})`,
});

const sharedDatasetId = config.get("sharedDatasetId");
let sharedDatasetName: pulumi.Output<string> | undefined;
if (sharedDatasetId) {
  const shared = domino.Dataset.get("shared-dataset", sharedDatasetId);
  new domino.SharedDatasetLink("shared-dataset-link", { projectId: project.id, datasetId: shared.id });
  sharedDatasetName = shared.name;
}

export const projectId = project.id;
export const projectName = project.name;
export const visibility = project.visibility;
export const datasetId = predictions.id;
export const sharedDataset = sharedDatasetName;
