/**
 * The public types as a program sees them: the package's declarations (`pulumi-domino`
 * resolves to provider/dist), compiled with `tsc --strict` by `npm run typecheck`
 * (`tsc -p tests/types`), never run. Every line under `// @ts-expect-error` must fail to
 * compile (else the directive itself is an error); every other line must compile.
 */
import * as pulumi from "@pulumi/pulumi";
import * as domino from "pulumi-domino";

const config = new pulumi.Config();
declare const anything: unknown;

// ---------------------------------------------------------------- enums: literals and enum objects

new domino.Project("literals", { name: "p", visibility: "Public", status: "active" });
new domino.Project("enum-objects", { name: "p", visibility: domino.ProjectVisibility.Searchable, status: domino.ProjectStatus.Complete });
// @ts-expect-error a trailing space is no visibility
new domino.Project("space", { name: "p", visibility: "Public " });
// @ts-expect-error letter case is free at run time only: the types take the enum's spelling
new domino.Project("case", { name: "p", visibility: "private" });
// @ts-expect-error not a project status
new domino.Project("status", { name: "p", status: "archived" });
// @ts-expect-error an enum object has only its values
new domino.Project("member", { name: "p", visibility: domino.ProjectVisibility.Internal });

new domino.Collaborator("role", { projectId: "p", userId: "u", role: "launcherUser" });
new domino.Collaborator("role-object", { projectId: "p", userId: "u", role: domino.CollaboratorRole.ResultsConsumer });
// @ts-expect-error Owner is no collaborator role
new domino.Collaborator("owner", { projectId: "p", userId: "u", role: "Owner" });

new domino.OrganizationMember("admin", { organizationId: "o", userId: "u", organizationRole: domino.OrganizationRole.Admin });
new domino.OrganizationMember("member", { organizationId: "o", userId: "u", organizationRole: "Member" });
// @ts-expect-error Owner is no organization role
new domino.OrganizationMember("org-owner", { organizationId: "o", userId: "u", organizationRole: "Owner" });

new domino.Project("results", { name: "p", resultsBranch: domino.ResultsBranch.Isolated, isRestricted: true, billingTag: "cc-1" });
new domino.Project("created-repo", {
  name: "p",
  templateDetails: { name: "t", templateId: "x" },
  repoToCreate: { credentialId: "c", owner: "acme", repositoryToCreateName: "etl", visibility: domino.RepositoryVisibility.Private },
});
// @ts-expect-error the results go to an isolated branch or to main
new domino.Project("results-dev", { name: "p", resultsBranch: "dev" });
new domino.Dataset("granted", { projectId: "p", name: "d", grants: [{ targetId: "o", targetRole: domino.DatasetRole.Reader }] });
// @ts-expect-error a grant's role is a dataset role
new domino.Dataset("granted-admin", { projectId: "p", name: "d", grants: [{ targetId: "o", targetRole: "Admin" }] });
new domino.Goal("assigned", { projectId: "p", title: "t", assigneeId: "u", stageId: "s" });
new domino.EnvironmentRevision("restricted", { environmentId: "e", image: "i", isRestricted: true });

new domino.Environment("global", { name: "e", image: "i", visibility: domino.EnvironmentVisibility.Global, supportedClusters: ["Spark", domino.ClusterType.Ray] });
// @ts-expect-error an environment is Global or Private
new domino.Environment("public", { name: "e", image: "i", visibility: "Public" });
// @ts-expect-error Kubernetes is no cluster type
new domino.Environment("k8s", { name: "e", image: "i", supportedClusters: ["Kubernetes"] });
new domino.EnvironmentRevision("dask", { environmentId: "e", image: "i", supportedClusters: [domino.ClusterType.Dask] });
// @ts-expect-error Kubernetes is no cluster type
new domino.EnvironmentRevision("k8s-revision", { environmentId: "e", image: "i", supportedClusters: ["Kubernetes"] });

