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
