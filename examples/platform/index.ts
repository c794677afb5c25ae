/**
 * Platform: an organization with an admin and a member, and a compute environment
 * whose definition evolves through revisions. The package index URL carries a token,
 * so it is stack config set with --secret and stays encrypted in the state.
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
});

export const organizationId = org.id;
export const organizationName = org.name;
export const adminRole = adminMembership.organizationRole;
export const memberRole = memberMembership.organizationRole;
export const environmentId = python.id;
export const revisionNumber = withXgboost.number;
export const revisionStatus = withXgboost.status;
