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
  ProjectMainRepositoryArgs,
  ProjectMainRepository,
  GitReferenceArgs,
  GitReference,
  ProjectVisibility,
  ProjectStatus,
  GitServiceProvider,
  GitReferenceType,
} from "./resources/project";
export { Collaborator } from "./resources/collaborator";
export type { CollaboratorArgs, CollaboratorOutputs, CollaboratorRole } from "./resources/collaborator";
export { GitRepository } from "./resources/git-repository";
export type { GitRepositoryArgs, GitRepositoryOutputs } from "./resources/git-repository";
export { Goal } from "./resources/goal";
export type { GoalArgs, GoalOutputs } from "./resources/goal";

// Compute environments.
export { Environment } from "./resources/environment";
export type { EnvironmentArgs, EnvironmentOutputs } from "./resources/environment";
export { EnvironmentRevision } from "./resources/environment-revision";
export type {
  EnvironmentRevisionArgs,
  EnvironmentRevisionOutputs,
  EnvironmentVariableArgs,
  EnvironmentVariable,
  WorkspaceToolArgs,
  WorkspaceTool,
  ProxyConfigArgs,
  RevisionDefinitionArgs,
} from "./resources/environment-revision";

// Datasets.
export { Dataset } from "./resources/dataset";
export type { DatasetArgs, DatasetOutputs } from "./resources/dataset";
export { DatasetSnapshot } from "./resources/dataset-snapshot";
export type { DatasetSnapshotArgs, DatasetSnapshotOutputs } from "./resources/dataset-snapshot";
export { SnapshotTag } from "./resources/snapshot-tag";
export type { SnapshotTagArgs, SnapshotTagOutputs } from "./resources/snapshot-tag";
export { SharedDatasetLink } from "./resources/shared-dataset-link";
export type { SharedDatasetLinkArgs, SharedDatasetLinkOutputs } from "./resources/shared-dataset-link";

// Organizations.
export { Organization } from "./resources/organization";
export type { OrganizationArgs, OrganizationOutputs } from "./resources/organization";
export { OrganizationMember } from "./resources/organization-member";
export type { OrganizationMemberArgs, OrganizationMemberOutputs } from "./resources/organization-member";

// Lookups.
export { getProject, getProjectOutput } from "./lookups/get-project";
export type { GetProjectArgs, GetProjectOutputArgs, GetProjectResult, ProjectCollaborator } from "./lookups/get-project";
export { getUser, getUserOutput } from "./lookups/get-user";
export type { GetUserArgs, GetUserOutputArgs, GetUserResult } from "./lookups/get-user";
export { getEnvironment, getEnvironmentOutput } from "./lookups/get-environment";
export type { GetEnvironmentArgs, GetEnvironmentOutputArgs, GetEnvironmentResult } from "./lookups/get-environment";
export { getOrganization, getOrganizationOutput } from "./lookups/get-organization";
export type { GetOrganizationArgs, GetOrganizationOutputArgs, GetOrganizationResult, GetOrganizationMember } from "./lookups/get-organization";

// Errors a program may want to recognise.
export { DominoApiError, DominoNetworkError } from "./client/errors";
export { DominoConfigError } from "./config";
