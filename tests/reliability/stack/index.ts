/**
 * The reliability suite's reference stack: every resource kind of pulumi-domino, 37
 * resources, with parents and children created in parallel as the engine allows.
 *
 *   2 Organization, 3 OrganizationMember, 3 Project (each with a status), 5 Collaborator
 *   (one of them an organization), 3 GitRepository, 4 Goal, 2 Environment (one owned by an
 *   organization), 3 EnvironmentRevision (waited for; two of one environment), 3 Dataset,
 *   3 DatasetSnapshot (two of one dataset), 3 SnapshotTag, 3 SharedDatasetLink
 *
 * The second revision of an environment and the second snapshot of a dataset depend on the
 * first, as the README asks: Domino cannot tell two revisions of one environment (or two
 * snapshots of one dataset) apart, so with both creates interrupted `pulumi-domino recover`
 * could not say which made what (it stops with exit code 2), and the active revision would
 * be whichever build was created last.
 *
 * tests/reliability/census.ts holds the same counts: keep them together.
 *
 *     pulumi config set domino:host http://127.0.0.1:8080
 *     pulumi config set --secret domino:apiKey <the admin's key>
 *     pulumi up
 *
 * Users `alice` and `bob` must exist (the emulator seeds them). The API key's user owns the
 * projects and environments and is made an Admin of the organizations by Domino itself.
 */
import * as pulumi from "@pulumi/pulumi";
import * as domino from "pulumi-domino";

const config = new pulumi.Config();
const prefix = config.get("prefix") ?? "rel";
const alice = domino.getUserOutput({ userName: config.get("alice") ?? "alice" });
const bob = domino.getUserOutput({ userName: config.get("bob") ?? "bob" });

// ---------------------------------------------------------------- organizations
const research = new domino.Organization("org-research", { name: `${prefix}-research` });
const platform = new domino.Organization("org-platform", { name: `${prefix}-platform` });

new domino.OrganizationMember("research-alice", { organizationId: research.id, userId: alice.id, organizationRole: "Admin" });
new domino.OrganizationMember("research-bob", { organizationId: research.id, userId: bob.id, organizationRole: "Member" });
new domino.OrganizationMember("platform-alice", { organizationId: platform.id, userId: alice.id, organizationRole: "Member" });

// ---------------------------------------------------------------- projects
const features = new domino.Project("features", {
  name: `${prefix}-features`,
  description: "Builds the feature tables",
  visibility: "Private",
  status: "active",
});
const churn = new domino.Project("churn", {
  name: `${prefix}-churn-model`,
  description: "Trains the churn model",
  visibility: "Searchable",
  status: "complete",
  completedMessage: "Baseline shipped",
});
const reports = new domino.Project("reports", {
  name: `${prefix}-reports`,
  description: "Weekly reports",
  visibility: "Private",
  status: "active",
  isBlocked: true,
  blockedReason: "Waiting for the churn model",
});

new domino.Collaborator("features-alice", { projectId: features.id, userId: alice.id, role: "contributor" });
new domino.Collaborator("features-bob", { projectId: features.id, userId: bob.id, role: "resultsConsumer" });
new domino.Collaborator("churn-alice", { projectId: churn.id, userId: alice.id, role: "launcherUser" });
new domino.Collaborator("churn-research", { projectId: churn.id, userId: research.id, role: "contributor" });
new domino.Collaborator("reports-bob", { projectId: reports.id, userId: bob.id, role: "contributor" });

new domino.GitRepository("features-etl", {
  projectId: features.id,
  uri: "https://github.com/acme/etl.git",
  defaultRef: { refType: "Branch", value: "main" },
});
new domino.GitRepository("churn-models", { projectId: churn.id, uri: "https://gitlab.com/acme/models.git" });
new domino.GitRepository("reports-notebooks", {
  projectId: reports.id,
  uri: "https://github.com/acme/notebooks.git",
  defaultRef: { refType: "Tag", value: "v1.0" },
});

