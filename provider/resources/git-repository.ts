/**
 * GitRepository: a git repository imported into a project (not the project's main
 * repository, which is part of `Project`).
 *
 * Domino cannot edit an imported repository: every change replaces it. Deleting it
 * detaches it from the project; the remote repository is untouched.
 */
import * as pulumi from "@pulumi/pulumi";
import { isNotFound } from "../client/errors";
import { plainOutputs } from "../client/outputs";
import { findInPages } from "../client/pagination";
import {
  addRepository,
  GIT_REFERENCE_TYPES,
  GIT_SERVICE_PROVIDERS,
  listRepositoriesPage,
  NewProjectGitRepositoryV1,
  ProjectGitRepositoryV1,
  removeRepository,
} from "../client/projects";
import { checkInputs, diffInputs, inputsFromOutputs, joinId, outputSlots, sameValue, Schema, splitId } from "./common";
import { GIT_URI_PATTERN, GitReference, GitReferenceArgs, GitReferenceType, gitReferenceRule, GitServiceProvider } from "./project";
import { providerShim } from "./shim";

export interface GitRepositoryArgs {
  /** The project. */
  projectId: pulumi.Input<string>;
  /** The repository's URL, e.g. `https://github.com/acme/etl.git`. */
  uri: pulumi.Input<string>;
  /** Display name; Domino derives one from the URI when absent. */
  name?: pulumi.Input<string>;
  /** The ref checked out by default; Domino's choice when absent. */
  defaultRef?: pulumi.Input<GitReferenceArgs>;
  /** Github, GitLab, Bitbucket... (case-insensitive); Domino's choice when absent. */
  serviceProvider?: pulumi.Input<GitServiceProvider>;
  /**
   * The id of the caller's own git credential for this repository. Domino never returns
   * it and it applies to the calling user only; the outputs keep the value given. It is
   * an id, not a secret.
   */
  gitCredentialId?: pulumi.Input<string>;
}

export interface GitRepositoryInputs {
  projectId: string;
  uri: string;
  name?: string;
  defaultRef?: GitReference;
  serviceProvider?: GitServiceProvider;
  gitCredentialId?: string;
}

export interface GitRepositoryOutputs extends GitRepositoryInputs {
  repositoryId: string;
  name: string;
  defaultRef: GitReference;
  serviceProvider: GitServiceProvider;
}

export const gitRepositorySchema: Schema = {
  projectId: { kind: "string", required: true, dominoId: true, onChange: "replace" },
  uri: { kind: "string", required: true, nonEmpty: true, pattern: GIT_URI_PATTERN, onChange: "replace" },
  name: { kind: "string", nonEmpty: true, onChange: "replace", computedWhenAbsent: true },
  defaultRef: { ...gitReferenceRule, onChange: "replace", computedWhenAbsent: true },
  serviceProvider: { kind: "string", oneOf: GIT_SERVICE_PROVIDERS, onChange: "replace", computedWhenAbsent: true },
  gitCredentialId: { kind: "string", nonEmpty: true, onChange: "replace" },
};

const ID_PARTS = ["projectId", "repositoryId"] as const;

function canonical(values: readonly string[], value: string): string {
  return values.find((v) => v.toLowerCase() === value.toLowerCase()) ?? value;
}

function toOutputs(repo: ProjectGitRepositoryV1, projectId: string, gitCredentialId?: string): GitRepositoryOutputs {
  return plainOutputs({
    projectId,
    repositoryId: repo.id,
    uri: repo.uri,
    name: repo.name ?? "",
    defaultRef: {
      refType: canonical(GIT_REFERENCE_TYPES, repo.defaultRef?.refType ?? "Head") as GitReferenceType,
      value: repo.defaultRef?.value,
    },
    serviceProvider: canonical(GIT_SERVICE_PROVIDERS, repo.serviceProvider ?? "Unknown") as GitServiceProvider,
    gitCredentialId,
  });
}

/** Whether Domino's repository matches every field given in the inputs. */
function matches(repo: ProjectGitRepositoryV1, inputs: GitRepositoryInputs): boolean {
  const outs = toOutputs(repo, inputs.projectId);
  if (outs.uri !== inputs.uri) return false;
  if (inputs.name !== undefined && outs.name !== inputs.name) return false;
  if (inputs.defaultRef !== undefined && !sameValue(outs.defaultRef, inputs.defaultRef)) return false;
  if (inputs.serviceProvider !== undefined && outs.serviceProvider !== inputs.serviceProvider) return false;
  return true;
}

