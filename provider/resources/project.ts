/**
 * Project: a Domino project, with its status.
 *
 * Domino cannot change a project's name, description, visibility, owner or main
 * repository after creation, so changing any of them replaces the project. Deleting a
 * project archives it (Domino has no hard delete).
 *
 * The status (`status`, `isBlocked`, `blockedReason`, `completedMessage`) is set in
 * place through Domino's status call. Domino has no call that reads a status back, so
 * the outputs hold the status as last set by this provider and refresh cannot see a
 * status changed elsewhere.
 */
import * as pulumi from "@pulumi/pulumi";
import { capabilities, currentUser } from "../client/capabilities";
import { isNotFound } from "../client/errors";
import { plainOutputs } from "../client/outputs";
import { findInPages } from "../client/pagination";
import {
  archiveProject,
  createProject,
  getProject,
  GIT_REFERENCE_TYPES,
  GIT_SERVICE_PROVIDERS,
  listProjectsPage,
  NewProjectGitRepositoryV1,
  NewProjectV1,
  PROJECT_STATUSES,
  PROJECT_VISIBILITIES,
  ProjectGitRepositoryV1,
  ProjectStatusV1,
  ProjectV1,
  setProjectStatus,
} from "../client/projects";
import {
  changedFields,
  checkInputs,
  containsUnknown,
  FieldRule,
  inputsFromOutputs,
  outputSlots,
  partialCreate,
  sameValue,
  Schema,
  withoutProvider,
} from "./common";
import { providerShim } from "./shim";

export type ProjectVisibility = (typeof PROJECT_VISIBILITIES)[number];
export type GitServiceProvider = (typeof GIT_SERVICE_PROVIDERS)[number];
export type GitReferenceType = (typeof GIT_REFERENCE_TYPES)[number];
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

/** A git ref: `{ refType: "Branch", value: "main" }`; `value` is absent for `Head`. */
export interface GitReferenceArgs {
  /** Head, Branch, Tag or Commit (case-insensitive). */
  refType: pulumi.Input<GitReferenceType>;
  /** Branch name, tag name or commit sha. Required unless refType is Head. */
  value?: pulumi.Input<string>;
}

export interface GitReference {
  refType: GitReferenceType;
  value?: string;
}

export interface ProjectMainRepositoryArgs {
  uri: pulumi.Input<string>;
  /** Display name; Domino derives one from the URI when absent. */
  name?: pulumi.Input<string>;
  defaultRef?: pulumi.Input<GitReferenceArgs>;
  serviceProvider?: pulumi.Input<GitServiceProvider>;
  /** The caller's own git credential id. Domino never returns it; the outputs keep the value given. */
  gitCredentialId?: pulumi.Input<string>;
}

export interface ProjectMainRepositoryInputs {
  uri: string;
  name?: string;
  defaultRef?: GitReference;
  serviceProvider?: GitServiceProvider;
  gitCredentialId?: string;
}

export interface ProjectMainRepository extends ProjectMainRepositoryInputs {
  /** Domino's id of the repository. */
  id?: string;
}

export interface ProjectArgs {
  /** Unique per owner; no whitespace. Changing it replaces the project. */
  name: pulumi.Input<string>;
  /** Changing it replaces the project. Default "". */
  description?: pulumi.Input<string>;
  /** Public, Searchable or Private (case-insensitive). Changing it replaces the project. Default Private. */
  visibility?: pulumi.Input<ProjectVisibility>;
  /** User id of the owner; default the caller. Changing it replaces the project. */
  ownerId?: pulumi.Input<string>;
  /**
   * The project's main git repository. Changing a field given here replaces the project;
   * fields left out are Domino's choice, and removing the whole block changes nothing.
   */
  mainRepository?: pulumi.Input<ProjectMainRepositoryArgs>;
  /** active or complete. When set, the provider manages the status (updated in place). */
  status?: pulumi.Input<ProjectStatus>;
  /** Whether the project is blocked; overrides `status` in Domino's UI. Needs `status`. Default false. */
  isBlocked?: pulumi.Input<boolean>;
  /** Why the project is blocked. Needs `status`. */
  blockedReason?: pulumi.Input<string>;
  /** Message shown for a completed project. Needs `status`. */
  completedMessage?: pulumi.Input<string>;
}

export interface ProjectInputs {
  name: string;
  description: string;
  visibility: ProjectVisibility;
  ownerId?: string;
  mainRepository?: ProjectMainRepositoryInputs;
  status?: ProjectStatus;
  isBlocked?: boolean;
  blockedReason?: string;
  completedMessage?: string;
}

