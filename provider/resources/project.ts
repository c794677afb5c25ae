/**
 * Project: a Domino project, with its status.
 *
 * Domino cannot change a project's name, description, visibility, owner or main
 * repository after creation, so changing any of them replaces the project. Deleting a
 * project archives it (Domino has no hard delete).
 *
 * The status (`status`, `isBlocked`, `blockedReason`, `completedMessage`) is set in
 * place through Domino's status call. Domino has no call that reads a status back, so
 * the outputs hold the status this provider last set, and refresh cannot see a status
 * changed elsewhere.
 */
import { DominoClient } from "../client/client";
import { collectPages } from "../client/pagination";
import { PROJECT_STATUSES, PROJECT_VISIBILITIES, ProjectStatusV1, ProjectV1 } from "../client/projects";
import { sameId } from "../kit/ids";
import { finishCreate } from "../kit/init-error";
import { defineProvider, DiffResult } from "../kit/lifecycle";
import type { GitReference, GitRepositoryFields, ProjectMainRepository, ProjectStatus, ProjectVisibility } from "../kit/projects";
import { canonical, findProject, GIT_REPOSITORY_FIELDS, GIT_REPOSITORY_RULES, isArchived, projectFields, repositoryBody } from "../kit/projects";
import { Candidates, createOnce, locateWith } from "../kit/recovery";
import { Args, resourceClass } from "../kit/resource";
import { changedFields, containsUnknown, diffResult, MAX_DESCRIPTION, sameValue, SchemaFor, segmentName } from "../kit/schema";

export type { GitReference, GitReferenceType, GitServiceProvider, ProjectMainRepository, ProjectStatus, ProjectVisibility } from "../kit/projects";

/** A project's main repository, declared by the program. */
export type ProjectMainRepositoryInputs = GitRepositoryFields;
export type ProjectMainRepositoryArgs = Args<ProjectMainRepositoryInputs>;
export type GitReferenceArgs = Args<GitReference>;

export interface ProjectInputs {
  /**
   * Unique per owner (compared case-insensitively). 1 to 100 characters: letters, digits,
   * `-`, `_` and `.`, not `.` or `..` (it is part of the project's URL). Changing it
   * replaces the project.
   */
  name: string;
  /** At most 10,000 characters. Changing it replaces the project. Default "". */
  description?: string;
  /** Public, Searchable or Private (case-insensitive). Changing it replaces the project. Default Private. */
  visibility?: ProjectVisibility;
  /** User id of the owner; default the caller. Changing it replaces the project. */
  ownerId?: string;
  /**
   * The project's main git repository. Changing a field given here replaces the project;
   * fields left out are Domino's choice, and removing the whole block changes nothing.
   */
  mainRepository?: ProjectMainRepositoryInputs;
  /** active or complete. When set, the provider manages the status (updated in place). */
  status?: ProjectStatus;
  /** Whether the project is blocked; overrides `status` in Domino's UI. Needs `status`. Default false. */
  isBlocked?: boolean;
  /** Why the project is blocked. Needs `status`. */
  blockedReason?: string;
  /** Message shown for a completed project. Needs `status`. */
  completedMessage?: string;
}

export interface ProjectComputed {
  /** Equal to `id`. */
  projectId: string;
  ownerUsername: string;
}

const requiresStatus = (_value: unknown, inputs: Record<string, unknown>) =>
  inputs.status === undefined || inputs.status === null ? "requires status to be set (Domino sets status and blocked state together)" : undefined;

export const projectSchema: SchemaFor<ProjectInputs> = {
  name: {
    kind: "string",
    required: true,
    nonEmpty: true,
    pattern: { regex: /^\S+$/, rule: "must not contain whitespace (Domino project names are part of URLs)" },
    max: 100,
    validate: segmentName("Domino project names are part of URLs"),
    onChange: "replace",
  },
  description: { kind: "string", default: "", max: MAX_DESCRIPTION, onChange: "replace" },
  visibility: { kind: "string", oneOf: PROJECT_VISIBILITIES, default: "Private", onChange: "replace" },
  ownerId: { kind: "string", dominoId: true, onChange: "replace", computedWhenAbsent: true },
  // Compared field by field in `diff`: Domino fills in what was not given, and its absence
  // changes nothing. Left out of the inputs `read` reports, which would otherwise claim
  // that Domino's choices (and the repository's id) were declared.
  mainRepository: { kind: "object", fields: GIT_REPOSITORY_RULES, onChange: "ignore", computedWhenAbsent: true },
  status: { kind: "string", oneOf: PROJECT_STATUSES, onChange: "update" },
  isBlocked: { kind: "boolean", validate: requiresStatus, onChange: "update" },
  blockedReason: { kind: "string", max: MAX_DESCRIPTION, validate: requiresStatus, onChange: "update" },
  completedMessage: { kind: "string", max: MAX_DESCRIPTION, validate: requiresStatus, onChange: "update" },
};

