/**
 * The quickstart example (project, collaborator, goal, git repository) under the real
 * Pulumi engine, against the emulator. The steps share one stack and run in order.
 */
import { E2eEmulator, startE2eEmulator } from "./helpers/domino";
import {
  CLI_SETUP_TIMEOUT_MS,
  dynamicResources,
  planOps,
  plaintextHits,
  providerBytes,
  PulumiProject,
} from "./helpers/pulumi";

const STEP_TIMEOUT_MS = 180_000;
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

describe("quickstart example under the Pulumi engine", () => {
  let domino: E2eEmulator;
  let stack: PulumiProject;
  let aliceId: string;

  beforeAll(async () => {
    domino = await startE2eEmulator();
    aliceId = domino.emulator.users.alice.id;
    stack = await PulumiProject.create({
      example: "quickstart",
      config: {
        "domino:host": domino.url,
        "domino:apiKey": { value: domino.adminKey, secret: true },
        collaborator: "alice",
        projectName: "quickstart-e2e",
      },
    });
  }, CLI_SETUP_TIMEOUT_MS);

  afterAll(async () => {
    stack?.dispose();
    await domino?.stop();
  });

  const project = async (id: string) => (await domino.api("GET", `/api/projects/v1/projects/${id}`)).body.project;
  const repositories = async (id: string) =>
    (await domino.api("GET", `/api/projects/v1/projects/${id}/repositories?limit=999`)).body.repositories as Array<Record<string, any>>;
  const goals = async (id: string) => (await domino.api("GET", `/api/projects/v1/projects/${id}/goals`)).body.goals as Array<Record<string, any>>;

  let projectId: string;

  test(
    "preview of a new stack plans every create, with unknown ids flowing into check",
    async () => {
      const plan = await stack.preview();
      expect(planOps(plan)).toEqual({ project: "create", collaborator: "create", "first-model": "create", etl: "create" });
      const collaborator = plan.steps.find((s) => s.urn.endsWith("::collaborator"));
      // The project does not exist yet: its id reaches check/diff as the unknown placeholder.
      expect(collaborator?.newState?.inputs?.projectId).toBe(UNKNOWN);
    },
    STEP_TIMEOUT_MS,
  );

  test(
    "up creates the project, collaborator, goal and repository",
    async () => {
      const outcome = await stack.up();
      expect(outcome.changed).toEqual({
        project: ["create"],
        collaborator: ["create"],
        "first-model": ["create"],
        etl: ["create"],
      });
      const outputs = await stack.outputs();
      projectId = outputs.projectId as string;
      expect(outputs).toMatchObject({ projectOwner: "admin", collaboratorRole: "contributor", goalComplete: false, repositoryName: expect.any(String) });

      const p = await project(projectId);
      expect(p.name).toBe("quickstart-e2e");
      expect(p.collaborators).toEqual([expect.objectContaining({ id: aliceId, role: "contributor" })]);
      expect((await goals(projectId)).map((g) => g.title)).toEqual(["Ship the first model"]);
      expect((await repositories(projectId)).map((r) => r.uri)).toEqual(["https://github.com/acme/etl.git"]);
    },
    STEP_TIMEOUT_MS,
  );

  test(
    "the state holds no secret in plaintext and only the thin provider shim",
    async () => {
      const secrets = [domino.adminKey];
      expect(plaintextHits(stack.rawStateFile(), secrets)).toEqual([]);
      const exported = await stack.exportText();
      expect(plaintextHits(exported, secrets)).toEqual([]);

      const deployment = JSON.parse(exported).deployment;
      const sizes = providerBytes(deployment);
      console.info(`quickstart __provider bytes per resource: ${JSON.stringify(sizes)}`);
      expect(Object.keys(sizes).sort()).toEqual(["collaborator", "etl", "first-model", "project"]);
      for (const r of dynamicResources(deployment)) {
        const text = r.inputs!.__provider as string;
        // The shim requires the installed package at call time and captures no setting.
        expect(text).toContain("pulumi-domino/dist/resources/");
        expect(text).not.toContain(domino.url);
        expect(Buffer.byteLength(text)).toBeLessThan(4096);
        expect(r.outputs?.__provider).toBe(text);
      }
    },
    STEP_TIMEOUT_MS,
  );

  test(
    "a second up reports no changes",
    async () => {
      const outcome = await stack.up(["--expect-no-changes"]);
      expect(outcome.changes).toEqual({ same: 5 });
    },
    STEP_TIMEOUT_MS,
  );

  test(
    "an edited program updates the collaborator and goal in place and replaces the repository",
    async () => {
      const [oldRepo] = await repositories(projectId);
      stack.editProgram([
        [`role: "contributor"`, `role: "resultsConsumer"`],
        [`description: "Train, validate and publish a baseline model",`, `description: "Train, validate and publish a baseline model",\n  isComplete: true,`],
        [`value: "main"`, `value: "develop"`],
      ]);

      const plan = await stack.preview();
      expect(planOps(plan)).toEqual({ collaborator: "update", "first-model": "update", etl: "replace" });
      expect(plan.changeSummary).toEqual({ same: 2, update: 2, replace: 1 });
      expect(plan.steps.find((s) => s.urn.endsWith("::etl"))?.replaceReasons).toEqual(["defaultRef"]);

      const outcome = await stack.up();
      expect(outcome.changed).toEqual({
        collaborator: ["update"],
        "first-model": ["update"],
        // Same URI: Domino refuses a second import, so the old one must go first.
        etl: ["delete-replaced", "replace", "create-replacement"],
      });
      expect((await project(projectId)).collaborators).toEqual([expect.objectContaining({ id: aliceId, role: "resultsConsumer" })]);
      expect((await goals(projectId)).map((g) => g.isComplete)).toEqual([true]);
      const repos = await repositories(projectId);
      expect(repos).toHaveLength(1);
      expect(repos[0].id).not.toBe(oldRepo.id);
      expect(repos[0].defaultRef).toEqual({ refType: "Branch", value: "develop" });

      expect((await stack.up(["--expect-no-changes"])).changes).toEqual({ same: 5 });
    },
    STEP_TIMEOUT_MS,
  );

  test(
    "refresh sees an out-of-band role change and an out-of-band delete; the next up restores both",
    async () => {
      const [repo] = await repositories(projectId);
      await domino.api("DELETE", `/api/projects/v1/projects/${projectId}/collaborators/${aliceId}`);
      await domino.api("POST", `/api/projects/v1/projects/${projectId}/collaborators`, { id: aliceId, role: "launcherUser" });
      await domino.api("DELETE", `/api/projects/v1/projects/${projectId}/repositories/${repo.id}`);

      const refreshed = await stack.refresh();
      expect(refreshed.ops).toEqual({ project: ["same"], collaborator: ["update"], "first-model": ["same"], etl: ["delete"] });
      const state = await stack.exportState();
      const names = dynamicResources(state).map((r) => r.urn.split("::").pop());
      expect(names.sort()).toEqual(["collaborator", "first-model", "project"]);
      const collaborator = state.resources!.find((r) => r.urn.endsWith("::collaborator"))!;
      expect(collaborator.outputs?.role).toBe("launcherUser");

      const plan = await stack.preview();
      expect(planOps(plan)).toEqual({ collaborator: "update", etl: "create" });
      await stack.up();
      expect((await project(projectId)).collaborators).toEqual([expect.objectContaining({ id: aliceId, role: "resultsConsumer" })]);
      expect(await repositories(projectId)).toHaveLength(1);
      expect((await stack.up(["--expect-no-changes"])).changes).toEqual({ same: 5 });
    },
    STEP_TIMEOUT_MS,
  );

  let elsewhereId: string;

  test(
    "Resource.get reads a project made outside Pulumi without managing it",
    async () => {
      const created = await domino.api("POST", "/api/projects/beta/projects", { name: "made-elsewhere", description: "not Pulumi's", visibility: "Public" });
      elsewhereId = created.body.project.id;
      stack.editProgram([[`export const projectId = project.id;`, `export const projectId = project.id;\nconst elsewhere = domino.Project.get("elsewhere", ${JSON.stringify(elsewhereId)});\nexport const elsewhereName = elsewhere.name;\nexport const elsewhereVisibility = elsewhere.visibility;`]]);
      const outcome = await stack.up();
      expect(outcome.ops.elsewhere).toEqual(["read"]);
      expect(await stack.outputs()).toMatchObject({ elsewhereName: "made-elsewhere", elsewhereVisibility: "Public" });
    },
    STEP_TIMEOUT_MS,
  );

  test(
    "destroy removes everything the stack created and leaves the read-only project alone",
    async () => {
      const outcome = await stack.destroy();
      expect(outcome.changed).toEqual({
        project: ["delete"],
        collaborator: ["delete"],
        "first-model": ["delete"],
        etl: ["delete"],
        // A resource read with Resource.get is only forgotten.
        elsewhere: ["discard"],
      });
      const census = await domino.census();
      expect(census.projects).toEqual([`made-elsewhere (${elsewhereId})`]);
      expect((await stack.exportState()).resources ?? []).toEqual([]);
    },
    STEP_TIMEOUT_MS,
  );
});
