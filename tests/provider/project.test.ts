import { ResourceInitError } from "../../provider/kit/init-error";
import { UNKNOWN } from "../../provider/kit/schema";
import { getProject, getProjectOutput } from "../../provider/lookups/get-project";
import { diffProject, ProjectInputs, ProjectOutputs, provider as defined } from "../../provider/resources/project";
import * as pulumi from "@pulumi/pulumi";
import { useEmulator } from "../helpers/emulator";

/** The provider as the engine calls it: every method, with untyped property bags. */
const provider = defined as Required<Omit<pulumi.dynamic.ResourceProvider, "configure">>;

const ALICE = "65f0a0000000000000000002";
const BOB = "65f0a0000000000000000003";

async function checked(news: Record<string, unknown>): Promise<ProjectInputs> {
  const result = await provider.check({}, news);
  expect(result.failures).toEqual([]);
  return result.inputs as ProjectInputs;
}

async function failures(news: Record<string, unknown>): Promise<string[]> {
  const result = await provider.check({}, news);
  return (result.failures ?? []).map((f) => f.reason);
}

const recorded: ProjectOutputs = {
  projectId: "65f0b0000000000000000001",
  name: "analytics",
  description: "team work",
  visibility: "Private",
  ownerId: ALICE,
  ownerUsername: "alice",
  mainRepository: {
    id: "65f0b0000000000000000002",
    uri: "https://github.com/acme/analytics.git",
    name: "analytics",
    defaultRef: { refType: "Branch", value: "main" },
    serviceProvider: "Github",
  },
  status: "active",
  isBlocked: false,
  isRestricted: false,
};

describe("Project check", () => {
  it("fills defaults and canonicalises enum casing", async () => {
    const inputs = await checked({ name: "p1", visibility: "public", status: "Complete", mainRepository: { uri: "git@github.com:a/b.git", serviceProvider: "GITHUB", defaultRef: { refType: "branch", value: "dev" } } });
    expect(inputs).toEqual({
      name: "p1",
      description: "",
      visibility: "Public",
      status: "complete",
      isBlocked: false,
      isRestricted: false,
      mainRepository: { uri: "git@github.com:a/b.git", serviceProvider: "Github", defaultRef: { refType: "Branch", value: "dev" } },
    });
  });

  it("names the field and the rule", async () => {
    expect(await failures({})).toEqual(["Project.name is required"]);
    expect(await failures({ name: "my project" })).toEqual(['Project.name must not contain whitespace (Domino project names are part of URLs), got "my project"']);
    expect(await failures({ name: "p", visibility: "hidden" })).toEqual([
      'Project.visibility must be one of Public, Searchable, Private (case-insensitive), got "hidden"',
    ]);
    expect(await failures({ name: "p", ownerId: "alice" })).toEqual([
      'Project.ownerId must be a Domino id (24 hexadecimal characters), got "alice"',
    ]);
    expect(await failures({ name: "p", isBlocked: true })).toEqual([
      "Project.isBlocked requires status to be set (Domino sets status and blocked state together)",
    ]);
    expect(await failures({ name: "p", status: "done" })).toEqual([
      'Project.status must be one of active, complete (case-insensitive), got "done"',
    ]);
    expect(await failures({ name: "p", mainRepository: { uri: "not a url" } })).toEqual([
      'Project.mainRepository.uri must be a git URL (https://, ssh://, git:// or user@host:path), got "not a url"',
    ]);
    expect(await failures({ name: "p", mainRepository: { uri: "https://x/y.git", defaultRef: { refType: "Tag" } } })).toEqual([
      "Project.mainRepository.defaultRef .value is required when refType is Tag",
    ]);
    expect(await failures({ name: "p", colour: "red" })).toEqual([
      expect.stringMatching(/^Project.colour is not a known input/),
    ]);
  });

  it("lets unknown values through", async () => {
    const inputs = await checked({ name: UNKNOWN, visibility: UNKNOWN, ownerId: UNKNOWN, mainRepository: UNKNOWN, status: UNKNOWN });
    expect(inputs.name).toBe(UNKNOWN);
    expect(inputs.visibility).toBe(UNKNOWN);
    expect(inputs.mainRepository).toBe(UNKNOWN);
  });
});

