/** Projects, their status and results settings. */
import { badRequest, forbidden, invalidBody, notFound } from "../errors";
import {
  GitRepository,
  GitServiceProvider,
  newId,
  ProjectRecord,
  ProjectStatus,
  ProjectVisibility,
  Store,
} from "../store";
import { findPrincipal, loadVisibleProject, organizationIdsOf, projectAccess, requireProjectAccess } from "./access";
import { deleted, envelope, HandlerContext, OperationHandlers, paginate, requireId, sameName } from "./context";
import { gitRepositoryFrom, NewGitRepositoryBody, repositoryWire } from "./repositories";

interface RepoToCreateBody {
  credentialId: string;
  owner: string;
  repositoryToCreateName: string;
  repositoryTemplateName?: string;
  serviceProvider?: GitServiceProvider;
  visibility: "public" | "private" | "internal";
}

/** NewProjectV1 and NewProjectV2 (they differ only inside repoToCreate). */
interface NewProjectBody {
  name: string;
  description: string;
  visibility: ProjectVisibility;
  ownerId?: string;
  mainRepository?: NewGitRepositoryBody;
  isRestricted?: boolean;
  templateDetails?: Record<string, unknown>;
  billingTag?: { tag: string };
  repoToCreate?: RepoToCreateBody;
}

const REPO_HOSTS: Partial<Record<GitServiceProvider, string>> = {
  Github: "github.com",
  GitLab: "gitlab.com",
  Bitbucket: "bitbucket.org",
};

function repositoryToCreate(body: RepoToCreateBody): GitRepository {
  const provider = body.serviceProvider ?? "Github";
  const host = REPO_HOSTS[provider] ?? "github.com";
  return gitRepositoryFrom({
    uri: `https://${host}/${body.owner}/${body.repositoryToCreateName}.git`,
    name: body.repositoryToCreateName,
    serviceProvider: provider,
  });
}

export function projectWire(store: Store, project: ProjectRecord): Record<string, unknown> {
  return {
    id: project.id,
    name: project.name,
    description: project.description,
    visibility: project.visibility,
    ownerId: project.ownerId,
    ownerUsername: store.users.get(project.ownerId)?.userName ?? "",
    collaborators: project.collaborators.map((c) => ({ id: c.id, role: c.role })),
    ...(project.mainRepository ? { mainRepository: repositoryWire(project.mainRepository) } : {}),
    internalTags: [...project.internalTags],
    isRestricted: project.isRestricted,
    ...(project.billingTag ? { billingTag: { ...project.billingTag } } : {}),
  };
}

/** Live (not archived) project of this owner with this name, if any. */
export function findProjectByName(store: Store, ownerId: string, name: string): ProjectRecord | undefined {
  for (const project of store.projects.values()) {
    if (project.archivedAt === undefined && project.ownerId === ownerId && sameName(project.name, name)) return project;
  }
  return undefined;
}

function createProject(ctx: HandlerContext): ReturnType<OperationHandlers[string]> {
  const body = ctx.body as NewProjectBody;
  const { store, caller } = ctx;
  if (body.name.trim() === "") throw badRequest("Project name must not be empty");
  if (/\s/.test(body.name)) throw badRequest(`Project name '${body.name}' must not contain whitespace`);

  let ownerId = caller.id;
  if (body.ownerId !== undefined) {
    ownerId = requireId(body.ownerId);
    const principal = findPrincipal(store, ownerId);
    if (!principal) throw notFound(`User ${ownerId} not found`);
    if (principal.kind === "organization") {
      throw badRequest(`${ownerId} is an organization; organizations cannot own projects created through this API`);
    }
    if (ownerId !== caller.id && !caller.isAdmin) {
      throw forbidden(`User ${caller.userName} may not create projects owned by another user`);
    }
  }
  if (body.isRestricted === true && !caller.isAdmin) {
    throw forbidden(`User ${caller.userName} does not have permission ProjectClassifier`);
  }
  if (body.mainRepository && body.repoToCreate) throw invalidBody("mainRepository and repoToCreate exclude each other");
  const owner = store.users.get(ownerId);
  if (findProjectByName(store, ownerId, body.name)) {
    throw badRequest(`A project named ${body.name} already exists for user ${owner?.userName ?? ownerId}`);
  }

  const mainRepository = body.mainRepository
    ? gitRepositoryFrom(body.mainRepository)
    : body.repoToCreate
      ? repositoryToCreate(body.repoToCreate)
      : undefined;

  const project: ProjectRecord = {
    id: newId(),
    name: body.name,
    description: body.description,
    visibility: body.visibility,
    ownerId,
    collaborators: [],
    ...(mainRepository ? { mainRepository } : {}),
    isRestricted: body.isRestricted ?? false,
    ...(body.billingTag ? { billingTag: { tag: body.billingTag.tag } } : {}),
    ...(body.templateDetails ? { templateDetails: body.templateDetails } : {}),
    internalTags: [],
    resultsBranch: "main",
    status: { status: "active", isBlocked: false },
    sharedDatasetIds: [],
    createdAt: ctx.now,
  };
  store.projects.set(project.id, project);
  return { body: envelope(ctx, { project: projectWire(store, project) }) };
}

interface ResultsSettingsBody {
  branch: "isolated" | "main";
}

export const projectHandlers: OperationHandlers = {
  getProjects(ctx) {
    const orgIds = organizationIdsOf(ctx.store, ctx.caller.id);
    const visible = [...ctx.store.projects.values()].filter(
      (p) => p.archivedAt === undefined && projectAccess(ctx.store, p, ctx.caller, orgIds) !== "none",
    );
    const { items, metadata } = paginate(ctx, visible);
    return { body: { projects: items.map((p) => projectWire(ctx.store, p)), metadata } };
  },

  createProject,
  createProjectV2: createProject,

  getProjectById(ctx) {
    const project = loadVisibleProject(ctx, ctx.params.projectId);
    return { body: envelope(ctx, { project: projectWire(ctx.store, project) }) };
  },

  archiveProject(ctx) {
    const project = loadVisibleProject(ctx, ctx.params.projectId);
    requireProjectAccess(ctx, project, "manage", "ArchiveProject");
    project.archivedAt = ctx.now;
    return deleted(ctx);
  },

  getProjectResultSettings(ctx) {
    const project = loadVisibleProject(ctx, ctx.params.projectId);
    return { body: envelope(ctx, { resultsSettings: { branch: project.resultsBranch } }) };
  },

  updateProjectResultSettings(ctx) {
    const project = loadVisibleProject(ctx, ctx.params.projectId);
    requireProjectAccess(ctx, project, "manage", "ChangeProjectSettings");
    project.resultsBranch = (ctx.body as ResultsSettingsBody).branch;
    return { body: envelope(ctx, { resultsSettings: { branch: project.resultsBranch } }) };
  },

  updateProjectStatus(ctx) {
    const project = loadVisibleProject(ctx, ctx.params.projectId);
    requireProjectAccess(ctx, project, "edit", "Edit");
    const body = ctx.body as ProjectStatus;
    const status: ProjectStatus = { status: body.status, isBlocked: body.isBlocked };
    if (body.blockedReason !== undefined) status.blockedReason = body.blockedReason;
    if (body.completedMessage !== undefined) status.completedMessage = body.completedMessage;
    project.status = status;
    return { body: envelope(ctx, { status: { ...status } }) };
  },
};