new domino.Goal("features-daily", { projectId: features.id, title: "Daily feature tables", description: "Refreshed every night" });
new domino.Goal("features-backfill", { projectId: features.id, title: "Backfill 2023" });
new domino.Goal("churn-baseline", { projectId: churn.id, title: "Baseline model in production", isComplete: true });
new domino.Goal("reports-weekly", { projectId: reports.id, title: "Weekly churn report" });

// ---------------------------------------------------------------- environments
const BASE_IMAGE = "quay.io/domino/compute-environment-images:ubuntu20-py3.9-r-4.2-domino5.3-standard";

const python = new domino.Environment("python", {
  name: `${prefix}-python`,
  description: "Python for the data team",
  image: BASE_IMAGE,
  dockerfileInstructions: "RUN pip install --no-cache-dir pandas==2.2.2",
  environmentVariables: [{ key: "PIP_INDEX_URL", value: pulumi.secret("https://ci:token-1@pypi.example.com/simple") }],
  summary: "Pandas",
});
const rlang = new domino.Environment("r", {
  name: `${prefix}-r`,
  description: "R for the research organization",
  orgOwnerId: research.id,
  image: BASE_IMAGE,
  dockerfileInstructions: "RUN R -e 'install.packages(\"data.table\")'",
});

const sklearn = new domino.EnvironmentRevision("python-sklearn", {
  environmentId: python.id,
  image: BASE_IMAGE,
  dockerfileInstructions: "RUN pip install --no-cache-dir pandas==2.2.2 scikit-learn==1.5.1",
  summary: "Add scikit-learn",
  waitForBuild: true,
  buildTimeoutMinutes: 5,
});
new domino.EnvironmentRevision("python-xgboost", {
  environmentId: python.id,
  image: BASE_IMAGE,
  dockerfileInstructions: "RUN pip install --no-cache-dir pandas==2.2.2 xgboost==2.1.0",
  summary: "Add XGBoost",
  waitForBuild: true,
  buildTimeoutMinutes: 5,
}, { dependsOn: [sklearn] });
new domino.EnvironmentRevision("r-tidyverse", {
  environmentId: rlang.id,
  image: BASE_IMAGE,
  dockerfileInstructions: "RUN R -e 'install.packages(c(\"data.table\", \"tidyverse\"))'",
  summary: "Add the tidyverse",
  waitForBuild: true,
  buildTimeoutMinutes: 5,
});

// ---------------------------------------------------------------- datasets
const customerFeatures = new domino.Dataset("customer-features", {
  projectId: features.id,
  name: "customer-features",
  description: "Daily customer feature tables",
});
const rawEvents = new domino.Dataset("raw-events", { projectId: features.id, name: "raw-events" });
const scores = new domino.Dataset("churn-scores", { projectId: churn.id, name: "churn-scores", description: "Scores per customer" });

const january = new domino.DatasetSnapshot("features-january", { datasetId: customerFeatures.id, relativeFilePaths: ["tables/2024-01"] });
const february = new domino.DatasetSnapshot(
  "features-february",
  { datasetId: customerFeatures.id, relativeFilePaths: ["tables/2024-02"] },
  { dependsOn: [january] },
);
const rawSnapshot = new domino.DatasetSnapshot("raw-2024", { datasetId: rawEvents.id, relativeFilePaths: ["events/2024"] });

new domino.SnapshotTag("features-stable", { datasetId: customerFeatures.id, snapshotId: january.snapshotId, tagName: "stable" });
new domino.SnapshotTag("features-latest", { datasetId: customerFeatures.id, snapshotId: february.snapshotId, tagName: "latest" });
new domino.SnapshotTag("raw-v1", { datasetId: rawEvents.id, snapshotId: rawSnapshot.snapshotId, tagName: "v1" });

new domino.SharedDatasetLink("features-in-churn", { projectId: churn.id, datasetId: customerFeatures.id });
new domino.SharedDatasetLink("features-in-reports", { projectId: reports.id, datasetId: customerFeatures.id });
new domino.SharedDatasetLink("scores-in-reports", { projectId: reports.id, datasetId: scores.id });

export const projectIds = [features.id, churn.id, reports.id];
export const environmentIds = [python.id, rlang.id];
export const organizationIds = [research.id, platform.id];
