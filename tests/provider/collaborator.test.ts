import * as pulumi from "@pulumi/pulumi";
import { UNKNOWN } from "../../provider/kit/schema";
import { CollaboratorInputs, CollaboratorOutputs, provider as defined } from "../../provider/resources/collaborator";
import { provider as definedProject, ProjectInputs } from "../../provider/resources/project";
import { EmulatorFixture, useEmulator } from "../helpers/emulator";

/** The providers as the engine calls them: every method, with untyped property bags. */
type EngineProvider = Required<Omit<pulumi.dynamic.ResourceProvider, "configure">>;
const provider = defined as EngineProvider;
const projectProvider = definedProject as EngineProvider;

const ALICE = "65f0a0000000000000000002";
const BOB = "65f0a0000000000000000003";
const NOBODY = "65f0a00000000000000000ff";
const PROJECT = "65f0b0000000000000000001";

async function checked(news: Record<string, unknown>): Promise<CollaboratorInputs> {
  const result = await provider.check({}, news);
  expect(result.failures).toEqual([]);
  return result.inputs as CollaboratorInputs;
}

async function makeProject(name: string, ownerId = ALICE): Promise<string> {
  const inputs = (await projectProvider.check({}, { name, ownerId })).inputs as ProjectInputs;
  return (await projectProvider.create(inputs)).id;
}

async function collaboratorsOf(env: EmulatorFixture, projectId: string): Promise<{ id: string; role: string }[]> {
  const page = await env.api<{ projects: { id: string; collaborators: { id: string; role: string }[] }[] }>(
    "GET",
    "/api/projects/beta/projects?limit=999",
  );
  return page.body.projects.find((p) => p.id === projectId)?.collaborators ?? [];
}

describe("Collaborator check and diff", () => {
  it("canonicalises the role and names the field and the rule", async () => {
    expect(await checked({ projectId: PROJECT, userId: BOB, role: "LauncherUser" })).toEqual({ projectId: PROJECT, userId: BOB, role: "launcherUser" });
    const result = await provider.check({}, { projectId: "p1", userId: BOB, role: "owner" });
    expect(result.failures?.map((f) => f.reason)).toEqual([
      'Collaborator.projectId must be a Domino id (24 hexadecimal characters), got "p1"',
      'Collaborator.role must be one of contributor, launcherUser, resultsConsumer, projectImporter (case-insensitive), got "owner"',
    ]);
    expect((await provider.check({}, { projectId: PROJECT, role: "contributor" })).failures?.map((f) => f.reason)).toEqual([
      "Collaborator.userId is required",
    ]);
    expect((await provider.check({}, { projectId: UNKNOWN, userId: UNKNOWN, role: UNKNOWN })).failures).toEqual([]);
  });

  it("changes the role in place and replaces for another project or user", async () => {
    const olds: CollaboratorOutputs = { projectId: PROJECT, userId: BOB, role: "contributor" };
    expect(await provider.diff("", olds, { ...olds })).toEqual({ changes: false });
    expect(await provider.diff("", olds, { ...olds, role: "resultsConsumer" })).toEqual({ changes: true });
    expect(await provider.diff("", olds, { ...olds, userId: ALICE })).toEqual({ changes: true, replaces: ["userId"] });
    expect(await provider.diff("", olds, { ...olds, projectId: "65f0b0000000000000000009" })).toEqual({ changes: true, replaces: ["projectId"] });
  });
});

