/**
 * What the project resources (Project, Collaborator, GitRepository) and the getProject
 * lookup share: finding a project, the git repository fields and their rules, and
 * Domino's answers mapped to input spelling.
 */
import { DominoClient } from "../client/client";
import { unlessNotFound } from "../client/errors";
import { findInPages } from "../client/pagination";
import {
  GIT_REFERENCE_TYPES,
  GIT_SERVICE_PROVIDERS,
  NewProjectGitRepositoryV1,
  PROJECT_VISIBILITIES,
  ProjectGitRepositoryV1,
  ProjectRepositoryReferenceV1,
  ProjectV1,
} from "../client/projects";
import type { GitReferenceType, GitServiceProvider, ProjectVisibility } from "./enums";
import { sameId } from "./ids";
import { plainOutputs } from "./outputs";
import { FieldRule, segmentName } from "./schema";

// The enums of the project resources (objects and types in `./enums`).
export type { CollaboratorRole, GitReferenceType, GitServiceProvider, ProjectStatus, ProjectVisibility } from "./enums";

/** A git ref: `{ refType: "Branch", value: "main" }`; `value` is absent for `Head`. */
export interface GitReference {
  /** Head, Branch, Tag or Commit (case-insensitive). */
  refType: GitReferenceType;
  /** Branch name, tag name or commit sha. Required unless refType is Head. */
  value?: string;
}

/** A git repository as a program declares it (a project's main repository, or an import). */
export interface GitRepositoryFields {
  /** The repository's URL, e.g. `https://github.com/acme/etl.git`. */
  uri: string;
  /**
   * Display name; Domino derives one from the URI when absent. At most 100 characters:
   * letters, digits, `-`, `_` and `.`, not `.` or `..` (the directory it is cloned into).
   */
  name?: string;
  /** The ref checked out by default; Domino's choice when absent. */
  defaultRef?: GitReference;
  /** Github, GitLab, Bitbucket... (case-insensitive); Domino's choice when absent. */
  serviceProvider?: GitServiceProvider;
  /**
   * The id of the caller's own git credential for this repository. Domino never returns
   * it and it applies to the calling user only; the outputs keep the value given. It is
   * an id, not a secret.
   */
  gitCredentialId?: string;
}

/** A project's main repository as the outputs hold it. */
export interface ProjectMainRepository extends GitRepositoryFields {
  /** Domino's id of the repository. */
  id?: string;
}

/**
 * The value in the spelling of `values` (Domino may answer in another case). A value
 * Domino knows and this provider does not is kept as it came.
 */
export function canonical<T extends string>(values: readonly T[], value: string): T {
  return values.find((v) => v.toLowerCase() === value.toLowerCase()) ?? (value as T);
}

export const gitReferenceRule: FieldRule = {
  kind: "object",
  fields: {
    refType: { kind: "string", required: true, oneOf: GIT_REFERENCE_TYPES },
    value: { kind: "string", nonEmpty: true },
  },
  validate: (value) => {
    const ref = value as { refType?: string; value?: string };
    if (ref.refType && ref.refType !== "Head" && ref.value === undefined) return `.value is required when refType is ${ref.refType}`;
    if (ref.refType === "Head" && ref.value !== undefined) return ".value must be absent when refType is Head";
    return undefined;
  },
};

/** Git URLs as Domino accepts them: a scheme URL or scp-like `user@host:path`. */
export const GIT_URI_PATTERN = {
  regex: /^(?:(?:https?|ssh|git):\/\/\S+|[\w.-]+@[\w.-]+:\S+)$/i,
  rule: "must be a git URL (https://, ssh://, git:// or user@host:path)",
};

export const GIT_REPOSITORY_FIELDS = ["uri", "name", "defaultRef", "serviceProvider", "gitCredentialId"] as const;

/** The rules of a repository's fields, wherever they appear. */
export const GIT_REPOSITORY_RULES: { readonly [K in keyof Required<GitRepositoryFields>]: FieldRule } = {
  uri: { kind: "string", required: true, nonEmpty: true, pattern: GIT_URI_PATTERN },
  // The directory Domino clones the repository into: a path segment.
  name: { kind: "string", nonEmpty: true, max: 100, validate: segmentName("the name is the directory the repository is cloned into") },
  defaultRef: gitReferenceRule,
  serviceProvider: { kind: "string", oneOf: GIT_SERVICE_PROVIDERS },
  gitCredentialId: { kind: "string", nonEmpty: true },
};

/** The request body for a repository: only the fields given. */
export function repositoryBody(repo: GitRepositoryFields): NewProjectGitRepositoryV1 {
  return plainOutputs({
    uri: repo.uri,
    name: repo.name,
    defaultRef: repo.defaultRef,
    serviceProvider: repo.serviceProvider,
    gitCredentialId: repo.gitCredentialId,
  });
}

export function gitReferenceOutput(ref: ProjectRepositoryReferenceV1): GitReference {
  return { refType: canonical(GIT_REFERENCE_TYPES, ref.refType), value: ref.value };
}

/** The main repository as Domino reports it, in input spelling, plus the credential id Domino never returns. */
export function mainRepositoryOutput(repo: ProjectGitRepositoryV1, gitCredentialId?: string): ProjectMainRepository {
  return {
    id: repo.id,
    uri: repo.uri,
    name: repo.name,
    defaultRef: repo.defaultRef && gitReferenceOutput(repo.defaultRef),
    serviceProvider: repo.serviceProvider ? canonical(GIT_SERVICE_PROVIDERS, repo.serviceProvider) : undefined,
    gitCredentialId,
  };
}

/** What Domino reports about a project, in input spelling. */
export interface ProjectFields {
  projectId: string;
  name: string;
  description: string;
  visibility: ProjectVisibility;
  ownerId: string;
  ownerUsername: string;
  mainRepository?: ProjectMainRepository;
}

export function projectFields(project: ProjectV1, gitCredentialId?: string): ProjectFields {
  return {
    projectId: project.id,
    name: project.name,
    description: project.description ?? "",
    visibility: canonical(PROJECT_VISIBILITIES, project.visibility ?? ""),
    ownerId: project.ownerId,
    ownerUsername: project.ownerUsername,
    mainRepository: project.mainRepository ? mainRepositoryOutput(project.mainRepository, gitCredentialId) : undefined,
  };
}

/** Archived projects count as gone; a server that lists them marks them with a flag. */
export function isArchived(project: ProjectV1): boolean {
  return ("archived" in project && project.archived === true) || ("isArchived" in project && project.isArchived === true);
}

/**
 * The project, or undefined when it is unknown or archived. One GET on Domino 5.9.1+;
 * on 5.3, which cannot read one project, the project list is paged until it is found.
 */
export async function findProject(client: DominoClient, projectId: string): Promise<ProjectV1 | undefined> {
  const project = (await client.capabilities()).projectGet
    ? await unlessNotFound(() => client.projects.getProject(projectId))
    : await findInPages(client.projects.listProjectsPage, (p) => sameId(p.id, projectId));
  return project && !isArchived(project) ? project : undefined;
}