describe("Project diff", () => {
  const same: ProjectInputs = {
    name: "analytics",
    description: "team work",
    visibility: "Private",
    ownerId: ALICE,
    mainRepository: { uri: "https://github.com/acme/analytics.git", defaultRef: { refType: "Branch", value: "main" } },
    status: "active",
    isBlocked: false,
  };

  it("sees no change when inputs match, whatever Domino filled in", () => {
    expect(diffProject(recorded, same)).toEqual({ changes: false });
    // Owner and main repository left out: Domino's choice, not a change.
    expect(diffProject(recorded, { ...same, ownerId: undefined, mainRepository: undefined })).toEqual({ changes: false });
  });

  it("replaces on name change, creating the new project first", () => {
    expect(diffProject(recorded, { ...same, name: "analytics2" })).toEqual({ changes: true, replaces: ["name"] });
  });

  it("warns, in the plan, what a replacement loses; an in-place change says nothing", async () => {
    const lines: string[] = [];
    const spy = jest.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      await provider.diff(recorded.projectId, recorded, { ...same, status: "complete" });
      expect(lines).toEqual([]);
      await provider.diff(recorded.projectId, recorded, { ...same, description: "new words" });
    } finally {
      spy.mockRestore();
    }
    expect(lines).toEqual([
      'warning: pulumi-domino: Project "analytics" will be replaced (description changed): the old project is archived in Domino with its runs, ' +
        "files and results, and what belongs to it (collaborators, goals, repositories, datasets, links) is made again on the new project. " +
        "To make Pulumi refuse such a plan, set the resource option protect: true.\n",
    ]);
  });

  it("archives first when a replacement keeps the name", () => {
    for (const change of [{ description: "other" }, { visibility: "Public" as const }]) {
      const result = diffProject(recorded, { ...same, ...change });
      expect(result).toEqual({ changes: true, replaces: Object.keys(change), deleteBeforeReplace: true });
    }
    expect(diffProject(recorded, { ...same, mainRepository: { uri: "https://github.com/acme/other.git" } })).toEqual({
      changes: true,
      replaces: ["mainRepository"],
      deleteBeforeReplace: true,
    });
    expect(diffProject(recorded, { ...same, mainRepository: { ...same.mainRepository!, defaultRef: { refType: "Branch", value: "dev" } } })).toEqual({
      changes: true,
      replaces: ["mainRepository"],
      deleteBeforeReplace: true,
    });
  });

  it("archives first when only the name's case changes (Domino compares names case-insensitively)", () => {
    expect(diffProject(recorded, { ...same, name: recorded.name.toUpperCase() })).toEqual({
      changes: true,
      replaces: ["name"],
      deleteBeforeReplace: true,
    });
  });

  it("creates first when the owner changes (the names do not collide)", () => {
    expect(diffProject(recorded, { ...same, ownerId: BOB })).toEqual({ changes: true, replaces: ["ownerId"] });
  });

  it("updates the status in place", () => {
    expect(diffProject(recorded, { ...same, status: "complete", completedMessage: "done" })).toEqual({ changes: true });
    expect(diffProject(recorded, { ...same, isBlocked: true, blockedReason: "waiting" })).toEqual({ changes: true });
    const blocked = { ...recorded, isBlocked: true, blockedReason: "waiting" };
    // Dropping the reason while status is managed clears it.
    expect(diffProject(blocked, { ...same, isBlocked: true })).toEqual({ changes: true });
    // No status in the program: the provider leaves it alone.
    expect(diffProject(blocked, { ...same, status: undefined, isBlocked: undefined })).toEqual({ changes: false });
    // First status after a partial create.
    expect(diffProject({ ...recorded, status: undefined, isBlocked: undefined }, same)).toEqual({ changes: true });
  });

  it("treats unknown values as changes", () => {
    expect(diffProject(recorded, { ...same, name: UNKNOWN })).toEqual({ changes: true, replaces: ["name"] });
    expect(diffProject(recorded, { ...same, description: UNKNOWN })).toEqual({ changes: true, replaces: ["description"], deleteBeforeReplace: true });
    expect(diffProject(recorded, { ...same, status: UNKNOWN as "active" })).toEqual({ changes: true });
  });
});

