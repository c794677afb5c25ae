/**
 * The enums of the inputs and outputs, shaped as in Pulumi's generated SDKs: each is a
 * plain object of its values (`domino.ProjectVisibility.Private`) and a type of the same
 * name, the union of those values (`"Public" | "Searchable" | "Private"`), which the
 * resources' fields take. A literal (`visibility: "Private"`) and the object's member are
 * the same value.
 *
 * At run time the values are matched case-insensitively (`check` rewrites them to the
 * spelling here); the types hold a program to the exact spelling. A value read from
 * `pulumi.Config` is a `string`: `enumValue(domino.ProjectVisibility, config.require("visibility"))`
 * validates it and gives the union type, with no cast.
 */
import type { ClusterType as ClusterTypeV1 } from "../client/environments";
import type { OrganizationRole as OrganizationRoleV1 } from "../client/organizations";
import { DATASET_ROLES } from "../client/datasets";
import { COLLABORATOR_ROLES, GIT_REFERENCE_TYPES, GIT_SERVICE_PROVIDERS, PROJECT_STATUSES, PROJECT_VISIBILITIES, REPOSITORY_VISIBILITIES, RESULTS_BRANCHES } from "../client/projects";

/** Who can see a project. */
export const ProjectVisibility = { Public: "Public", Searchable: "Searchable", Private: "Private" } as const;
export type ProjectVisibility = (typeof ProjectVisibility)[keyof typeof ProjectVisibility];

/** A project's status. */
export const ProjectStatus = { Active: "active", Complete: "complete" } as const;
export type ProjectStatus = (typeof ProjectStatus)[keyof typeof ProjectStatus];

/** Where a git repository is hosted. */
export const GitServiceProvider = {
  Bitbucket: "Bitbucket",
  BitbucketServer: "BitbucketServer",
  Github: "Github",
  GithubEnterprise: "GithubEnterprise",
  GitLab: "GitLab",
  GitLabEnterprise: "GitLabEnterprise",
  Unknown: "Unknown",
} as const;
export type GitServiceProvider = (typeof GitServiceProvider)[keyof typeof GitServiceProvider];

/** The kind of a git ref. */
export const GitReferenceType = { Head: "Head", Branch: "Branch", Tag: "Tag", Commit: "Commit" } as const;
export type GitReferenceType = (typeof GitReferenceType)[keyof typeof GitReferenceType];

/** A collaborator's role on a project. */
export const CollaboratorRole = {
  Contributor: "contributor",
  LauncherUser: "launcherUser",
  ResultsConsumer: "resultsConsumer",
  ProjectImporter: "projectImporter",
} as const;
export type CollaboratorRole = (typeof CollaboratorRole)[keyof typeof CollaboratorRole];

/** Where a project's run results are committed: a separate branch per run (isolated) or the main branch. */
export const ResultsBranch = { Isolated: "isolated", Main: "main" } as const;
export type ResultsBranch = (typeof ResultsBranch)[keyof typeof ResultsBranch];

/** Who can see a git repository that Domino creates for a new project (internal: GitHub Enterprise only). */
export const RepositoryVisibility = { Public: "public", Private: "private", Internal: "internal" } as const;
export type RepositoryVisibility = (typeof RepositoryVisibility)[keyof typeof RepositoryVisibility];

/** A user's or organization's role on a dataset (organizations cannot be owners). */
export const DatasetRole = { Owner: "DatasetRwOwner", Editor: "DatasetRwEditor", Reader: "DatasetRwReader" } as const;
export type DatasetRole = (typeof DatasetRole)[keyof typeof DatasetRole];

/** Who can use a compute environment: everyone (Global) or its owner (Private). */
export const EnvironmentVisibility = { Global: "Global", Private: "Private" } as const;
export type EnvironmentVisibility = (typeof EnvironmentVisibility)[keyof typeof EnvironmentVisibility];

/** A cluster type an environment can serve (`supportedClusters`). */
export const ClusterType = { Dask: "Dask", Mpi: "Mpi", Ray: "Ray", Spark: "Spark" } as const;
export type ClusterType = (typeof ClusterType)[keyof typeof ClusterType];