/** Inputs after `check`: defaults filled in. */
type CheckedProject = ProjectInputs & Required<Pick<ProjectInputs, "description" | "visibility">>;
/**
 * The owner is always known once the project exists, and the main repository carries
 * Domino's id. The status fields hold what was last set through this provider (Domino
 * cannot read them back).
 */
export type ProjectOutputs = CheckedProject & ProjectComputed & { ownerId: string; mainRepository?: ProjectMainRepository };
export type ProjectArgs = Args<ProjectInputs>;
export type ProjectState = Partial<Args<ProjectOutputs>>;

const STATUS_FIELDS: readonly string[] = ["status", "isBlocked", "blockedReason", "completedMessage"];

type StatusOutputs = Pick<ProjectOutputs, "status" | "isBlocked" | "blockedReason" | "completedMessage">;

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
function projectOutputs(project: ProjectV1, recorded: Partial<ProjectOutputs>, status: StatusOutputs = statusOutputs(recorded)): ProjectOutputs {
  return { ...projectFields(project, recorded.mainRepository?.gitCredentialId), ...status };
}

function statusBody(inputs: Partial<StatusOutputs>): ProjectStatusV1 {
  return {
    status: inputs.status ?? "active",
    isBlocked: inputs.isBlocked ?? false,
    ...(inputs.blockedReason !== undefined ? { blockedReason: inputs.blockedReason } : {}),
    ...(inputs.completedMessage !== undefined ? { completedMessage: inputs.completedMessage } : {}),
  };
}

/** The status to store: Domino's answer where it gives one, else what was sent. */
function statusFromAnswer(answer: ProjectStatusV1, sent: Partial<StatusOutputs>): StatusOutputs {
  return statusOutputs({
    status: canonical(PROJECT_STATUSES, answer.status ?? sent.status ?? "active"),
    isBlocked: answer.isBlocked ?? sent.isBlocked,
    blockedReason: answer.blockedReason ?? sent.blockedReason,
    completedMessage: answer.completedMessage ?? sent.completedMessage,
  });
}

/** Whether the status asked for is the one Domino gives every new project. */
function isNewProjectStatus(inputs: Partial<StatusOutputs>): boolean {
  return inputs.status === "active" && !inputs.isBlocked && inputs.blockedReason === undefined && inputs.completedMessage === undefined;
}

/** True when a field given for the main repository differs from what the project has. */
export function mainRepositoryChanged(news: ProjectMainRepositoryInputs | undefined, olds: ProjectMainRepository | undefined): boolean {
  // Absent: Domino's choice, and a main repository cannot be removed in place anyway.
  if (news === undefined || news === null) return false;
  if (containsUnknown(news)) return true;
  if (!olds) return true;
  return GIT_REPOSITORY_FIELDS.some((key) => news[key] !== undefined && !sameValue(news[key], olds[key]));
}

/**
 * `diff` for a project. Everything but the status replaces the project. A replacement
 * that keeps the name (in any case) and owner archives the old project first, since the
 * new one would otherwise collide with it; a new name creates the new project first.
 */
export function diffProject(olds: Partial<ProjectOutputs>, news: Partial<ProjectInputs>): DiffResult {
  let changed = changedFields(projectSchema, { ...olds }, { ...news });
  // Without `status` the provider leaves the status alone.
  if (news.status === undefined) changed = changed.filter((f) => !STATUS_FIELDS.includes(f));
  if (mainRepositoryChanged(news.mainRepository, olds.mainRepository)) changed.push("mainRepository");
  const replaces = changed.filter((f) => !STATUS_FIELDS.includes(f));
  // Domino compares project names case-insensitively: a change of case alone still collides.
  const nameKept = () =>
    !replaces.includes("name") ||
    (typeof news.name === "string" && !containsUnknown(news.name) && news.name.toLowerCase() === (olds.name ?? "").toLowerCase());
  return diffResult(changed, replaces, () => nameKept() && !replaces.includes("ownerId"));
}