export interface ProjectOutputs {
  projectId: string;
  name: string;
  description: string;
  visibility: ProjectVisibility;
  ownerId: string;
  ownerUsername: string;
  mainRepository?: ProjectMainRepository;
  /** The status fields hold what was last set through this provider (Domino cannot read them back). */
  status?: ProjectStatus;
  isBlocked?: boolean;
  blockedReason?: string;
  completedMessage?: string;
}

const requiresStatus = (_value: unknown, inputs: Record<string, unknown>) =>
  inputs.status === undefined || inputs.status === null ? "requires status to be set (Domino sets status and blocked state together)" : undefined;

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
export const GIT_URI_PATTERN = { regex: /^(?:(?:https?|ssh|git):\/\/\S+|[\w.-]+@[\w.-]+:\S+)$/i, rule: "must be a git URL (https://, ssh://, git:// or user@host:path)" };

export const projectSchema: Schema = {
  name: {
    kind: "string",
    required: true,
    nonEmpty: true,
    pattern: { regex: /^\S+$/, rule: "must not contain whitespace (Domino project names are part of URLs)" },
    onChange: "replace",
  },
  description: { kind: "string", default: "", onChange: "replace" },
  visibility: { kind: "string", oneOf: PROJECT_VISIBILITIES, default: "Private", onChange: "replace" },
  ownerId: { kind: "string", dominoId: true, onChange: "replace", computedWhenAbsent: true },
  // Compared field by field in `diff`: Domino fills in what was not given.
  mainRepository: {
    kind: "object",
    fields: {
      uri: { kind: "string", required: true, nonEmpty: true, pattern: GIT_URI_PATTERN },
      name: { kind: "string", nonEmpty: true },
      defaultRef: gitReferenceRule,
      serviceProvider: { kind: "string", oneOf: GIT_SERVICE_PROVIDERS },
      gitCredentialId: { kind: "string", nonEmpty: true },
    },
    onChange: "ignore",
  },
  status: { kind: "string", oneOf: PROJECT_STATUSES, onChange: "update" },
  isBlocked: { kind: "boolean", validate: requiresStatus, onChange: "update" },
  blockedReason: { kind: "string", validate: requiresStatus, onChange: "update" },
  completedMessage: { kind: "string", validate: requiresStatus, onChange: "update" },
};

const STATUS_FIELDS = ["status", "isBlocked", "blockedReason", "completedMessage"] as const;

function canonical<T extends string>(values: readonly T[], value: string): T | string {
  return values.find((v) => v.toLowerCase() === value.toLowerCase()) ?? value;
}

/** The main repository as Domino reports it, in input spelling, plus the credential id that Domino never returns. */
function mainRepositoryOutput(repo: ProjectGitRepositoryV1, gitCredentialId?: string): ProjectMainRepository {
  return {
    id: repo.id,
    uri: repo.uri,
    name: repo.name,
    defaultRef: repo.defaultRef && {
      refType: canonical(GIT_REFERENCE_TYPES, repo.defaultRef.refType) as GitReferenceType,
      value: repo.defaultRef.value,
    },
    serviceProvider: repo.serviceProvider ? (canonical(GIT_SERVICE_PROVIDERS, repo.serviceProvider) as GitServiceProvider) : undefined,
    gitCredentialId,
  };
}

type StatusOutputs = Pick<ProjectOutputs, (typeof STATUS_FIELDS)[number]>;

function statusOutputs(from: Partial<StatusOutputs> | undefined): StatusOutputs {
  if (!from || from.status === undefined) return {};
  return {
    status: from.status,
    isBlocked: from.isBlocked ?? false,
    blockedReason: from.blockedReason,
    completedMessage: from.completedMessage,
  };
}

/** Maps Domino's project to outputs; `recorded` supplies what Domino cannot report (status, credential id). */
export function projectOutputs(project: ProjectV1, recorded?: Partial<ProjectOutputs & ProjectInputs>): ProjectOutputs {
  return plainOutputs({
    projectId: project.id,
    name: project.name,
    description: project.description ?? "",
    visibility: canonical(PROJECT_VISIBILITIES, project.visibility ?? "") as ProjectVisibility,
    ownerId: project.ownerId,
    ownerUsername: project.ownerUsername,
    mainRepository: project.mainRepository
      ? mainRepositoryOutput(project.mainRepository, recorded?.mainRepository?.gitCredentialId)
      : undefined,
    ...statusOutputs(recorded),
  });
}

/** Archived projects count as gone; a server that lists them marks them with a flag. */
export function isArchived(project: ProjectV1): boolean {
  const p = project as ProjectV1 & { archived?: unknown; isArchived?: unknown };
  return p.archived === true || p.isArchived === true;
}

/**
 * The project, or undefined when it is unknown or archived. One GET on Domino 5.9.1+;
 * on 5.3, which cannot read one project, the project list is paged until it is found.
 */
