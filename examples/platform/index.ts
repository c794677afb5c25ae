/**
 * Platform: an organization with an admin and a member, a compute environment whose
 * definition evolves through revisions (the newest one restricted, for restricted
 * projects), and the team's project, whose run results go to isolated branches, with a
 * dataset the whole organization may read. The package index URL carries a token, so it
 * is stack config set with --secret and stays encrypted in the state.
 *
 *     pulumi config set domino:host https://domino.example.com
 *     pulumi config set --secret domino:apiKey <your API key>
 *     pulumi config set orgAdmin <user name>
 *     pulumi config set orgMember <user name>
 *     pulumi config set --secret pipIndexUrl https://<user>:<token>@pypi.example.com/simple
 *     pulumi up
 */
import * as pulumi from "@pulumi/pulumi";
import * as domino from "pulumi-domino";

const config = new pulumi.Config();
const prefix = config.get("prefix") ?? "platform";
const pipIndexUrl = config.requireSecret("pipIndexUrl");

const org = new domino.Organization("ml-platform", { name: `${prefix}-ml-platform` });

const orgAdmin = domino.getUserOutput({ userName: config.require("orgAdmin") });
const orgMember = domino.getUserOutput({ userName: config.require("orgMember") });

const adminMembership = new domino.OrganizationMember("org-admin", {
  organizationId: org.id,
  userId: orgAdmin.id,
  organizationRole: "Admin",
});

const memberMembership = new domino.OrganizationMember("org-member", {
  organizationId: org.id,
  userId: orgMember.id,
  organizationRole: "Member",
});

const BASE_IMAGE = "quay.io/domino/compute-environment-images:ubuntu20-py3.9-r-4.2-domino5.3-standard";

const python = new domino.Environment("python", {
  name: `${prefix}-python`,
  description: "Python for the ML platform",
  visibility: "Private",
  image: BASE_IMAGE,
  dockerfileInstructions: "RUN pip install --no-cache-dir pandas==2.2.2 scikit-learn==1.5.1",
  environmentVariables: [{ key: "PIP_INDEX_URL", value: pipIndexUrl }],
  summary: "Pandas and scikit-learn",
});

// The next revision of the environment's definition: Domino builds it and runs use it.
const withXgboost = new domino.EnvironmentRevision("python-xgboost", {
  environmentId: python.id,
  image: BASE_IMAGE,
  dockerfileInstructions: "RUN pip install --no-cache-dir pandas==2.2.2 scikit-learn==1.5.1 xgboost==2.1.0",
  environmentVariables: [{ key: "PIP_INDEX_URL", value: pipIndexUrl }],
  summary: "Add XGBoost",
  buildTimeoutMinutes: 20,
  // Restricted projects may use only restricted revisions: this one is approved for them.
  isRestricted: true,
});

// The team's project: run results are committed to a branch per run, reviewed before they reach main.
const workspace = new domino.Project("ml-workspace", {
  name: `${prefix}-ml-workspace`,
  description: "Shared work of the ML platform team",
  resultsBranch: "isolated",
});

// Training data that every member of the organization may read.
const trainingData = new domino.Dataset("training-data", {
  projectId: workspace.id,
  name: "training-data",
  description: "Curated training sets",
  grants: [{ targetId: org.id, targetRole: "DatasetRwReader" }],
});

export const organizationId = org.id;
export const organizationName = org.name;
export const adminRole = adminMembership.organizationRole;
export const memberRole = memberMembership.organizationRole;
export const environmentId = python.id;
export const revisionNumber = withXgboost.number;
export const revisionStatus = withXgboost.status;
export const revisionId = withXgboost.revisionId;
export const revisionRestricted = withXgboost.isRestricted;
export const projectId = workspace.id;
export const resultsBranch = workspace.resultsBranch;
export const datasetId = trainingData.id;
