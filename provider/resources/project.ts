/**
 * Project: a Domino project, with its status and where its run results go.
 *
 * Domino cannot change a project's name, description, visibility, owner, main
 * repository, restriction, billing tag, template or created repository after creation,
 * so changing any of them replaces the project. Deleting a project archives it (Domino
 * has no hard delete).
 *
 * The status (`status`, `isBlocked`, `blockedReason`, `completedMessage`) is set in
 * place through Domino's status call. Domino has no call that reads a status back, so
 * the outputs hold the status this provider last set, and refresh cannot see a status
 * changed elsewhere.
 *
 * The results branch (`resultsBranch`) is set in place through Domino's results-settings
 * call, on every Domino version; refresh reads it back from Domino 5.9.1 on (5.3 has no
 * read of it, so there the outputs keep what was set).
 */
import { DominoClient } from "../client/client";
import { collectPages } from "../client/pagination";
import {
  GIT_SERVICE_PROVIDERS,
  NewProjectV1,
  PROJECT_STATUSES,
  PROJECT_VISIBILITIES,
  ProjectStatusV1,
  ProjectV1,
  REPOSITORY_VISIBILITIES,
  RESULTS_BRANCHES,
} from "../client/projects";
import { sameId } from "../kit/ids";
import { finishCreate } from "../kit/init-error";
import { warnUser } from "../kit/notices";
import { defineProvider, DiffResult } from "../kit/lifecycle";
import type { GitServiceProvider, RepositoryVisibility, ResultsBranch } from "../kit/enums";
import type { GitReference, GitRepositoryFields, ProjectMainRepository, ProjectStatus, ProjectVisibility } from "../kit/projects";
import { canonical, findProject, GIT_REPOSITORY_FIELDS, GIT_REPOSITORY_RULES, isArchived, projectFields, repositoryBody } from "../kit/projects";
import { Candidates, createOnce, locateWith } from "../kit/recovery";
import { Args, resourceClass, ResourceArgs } from "../kit/resource";
import { changedFields, containsUnknown, diffResult, MAX_DESCRIPTION, sameValue, SchemaFor, segmentName } from "../kit/schema";

export type { GitReference, GitReferenceType, GitServiceProvider, ProjectMainRepository, ProjectStatus, ProjectVisibility } from "../kit/projects";

/** A project's main repository, declared by the program. */
export type ProjectMainRepositoryInputs = GitRepositoryFields;
export type ProjectMainRepositoryArgs = Args<ProjectMainRepositoryInputs>;
export type GitReferenceArgs = Args<GitReference>;

/** The template a project is created from. */
export interface ProjectTemplateDetails {
  /** The template's name. */
  name: string;
  /** The template's id. */
  templateId: string;
  /** A revision of the template; Domino's current one when absent. */
  templateRevisionId?: string;
  /** ecosystem or customer (Domino 6.0.1 or later). */
  templateType?: string;
  /** Import the template into the main repository (GitHub only; Domino 6.0.1 or later). */
  importToMainRepo?: boolean;
  /** Overwrite the main repository's history with the template (Domino 6.0.1 or later). */
  forceImport?: boolean;
}

/** A new remote git repository that Domino creates as the project's main repository. */
export interface ProjectRepoToCreate {
  /** The id of the caller's git credential with which Domino creates it (24 hexadecimal characters). */
  credentialId: string;
  /** The account or organization on the git service that owns it. */
  owner: string;
  /** The new repository's name. */
  repositoryToCreateName: string;
  /** Github, GitLab, Bitbucket... (case-insensitive); Domino's choice when absent. */
  serviceProvider?: GitServiceProvider;
  /** public, private or internal (GitHub Enterprise only), case-insensitive. */
  visibility: RepositoryVisibility;
}