export async function findProject(projectId: string): Promise<ProjectV1 | undefined> {
  let project: ProjectV1 | undefined;
  if ((await capabilities()).projectGet) {
    try {
      project = await getProject(projectId);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  } else {
    project = await findInPages(listProjectsPage, (p) => p.id.toLowerCase() === projectId.toLowerCase());
  }
  return project && !isArchived(project) ? project : undefined;
}

function statusBody(inputs: Partial<StatusOutputs>): ProjectStatusV1 {
  return {
    status: inputs.status ?? "active",
    isBlocked: inputs.isBlocked ?? false,
    ...(inputs.blockedReason !== undefined ? { blockedReason: inputs.blockedReason } : {}),
    ...(inputs.completedMessage !== undefined ? { completedMessage: inputs.completedMessage } : {}),
  };
}

/** Whether the status asked for is the one Domino gives every new project. */
function isNewProjectStatus(inputs: Partial<StatusOutputs>): boolean {
  return inputs.status === "active" && !inputs.isBlocked && inputs.blockedReason === undefined && inputs.completedMessage === undefined;
}

function newRepositoryBody(repo: ProjectMainRepositoryInputs): NewProjectGitRepositoryV1 {
  return plainOutputs({
    uri: repo.uri,
    name: repo.name,
    defaultRef: repo.defaultRef,
    serviceProvider: repo.serviceProvider,
    gitCredentialId: repo.gitCredentialId,
  });
}

/** True when a field given for the main repository differs from what the project has. */
export function mainRepositoryChanged(news: ProjectMainRepositoryInputs | undefined, olds: ProjectMainRepository | undefined): boolean {
  // Absent: Domino's choice, and a main repository cannot be removed in place anyway.
  if (news === undefined || news === null) return false;
  if (containsUnknown(news)) return true;
  if (!olds) return true;
  return (Object.keys(news) as (keyof ProjectMainRepositoryInputs)[]).some(
    (key) => news[key] !== undefined && !sameValue(news[key], olds[key]),
  );
}

/**
 * `diff` for a project. Everything but the status replaces the project. A replacement
 * that keeps the name (in any case) and owner archives the old project first, since the
 * new one would otherwise collide with it; a new name creates the new project first.
 */
export function diffProject(olds: Partial<ProjectOutputs>, news: Partial<ProjectInputs>): pulumi.dynamic.DiffResult {
  let changed = changedFields(projectSchema, { ...olds }, { ...news });
  // Without `status` the provider leaves the status alone.
  if (news.status === undefined) changed = changed.filter((f) => !(STATUS_FIELDS as readonly string[]).includes(f));
  if (mainRepositoryChanged(news.mainRepository, olds.mainRepository)) changed.push("mainRepository");
  const replaces = changed.filter((f) => f === "mainRepository" || projectSchema[f].onChange === "replace");
  const result: { changes: boolean; replaces?: string[]; deleteBeforeReplace?: boolean } = { changes: changed.length > 0 };
  if (replaces.length > 0) {
    result.replaces = replaces;
    // Domino compares project names case-insensitively: a change of case alone still collides.
    const nameKept =
      !replaces.includes("name") ||
      (typeof news.name === "string" && !containsUnknown(news.name) && news.name.toLowerCase() === (olds.name ?? "").toLowerCase());
    if (nameKept && !replaces.includes("ownerId")) result.deleteBeforeReplace = true;
  }
  return result;
}

async function findCreatedProject(inputs: ProjectInputs): Promise<ProjectV1 | undefined> {
  const ownerId = inputs.ownerId ?? (await currentUser())?.id;
  return findInPages(listProjectsPage, (p) => {
    if (p.name !== inputs.name || isArchived(p)) return false;
    if (ownerId) return p.ownerId === ownerId;
    // Domino 5.3 cannot say who the caller is: recognise the project by its content.
    return (
      (p.description ?? "") === inputs.description &&
      p.visibility.toLowerCase() === inputs.visibility.toLowerCase() &&
      (p.mainRepository?.uri ?? "") === (inputs.mainRepository?.uri ?? "")
    );
  });
}

export const provider = {
  async check(_olds: unknown, news: Record<string, unknown>) {
    const result = checkInputs<ProjectInputs>("Project", projectSchema, news);
    const inputs = result.inputs;
    if (inputs && inputs.status !== undefined && inputs.isBlocked === undefined) inputs.isBlocked = false;
    return result;
  },

  async diff(_id: string, olds: ProjectOutputs, news: ProjectInputs) {
    return diffProject(olds, news);
  },

  async create(raw: ProjectInputs & { __provider?: string }) {
    const inputs = withoutProvider(raw) as ProjectInputs;
    const body: NewProjectV1 = plainOutputs({
      name: inputs.name,
      description: inputs.description ?? "",
      visibility: inputs.visibility ?? "Private",
      ownerId: inputs.ownerId,
      mainRepository: inputs.mainRepository && newRepositoryBody(inputs.mainRepository),
    });
    const project = await createProject(body, () => findCreatedProject(inputs));
    const id = project.id;
    let outs = projectOutputs(project, { mainRepository: inputs.mainRepository });
    if (inputs.status !== undefined && isNewProjectStatus(inputs)) {
      // A new project is active and not blocked: asking for that costs no call.
      outs = projectOutputs(project, { mainRepository: inputs.mainRepository, ...statusOutputs(inputs) });
    } else if (inputs.status !== undefined) {
      try {
        const status = await setProjectStatus(id, statusBody(inputs));
        outs = projectOutputs(project, { mainRepository: inputs.mainRepository, ...statusFromAnswer(status, inputs) });
      } catch (err) {
        throw partialCreate(raw, id, outs, `project ${inputs.name} (${id}) was created but its status could not be set: ${(err as Error).message}`);
      }
    }
    return { id, outs };
  },

  async read(id: string, props?: Partial<ProjectOutputs>) {
    const project = await findProject(id);
    if (!project) return { id: "" };
    const outs = projectOutputs(project, props);
    const inputs = inputsFromOutputs<ProjectInputs>(projectSchema, { ...outs });
    if (inputs.mainRepository) {
      const { id: _repoId, ...given } = inputs.mainRepository as ProjectMainRepository;
      inputs.mainRepository = given;
    }
    return { id, props: outs, inputs };
  },

  async update(id: string, olds: ProjectOutputs, news: ProjectInputs) {
    // Only the status changes in place; everything else is as recorded.
    const status = await setProjectStatus(id, statusBody(news));
    const outs: ProjectOutputs = plainOutputs({
      projectId: olds.projectId ?? id,
      name: olds.name,
      description: olds.description,
      visibility: olds.visibility,
      ownerId: olds.ownerId,
      ownerUsername: olds.ownerUsername,
      mainRepository: olds.mainRepository,
      ...statusFromAnswer(status, news),
    });
    return { outs };
  },

  async delete(id: string) {
    try {
      await archiveProject(id);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  },
};

/** The status as stored: Domino's answer where it gives one, else what was sent. */
function statusFromAnswer(answer: ProjectStatusV1, sent: Partial<StatusOutputs>): StatusOutputs {
  return statusOutputs({
    status: canonical(PROJECT_STATUSES, answer.status ?? sent.status ?? "active") as ProjectStatus,
    isBlocked: answer.isBlocked ?? sent.isBlocked,
    blockedReason: answer.blockedReason ?? sent.blockedReason,
    completedMessage: answer.completedMessage ?? sent.completedMessage,
  });
}

const OUTPUTS = [
  "projectId",
  "name",
  "description",
  "visibility",
  "ownerId",
  "ownerUsername",
  "mainRepository",
  "status",
  "isBlocked",
  "blockedReason",
  "completedMessage",
] as const;

/**
 * A Domino project. Import id: the project id.
 *
 * Replacing a project ARCHIVES the old one: changing the name, description,
 * visibility, owner or main repository creates a new project and archives the old
 * one, with its files, runs and history. When the name (compared case-insensitively, as
 * Domino does) and owner stay the same, the old project is archived before the new one is
 * created (the names would collide), so a failed create leaves no active project; whether
 * Domino frees an archived project's name is not documented, and the create may then fail
 * on the name. A new name (or owner) creates the new project first.
 * Use `protect: true` on projects that hold work.
 *
 * The status fields are write-only in Domino: they show what this provider last set,
 * and refresh cannot detect a status changed in Domino's UI.
 */
export class Project extends pulumi.dynamic.Resource {
  /** Same as `id`. */
  declare readonly projectId: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string>;
  declare readonly visibility: pulumi.Output<ProjectVisibility>;
  declare readonly ownerId: pulumi.Output<string>;
  declare readonly ownerUsername: pulumi.Output<string>;
  declare readonly mainRepository: pulumi.Output<ProjectMainRepository | undefined>;
  declare readonly status: pulumi.Output<ProjectStatus | undefined>;
  declare readonly isBlocked: pulumi.Output<boolean | undefined>;
  declare readonly blockedReason: pulumi.Output<string | undefined>;
  declare readonly completedMessage: pulumi.Output<string | undefined>;

  constructor(name: string, args: ProjectArgs, opts?: pulumi.CustomResourceOptions) {
    super(providerShim("project"), name, { ...outputSlots(OUTPUTS), ...args }, opts, "domino", "Project");
  }

  /** Looks up an existing project by its id. Status fields are empty: Domino cannot read them. */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): Project {
    return new Project(name, {} as ProjectArgs, { ...opts, id });
  }
}