/**
 * Names are unique per owner, compared case-insensitively: a live project with the name
 * and owner is the key. Domino 5.3 cannot say who the caller is, so there, without an
 * owner id, any live project of that name the caller can see counts. What a create made
 * is recognised by its whole definition.
 */
async function candidates(client: DominoClient, inputs: CheckedProject): Promise<Candidates<ProjectV1>> {
  const ownerId = inputs.ownerId ?? (await client.currentUser())?.id;
  const sameOwner = (p: ProjectV1) => ownerId === undefined || sameId(p.ownerId, ownerId);
  return {
    what: `project "${inputs.name}"`,
    kind: "project",
    settings: client.settings,
    list: () => collectPages(client.projects.listProjectsPage),
    idOf: (p) => p.id,
    sameKey: (p) => !isArchived(p) && p.name.toLowerCase() === inputs.name.toLowerCase() && sameOwner(p),
    takenHint: "take it over with `Project.get`, or choose another name",
    matches: (p) =>
      !isArchived(p) &&
      sameOwner(p) &&
      p.name === inputs.name &&
      (p.description ?? "") === inputs.description &&
      (p.visibility ?? "").toLowerCase() === inputs.visibility.toLowerCase() &&
      (p.mainRepository?.uri ?? "") === (inputs.mainRepository?.uri ?? ""),
  };
}

export const provider = defineProvider<CheckedProject, ProjectOutputs>({
  kind: "Project",
  schema: projectSchema,
  computed: { projectId: true, ownerUsername: true },
  describe: (p) => `"${p.name}"`,

  checkMore(inputs) {
    // Domino sets the status and the blocked state together: a managed status is not blocked unless asked.
    if (inputs.status !== undefined && inputs.isBlocked === undefined) inputs.isBlocked = false;
  },

  diff: diffProject,

  async create({ client }, inputs) {
    const project = await createOnce<ProjectV1>({
      ...(await candidates(client, inputs)),
      send: () =>
        client.projects.createProject({
          name: inputs.name,
          description: inputs.description,
          visibility: inputs.visibility,
          ...(inputs.ownerId !== undefined ? { ownerId: inputs.ownerId } : {}),
          ...(inputs.mainRepository ? { mainRepository: repositoryBody(inputs.mainRepository) } : {}),
        }),
    });
    const id = project.id;
    const given = { mainRepository: inputs.mainRepository };
    if (inputs.status === undefined) return { id, outs: projectOutputs(project, given) };
    // A new project is active and not blocked: asking for that costs no call.
    if (isNewProjectStatus(inputs)) return { id, outs: projectOutputs(project, given, statusOutputs(inputs)) };
    return finishCreate(
      id,
      projectOutputs(project, given),
      async () => projectOutputs(project, given, statusFromAnswer(await client.projects.setProjectStatus(id, statusBody(inputs)), inputs)),
      (message) => `project ${inputs.name} (${id}) was created but its status could not be set: ${message}`,
    );
  },

  async read({ client }, id, recorded) {
    const project = await findProject(client, id);
    return project && projectOutputs(project, recorded);
  },

  async update({ client }, id, olds, news) {
    // Only the status changes in place; everything else stays the recorded value.
    const status = await client.projects.setProjectStatus(id, statusBody(news));
    return { ...olds, projectId: olds.projectId ?? id, ...statusFromAnswer(status, news) };
  },

  delete: ({ client }, id) => client.projects.archiveProject(id),

  locate: async ({ client }, inputs) => locateWith(await candidates(client, inputs), (p) => p.id),
});

/**
 * A Domino project. Id for `get`: the project id.
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
 * A live project with the same name and owner that already exists is not taken over
 * silently: the create fails and names it (use `Project.get` to manage it).
 *
 * The status fields are write-only in Domino: they show what this provider last set,
 * and refresh cannot detect a status changed in Domino's UI. A project taken over with
 * `Project.get` has them empty, since Domino cannot read them.
 */
export class Project extends resourceClass<ProjectArgs, ProjectOutputs>("project", provider) {}
