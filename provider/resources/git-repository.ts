/**
 * GitRepository: a git repository imported into a project (not the project's main
 * repository, which is part of `Project`).
 *
 * Domino cannot edit an imported repository: every change replaces it. Deleting it
 * detaches it from the project; the remote repository is untouched.
 */
import { DominoClient } from "../client/client";
import { collectPages, findInPages } from "../client/pagination";
import { GIT_SERVICE_PROVIDERS, ProjectGitRepositoryV1 } from "../client/projects";
import { compositeId, joinId, sameId } from "../kit/ids";
import { defineProvider } from "../kit/lifecycle";
import { canonical, GIT_REPOSITORY_RULES, gitReferenceOutput, GitRepositoryFields, repositoryBody } from "../kit/projects";
import { Candidates, createOnce, locateWith } from "../kit/recovery";
import { Args, resourceClass, ResourceArgs } from "../kit/resource";
import { diffInputs, REPLACING_ID, sameValue, SchemaFor } from "../kit/schema";

export interface GitRepositoryInputs extends GitRepositoryFields {
  /** The project. */
  projectId: string;
}

export interface GitRepositoryComputed {
  repositoryId: string;
}

/** What Domino fills in when the program leaves it out: always in the outputs. */
type FilledIn = Required<Pick<GitRepositoryInputs, "name" | "defaultRef" | "serviceProvider">>;
export const gitRepositorySchema: SchemaFor<GitRepositoryInputs> = {
  projectId: REPLACING_ID,
  uri: { ...GIT_REPOSITORY_RULES.uri, onChange: "replace" },
  name: { ...GIT_REPOSITORY_RULES.name, onChange: "replace", computedWhenAbsent: true },
  defaultRef: { ...GIT_REPOSITORY_RULES.defaultRef, onChange: "replace", computedWhenAbsent: true },
  serviceProvider: { ...GIT_REPOSITORY_RULES.serviceProvider, onChange: "replace", computedWhenAbsent: true },
  gitCredentialId: { ...GIT_REPOSITORY_RULES.gitCredentialId, onChange: "replace" },
};

export type GitRepositoryOutputs = GitRepositoryInputs & FilledIn & GitRepositoryComputed;
export type GitRepositoryArgs = ResourceArgs<GitRepositoryInputs>;
export type GitRepositoryState = Partial<Args<GitRepositoryOutputs>>;

const ids = compositeId("GitRepository", "projectId", "repositoryId");

function toOutputs(repo: ProjectGitRepositoryV1, projectId: string, gitCredentialId: string | undefined): GitRepositoryOutputs {
  return {
    projectId,
    repositoryId: repo.id,
    uri: repo.uri,
    name: repo.name ?? "",
    defaultRef: gitReferenceOutput(repo.defaultRef ?? { refType: "Head" }),
    serviceProvider: canonical(GIT_SERVICE_PROVIDERS, repo.serviceProvider ?? "Unknown"),
    gitCredentialId,
  };
}

/** Whether Domino's repository has the URI and every other field the inputs give. */
function matches(repo: ProjectGitRepositoryV1, inputs: GitRepositoryInputs): boolean {
  const outs = toOutputs(repo, inputs.projectId, undefined);
  if (outs.uri !== inputs.uri) return false;
  if (inputs.name !== undefined && outs.name !== inputs.name) return false;
  if (inputs.defaultRef !== undefined && !sameValue(outs.defaultRef, inputs.defaultRef)) return false;
  if (inputs.serviceProvider !== undefined && outs.serviceProvider !== inputs.serviceProvider) return false;
  return true;
}

/**
 * The project's imports are the candidates, and the URI is the key: Domino refuses a
 * second import of a URI the project has. What a create made has the URI and every other
 * field given.
 */
function candidates(client: DominoClient, inputs: GitRepositoryInputs): Candidates<ProjectGitRepositoryV1> {
  const { projectId } = inputs;
  return {
    what: `git repository ${inputs.uri} of project ${projectId}`,
    kind: "git repository",
    settings: client.settings,
    list: () => collectPages((offset, limit) => client.projects.listRepositoriesPage(projectId, offset, limit)),
    idOf: (r) => r.id,
    sameKey: (r) => r.uri === inputs.uri,
    takenHint: "adopt it with `adoptId` (`<projectId>/<repositoryId>`), or remove the import from the project first",
    matches: (r) => matches(r, inputs),
  };
}

export const provider = defineProvider<GitRepositoryInputs, GitRepositoryOutputs>({
  kind: "GitRepository",
  schema: gitRepositorySchema,
  computed: { repositoryId: true },
  describe: (r) => `${r.uri} in project ${r.projectId}`,
  // The URI is unique in the project.
  adoption: { key: ["projectId", "uri"], id: ids },

  diff(olds, news) {
    // Domino refuses a second import of a URI the project already has, so a replacement
    // that keeps the project and URI must detach the old import first.
    const keepsImport = sameId(olds.projectId, news.projectId) && olds.uri === news.uri;
    return diffInputs(gitRepositorySchema, { ...olds }, { ...news }, () => keepsImport);
  },

  async create({ client }, inputs) {
    const { projectId } = inputs;
    const repo = await createOnce<ProjectGitRepositoryV1>({
      ...candidates(client, inputs),
      send: () => client.projects.addRepository(projectId, repositoryBody(inputs)),
    });
    return { id: joinId(projectId, repo.id), outs: toOutputs(repo, projectId, inputs.gitCredentialId) };
  },

  async read({ client }, id, recorded) {
    const { projectId, repositoryId } = ids.split(id);
    // A project that is gone (or archived) answers 404: so is the repository.
    const repo = await findInPages(
      (offset, limit) => client.projects.listRepositoriesPage(projectId, offset, limit),
      (r) => sameId(r.id, repositoryId),
    );
    return repo && toOutputs(repo, projectId, recorded.gitCredentialId);
  },

  async delete({ client }, id, props) {
    const { projectId, repositoryId } = ids.of(id, props);
    await client.projects.removeRepository(projectId, repositoryId);
  },

  locate: async ({ client }, inputs) => locateWith(candidates(client, inputs), (r) => joinId(inputs.projectId, r.id)),
});

/**
 * A git repository imported into a Domino project. Id for `get`: `<projectId>/<repositoryId>`.
 * Every change replaces it; delete detaches it (the remote repository is untouched). A
 * URI the project has already imported is not taken over silently: the create fails and
 * names the import.
 */
export class GitRepository extends resourceClass<GitRepositoryArgs, GitRepositoryOutputs>("git-repository", provider) {}
