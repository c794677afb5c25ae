/**
 * Typed calls for the projects area of the API (projects, status, collaborators,
 * goals, imported git repositories). Nothing but the calls: no decisions.
 */
import { callFor, RequestCore, seg } from "./http";
import { listPage, Page } from "./pagination";

// ---------------------------------------------------------------- goals

export interface GoalV1 {
  id: string;
  title: string;
  description?: string;
  isComplete: boolean;
  projectId: string;
  createdAt: string;
  creatorId: string;
}

export interface NewGoalV1 {
  title: string;
  description?: string;
  assigneeId?: string;
  stageId?: string;
}

const goalsPath = (projectId: string) => `/api/projects/v1/projects/${seg(projectId)}/goals`;

/** All goals of a project (unpaged). Domino 5.9.1+ only. */
export async function listGoals(core: RequestCore, projectId: string): Promise<GoalV1[]> {
  return callFor<GoalV1[]>(core, "goals", { operation: "list project goals", method: "GET", path: goalsPath(projectId) }, []);
}

export async function createGoal(core: RequestCore, projectId: string, body: NewGoalV1): Promise<GoalV1> {
  return callFor(core, "goal", { operation: "create project goal", method: "POST", path: goalsPath(projectId), body });
}

export async function setGoalComplete(core: RequestCore, projectId: string, goalId: string, isComplete: boolean): Promise<GoalV1> {
  const path = `${goalsPath(projectId)}/${seg(goalId)}`;
  return callFor(core, "goal", { operation: "update project goal", method: "PATCH", path, body: { isComplete } });
}

export async function deleteGoal(core: RequestCore, projectId: string, goalId: string): Promise<void> {
  await core.call({ operation: "delete project goal", method: "DELETE", path: `${goalsPath(projectId)}/${seg(goalId)}` });
}

// ---------------------------------------------------------------- projects

/** Wire spellings (PascalCase); servers may answer in another casing. */
export const PROJECT_VISIBILITIES = ["Public", "Searchable", "Private"] as const;
export const GIT_SERVICE_PROVIDERS = [
  "Bitbucket",
  "BitbucketServer",
  "Github",
  "GithubEnterprise",
  "GitLab",
  "GitLabEnterprise",
  "Unknown",
] as const;
export const GIT_REFERENCE_TYPES = ["Head", "Branch", "Tag", "Commit"] as const;
export const COLLABORATOR_ROLES = ["contributor", "launcherUser", "resultsConsumer", "projectImporter"] as const;
export const PROJECT_STATUSES = ["active", "complete"] as const;

export interface ProjectRepositoryReferenceV1 {
  refType: string;
  /** Branch name, tag name or commit sha; absent for Head. */
  value?: string;
}

export interface ProjectGitRepositoryV1 {
  id: string;
  name?: string;
  uri: string;
  defaultRef: ProjectRepositoryReferenceV1;
  serviceProvider: string;
}

export interface NewProjectGitRepositoryV1 {
  uri: string;
  name?: string;
  defaultRef?: ProjectRepositoryReferenceV1;
  serviceProvider?: string;
  gitCredentialId?: string;
}

export interface ProjectCollaboratorV1 {
  /** User id, or an organization's user-collection id. */
  id: string;
  role: string;
}

export interface ProjectV1 {
  id: string;
  name: string;
  description: string;
  visibility: string;
  ownerId: string;
  ownerUsername: string;
  collaborators: ProjectCollaboratorV1[];
  mainRepository?: ProjectGitRepositoryV1;
  internalTags?: string[];
  isRestricted?: boolean;
  billingTag?: { tag: string };
}

/** The template a project is created from (Domino 5.9.1+; the last three fields 6.0.1+). */
export interface ProjectTemplateDetailsV1 {
  name: string;
  templateId: string;
  templateRevisionId?: string;
  /** "ecosystem" or "customer". */
  templateType?: string;
  importToMainRepo?: boolean;
  forceImport?: boolean;
}

/** A remote git repository Domino creates for a new project (Domino 6.0.1+, v2 create). */
export interface RepoToCreateV2 {
  /** The caller's git credential id (24 hexadecimal characters). */
  credentialId: string;
  owner: string;
  repositoryToCreateName: string;
  serviceProvider?: string;
  /** public, private or internal (lower case, as the contract spells it). */
  visibility: string;
}

export interface NewProjectV1 {
  name: string;
  description: string;
  visibility: string;
  ownerId?: string;
  mainRepository?: NewProjectGitRepositoryV1;
  /** Domino 5.9.1+. */
  isRestricted?: boolean;
  /** Domino 5.9.1+. */
  templateDetails?: ProjectTemplateDetailsV1;
  /** Domino 5.11.1+. */
  billingTag?: { tag: string };
}

/** The v2 create's body (Domino 6.0.1+): the v1 fields and `repoToCreate`. */
export interface NewProjectV2 extends NewProjectV1 {
  repoToCreate?: RepoToCreateV2;
}

export const RESULTS_BRANCHES = ["isolated", "main"] as const;
/** ProviderRepoVisibilityV1: lower case on the wire, as the contract spells it. */
export const REPOSITORY_VISIBILITIES = ["public", "private", "internal"] as const;

export interface ProjectResultsSettingsV1 {
  /** isolated or main. */
  branch: string;
}