describe("Project against Domino 6.3", () => {
  const env = useEmulator({ dominoVersion: "6.3" });
  const idsNamed = async (name: string) =>
    (await env.api<{ projects: { id: string; name: string }[] }>("GET", "/api/projects/beta/projects?limit=999")).body.projects
      .filter((p) => p.name === name)
      .map((p) => p.id);

  it("creates with one POST after the version probe and one list, and reads with one GET", async () => {
    const inputs = await checked({ name: "analytics", description: "team", visibility: "searchable" });
    await env.resetRequestCounts();
    const { id, outs } = await provider.create(inputs);
    // The probe says who the caller (the owner) is; the list shows the name is free.
    expect(await env.requestCounts()).toEqual({
      total: 3,
      byRoute: { "GET /api/users/v1/self": 1, "GET /api/projects/beta/projects": 1, "POST /api/projects/beta/projects": 1 },
    });
    expect(outs).toEqual({
      projectId: id,
      name: "analytics",
      description: "team",
      visibility: "Searchable",
      ownerId: env.emulator.users.admin.id,
      ownerUsername: "admin",
      isRestricted: false,
    });
    expect(JSON.parse(JSON.stringify(outs))).toEqual(outs);

    await env.resetRequestCounts();
    const read = await provider.read(id, outs);
    // The owner was not declared: Domino's choice is not reported as an input.
    expect(read).toEqual({ id, props: outs, inputs: { name: "analytics", description: "team", visibility: "Searchable", isRestricted: false } });
    // The probe is made once per client.
    expect(await env.requestCounts()).toEqual({ total: 1, byRoute: { "GET /api/projects/v1/projects/{projectId}": 1 } });
  });

  it("creates with a main repository and a status, and keeps the credential id Domino never returns", async () => {
    const inputs = await checked({
      name: "with-repo",
      ownerId: ALICE,
      mainRepository: { uri: "https://github.com/acme/etl.git", defaultRef: { refType: "Branch", value: "main" }, gitCredentialId: "cred-1" },
      status: "complete",
      completedMessage: "shipped",
    });
    await env.resetRequestCounts();
    const { id, outs } = await provider.create(inputs);
    // The owner is given: no need to ask who the caller is.
    expect((await env.requestCounts()).byRoute).toEqual({
      "GET /api/projects/beta/projects": 1,
      "POST /api/projects/beta/projects": 1,
      "PUT /api/projects/v1/projects/{projectId}/status": 1,
    });
    expect(outs).toMatchObject({
      ownerId: ALICE,
      ownerUsername: "alice",
      mainRepository: {
        id: expect.stringMatching(/^[0-9a-f]{24}$/),
        uri: "https://github.com/acme/etl.git",
        name: "etl",
        defaultRef: { refType: "Branch", value: "main" },
        serviceProvider: "Github",
        gitCredentialId: "cred-1",
      },
      status: "complete",
      isBlocked: false,
      completedMessage: "shipped",
    });
    // What Domino filled in is not a change.
    expect(await provider.diff(id, outs, inputs)).toEqual({ changes: false });

    const read = await provider.read(id, outs);
    expect(read.props).toEqual(outs);
    // The owner and the main repository (with Domino's choices and id) may be Domino's:
    // not reported as declared inputs.
    expect(read.inputs).toEqual({
      name: "with-repo",
      description: "",
      visibility: "Private",
      status: "complete",
      isBlocked: false,
      completedMessage: "shipped",
      isRestricted: false,
    });
  });

  it("an owner id given in upper case is no change after create or refresh", async () => {
    const inputs = await checked({ name: "upper-owner", ownerId: env.emulator.users.admin.id.toUpperCase() });
    expect(inputs.ownerId).toBe(env.emulator.users.admin.id);
    const { id, outs } = await provider.create(inputs);
    expect(await provider.diff(id, outs, inputs)).toEqual({ changes: false });
    const read = await provider.read(id, outs);
    expect(await provider.diff(id, read.props as ProjectOutputs, inputs)).toEqual({ changes: false });
  });

  it("does not send the status a new project already has", async () => {
    const inputs = await checked({ name: "born-active", status: "active" });
    await env.resetRequestCounts();
    const { id, outs } = await provider.create(inputs);
    expect((await env.requestCounts()).byRoute).not.toHaveProperty(["PUT /api/projects/v1/projects/{projectId}/status"]);
    expect(outs).toMatchObject({ status: "active", isBlocked: false });
    expect(outs).not.toHaveProperty("blockedReason");
    expect(await provider.diff(id, outs, inputs)).toEqual({ changes: false });
  });

  it("updates the status in place with one PUT", async () => {
    const inputs = await checked({ name: "status-p", status: "active" });
    const { id, outs } = await provider.create(inputs);
    const news = await checked({ name: "status-p", status: "active", isBlocked: true, blockedReason: "waiting for data" });
    expect(await provider.diff(id, outs, news)).toEqual({ changes: true });
    await env.resetRequestCounts();
    const { outs: updated } = await provider.update(id, outs, news);
    expect(await env.requestCounts()).toEqual({ total: 1, byRoute: { "PUT /api/projects/v1/projects/{projectId}/status": 1 } });
    expect(updated).toEqual({ ...outs, status: "active", isBlocked: true, blockedReason: "waiting for data" });

    const unblocked = await checked({ name: "status-p", status: "complete" });
    const { outs: done } = await provider.update(id, updated, unblocked);
    expect(done).toEqual({ ...outs, status: "complete", isBlocked: false });
  });

  it("reports a project whose status could not be set as partly created", async () => {
    await env.api("POST", "/__emulator/faults/rules", { method: "PUT", route: "/api/projects/v1/projects/{projectId}/status", status: 400 });
    const inputs = await checked({ name: "half", status: "complete" });
    const err = await provider.create({ ...inputs, __provider: "shim" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResourceInitError);
    const init = err as ResourceInitError;
    expect(init.reasons[0]).toMatch(/project half \(\w+\) was created but its status could not be set: set project status failed: PUT .* answered HTTP 400/);
    expect(init.properties).toMatchObject({ projectId: init.id, name: "half", __provider: "shim" });
    expect(init.properties).not.toHaveProperty("status");
    // The next `up` sees the status as a change and sets it in place.
    expect(await provider.diff(init.id, init.properties as unknown as ProjectOutputs, inputs)).toEqual({ changes: true });
  });

  it("refuses a name the owner already uses, in any case, before sending anything", async () => {
    const first = await provider.create(await checked({ name: "dup" }));
    for (const name of ["dup", "DUP"]) {
      await env.resetRequestCounts();
      await expect(provider.create(await checked({ name, description: "other" }))).rejects.toThrow(
        `Project create: project "${name}" already exists in Domino (id ${first.id}); adopt it with \`adoptId\`, or choose another name`,
      );
      expect((await env.requestCounts()).byRoute).not.toHaveProperty(["POST /api/projects/beta/projects"]);
    }
    // Names are unique per owner: another owner's project of that name is no obstacle.
    const alices = await provider.create(await checked({ name: "dup", ownerId: ALICE }));
    expect(alices.outs).toMatchObject({ name: "dup", ownerId: ALICE });
  });

  it("archives on delete; refresh then sees it gone, and a second delete is fine", async () => {
    const { id, outs } = await provider.create(await checked({ name: "to-archive" }));
    await env.resetRequestCounts();
    await provider.delete(id, outs);
    expect((await env.requestCounts()).byRoute).toEqual({ "DELETE /api/projects/beta/projects/{projectId}": 1 });
    expect((await env.api("GET", `/api/projects/v1/projects/${id}`)).status).toBe(404);
    expect(await provider.read(id, outs)).toEqual({ id: "" });
    await expect(provider.delete(id, {})).resolves.toBeUndefined();
  });

  it("a replacement that keeps the name archives the old project, then creates the new one", async () => {
    const old = await provider.create(await checked({ name: "replace-me", description: "v1" }));
    const news = await checked({ name: "replace-me", description: "v2" });
    expect(await provider.diff(old.id, old.outs, news)).toEqual({ changes: true, replaces: ["description"], deleteBeforeReplace: true });
    // Without archiving first, the new project collides with the old one.
    await expect(provider.create(news)).rejects.toThrow(/already exists/);
    await provider.delete(old.id, old.outs);
    const replaced = await provider.create(news);
    expect(replaced.outs).toMatchObject({ name: "replace-me", description: "v2" });
    expect(replaced.id).not.toBe(old.id);
  });

  it("refresh sees a project archived out of band as gone", async () => {
    const { id, outs } = await provider.create(await checked({ name: "oob" }));
    expect((await env.api("DELETE", `/api/projects/beta/projects/${id}`)).status).toBe(200);
    expect(await provider.read(id, outs)).toEqual({ id: "" });
  });

  it("refresh keeps the recorded status: Domino cannot read it back", async () => {
    const { id, outs } = await provider.create(await checked({ name: "drift", status: "active" }));
    await env.api("PUT", `/api/projects/v1/projects/${id}/status`, { status: "complete", isBlocked: true });
    const read = await provider.read(id, outs);
    expect(read.props).toMatchObject({ status: "active", isBlocked: false });
  });

  it("reads with only the id (Resource.get)", async () => {
    const { id, outs } = await provider.create(await checked({ name: "by-id", description: "d" }));
    const read = await provider.read(id);
    expect(read).toEqual({ id, props: outs, inputs: { name: "by-id", description: "d", visibility: "Private", isRestricted: false } });
  });

  it("locates what a create would have made: the caller's live project with that definition", async () => {
    const mine = await provider.create(await checked({ name: "found", description: "d" }));
    await provider.create(await checked({ name: "found", description: "d", ownerId: ALICE }));
    const located = await defined.locate((await provider.check({}, { name: "found", description: "d" })).inputs);
    expect(located).toEqual([{ id: mine.id, outs: mine.outs }]);
    expect(await defined.locate((await provider.check({}, { name: "found", description: "other" })).inputs)).toEqual([]);
    await provider.delete(mine.id, mine.outs);
    expect(await defined.locate((await provider.check({}, { name: "found", description: "d" })).inputs)).toEqual([]);
  });

  it("never duplicates a create whose answer was lost", async () => {
    await env.api("PUT", "/__emulator/faults", { dropResponseRate: 1 });
    await env.resetRequestCounts();
    const { id, outs } = await provider.create(await checked({ name: "lost-answer" }));
    await env.api("PUT", "/__emulator/faults", { dropResponseRate: 0 });
    // The list before, one POST (committed, answer dropped), then the list after found it: no second POST.
    expect((await env.requestCounts()).byRoute).toEqual({
      "GET /api/users/v1/self": 1,
      "GET /api/projects/beta/projects": 2,
      "POST /api/projects/beta/projects": 1,
    });
    expect(outs).toMatchObject({ projectId: id, name: "lost-answer" });
    expect(await idsNamed("lost-answer")).toEqual([id]);
  });
});

describe("Project configuration fields: check and diff", () => {
  const same: ProjectInputs = { name: "analytics", description: "team work", visibility: "Private", ownerId: ALICE };

  it("canonicalises the results branch and the created repository's enums, and names each rule", async () => {
    const inputs = await checked({
      name: "cfg",
      resultsBranch: "Isolated",
      repoToCreate: { credentialId: "AAAAAAAAAAAAAAAAAAAAAAAA", owner: "acme", repositoryToCreateName: "etl", serviceProvider: "github", visibility: "PRIVATE" },
    });
    expect(inputs).toMatchObject({
      resultsBranch: "isolated",
      isRestricted: false,
      repoToCreate: { credentialId: "a".repeat(24), owner: "acme", repositoryToCreateName: "etl", serviceProvider: "Github", visibility: "private" },
    });
    expect(await failures({ name: "p", resultsBranch: "side" })).toEqual(['Project.resultsBranch must be one of isolated, main (case-insensitive), got "side"']);
    expect(await failures({ name: "p", billingTag: "" })).toEqual(["Project.billingTag must not be empty"]);
    expect(await failures({ name: "p", templateDetails: { name: "t" } })).toEqual(["Project.templateDetails.templateId is required"]);
    expect(await failures({ name: "p", templateDetails: { name: "t", templateId: "x", templateType: "mine" } })).toEqual([
      'Project.templateDetails.templateType must be one of ecosystem, customer (case-insensitive), got "mine"',
    ]);
    expect(
      await failures({
        name: "p",
        mainRepository: { uri: "https://github.com/acme/etl.git" },
        repoToCreate: { credentialId: "a".repeat(24), owner: "acme", repositoryToCreateName: "etl", visibility: "private" },
      }),
    ).toEqual(["Project.repoToCreate excludes mainRepository (the repository Domino creates becomes the main repository)"]);
    expect(await failures({ name: "p", repoToCreate: { credentialId: "cred", owner: "acme", repositoryToCreateName: "etl", visibility: "private" } })).toEqual([
      'Project.repoToCreate.credentialId must be a Domino id (24 hexadecimal characters), got "cred"',
    ]);
  });

  it("changes the results branch in place and replaces for the creation-only fields", () => {
    const outs: ProjectOutputs = { ...recorded, status: undefined, isBlocked: undefined, isRestricted: false, resultsBranch: "main" };
    const base = { ...same, mainRepository: undefined, isRestricted: false };
    expect(diffProject(outs, { ...base, resultsBranch: "main" })).toEqual({ changes: false });
    expect(diffProject(outs, { ...base, resultsBranch: "isolated" })).toEqual({ changes: true });
    // Not declared: Domino's setting is left alone.
    expect(diffProject(outs, base)).toEqual({ changes: false });
    expect(diffProject(outs, { ...base, isRestricted: true })).toEqual({ changes: true, replaces: ["isRestricted"], deleteBeforeReplace: true });
    expect(diffProject(outs, { ...base, billingTag: "cc-2" })).toEqual({ changes: true, replaces: ["billingTag"], deleteBeforeReplace: true });
    expect(diffProject(outs, { ...base, templateDetails: { name: "t", templateId: "x" } })).toEqual({
      changes: true,
      replaces: ["templateDetails"],
      deleteBeforeReplace: true,
    });
    const repo = { credentialId: "a".repeat(24), owner: "acme", repositoryToCreateName: "etl", visibility: "private" as const };
    expect(diffProject(outs, { ...base, repoToCreate: repo })).toEqual({ changes: true, replaces: ["repoToCreate"], deleteBeforeReplace: true });
  });

  it("sees no change in state written before the fields existed", () => {
    const old: Partial<ProjectOutputs> = { ...recorded };
    delete old.isRestricted;
    expect(diffProject(old, { ...same, mainRepository: undefined, status: "active", isBlocked: false, isRestricted: false })).toEqual({ changes: false });
  });
});

describe("Project configuration fields against Domino 6.3", () => {
  const env = useEmulator({ dominoVersion: "6.3" });
  const census = async () =>
    (await fetch(`${env.url}/__emulator/objects`).then((r) => r.json())) as { projects: Array<{ id: string; templateDetails?: unknown }> };

  it("creates with a results branch (one PUT), reads it back, sees an out-of-band change and changes it in place with one PUT", async () => {
    const inputs = await checked({ name: "results", resultsBranch: "isolated" });
    await env.resetRequestCounts();
    const { id, outs } = await provider.create(inputs);
    expect((await env.requestCounts()).byRoute).toEqual({
      "GET /api/users/v1/self": 1,
      "GET /api/projects/beta/projects": 1,
      "POST /api/projects/beta/projects": 1,
      "PUT /api/projects/beta/projects/{projectId}/results-settings": 1,
    });
    expect(outs).toMatchObject({ name: "results", resultsBranch: "isolated" });
    expect((await env.api<{ resultsSettings: { branch: string } }>("GET", `/api/projects/beta/projects/${id}/results-settings`)).body.resultsSettings).toEqual({
      branch: "isolated",
    });
    expect(await provider.diff(id, outs, inputs)).toEqual({ changes: false });

    await env.api("PUT", `/api/projects/beta/projects/${id}/results-settings`, { branch: "main" });
    await env.resetRequestCounts();
    const read = await provider.read(id, outs);
    expect((await env.requestCounts()).byRoute).toEqual({
      "GET /api/projects/v1/projects/{projectId}": 1,
      "GET /api/projects/beta/projects/{projectId}/results-settings": 1,
    });
    expect(read.props).toMatchObject({ resultsBranch: "main" });
    expect(read.inputs).not.toHaveProperty("resultsBranch");
    const drifted = read.props as ProjectOutputs;
    expect(await provider.diff(id, drifted, inputs)).toEqual({ changes: true });

    await env.resetRequestCounts();
    const { outs: updated } = await provider.update(id, drifted, inputs);
    expect(await env.requestCounts()).toEqual({ total: 1, byRoute: { "PUT /api/projects/beta/projects/{projectId}/results-settings": 1 } });
    expect(updated).toEqual({ ...drifted, resultsBranch: "isolated" });
  });

  it("changes the results branch without touching a status it does not manage, and the status without the branch", async () => {
    const { id, outs } = await provider.create(await checked({ name: "both", resultsBranch: "main", status: "active" }));
    await env.resetRequestCounts();
    const { outs: done } = await provider.update(id, outs, await checked({ name: "both", resultsBranch: "main", status: "complete" }));
    expect((await env.requestCounts()).byRoute).toEqual({ "PUT /api/projects/v1/projects/{projectId}/status": 1 });
    expect(done).toMatchObject({ status: "complete", resultsBranch: "main" });
    await env.resetRequestCounts();
    const { outs: isolated } = await provider.update(id, done, await checked({ name: "both", resultsBranch: "isolated", status: "complete" }));
    expect((await env.requestCounts()).byRoute).toEqual({ "PUT /api/projects/beta/projects/{projectId}/results-settings": 1 });
    expect(isolated).toMatchObject({ status: "complete", resultsBranch: "isolated" });
  });

  it("records a project whose results branch could not be set as partly created; the next update sets it", async () => {
    await env.failNext({ method: "PUT", route: "/api/projects/beta/projects/{projectId}/results-settings", status: 400 });
    const inputs = await checked({ name: "half-results", resultsBranch: "isolated" });
    const err = await provider.create({ ...inputs, __provider: "shim" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResourceInitError);
    const init = err as ResourceInitError;
    expect(init.reasons[0]).toMatch(/project half-results \(\w+\) was created but its results branch could not be set: set project results settings failed: PUT .* answered HTTP 400/);
    expect(init.properties).not.toHaveProperty("resultsBranch");
    const olds = init.properties as unknown as ProjectOutputs;
    expect(await provider.diff(init.id, olds, inputs)).toEqual({ changes: true });
    expect((await provider.update(init.id, olds, inputs)).outs).toMatchObject({ resultsBranch: "isolated" });
  });

  it("creates a restricted project with a billing tag and a template; refresh reads back what Domino returns", async () => {
    const templateDetails = { name: "churn-template", templateId: "tmpl-1", templateType: "customer" };
    const inputs = await checked({ name: "classified", isRestricted: true, billingTag: "cc-42", templateDetails });
    await env.resetRequestCounts();
    const { id, outs } = await provider.create(inputs);
    expect((await env.requestCounts()).byRoute["POST /api/projects/beta/projects"]).toBe(1);
    expect(outs).toMatchObject({ isRestricted: true, billingTag: "cc-42", templateDetails });
    const project = (await env.api<{ project: Record<string, unknown> }>("GET", `/api/projects/v1/projects/${id}`)).body.project;
    expect(project).toMatchObject({ isRestricted: true, billingTag: { tag: "cc-42" } });
    // Domino records the template but never returns it.
    expect(project).not.toHaveProperty("templateDetails");
    expect((await census()).projects.find((p) => p.id === id)?.templateDetails).toEqual(templateDetails);

    expect(await provider.diff(id, outs, inputs)).toEqual({ changes: false });
    // Refresh takes Domino's values over stale recorded ones, and keeps the template.
    const read = await provider.read(id, { ...outs, isRestricted: false, billingTag: "cc-old" });
    expect(read.props).toMatchObject({ isRestricted: true, billingTag: "cc-42", templateDetails });
    expect(read.inputs).toMatchObject({ isRestricted: true, billingTag: "cc-42", templateDetails });
  });

  it("a restricted project needs the ProjectClassifier permission: Domino's refusal names the call", async () => {
    env.actAs("alice");
    await expect(provider.create(await checked({ name: "not-mine", isRestricted: true }))).rejects.toThrow(
      /create project failed: POST .*\/api\/projects\/beta\/projects answered HTTP 403.*ProjectClassifier/,
    );
  });

  it("creates a repository through the v2 create, and shows it as the main repository", async () => {
    const repoToCreate = { credentialId: "a".repeat(24), owner: "acme", repositoryToCreateName: "analysis", visibility: "private" };
    const inputs = await checked({ name: "with-new-repo", repoToCreate });
    await env.resetRequestCounts();
    const { id, outs } = await provider.create(inputs);
    const counts = (await env.requestCounts()).byRoute;
    expect(counts["POST /api/projects/v2/projects"]).toBe(1);
    expect(counts).not.toHaveProperty(["POST /api/projects/beta/projects"]);
    expect(outs).toMatchObject({
      repoToCreate,
      mainRepository: { uri: "https://github.com/acme/analysis.git", name: "analysis", serviceProvider: "Github" },
    });
    expect(await provider.diff(id, outs, inputs)).toEqual({ changes: false });
    expect((await provider.read(id, outs)).props).toEqual(outs);
  });

  it("recognises a v2 create whose answer was lost, although the repository's URL is Domino's", async () => {
    const repoToCreate = { credentialId: "a".repeat(24), owner: "acme", repositoryToCreateName: "lost", visibility: "public" };
    await env.dropNext({ method: "POST", route: "/api/projects/v2/projects", when: "after" });
    await env.resetRequestCounts();
    const { outs } = await provider.create(await checked({ name: "lost-v2", repoToCreate }));
    expect((await env.requestCounts()).byRoute["POST /api/projects/v2/projects"]).toBe(1);
    expect(outs).toMatchObject({ name: "lost-v2", mainRepository: { uri: "https://github.com/acme/lost.git" } });
  });
});

describe("Project against Domino 5.3", () => {
  const env = useEmulator({ dominoVersion: "5.3" });
  const idsNamed = async (name: string) =>
    (await env.api<{ projects: { id: string; name: string }[] }>("GET", "/api/projects/beta/projects?limit=999")).body.projects
      .filter((p) => p.name === name)
      .map((p) => p.id);

  it("reads through the project list, with one list page (the create made the probe)", async () => {
    const { id, outs } = await provider.create(await checked({ name: "old-surface", status: "active" }));
    await env.resetRequestCounts();
    const read = await provider.read(id, outs);
    expect(read.props).toEqual(outs);
    expect((await env.requestCounts()).byRoute).toEqual({ "GET /api/projects/beta/projects": 1 });
    await env.api("DELETE", `/api/projects/beta/projects/${id}`);
    expect(await provider.read(id, outs)).toEqual({ id: "" });
  });

  it("recognises a create whose answer was lost by its content", async () => {
    await env.api("PUT", "/__emulator/faults", { dropResponseRate: 1 });
    const { id, outs } = await provider.create(await checked({ name: "lost-53", description: "x" }));
    await env.api("PUT", "/__emulator/faults", { dropResponseRate: 0 });
    expect(outs.name).toBe("lost-53");
    expect(await idsNamed("lost-53")).toEqual([id]);
  });

  it("cannot tell owners apart without an owner id: any live project of that name is taken", async () => {
    const alices = await provider.create(await checked({ name: "anyones", ownerId: ALICE }));
    await expect(provider.create(await checked({ name: "anyones" }))).rejects.toThrow(`project "anyones" already exists in Domino (id ${alices.id})`);
    // With the owner given, the key is exact again.
    expect((await provider.create(await checked({ name: "anyones", ownerId: BOB }))).outs).toMatchObject({ ownerId: BOB });
  });

  it("refuses at check, naming the version, the fields Domino 5.3 does not have, unless they hold the default", async () => {
    const repoToCreate = { credentialId: "a".repeat(24), owner: "acme", repositoryToCreateName: "etl", visibility: "private" };
    expect(await failures({ name: "p", isRestricted: true })).toEqual([
      "Project.isRestricted needs Domino 5.9.1 or later; this Domino API (5.3) does not have it. Remove isRestricted or set it to false.",
    ]);
    expect(await failures({ name: "p", billingTag: "cc-1" })).toEqual([
      "Project.billingTag needs Domino 5.11.1 or later; this Domino API (5.3) does not have it. Remove billingTag.",
    ]);
    expect(await failures({ name: "p", templateDetails: { name: "t", templateId: "x" } })).toEqual([
      "Project.templateDetails needs Domino 5.9.1 or later; this Domino API (5.3) does not have it. Remove templateDetails.",
    ]);
    expect(await failures({ name: "p", repoToCreate })).toEqual([
      "Project.repoToCreate needs Domino 6.0.1 or later; this Domino API (5.3) does not have it. Remove repoToCreate.",
    ]);
    expect((await provider.check({}, { name: "p", isRestricted: false, resultsBranch: "isolated" })).failures).toEqual([]);
    // A value unknown at preview passes check; the create refuses it before sending anything.
    expect((await provider.check({}, { name: "p", billingTag: UNKNOWN })).failures).toEqual([]);
    await env.resetRequestCounts();
    await expect(provider.create({ ...(await checked({ name: "late-tag" })), billingTag: "cc-1" })).rejects.toThrow(
      "Project.billingTag needs Domino 5.11.1 or later; this Domino API (5.3) does not have it. Remove billingTag.",
    );
    expect((await env.requestCounts()).total).toBe(0);
  });

  it("sets the results branch on 5.3, and keeps the recorded one at refresh (5.3 cannot read it)", async () => {
    const inputs = await checked({ name: "results-53", resultsBranch: "isolated" });
    const { id, outs } = await provider.create(inputs);
    expect(outs).toMatchObject({ resultsBranch: "isolated", isRestricted: false });
    await env.api("PUT", `/api/projects/beta/projects/${id}/results-settings`, { branch: "main" });
    await env.resetRequestCounts();
    const read = await provider.read(id, outs);
    expect((await env.requestCounts()).byRoute).toEqual({ "GET /api/projects/beta/projects": 1 });
    expect(read.props).toEqual(outs);
    const { outs: updated } = await provider.update(id, outs, await checked({ name: "results-53", resultsBranch: "main" }));
    expect(updated).toMatchObject({ resultsBranch: "main" });
  });
});

describe("getProject", () => {
  const env = useEmulator({ dominoVersion: "6.3" });

  async function makeProject(name: string, ownerId?: string): Promise<string> {
    const { id } = await provider.create(await checked({ name, ...(ownerId ? { ownerId } : {}) }));
    return id;
  }

  it("finds a project by name, with its collaborators", async () => {
    const id = await makeProject("lookup-me", ALICE);
    await env.api("POST", `/api/projects/v1/projects/${id}/collaborators`, { id: BOB, role: "resultsConsumer" });
    await env.resetRequestCounts();
    const found = await getProject({ name: "lookup-me" });
    expect(found).toEqual({
      id,
      projectId: id,
      name: "lookup-me",
      description: "",
      visibility: "Private",
      ownerId: ALICE,
      ownerUsername: "alice",
      collaborators: [{ userId: BOB, role: "resultsConsumer" }],
    });
    // The lookup's connection check (the API version is not known yet), then one list.
    expect((await env.requestCounts()).byRoute).toEqual({ "GET /api/users/v1/self": 1, "GET /api/projects/beta/projects": 1 });
  });

  it("tells owners apart, and says why when it cannot pick one", async () => {
    const alices = await makeProject("shared", ALICE);
    const bobs = await makeProject("shared", BOB);
    expect((await getProject({ name: "shared", ownerUserName: "Alice" })).id).toBe(alices);
    expect((await getProject({ name: "shared", ownerId: BOB })).id).toBe(bobs);
    await expect(getProject({ name: "shared" })).rejects.toThrow(
      `getProject: 2 projects named "shared" are visible, owned by alice (${ALICE}), bob (${BOB}); pass ownerUserName or ownerId to pick one`,
    );
    await expect(getProject({ name: "shared", ownerUserName: "admin" })).rejects.toThrow(
      'getProject: no project named "shared" owned by user name admin is visible to the caller',
    );
    await expect(getProject({ name: "nothing" })).rejects.toThrow('getProject: no project named "nothing" is visible to the caller');
    await expect(getProject({ name: "" })).rejects.toThrow("getProject: name is required");
  });

  it("does not find archived projects", async () => {
    const id = await makeProject("gone");
    await provider.delete(id, {});
    await expect(getProject({ name: "gone" })).rejects.toThrow(/no project named "gone"/);
  });

  it("has an Output form", async () => {
    const id = await makeProject("as-output");
    const output = getProjectOutput({ name: Promise.resolve("as-output") });
    const value = await new Promise((resolve) => output.apply((v) => resolve(v)));
    expect(value).toMatchObject({ id, name: "as-output" });
  });
});