new domino.GitRepository("repo", {
  projectId: "p",
  uri: "https://github.com/acme/etl.git",
  serviceProvider: domino.GitServiceProvider.Github,
  defaultRef: { refType: domino.GitReferenceType.Branch, value: "main" },
});
// @ts-expect-error GitHub is spelled Github in Domino's enum
new domino.GitRepository("repo-case", { projectId: "p", uri: "https://github.com/acme/etl.git", serviceProvider: "GitHub" });
// @ts-expect-error not a ref type
new domino.GitRepository("repo-ref", { projectId: "p", uri: "https://github.com/acme/etl.git", defaultRef: { refType: "Sha", value: "abc" } });

// An Output of the union is an input of the union; an Output<string> is not.
const typed = new domino.Project("typed", { name: "typed" });
new domino.Project("same-visibility", { name: "q", visibility: typed.visibility });
// @ts-expect-error an Output<string> may hold any string
new domino.Project("any-string", { name: "q", visibility: pulumi.output("Private" as string) });

// ---------------------------------------------------------------- config strings through enumValue

// @ts-expect-error a config value is a string, not a ProjectVisibility
new domino.Project("raw-config", { name: "c", visibility: config.require("visibility") });
new domino.Project("from-config", { name: "c", visibility: domino.enumValue(domino.ProjectVisibility, config.require("visibility")) });
// An absent optional setting stays absent.
new domino.Project("optional-config", { name: "c", status: domino.enumValue(domino.ProjectStatus, config.get("status"), "status") });
// A secret (an Output<string>) goes through apply.
new domino.Collaborator("secret-config", {
  projectId: "p",
  userId: "u",
  role: config.requireSecret("role").apply((r) => domino.enumValue(domino.CollaboratorRole, r, "role")),
});
new domino.Environment("clusters-from-config", {
  name: "e",
  image: "i",
  supportedClusters: config.requireObject<string[]>("clusters").map((c) => domino.enumValue(domino.ClusterType, c)),
});
const visibility: domino.ProjectVisibility = domino.enumValue(domino.ProjectVisibility, "searchable");
const maybeRole: domino.OrganizationRole | undefined = domino.enumValue(domino.OrganizationRole, config.get("role"));
// @ts-expect-error enumValue gives the union of the enum it is given
const wrongEnum: domino.ProjectVisibility = domino.enumValue(domino.ClusterType, "Spark");
// @ts-expect-error config.get may be absent: the result may be undefined
const mustBeThere: domino.ProjectVisibility = domino.enumValue(domino.ProjectVisibility, config.get("visibility"));
// @ts-expect-error an enum's values are strings
domino.enumValue({ One: 1 }, "1");
const allVisibilities: domino.ProjectVisibility[] = domino.enumValues(domino.ProjectVisibility);

// ---------------------------------------------------------------- outputs of enum type

const revision = new domino.EnvironmentRevision("revision", { environmentId: "e", image: "i" });
const buildStatus: pulumi.Output<domino.BuildStatus> = revision.status;
const snapshot = new domino.DatasetSnapshot("snapshot", { datasetId: "d", relativeFilePaths: ["a"] });
const snapshotStatus: pulumi.Output<domino.SnapshotStatus> = snapshot.status;
const environment = new domino.Environment("environment", { name: "e", image: "i" });
const environmentVisibility: pulumi.Output<domino.EnvironmentVisibility> = environment.visibility;
const clusters: pulumi.Output<domino.ClusterType[]> = environment.supportedClusters;
const membership = new domino.OrganizationMember("membership", { organizationId: "o", userId: "u" });
const role: pulumi.Output<domino.OrganizationRole> = membership.organizationRole;
const succeeded: domino.BuildStatus = domino.BuildStatus.Succeeded;
const active: "active" = domino.SnapshotStatus.Active;
// @ts-expect-error the status is an enum, not any string
const notAStatus: pulumi.Output<"Done"> = revision.status;