describe.each(["6.3", "5.3"] as const)("Collaborator against Domino %s", (dominoVersion) => {
  const env = useEmulator({ dominoVersion });

  // The project: one GET on 6.3, the project list on 5.3.
  const projectRead = dominoVersion === "6.3" ? { "GET /api/projects/v1/projects/{projectId}": 1 } : { "GET /api/projects/beta/projects": 1 };

  it("adds with one POST after reading the project, and reads it back", async () => {
    const projectId = await makeProject("team");
    const inputs = await checked({ projectId, userId: BOB, role: "contributor" });
    await env.resetRequestCounts();
    const { id, outs } = await provider.create(inputs);
    // The version probe, the project's collaborators (is the user already one?), the add.
    expect((await env.requestCounts()).byRoute).toEqual({
      "GET /api/users/v1/self": 1,
      ...projectRead,
      "POST /api/projects/v1/projects/{projectId}/collaborators": 1,
    });
    expect(id).toBe(`${projectId}/${BOB}`);
    expect(outs).toEqual({ projectId, userId: BOB, role: "contributor" });
    expect(await collaboratorsOf(env, projectId)).toEqual([{ id: BOB, role: "contributor" }]);

    await env.resetRequestCounts();
    // Only the id, as Resource.get gives it.
    expect(await provider.read(id)).toEqual({ id, props: outs, inputs: outs });
    expect((await env.requestCounts()).byRoute).toEqual(projectRead);
  });

  it("a refresh reading the project and its collaborator at once sends one project read", async () => {
    const projectId = await makeProject("refresh-together");
    const { id, outs } = await provider.create(await checked({ projectId, userId: BOB, role: "contributor" }));
    const project = await projectProvider.read(projectId);
    // Answers take 100 ms, so the two reads overlap, as in a refresh.
    await env.api("PUT", "/__emulator/faults", { latencyMs: 100 });
    try {
      await env.resetRequestCounts();
      const [projectRead2, collaboratorRead] = await Promise.all([projectProvider.read(projectId, project.props), provider.read(id, outs)]);
      expect((await env.requestCounts()).byRoute).toEqual(projectRead);
      expect(projectRead2.props).toEqual(project.props);
      expect(collaboratorRead).toEqual({ id, props: outs, inputs: outs });
    } finally {
      await env.api("PUT", "/__emulator/faults", { latencyMs: 0 });
    }
  });

  it("changes the role by remove + add", async () => {
    const projectId = await makeProject("roles");
    const { id, outs } = await provider.create(await checked({ projectId, userId: BOB, role: "contributor" }));
    await env.resetRequestCounts();
    const { outs: updated } = await provider.update(id, outs, await checked({ projectId, userId: BOB, role: "resultsConsumer" }));
    expect(updated).toEqual({ projectId, userId: BOB, role: "resultsConsumer" });
    expect((await env.requestCounts()).byRoute).toEqual({
      "DELETE /api/projects/v1/projects/{projectId}/collaborators/{collaboratorId}": 1,
      ...projectRead,
      "POST /api/projects/v1/projects/{projectId}/collaborators": 1,
    });
    expect(await collaboratorsOf(env, projectId)).toEqual([{ id: BOB, role: "resultsConsumer" }]);
  });

  it("refresh follows an out-of-band role change and removal, and a project archived", async () => {
    const projectId = await makeProject("oob");
    const { id, outs } = await provider.create(await checked({ projectId, userId: BOB, role: "contributor" }));
    await env.api("DELETE", `/api/projects/v1/projects/${projectId}/collaborators/${BOB}`);
    await env.api("POST", `/api/projects/v1/projects/${projectId}/collaborators`, { id: BOB, role: "launcherUser" });
    const read = await provider.read(id, outs);
    expect(read).toEqual({ id, props: { ...outs, role: "launcherUser" }, inputs: { ...outs, role: "launcherUser" } });
    expect(await provider.diff(id, read.props as CollaboratorOutputs, outs)).toEqual({ changes: true });

    await env.api("DELETE", `/api/projects/v1/projects/${projectId}/collaborators/${BOB}`);
    expect(await provider.read(id, outs)).toEqual({ id: "" });

    await env.api("POST", `/api/projects/v1/projects/${projectId}/collaborators`, { id: BOB, role: "contributor" });
    await env.api("DELETE", `/api/projects/beta/projects/${projectId}`);
    expect(await provider.read(id, outs)).toEqual({ id: "" });
  });

  it("removes on delete, and a second delete is fine", async () => {
    const projectId = await makeProject("leave");
    const { id, outs } = await provider.create(await checked({ projectId, userId: BOB, role: "contributor" }));
    await provider.delete(id, outs);
    expect(await collaboratorsOf(env, projectId)).toEqual([]);
    await expect(provider.delete(id, {})).resolves.toBeUndefined();
  });

  it("refuses a user who is already a collaborator, whatever the role, before sending anything", async () => {
    const projectId = await makeProject("again");
    await env.api("POST", `/api/projects/v1/projects/${projectId}/collaborators`, { id: BOB, role: "contributor" });
    for (const role of ["Contributor", "launcherUser"]) {
      await env.resetRequestCounts();
      await expect(provider.create(await checked({ projectId, userId: BOB, role }))).rejects.toThrow(
        `Collaborator create: collaborator ${BOB} of project ${projectId} already exists in Domino (id ${projectId}/${BOB}); ` +
          "adopt it with `adoptId`, or remove it from the project first",
      );
      expect((await env.requestCounts()).byRoute).not.toHaveProperty(["POST /api/projects/v1/projects/{projectId}/collaborators"]);
    }
    expect(await collaboratorsOf(env, projectId)).toEqual([{ id: BOB, role: "contributor" }]);
  });

  it("says clearly that the owner cannot be added", async () => {
    const projectId = await makeProject("owned");
    await expect(provider.create(await checked({ projectId, userId: ALICE, role: "contributor" }))).rejects.toThrow(
      new RegExp(`^Collaborator create: user ${ALICE} owns project owned \\(${projectId}\\); the owner cannot be added as a collaborator \\(Domino: .*owner`),
    );
  });

  it("adds an organization by its id", async () => {
    const projectId = await makeProject("org-team");
    const org = await env.api<{ org: { id: string } }>("POST", "/api/organizations/v1/organizations", { name: `data-${dominoVersion}`, members: [] });
    expect(org.status).toBe(200);
    const orgId = org.body.org.id;
    const { id, outs } = await provider.create(await checked({ projectId, userId: orgId, role: "resultsConsumer" }));
    expect(await provider.read(id, outs)).toEqual({ id: `${projectId}/${orgId}`, props: outs, inputs: outs });
  });

  it("locates what an interrupted create made: the user with the requested role", async () => {
    const projectId = await makeProject("found");
    const inputs = await checked({ projectId, userId: BOB, role: "contributor" });
    expect(await defined.locate(inputs)).toEqual([]);
    await env.api("POST", `/api/projects/v1/projects/${projectId}/collaborators`, { id: BOB, role: "launcherUser" });
    expect(await defined.locate(inputs)).toEqual([]);
    await env.api("DELETE", `/api/projects/v1/projects/${projectId}/collaborators/${BOB}`);
    await env.api("POST", `/api/projects/v1/projects/${projectId}/collaborators`, { id: BOB, role: "contributor" });
    expect(await defined.locate(inputs)).toEqual([{ id: `${projectId}/${BOB}`, outs: inputs }]);
  });

  it("surfaces Domino's message for a user that does not exist", async () => {
    const projectId = await makeProject("ghost");
    await expect(provider.create(await checked({ projectId, userId: NOBODY, role: "contributor" }))).rejects.toThrow(
      /^Collaborator create: add project collaborator failed: POST \/api\/projects\/v1\/projects\/\w+\/collaborators answered HTTP 404: User or organization 65f0a00000000000000000ff not found/,
    );
  });
});