export type ProjectTemplateDetailsArgs = Args<ProjectTemplateDetails>;
export type ProjectRepoToCreateArgs = Args<ProjectRepoToCreate>;

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
  /**
   * Where run results are committed: `isolated` (a branch per run) or `main`. Set in place
   * on every Domino version; refresh reads it back from Domino 5.9.1 on. When absent, the
   * provider leaves Domino's setting alone.
   */
  resultsBranch?: ResultsBranch;
  /**
   * A restricted project may use only restricted environment revisions. Needs Domino 5.9.1
   * or later and the ProjectClassifier permission. Changing it replaces the project.
   * Default false.
   */
  isRestricted?: boolean;
  /**
   * The tag Domino aggregates the project's costs under. At most 255 characters. Needs
   * Domino 5.11.1 or later. Changing it replaces the project.
   */
  billingTag?: string;
  /**
   * The template the project is created from. Needs Domino 5.9.1 or later. Domino never
   * returns it: the outputs keep the value given. Changing it replaces the project.
   */
  templateDetails?: ProjectTemplateDetails;
  /**
   * A new git repository for Domino to create on the git service and make the project's
   * main repository (the outputs' `mainRepository` shows it). Needs Domino 6.0.1 or later;
   * excludes `mainRepository`. Domino never returns it: the outputs keep the value given.
   * Changing it replaces the project.
   */
  repoToCreate?: ProjectRepoToCreate;
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
  // Managed only when given: without it, Domino's setting is left alone and not read.
  resultsBranch: { kind: "string", oneOf: RESULTS_BRANCHES, onChange: "update", computedWhenAbsent: true },
  isRestricted: { kind: "boolean", default: false, onChange: "replace", since: "5.9.1" },
  billingTag: { kind: "string", nonEmpty: true, max: 255, onChange: "replace", since: "5.11.1" },
  templateDetails: {
    kind: "object",
    fields: {
      name: { kind: "string", required: true, nonEmpty: true },
      templateId: { kind: "string", required: true, nonEmpty: true },
      templateRevisionId: { kind: "string", nonEmpty: true },
      templateType: { kind: "string", oneOf: ["ecosystem", "customer"] },
      importToMainRepo: { kind: "boolean" },
      forceImport: { kind: "boolean" },
    },
    onChange: "replace",
    since: "5.9.1",
  },
  repoToCreate: {
    kind: "object",
    fields: {
      credentialId: { kind: "string", required: true, dominoId: true },
      owner: { kind: "string", required: true, nonEmpty: true },
      repositoryToCreateName: {
        kind: "string",
        required: true,
        nonEmpty: true,
        max: 100,
        validate: segmentName("the name is part of the new repository's URL"),
      },
      serviceProvider: { kind: "string", oneOf: GIT_SERVICE_PROVIDERS },
      visibility: { kind: "string", required: true, oneOf: REPOSITORY_VISIBILITIES },
    },
    validate: (_value, inputs) =>
      inputs.mainRepository !== undefined && inputs.mainRepository !== null
        ? "excludes mainRepository (the repository Domino creates becomes the main repository)"
        : undefined,
    onChange: "replace",
    since: "6.0.1",
  },
};

/** Inputs after `check`: defaults filled in. */
type CheckedProject = ProjectInputs & Required<Pick<ProjectInputs, "description" | "visibility" | "isRestricted">>;
/**
 * The owner is always known once the project exists, and the main repository carries
 * Domino's id. The status fields hold what was last set through this provider (Domino
 * cannot read them back).
 */
export type ProjectOutputs = CheckedProject & ProjectComputed & { ownerId: string; mainRepository?: ProjectMainRepository };
export type ProjectArgs = ResourceArgs<ProjectInputs>;
export type ProjectState = Partial<Args<ProjectOutputs>>;

const STATUS_FIELDS: readonly string[] = ["status", "isBlocked", "blockedReason", "completedMessage"];
/** What changes in place: the status and the results branch. */
const IN_PLACE_FIELDS: readonly string[] = [...STATUS_FIELDS, "resultsBranch"];

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

/**
 * Maps Domino's project to outputs; `recorded` supplies what Domino cannot report (status,
 * credential id, template, created repository, and the results branch unless `resultsBranch`
 * says what Domino reports). Domino's project carries `isRestricted` from 5.11.1, the version
 * that also carries billing tags: an answer without it has neither, and keeps the recorded ones.
 */
function projectOutputs(
  project: ProjectV1,
  recorded: Partial<ProjectOutputs>,
  status: StatusOutputs = statusOutputs(recorded),
  resultsBranch: ResultsBranch | undefined = recorded.resultsBranch,
): ProjectOutputs {
  const reportsClassification = typeof project.isRestricted === "boolean";
  return {
    ...projectFields(project, recorded.mainRepository?.gitCredentialId),
    isRestricted: reportsClassification ? project.isRestricted === true : (recorded.isRestricted ?? false),
    billingTag: reportsClassification ? project.billingTag?.tag : recorded.billingTag,
    templateDetails: recorded.templateDetails,
    repoToCreate: recorded.repoToCreate,
    resultsBranch,
    ...status,
  };
}

