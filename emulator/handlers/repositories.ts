/** Imported git repositories of a project (and the shape shared with a project's main repository). */
import { badRequest, notFound } from "../errors";
import { GitReference, GitRepository, GitServiceProvider, newId, RepositoryRecord, Store } from "../store";
import { loadVisibleProject, requireProjectAccess } from "./access";
import { deleted, envelope, HandlerContext, OperationHandlers, paginate, requireId } from "./context";

export interface NewGitRepositoryBody {
  uri: string;
  name?: string;
  defaultRef?: GitReference;
  serviceProvider?: GitServiceProvider;
  gitCredentialId?: string;
}

const GIT_URI = /^(?:(?:https?|ssh|git):\/\/\S+|[\w.-]+@[\w.-]+:\S+)$/;

const PROVIDER_BY_HOST: ReadonlyArray<[RegExp, GitServiceProvider]> = [
  [/(^|\.)github\.com$/i, "Github"],
  [/(^|\.)gitlab\.com$/i, "GitLab"],
  [/(^|\.)bitbucket\.org$/i, "Bitbucket"],
];

function hostOf(uri: string): string {
  const scp = /^[\w.-]+@([\w.-]+):/.exec(uri);
  if (scp) return scp[1];
  try {
    return new URL(uri).hostname;
  } catch {
    return "";
  }
}

function inferProvider(uri: string): GitServiceProvider {
  const host = hostOf(uri);
  return PROVIDER_BY_HOST.find(([pattern]) => pattern.test(host))?.[1] ?? "Unknown";
}

function nameFromUri(uri: string): string {
  const last = uri.replace(/\/+$/, "").split(/[/:]/).pop() ?? uri;
  return last.replace(/\.git$/i, "") || uri;
}

/** Validates a NewProjectGitRepositoryV1 and fills what Domino derives (name, provider, ref). */
export function gitRepositoryFrom(body: NewGitRepositoryBody): GitRepository {
  const uri = body.uri.trim();
  if (!GIT_URI.test(uri)) throw badRequest(`${body.uri} is not a valid git repository URI`);
  const defaultRef: GitReference = body.defaultRef ? { ...body.defaultRef } : { refType: "Head" };
  if (defaultRef.refType !== "Head" && !defaultRef.value) {
    throw badRequest(`defaultRef of type ${defaultRef.refType} needs a value`);
  }
  if (defaultRef.refType === "Head") delete defaultRef.value;
  return {
    id: newId(),
    name: body.name && body.name.trim() !== "" ? body.name : nameFromUri(uri),
    uri,
    defaultRef,
    serviceProvider: body.serviceProvider ?? inferProvider(uri),
  };
}

export function repositoryWire(repo: GitRepository): GitRepository {
  return {
    id: repo.id,
    name: repo.name,
    uri: repo.uri,
    defaultRef: { ...repo.defaultRef },
    serviceProvider: repo.serviceProvider,
  };
}

export function repositoriesOf(store: Store, projectId: string): RepositoryRecord[] {
  return [...store.repositories.values()].filter((r) => r.projectId === projectId);
}

export const repositoryHandlers: OperationHandlers = {
  getImportedRepos(ctx: HandlerContext) {
    const project = loadVisibleProject(ctx, ctx.params.projectId);
    const { items, metadata } = paginate(ctx, repositoriesOf(ctx.store, project.id));
    return { body: { repositories: items.map(repositoryWire), metadata } };
  },

  addRepoToProject(ctx: HandlerContext) {
    const project = loadVisibleProject(ctx, ctx.params.projectId);
    requireProjectAccess(ctx, project, "manage", "ChangeProjectSettings");
    const repo = gitRepositoryFrom(ctx.body as NewGitRepositoryBody);
    const existing = repositoriesOf(ctx.store, project.id).find((r) => r.uri === repo.uri);
    if (existing) throw badRequest(`Repository ${repo.uri} is already imported into project ${project.id} (id ${existing.id})`);
    const record: RepositoryRecord = { ...repo, projectId: project.id, createdAt: ctx.now };
    ctx.store.repositories.set(record.id, record);
    return { body: envelope(ctx, { repository: repositoryWire(record) }) };
  },

  removeRepoFromProject(ctx: HandlerContext) {
    const project = loadVisibleProject(ctx, ctx.params.projectId);
    const repositoryId = requireId(ctx.params.repositoryId);
    requireProjectAccess(ctx, project, "manage", "ChangeProjectSettings");
    const repo = ctx.store.repositories.get(repositoryId);
    if (!repo || repo.projectId !== project.id) {
      throw notFound(`Repository ${repositoryId} not found in project ${project.id}`);
    }
    ctx.store.repositories.delete(repositoryId);
    return deleted(ctx);
  },
};
