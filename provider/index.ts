/**
 * pulumi-domino: Domino Data Lab as Pulumi resources.
 *
 *     import * as domino from "pulumi-domino";
 *     const project = new domino.Project("analytics", { name: "analytics", visibility: "Private" });
 */

// Resources of the projects area.
export { Project } from "./resources/project";
export type {
  ProjectArgs,
  ProjectOutputs,
  ProjectState,
  ProjectMainRepositoryArgs,
  ProjectMainRepository,
  GitReferenceArgs,
  GitReference,
  ProjectTemplateDetailsArgs,
  ProjectTemplateDetails,
  ProjectRepoToCreateArgs,
  ProjectRepoToCreate,
} from "./resources/project";
export { Collaborator } from "./resources/collaborator";
export type { CollaboratorArgs, CollaboratorOutputs, CollaboratorState } from "./resources/collaborator";
export { GitRepository } from "./resources/git-repository";
export type { GitRepositoryArgs, GitRepositoryOutputs, GitRepositoryState } from "./resources/git-repository";
export { Goal } from "./resources/goal";
export type { GoalArgs, GoalOutputs, GoalState } from "./resources/goal";

// Compute environments.
export { Environment } from "./resources/environment";
export type { EnvironmentArgs, EnvironmentOutputs, EnvironmentState } from "./resources/environment";
export { EnvironmentRevision } from "./resources/environment-revision";
export type {
  EnvironmentRevisionArgs,
  EnvironmentRevisionOutputs,
  EnvironmentRevisionState,
  EnvironmentVariableArgs,
  EnvironmentVariable,
  WorkspaceToolArgs,
  WorkspaceTool,
  ProxyConfigArgs,
  ProxyConfig,
  RevisionDefinitionArgs,
} from "./resources/environment-revision";

// Datasets.
export { Dataset } from "./resources/dataset";
export type { DatasetArgs, DatasetOutputs, DatasetState, DatasetGrantArgs, DatasetGrant } from "./resources/dataset";
export { DatasetSnapshot } from "./resources/dataset-snapshot";
export type { DatasetSnapshotArgs, DatasetSnapshotOutputs, DatasetSnapshotState } from "./resources/dataset-snapshot";
export { SnapshotTag } from "./resources/snapshot-tag";
export type { SnapshotTagArgs, SnapshotTagOutputs, SnapshotTagState } from "./resources/snapshot-tag";
export { SharedDatasetLink } from "./resources/shared-dataset-link";
export type { SharedDatasetLinkArgs, SharedDatasetLinkOutputs, SharedDatasetLinkState } from "./resources/shared-dataset-link";

// Organizations.
export { Organization } from "./resources/organization";
export type { OrganizationArgs, OrganizationOutputs, OrganizationState } from "./resources/organization";
export { OrganizationMember } from "./resources/organization-member";
export type { OrganizationMemberArgs, OrganizationMemberOutputs, OrganizationMemberState } from "./resources/organization-member";

// An explicit provider: one Domino deployment, for `{ provider }` on resources and lookups.
export { Provider } from "./kit/provider";
export type { ProviderArgs } from "./kit/provider";

// Lookups.
export { getProject, getProjectOutput } from "./lookups/get-project";
export type { GetProjectArgs, GetProjectOutputArgs, GetProjectResult, ProjectCollaborator } from "./lookups/get-project";
export { getUser, getUserOutput } from "./lookups/get-user";
export type { GetUserArgs, GetUserOutputArgs, GetUserResult } from "./lookups/get-user";
export { getEnvironment, getEnvironmentOutput } from "./lookups/get-environment";
export type { GetEnvironmentArgs, GetEnvironmentOutputArgs, GetEnvironmentResult } from "./lookups/get-environment";
export { getOrganization, getOrganizationOutput } from "./lookups/get-organization";
export type { GetOrganizationArgs, GetOrganizationOutputArgs, GetOrganizationResult, GetOrganizationMember } from "./lookups/get-organization";

// Enums: each an object of its values (`domino.ProjectVisibility.Private`) and the union type of
// the same name. `enumValue` turns a string (from `pulumi.Config`) into one, or names the values.
export {
  ProjectVisibility,
  ProjectStatus,
  GitServiceProvider,
  GitReferenceType,
  CollaboratorRole,
  ResultsBranch,
  RepositoryVisibility,
  DatasetRole,
  EnvironmentVisibility,
  ClusterType,
  OrganizationRole,
  BuildStatus,
  SnapshotStatus,
  enumValue,
  enumValues,
} from "./kit/enums";
export type { EnumObject } from "./kit/enums";

// Errors a program may want to recognise.
export { DominoApiError, DominoNetworkError } from "./client/errors";
export { DominoConnectionError } from "./client/client";
export { DominoConfigError } from "./settings";
