import * as pulumi from "@pulumi/pulumi";
import { UNKNOWN } from "../../provider/kit/schema";
import { GitRepositoryInputs, GitRepositoryOutputs, provider as defined } from "../../provider/resources/git-repository";
import { provider as definedProject, ProjectInputs } from "../../provider/resources/project";
import { EmulatorFixture, useEmulator } from "../helpers/emulator";

/** The providers as the engine calls them: every method, with untyped property bags. */
type EngineProvider = Required<Omit<pulumi.dynamic.ResourceProvider, "configure">>;
const provider = defined as EngineProvider;
const projectProvider = definedProject as EngineProvider;

const PROJECT = "65f0b0000000000000000001";

async function checked(news: Record<string, unknown>): Promise<GitRepositoryInputs> {
  const result = await provider.check({}, news);
  expect(result.failures).toEqual([]);
  return result.inputs as GitRepositoryInputs;
}

async function failures(news: Record<string, unknown>): Promise<string[]> {
  return ((await provider.check({}, news)).failures ?? []).map((f) => f.reason);
}

async function makeProject(name: string): Promise<string> {
  const inputs = (await projectProvider.check({}, { name })).inputs as ProjectInputs;
  return (await projectProvider.create(inputs)).id;
}

async function repositoriesOf(env: EmulatorFixture, projectId: string): Promise<{ id: string; uri: string }[]> {
  const res = await env.api<{ repositories: { id: string; uri: string }[] }>("GET", `/api/projects/v1/projects/${projectId}/repositories?limit=999`);
  return res.body.repositories;
}

describe("GitRepository check and diff", () => {
  it("canonicalises enums and names the field and the rule", async () => {
    expect(
      await checked({ projectId: PROJECT, uri: "https://gitlab.com/a/b.git", serviceProvider: "gitlab", defaultRef: { refType: "TAG", value: "v1" } }),
    ).toEqual({ projectId: PROJECT, uri: "https://gitlab.com/a/b.git", serviceProvider: "GitLab", defaultRef: { refType: "Tag", value: "v1" } });
    expect(await failures({ projectId: PROJECT })).toEqual(["GitRepository.uri is required"]);
    expect(await failures({ projectId: PROJECT, uri: "github.com/a/b" })).toEqual([
      'GitRepository.uri must be a git URL (https://, ssh://, git:// or user@host:path), got "github.com/a/b"',
    ]);
    expect(await failures({ projectId: PROJECT, uri: "git@github.com:a/b.git", serviceProvider: "sourceforge" })).toEqual([
      'GitRepository.serviceProvider must be one of Bitbucket, BitbucketServer, Github, GithubEnterprise, GitLab, GitLabEnterprise, Unknown (case-insensitive), got "sourceforge"',
    ]);
    expect(await failures({ projectId: PROJECT, uri: "git@github.com:a/b.git", defaultRef: { refType: "Branch" } })).toEqual([
      "GitRepository.defaultRef .value is required when refType is Branch",
    ]);
    expect(await failures({ projectId: PROJECT, uri: "git@github.com:a/b.git", defaultRef: { refType: "Head", value: "x" } })).toEqual([
      "GitRepository.defaultRef .value must be absent when refType is Head",
    ]);
    expect(await failures({ projectId: UNKNOWN, uri: UNKNOWN, defaultRef: UNKNOWN, serviceProvider: UNKNOWN })).toEqual([]);
  });

  it("replaces on every change; what Domino filled in is not a change", async () => {
    const olds: GitRepositoryOutputs = {
      projectId: PROJECT,
      repositoryId: "65f0c0000000000000000001",
      uri: "https://github.com/acme/etl.git",
      name: "etl",
      defaultRef: { refType: "Head" },
      serviceProvider: "Github",
      gitCredentialId: "cred",
    };
    const same: GitRepositoryInputs = { projectId: PROJECT, uri: olds.uri, gitCredentialId: "cred" };
    expect(await provider.diff("", olds, same)).toEqual({ changes: false });
    const changes: Array<[Partial<GitRepositoryInputs>, string]> = [
      [{ projectId: "65f0b0000000000000000002" }, "projectId"],
      [{ uri: "https://github.com/acme/other.git" }, "uri"],
      [{ name: "renamed" }, "name"],
      [{ defaultRef: { refType: "Branch", value: "dev" } }, "defaultRef"],
      [{ serviceProvider: "GithubEnterprise" }, "serviceProvider"],
      [{ gitCredentialId: "other" }, "gitCredentialId"],
      [{ gitCredentialId: undefined }, "gitCredentialId"],
    ];
    for (const [change, field] of changes) {
      // The same URI in the same project cannot be imported twice: the old import goes first.
      const collides = field !== "projectId" && field !== "uri";
      expect(await provider.diff("", olds, { ...same, ...change })).toEqual({
        changes: true,
        replaces: [field],
        ...(collides ? { deleteBeforeReplace: true } : {}),
      });
    }
    expect(await provider.diff("", olds, { ...same, name: "etl", defaultRef: { refType: "Head" }, serviceProvider: "Github" })).toEqual({ changes: false });
  });
});