/** A member's role in an organization. */
export const OrganizationRole = { Member: "Member", Admin: "Admin" } as const;
export type OrganizationRole = (typeof OrganizationRole)[keyof typeof OrganizationRole];

/** The build status of an environment revision (an output). Succeeded, Failed and Killed are final. */
export const BuildStatus = {
  Queued: "Queued",
  Starting: "Starting",
  Pulling: "Pulling",
  Building: "Building",
  Pushing: "Pushing",
  Succeeded: "Succeeded",
  Failed: "Failed",
  Killed: "Killed",
} as const;
export type BuildStatus = (typeof BuildStatus)[keyof typeof BuildStatus];

/** The status of a dataset snapshot (an output): active once usable, failed when Domino could not make it. */
export const SnapshotStatus = {
  Active: "active",
  MarkForDeletion: "markForDeletion",
  DeletionInProgress: "deletionInProgress",
  Deleted: "deleted",
  Pending: "pending",
  Failed: "failed",
  Copying: "copying",
} as const;
export type SnapshotStatus = (typeof SnapshotStatus)[keyof typeof SnapshotStatus];

/** An enum object: a name for each value. */
export type EnumObject = { readonly [name: string]: string };

/** The values of an enum, in declaration order. */
export function enumValues<E extends EnumObject>(enumObject: E): E[keyof E][] {
  return Object.values(enumObject) as E[keyof E][];
}

/**
 * `value` as a value of the enum, matched case-insensitively and returned in the enum's
 * spelling; throws an error naming the allowed values when it is none of them. For values
 * that arrive as a `string`, from `pulumi.Config` say:
 *
 *     const visibility = domino.enumValue(domino.ProjectVisibility, config.require("visibility"), "visibility");
 *
 * `undefined` (an absent `config.get`) gives `undefined`. `what` names the value in the error.
 */
export function enumValue<E extends EnumObject>(enumObject: E, value: string, what?: string): E[keyof E];
export function enumValue<E extends EnumObject>(enumObject: E, value: string | undefined, what?: string): E[keyof E] | undefined;
export function enumValue<E extends EnumObject>(enumObject: E, value: string | undefined, what = "value"): E[keyof E] | undefined {
  if (value === undefined) return undefined;
  const allowed = enumValues(enumObject);
  const match = typeof value === "string" ? allowed.find((v) => v.toLowerCase() === value.toLowerCase()) : undefined;
  if (match === undefined) {
    throw new Error(`${what} must be one of ${allowed.join(", ")} (case-insensitive), got ${JSON.stringify(value)}`);
  }
  return match;
}

// The enums hold exactly the values the client sends and the schemas accept: a value
// added to one and not the other does not compile.
type SameValues<E extends EnumObject, V extends string> = [E[keyof E]] extends [V] ? ([V] extends [E[keyof E]] ? true : false) : false;
type Holds<T extends true> = T;
type EnumsMatchTheLists = [
  Holds<SameValues<typeof ProjectVisibility, (typeof PROJECT_VISIBILITIES)[number]>>,
  Holds<SameValues<typeof ProjectStatus, (typeof PROJECT_STATUSES)[number]>>,
  Holds<SameValues<typeof GitServiceProvider, (typeof GIT_SERVICE_PROVIDERS)[number]>>,
  Holds<SameValues<typeof GitReferenceType, (typeof GIT_REFERENCE_TYPES)[number]>>,
  Holds<SameValues<typeof CollaboratorRole, (typeof COLLABORATOR_ROLES)[number]>>,
  Holds<SameValues<typeof ResultsBranch, (typeof RESULTS_BRANCHES)[number]>>,
  Holds<SameValues<typeof RepositoryVisibility, (typeof REPOSITORY_VISIBILITIES)[number]>>,
  Holds<SameValues<typeof DatasetRole, (typeof DATASET_ROLES)[number]>>,
  Holds<SameValues<typeof ClusterType, ClusterTypeV1>>,
  Holds<SameValues<typeof OrganizationRole, OrganizationRoleV1>>,
];