/** What the outputs keep of a create's inputs for the fields Domino's project answer may not carry. */
function declaredExtras(inputs: CheckedProject): Partial<ProjectOutputs> {
  return {
    mainRepository: inputs.mainRepository,
    isRestricted: inputs.isRestricted,
    billingTag: inputs.billingTag,
    templateDetails: inputs.templateDetails,
    repoToCreate: inputs.repoToCreate,
  };
}

/** The create's body: the fields a new project takes, those left at Domino's default left out. */
function createBody(inputs: CheckedProject): NewProjectV1 {
  return {
    name: inputs.name,
    description: inputs.description,
    visibility: inputs.visibility,
    ...(inputs.ownerId !== undefined ? { ownerId: inputs.ownerId } : {}),
    ...(inputs.mainRepository ? { mainRepository: repositoryBody(inputs.mainRepository) } : {}),
    ...(inputs.isRestricted ? { isRestricted: true } : {}),
    ...(inputs.templateDetails ? { templateDetails: inputs.templateDetails } : {}),
    ...(inputs.billingTag !== undefined ? { billingTag: { tag: inputs.billingTag } } : {}),
  };
}

/** The results branch as Domino reports it, in input spelling. */
function resultsBranchOf(settings: { branch: string }): ResultsBranch {
  return canonical(RESULTS_BRANCHES, settings.branch);
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

/** The schema's changed fields, the status fields only when the program manages the status. */
function changedInPlaceOrNot(olds: Partial<ProjectOutputs>, news: Partial<ProjectInputs>): string[] {
  const changed = changedFields(projectSchema, { ...olds }, { ...news });
  // Without `status` the provider leaves the status alone.
  return news.status === undefined ? changed.filter((f) => !STATUS_FIELDS.includes(f)) : changed;
}

/**
 * `diff` for a project. Everything but the status and the results branch replaces the project. A replacement
 * that keeps the name (in any case) and owner archives the old project first, since the
 * new one would otherwise collide with it; a new name creates the new project first.
 */
export function diffProject(olds: Partial<ProjectOutputs>, news: Partial<ProjectInputs>): DiffResult {
  const changed = changedInPlaceOrNot(olds, news);
  if (mainRepositoryChanged(news.mainRepository, olds.mainRepository)) changed.push("mainRepository");
  const replaces = changed.filter((f) => !IN_PLACE_FIELDS.includes(f));
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
    takenHint: "adopt it with `adoptId`, or choose another name",
    matches: (p) =>
      !isArchived(p) &&
      sameOwner(p) &&
      p.name === inputs.name &&
      (p.description ?? "") === inputs.description &&
      (p.visibility ?? "").toLowerCase() === inputs.visibility.toLowerCase() &&
      (p.isRestricted === undefined || p.isRestricted === inputs.isRestricted) &&
      // A repository Domino creates has a URL only Domino knows.
      (inputs.repoToCreate !== undefined || (p.mainRepository?.uri ?? "") === (inputs.mainRepository?.uri ?? "")),
  };
}