describe.each(["6.3", "5.3"] as const)("GitRepository against Domino %s", (dominoVersion) => {
  const env = useEmulator({ dominoVersion });

  it("imports with one list and one POST, keeps the credential id, and reads it back with one list page", async () => {
    const projectId = await makeProject("repos");
    const inputs = await checked({ projectId, uri: "https://github.com/acme/etl.git", defaultRef: { refType: "branch", value: "main" }, gitCredentialId: "cred-9" });
    await env.resetRequestCounts();
    const { id, outs } = await provider.create(inputs);
    // The list shows the URI is not imported yet.
    expect(await env.requestCounts()).toEqual({
      total: 2,
      byRoute: { "GET /api/projects/v1/projects/{projectId}/repositories": 1, "POST /api/projects/v1/projects/{projectId}/repositories": 1 },
    });
    expect(outs).toEqual({
      projectId,
      repositoryId: expect.stringMatching(/^[0-9a-f]{24}$/),
      uri: "https://github.com/acme/etl.git",
      name: "etl",
      defaultRef: { refType: "Branch", value: "main" },
      serviceProvider: "Github",
      gitCredentialId: "cred-9",
    });
    expect(id).toBe(`${projectId}/${outs.repositoryId}`);
    expect(await provider.diff(id, outs, inputs)).toEqual({ changes: false });

    await env.resetRequestCounts();
    const read = await provider.read(id, outs);
    // Name, ref and service provider may be Domino's choices: not reported as declared inputs.
    expect(read).toEqual({ id, props: outs, inputs: { projectId, uri: "https://github.com/acme/etl.git", gitCredentialId: "cred-9" } });
    expect(await env.requestCounts()).toEqual({ total: 1, byRoute: { "GET /api/projects/v1/projects/{projectId}/repositories": 1 } });

    // Resource.get: only the id; the credential id is unknowable.
    const { gitCredentialId: _dropped, ...withoutCredential } = outs;
    expect((await provider.read(id)).props).toEqual(withoutCredential);
  });

  it("detaches on delete; refresh then sees it gone, and a second delete is fine", async () => {
    const projectId = await makeProject("detach");
    const { id, outs } = await provider.create(await checked({ projectId, uri: "git@gitlab.com:acme/models.git" }));
    expect(outs).toMatchObject({ name: "models", serviceProvider: "GitLab", defaultRef: { refType: "Head" } });
    await provider.delete(id, outs);
    expect(await repositoriesOf(env, projectId)).toEqual([]);
    expect(await provider.read(id, outs)).toEqual({ id: "" });
    await expect(provider.delete(id, {})).resolves.toBeUndefined();
  });

  it("refresh sees a repository removed out of band, or its project archived, as gone", async () => {
    const projectId = await makeProject("oob");
    const first = await provider.create(await checked({ projectId, uri: "https://github.com/acme/a.git" }));
    const second = await provider.create(await checked({ projectId, uri: "https://github.com/acme/b.git", name: "bee" }));
    await env.api("DELETE", `/api/projects/v1/projects/${projectId}/repositories/${first.outs.repositoryId}`);
    expect(await provider.read(first.id, first.outs)).toEqual({ id: "" });
    expect((await provider.read(second.id, second.outs)).props).toEqual(second.outs);
    await env.api("DELETE", `/api/projects/beta/projects/${projectId}`);
    expect(await provider.read(second.id, second.outs)).toEqual({ id: "" });
  });

  it("refuses a URI the project has already imported, before sending anything", async () => {
    const projectId = await makeProject("twice");
    const inputs = await checked({ projectId, uri: "https://github.com/acme/etl.git" });
    const first = await provider.create(inputs);
    await env.resetRequestCounts();
    await expect(provider.create({ ...inputs, name: "other" })).rejects.toThrow(
      `GitRepository create: git repository https://github.com/acme/etl.git of project ${projectId} already exists in Domino ` +
        `(id ${first.outs.repositoryId}); adopt it with \`adoptId\` (\`<projectId>/<repositoryId>\`), or remove the import from the project first`,
    );
    expect((await env.requestCounts()).byRoute).toEqual({ "GET /api/projects/v1/projects/{projectId}/repositories": 1 });
    await expect(provider.create({ ...inputs, projectId: "65f0b00000000000000000ff" })).rejects.toThrow(
      /^GitRepository create: list project git repositories failed: GET \/api\/projects\/v1\/projects\/65f0b00000000000000000ff\/repositories answered HTTP 404/,
    );
  });

  it("locates what an interrupted create made: the import of the URI with every field given", async () => {
    const projectId = await makeProject("found");
    const inputs = await checked({ projectId, uri: "https://github.com/acme/found.git", name: "found" });
    expect(await defined.locate(inputs)).toEqual([]);
    const made = await env.api<{ repository: { id: string } }>("POST", `/api/projects/v1/projects/${projectId}/repositories`, { uri: inputs.uri, name: "found" });
    const repositoryId = made.body.repository.id;
    expect(await defined.locate(inputs)).toEqual([
      {
        id: `${projectId}/${repositoryId}`,
        outs: { projectId, repositoryId, uri: inputs.uri, name: "found", defaultRef: { refType: "Head" }, serviceProvider: "Github" },
      },
    ]);
    expect(await defined.locate({ ...inputs, name: "other" })).toEqual([]);
  });

  it("never duplicates an import whose answer was lost", async () => {
    const projectId = await makeProject("lost");
    await env.api("PUT", "/__emulator/faults", { dropResponseRate: 1 });
    await env.resetRequestCounts();
    const { outs } = await provider.create(await checked({ projectId, uri: "https://github.com/acme/lost.git" }));
    await env.api("PUT", "/__emulator/faults", { dropResponseRate: 0 });
    // The list before, one POST (committed, answer dropped), the list after: no second POST.
    expect((await env.requestCounts()).byRoute).toEqual({
      "POST /api/projects/v1/projects/{projectId}/repositories": 1,
      "GET /api/projects/v1/projects/{projectId}/repositories": 2,
    });
    expect(await repositoriesOf(env, projectId)).toEqual([{ id: outs.repositoryId, uri: "https://github.com/acme/lost.git", name: "lost", defaultRef: { refType: "Head" }, serviceProvider: "Github" }]);
  });
});
