/**
 * Quickstart: one Domino project, a collaborator on it, a goal and an imported git
 * repository.
 *
 *     pulumi config set domino:host https://domino.example.com
 *     pulumi config set --secret domino:apiKey <your API key>
 *     pulumi config set collaborator <a user name or email address>
 *     pulumi up
 */
import * as pulumi from "@pulumi/pulumi";
import * as domino from "pulumi-domino";

const config = new pulumi.Config();
const projectName = config.get("projectName") ?? "quickstart";
// Looked up when the program runs (in preview too), with the stack's domino:* settings.
const collaboratorUser = domino.getUserOutput({ userName: config.require("collaborator") });

const project = new domino.Project("project", {
  name: projectName,
  description: "Created by the pulumi-domino quickstart",
  visibility: "Private",
  status: "active",
});

const collaborator = new domino.Collaborator("collaborator", {
  projectId: project.id,
  userId: collaboratorUser.id,
  role: "contributor",
});

const goal = new domino.Goal("first-model", {
  projectId: project.id,
  title: "Ship the first model",
  description: "Train, validate and publish a baseline model",
});

const repository = new domino.GitRepository("etl", {
  projectId: project.id,
  uri: "https://github.com/acme/etl.git",
  defaultRef: { refType: "Branch", value: "main" },
});

export const projectId = project.id;
export const projectOwner = project.ownerUsername;
export const collaboratorRole = collaborator.role;
export const goalId = goal.goalId;
export const goalComplete = goal.isComplete;
export const repositoryId = repository.repositoryId;
export const repositoryName = repository.name;