export interface ProjectStatusV1 {
  status: string;
  isBlocked: boolean;
  blockedReason?: string;
  completedMessage?: string;
}

const projectsBetaPath = "/api/projects/beta/projects";
const projectV1Path = (projectId: string) => `/api/projects/v1/projects/${seg(projectId)}`;

export async function createProject(core: RequestCore, body: NewProjectV1): Promise<ProjectV1> {
  return callFor(core, "project", { operation: "create project", method: "POST", path: projectsBetaPath, body });
}

/** The v2 create (Domino 6.0.1+): the only one that takes `repoToCreate`. Same answer as the beta create. */
export async function createProjectV2(core: RequestCore, body: NewProjectV2): Promise<ProjectV1> {
  return callFor(core, "project", { operation: "create project (v2)", method: "POST", path: "/api/projects/v2/projects", body });
}

/** One project by id. Domino 5.9.1+ only; 404 when unknown or archived. */
export async function getProject(core: RequestCore, projectId: string): Promise<ProjectV1> {
  return callFor(core, "project", { operation: "read project", method: "GET", path: projectV1Path(projectId) });
}

/** One page of the projects the caller can see. */
export async function listProjectsPage(core: RequestCore, offset: number, limit: number): Promise<Page<ProjectV1>> {
  const call = { operation: "list projects", path: projectsBetaPath };
  const page = await listPage<ProjectV1 | { project: ProjectV1 }>(core, "projects", call, offset, limit);
  // The spec and live scripts read flat items; one client documents `{project: {...}}`.
  const items = page.items.map((p) => ("project" in p && p.project && typeof p.project === "object" ? p.project : (p as ProjectV1)));
  return { items, metadata: page.metadata };
}

/** Archives the project (Domino has no hard delete). */
export async function archiveProject(core: RequestCore, projectId: string): Promise<void> {
  await core.call({ operation: "archive project", method: "DELETE", path: `${projectsBetaPath}/${seg(projectId)}` });
}

/** Sets the project status. Write-only: Domino has no call that reads it back. */
export async function setProjectStatus(core: RequestCore, projectId: string, status: ProjectStatusV1): Promise<ProjectStatusV1> {
  const path = `${projectV1Path(projectId)}/status`;
  return callFor(core, "status", { operation: "set project status", method: "PUT", path, body: status }, status);
}

const resultsSettingsPath = (projectId: string) => `${projectsBetaPath}/${seg(projectId)}/results-settings`;

/** Where run results are committed. Domino 5.9.1+ only (5.3 can set it but not read it). */
export async function getResultsSettings(core: RequestCore, projectId: string): Promise<ProjectResultsSettingsV1> {
  return callFor(core, "resultsSettings", { operation: "read project results settings", method: "GET", path: resultsSettingsPath(projectId) });
}

export async function setResultsSettings(core: RequestCore, projectId: string, settings: ProjectResultsSettingsV1): Promise<ProjectResultsSettingsV1> {
  const call = { operation: "set project results settings", method: "PUT" as const, path: resultsSettingsPath(projectId), body: settings };
  return callFor(core, "resultsSettings", call, settings);
}

// ---------------------------------------------------------------- collaborators

/**
 * Adds a collaborator. Not idempotent on Domino's side (a repeat answers 400), so
 * the caller handles a repeated attempt and the call may be retried as "safe".
 */
export async function addCollaborator(core: RequestCore, projectId: string, collaborator: ProjectCollaboratorV1): Promise<ProjectCollaboratorV1> {
  const path = `${projectV1Path(projectId)}/collaborators`;
  return callFor(core, "collaborator", { operation: "add project collaborator", method: "POST", path, body: collaborator }, collaborator);
}

export async function removeCollaborator(core: RequestCore, projectId: string, collaboratorId: string): Promise<void> {
  const path = `${projectV1Path(projectId)}/collaborators/${seg(collaboratorId)}`;
  await core.call({ operation: "remove project collaborator", method: "DELETE", path });
}

// ---------------------------------------------------------------- imported git repositories

const repositoriesPath = (projectId: string) => `${projectV1Path(projectId)}/repositories`;

export async function listRepositoriesPage(
  core: RequestCore,
  projectId: string,
  offset: number,
  limit: number,
): Promise<Page<ProjectGitRepositoryV1>> {
  return listPage(core, "repositories", { operation: "list project git repositories", path: repositoriesPath(projectId) }, offset, limit);
}

export async function addRepository(core: RequestCore, projectId: string, body: NewProjectGitRepositoryV1): Promise<ProjectGitRepositoryV1> {
  return callFor(core, "repository", { operation: "add project git repository", method: "POST", path: repositoriesPath(projectId), body });
}

/** Detaches the repository from the project; the remote repository is untouched. */
export async function removeRepository(core: RequestCore, projectId: string, repositoryId: string): Promise<void> {
  await core.call({ operation: "remove project git repository", method: "DELETE", path: `${repositoriesPath(projectId)}/${seg(repositoryId)}` });
}

/** The calls of this area, for `DominoClient`. */
export const projectsCalls = { listGoals, createGoal, setGoalComplete, deleteGoal, createProject, createProjectV2, getProject, listProjectsPage, archiveProject, setProjectStatus, getResultsSettings, setResultsSettings, addCollaborator, removeCollaborator, listRepositoriesPage, addRepository, removeRepository };