async function findRepository(projectId: string, predicate: (repo: ProjectGitRepositoryV1) => boolean): Promise<ProjectGitRepositoryV1 | undefined> {
  try {
    return await findInPages((offset, limit) => listRepositoriesPage(projectId, offset, limit), predicate);
  } catch (err) {
    // The project itself is gone (or archived): so is the repository.
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export const provider = {
  async check(_olds: unknown, news: Record<string, unknown>) {
    return checkInputs<GitRepositoryInputs>("GitRepository", gitRepositorySchema, news);
  },

  async diff(_id: string, olds: GitRepositoryOutputs, news: GitRepositoryInputs) {
    // Domino refuses a second import of a URI the project already has, so a replacement
    // that keeps the project and URI must detach the old import first.
    return diffInputs(
      gitRepositorySchema,
      { ...olds },
      { ...news },
      (_replaces, o, n) => o.projectId === n.projectId && sameValue(o.uri, n.uri),
    );
  },

  async create(inputs: GitRepositoryInputs & { __provider?: string }) {
    const body: NewProjectGitRepositoryV1 = plainOutputs({
      uri: inputs.uri,
      name: inputs.name,
      defaultRef: inputs.defaultRef,
      serviceProvider: inputs.serviceProvider,
      gitCredentialId: inputs.gitCredentialId,
    });
    // A lost answer is recognised by the fields given: Domino has no other key.
    const repo = await addRepository(inputs.projectId, body, () => findRepository(inputs.projectId, (r) => matches(r, inputs)));
    return { id: joinId(inputs.projectId, repo.id), outs: toOutputs(repo, inputs.projectId, inputs.gitCredentialId) };
  },

  async read(id: string, props?: Partial<GitRepositoryOutputs>) {
    const { projectId, repositoryId } = splitId("GitRepository", id, ID_PARTS);
    const repo = await findRepository(projectId, (r) => r.id.toLowerCase() === repositoryId.toLowerCase());
    if (!repo) return { id: "" };
    const outs = toOutputs(repo, projectId, props?.gitCredentialId);
    return { id, props: outs, inputs: inputsFromOutputs<GitRepositoryInputs>(gitRepositorySchema, { ...outs }) };
  },

  async update(id: string): Promise<never> {
    // `diff` replaces on every change, so the engine never asks for an update.
    throw new Error(`GitRepository ${id} cannot be changed in place: Domino has no call that edits an imported repository`);
  },

  async delete(id: string, props: Partial<GitRepositoryOutputs>) {
    const { projectId, repositoryId } =
      props.projectId && props.repositoryId ? (props as GitRepositoryOutputs) : splitId("GitRepository", id, ID_PARTS);
    try {
      await removeRepository(projectId, repositoryId);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  },
};

const OUTPUTS = ["projectId", "repositoryId", "uri", "name", "defaultRef", "serviceProvider", "gitCredentialId"] as const;

/**
 * A git repository imported into a Domino project. Import id: `<projectId>/<repositoryId>`.
 * Every change replaces it; delete detaches it (the remote repository is untouched).
 */
export class GitRepository extends pulumi.dynamic.Resource {
  declare readonly projectId: pulumi.Output<string>;
  declare readonly repositoryId: pulumi.Output<string>;
  declare readonly uri: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly defaultRef: pulumi.Output<GitReference>;
  declare readonly serviceProvider: pulumi.Output<GitServiceProvider>;
  /** As given: Domino never returns it. */
  declare readonly gitCredentialId: pulumi.Output<string | undefined>;

  constructor(name: string, args: GitRepositoryArgs, opts?: pulumi.CustomResourceOptions) {
    super(providerShim("git-repository"), name, { ...outputSlots(OUTPUTS), ...args }, opts, "domino", "GitRepository");
  }

  /** Looks up an existing imported repository by its id, `<projectId>/<repositoryId>`. */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): GitRepository {
    return new GitRepository(name, {} as GitRepositoryArgs, { ...opts, id });
  }
}