// ---------------------------------------------------------------- get, with a typed state

const state: domino.ProjectState = { name: "adopted", visibility: "Private", status: domino.ProjectStatus.Active, projectId: "65f0e0000000000000000001" };
const adopted: domino.Project = domino.Project.get("adopted", "65f0e0000000000000000001", state, { protect: true });
const adoptedName: pulumi.Output<string> = adopted.name;
const bare: domino.Goal = domino.Goal.get("goal", "65f0e0000000000000000001/65f0e0000000000000000002");
// @ts-expect-error the state's fields are typed too
domino.Project.get("bad-state", "65f0e0000000000000000001", { visibility: "Owner" });
// @ts-expect-error a state has only the resource's outputs
domino.Project.get("unknown-field", "65f0e0000000000000000001", { colour: "blue" });

// ---------------------------------------------------------------- isInstance narrows to the class

if (domino.Project.isInstance(anything)) {
  const narrowed: domino.Project = anything;
  const owner: pulumi.Output<string> = anything.ownerUsername;
}
const maybeGoal: unknown = adopted;
if (domino.Goal.isInstance(maybeGoal)) {
  const title: pulumi.Output<string> = maybeGoal.title;
  // @ts-expect-error a Goal has no visibility
  maybeGoal.visibility;
}
const isResource: boolean = domino.Environment.isInstance(environment) && domino.EnvironmentRevision.isInstance(revision);

// ---------------------------------------------------------------- lookups

const user: Promise<domino.GetUserResult> = domino.getUser({ userName: "alice" });
const org: pulumi.Output<domino.GetOrganizationResult> = domino.getOrganizationOutput({ name: "o" });
const memberRoles: pulumi.Output<domino.OrganizationRole[]> = org.members.apply((ms) => ms.map((m) => m.organizationRole));

// ---------------------------------------------------------------- domino.Provider

const provider = new domino.Provider("prod", { host: "https://domino.example.com", apiKey: config.requireSecret("apiKey") });
new domino.Project("on-prod", { name: "p" }, { provider });
new domino.Goal("goal-on-prod", { projectId: "p", title: "t" }, { provider, protect: true });
domino.Project.get("adopted-on-prod", "65f0e0000000000000000001", undefined, { provider });
const prodUser: Promise<domino.GetUserResult> = domino.getUser({ userName: "alice" }, { provider });
const prodUserOutput: pulumi.Output<domino.GetUserResult> = domino.getUserOutput({ userName: "alice" }, { provider, dependsOn: [typed] });
const prodProvider: boolean = domino.Provider.isInstance(provider);
// @ts-expect-error a provider needs the deployment's host
new domino.Provider("no-host", { apiKey: "key" });
// @ts-expect-error a lookup takes invoke options, not resource options
domino.getUser({ userName: "alice" }, { provider, protect: true });

export const used = [visibility, maybeRole, wrongEnum, mustBeThere, allVisibilities, buildStatus, snapshotStatus, environmentVisibility, clusters, role];
export const usedToo = [succeeded, active, notAStatus, adoptedName, bare, isResource, user, memberRoles, prodUser, prodUserOutput, prodProvider];

// ---------------------------------------------------------------- adoption: every kind takes adoptId

new domino.Goal("adopted", { projectId: typed.id, title: "t", adoptId: pulumi.interpolate`${typed.id}/65f0d0000000000000000001` });
new domino.Organization("adopted-org", { name: "o", adoptId: "65f0a0000000000000000009" });
const goalArgs: domino.GoalArgs = { projectId: "p", title: "t", adoptId: "p/g" };
new domino.Goal("adopted-args", goalArgs);
// @ts-expect-error adoptId is an id, not a flag
new domino.Project("adopt-flag", { name: "p", adoptId: true });
// @ts-expect-error adoptId is no output
typed.adoptId;