describe("Collaborator role change when the add fails", () => {
  const env = useEmulator({ dominoVersion: "6.3" });
  const ADD = "/api/projects/v1/projects/{projectId}/collaborators";
  const refused = "add project collaborator failed: POST /api/projects/v1/projects/\\w+/collaborators answered HTTP 400: [^.]*";

  it("restores the previous role and says so", async () => {
    const projectId = await makeProject("restore");
    const { id, outs } = await provider.create(await checked({ projectId, userId: BOB, role: "contributor" }));
    await env.api("POST", "/__emulator/faults/rules", { method: "POST", route: ADD, status: 400 });
    await expect(provider.update(id, outs, await checked({ projectId, userId: BOB, role: "projectImporter" }))).rejects.toThrow(
      new RegExp(
        `^Collaborator update: changing the role of user ${BOB} on project ${projectId} from contributor to projectImporter failed: ${refused}\\. ` +
          "The previous role contributor was restored\\.$",
      ),
    );
    expect(await collaboratorsOf(env, projectId)).toEqual([{ id: BOB, role: "contributor" }]);
  });

  it("says the user was removed when the restore fails too", async () => {
    const projectId = await makeProject("lost");
    const { id, outs } = await provider.create(await checked({ projectId, userId: BOB, role: "contributor" }));
    await env.api("POST", "/__emulator/faults/rules", { method: "POST", route: ADD, status: 400, count: 2 });
    await expect(provider.update(id, outs, await checked({ projectId, userId: BOB, role: "projectImporter" }))).rejects.toThrow(
      new RegExp(
        `from contributor to projectImporter failed: ${refused}\\. Restoring the previous role contributor also failed, ` +
          `so the user is no longer a collaborator of the project: ${refused}\\. Run \`pulumi up\` again`,
      ),
    );
    expect(await collaboratorsOf(env, projectId)).toEqual([]);
    // Refresh reports it gone; the next `up` adds it again.
    expect(await provider.read(id, outs)).toEqual({ id: "" });
  });

  it("recovers an add whose answer was lost, without adding twice", async () => {
    const projectId = await makeProject("dropped");
    const { id, outs } = await provider.create(await checked({ projectId, userId: BOB, role: "contributor" }));
    await env.api("POST", "/__emulator/faults/rules", { method: "POST", route: ADD, action: "drop", when: "after" });
    const { outs: updated } = await provider.update(id, outs, await checked({ projectId, userId: BOB, role: "launcherUser" }));
    expect(updated).toEqual({ projectId, userId: BOB, role: "launcherUser" });
    expect(await collaboratorsOf(env, projectId)).toEqual([{ id: BOB, role: "launcherUser" }]);
  });
});