export const provider = defineProvider<CheckedProject, ProjectOutputs>({
  kind: "Project",
  schema: projectSchema,
  computed: { projectId: true, ownerUsername: true },
  describe: (p) => `"${p.name}"`,
  // A project is its name and owner.
  adoption: { key: ["name", "ownerId"] },

  checkMore(inputs) {
    // Domino sets the status and the blocked state together: a managed status is not blocked unless asked.
    if (inputs.status !== undefined && inputs.isBlocked === undefined) inputs.isBlocked = false;
  },

  diff: diffProject,

  // A replacement is the costliest plan a project can have: say so in preview, before it happens.
  async afterDiff(_id, olds, _news, result) {
    if (!result.replaces?.length) return;
    warnUser(
      `Project "${olds.name}" will be replaced (${result.replaces.join(", ")} changed): the old project is archived in Domino ` +
        "with its runs, files and results, and what belongs to it (collaborators, goals, repositories, datasets, links) is made again " +
        "on the new project. To make Pulumi refuse such a plan, set the resource option protect: true.",
    );
  },

  async create({ client }, inputs) {
    const body = createBody(inputs);
    const project = await createOnce<ProjectV1>({
      ...(await candidates(client, inputs)),
      // Only the v2 create (Domino 6.0.1+) takes a repository to create.
      send: () => (inputs.repoToCreate ? client.projects.createProjectV2({ ...body, repoToCreate: inputs.repoToCreate }) : client.projects.createProject(body)),
    });
    const id = project.id;
    const given = declaredExtras(inputs);
    // A new project is active and not blocked: asking for that costs no call.
    const setStatus = inputs.status !== undefined && !isNewProjectStatus(inputs);
    const made = projectOutputs(project, given, inputs.status !== undefined && !setStatus ? statusOutputs(inputs) : {});
    if (!setStatus && inputs.resultsBranch === undefined) return { id, outs: made };
    let step = "status";
    return finishCreate(
      id,
      made,
      async () => {
        let outs = made;
        if (setStatus) outs = { ...outs, ...statusFromAnswer(await client.projects.setProjectStatus(id, statusBody(inputs)), inputs) };
        step = "results branch";
        if (inputs.resultsBranch !== undefined) {
          outs = { ...outs, resultsBranch: resultsBranchOf(await client.projects.setResultsSettings(id, { branch: inputs.resultsBranch })) };
        }
        return outs;
      },
      (message) => `project ${inputs.name} (${id}) was created but its ${step} could not be set: ${message}`,
    );
  },

  async read({ client }, id, recorded) {
    const project = await findProject(client, id);
    if (!project) return undefined;
    // The results branch is read only where it is managed, and where Domino can read it (5.9.1+).
    const readBranch = recorded.resultsBranch !== undefined && (await client.capabilities()).surface !== "5.3";
    const branch = readBranch ? resultsBranchOf(await client.projects.getResultsSettings(id)) : recorded.resultsBranch;
    return projectOutputs(project, recorded, statusOutputs(recorded), branch);
  },

  async update({ client }, id, olds, news) {
    // Only the status and the results branch change in place; everything else stays the
    // recorded value. Each is sent only when it changed.
    const changed = changedInPlaceOrNot(olds, news);
    let outs: ProjectOutputs = { ...olds, projectId: olds.projectId ?? id };
    if (changed.some((f) => STATUS_FIELDS.includes(f))) {
      outs = { ...outs, ...statusFromAnswer(await client.projects.setProjectStatus(id, statusBody(news)), news) };
    }
    if (changed.includes("resultsBranch") && news.resultsBranch !== undefined) {
      outs = { ...outs, resultsBranch: resultsBranchOf(await client.projects.setResultsSettings(id, { branch: news.resultsBranch })) };
    }
    return outs;
  },

  delete: ({ client }, id) => client.projects.archiveProject(id),

  locate: async ({ client }, inputs) => locateWith(await candidates(client, inputs), (p) => p.id),
});

/**
 * A Domino project. Id for `get`: the project id.
 *
 * Replacing a project ARCHIVES the old one: changing the name, description,
 * visibility, owner, main repository, `isRestricted`, `billingTag`, `templateDetails` or
 * `repoToCreate` creates a new project and archives the old one, with its files, runs
 * and history. When the name (compared case-insensitively, as
 * Domino does) and owner stay the same, the old project is archived before the new one is
 * created (the names would collide), so a failed create leaves no active project; whether
 * Domino frees an archived project's name is not documented, and the create may then fail
 * on the name. A new name (or owner) creates the new project first.
 * Use `protect: true` on projects that hold work.
 *
 * A live project with the same name and owner that already exists is not taken over
 * silently: the create fails and names it (adopt it with `adoptId` to manage it).
 *
 * The status fields are write-only in Domino: they show what this provider last set,
 * and refresh cannot detect a status changed in Domino's UI. A project taken over with
 * `Project.get` has them empty, since Domino cannot read them. `templateDetails` and
 * `repoToCreate` are never returned either, and `resultsBranch` is read only where the
 * program manages it.
 */
export class Project extends resourceClass<ProjectArgs, ProjectOutputs>("project", provider) {}
