/**
 * pulumi-domino: Domino Data Lab as Pulumi resources.
 *
 *     import * as domino from "pulumi-domino";
 *     const project = new domino.Project("analytics", { name: "analytics", visibility: "Private" });
 */
export { Goal, GoalArgs, GoalOutputs } from "./resources/goal";
export { DominoApiError, DominoNetworkError } from "./client/errors";
export { DominoConfigError } from "./config";
export { Project, ProjectArgs, ProjectOutputs, ProjectMainRepositoryArgs, ProjectMainRepository, GitReferenceArgs, GitReference, ProjectVisibility, ProjectStatus, GitServiceProvider, GitReferenceType } from "./resources/project";
export { Collaborator, CollaboratorArgs, CollaboratorOutputs, CollaboratorRole } from "./resources/collaborator";
export { GitRepository, GitRepositoryArgs, GitRepositoryOutputs } from "./resources/git-repository";
export { getProject, getProjectOutput, GetProjectArgs, GetProjectOutputArgs, GetProjectResult, ProjectCollaborator } from "./lookups/get-project";
export { Environment, EnvironmentArgs, EnvironmentOutputs } from "./resources/environment";
export { EnvironmentRevision, EnvironmentRevisionArgs, EnvironmentRevisionOutputs, EnvironmentVariableArgs, EnvironmentVariable, WorkspaceToolArgs, WorkspaceTool, ProxyConfigArgs, RevisionDefinitionArgs } from "./resources/environment-revision";
export { Dataset, DatasetArgs, DatasetOutputs } from "./resources/dataset";
export { DatasetSnapshot, DatasetSnapshotArgs, DatasetSnapshotOutputs } from "./resources/dataset-snapshot";
export { SnapshotTag, SnapshotTagArgs, SnapshotTagOutputs } from "./resources/snapshot-tag";
export { SharedDatasetLink, SharedDatasetLinkArgs, SharedDatasetLinkOutputs } from "./resources/shared-dataset-link";
export { Organization, OrganizationArgs, OrganizationOutputs } from "./resources/organization";
export { OrganizationMember, OrganizationMemberArgs, OrganizationMemberOutputs } from "./resources/organization-member";
export { getUser, getUserOutput, GetUserArgs, GetUserOutputArgs, GetUserResult } from "./lookups/get-user";
export { getEnvironment, getEnvironmentOutput, GetEnvironmentArgs, GetEnvironmentOutputArgs, GetEnvironmentResult } from "./lookups/get-environment";
export { getOrganization, getOrganizationOutput, GetOrganizationArgs, GetOrganizationOutputArgs, GetOrganizationResult, GetOrganizationMember } from "./lookups/get-organization";
