/**
 * Two Domino deployments in one stack, under the real Pulumi engine: deployment A through the
 * stack's `domino:*` configuration (the default provider), deployment B through
 * `new domino.Provider(...)`. Each is its own emulator, with its own admin key, so a request
 * sent to the wrong one is refused (401) as well as counted there.
 *
 * What this proves about the engine: an explicit provider of package pulumi-nodejs gets a
 * dynamic-provider process of its own, whose `Configure` carries the Provider's inputs
 * (`domino:host`, `domino:apiKey`, ...) to the shim's `configure`; `destroy` (which does not run
 * the program) configures it again from the inputs in the state.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { E2eEmulator, startE2eEmulator } from "./helpers/domino";
import { CLI_SETUP_TIMEOUT_MS, planOps, plaintextHits, PulumiProject, REPO_ROOT, resourceName, StateResource } from "./helpers/pulumi";

const STEP_TIMEOUT_MS = 180_000;
const A_KEY = "deployment-a-admin-key-7Qm2";
const B_KEY = "deployment-b-admin-key-9Xz4";

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import * as domino from "pulumi-domino";

const config = new pulumi.Config();

// Deployment B: a provider of its own.
const deploymentB = new domino.Provider("deployment-b", {
  host: config.require("deploymentBHost"),
  apiKey: config.requireSecret("deploymentBApiKey"),
  maxRetries: 3,
  requestTimeoutMs: 20000,
});

// Deployment A: the stack's domino:* configuration.
const aProject = new domino.Project("a-project", { name: "team-a", visibility: "Private" });
const aAlice = domino.getUserOutput({ userName: "alice" });
new domino.Collaborator("a-alice", { projectId: aProject.id, userId: aAlice.id, role: "contributor" });
new domino.Goal("a-goal", { projectId: aProject.id, title: "Deployment A" });

// Deployment B: resources and lookups, in both forms, given the provider.
const bProject = new domino.Project("b-project", { name: "team-b", visibility: "Private" }, { provider: deploymentB });
const bBob = domino.getUser({ userName: "bob" }, { provider: deploymentB });
const bAlice = domino.getUserOutput({ userName: "alice" }, { provider: deploymentB });
new domino.Collaborator("b-bob", { projectId: bProject.id, userId: bBob.then((u) => u.id), role: "resultsConsumer" }, { provider: deploymentB });
new domino.Collaborator("b-alice", { projectId: bProject.id, userId: bAlice.id, role: "contributor" }, { provider: deploymentB });
new domino.Goal("b-goal", { projectId: bProject.id, title: "Deployment B" }, { provider: deploymentB });

export const aProjectId = aProject.id;
export const bProjectId = bProject.id;
export const bBobId = bBob.then((u) => u.id);
export const bAliceId = bAlice.id;
`;

const A_RESOURCES = ["a-alice", "a-goal", "a-project"];
const B_RESOURCES = ["b-alice", "b-bob", "b-goal", "b-project"];

describe("two Domino deployments in one stack: the stack's configuration and a domino.Provider", () => {
  let a: E2eEmulator;
  let b: E2eEmulator;
  let stack: PulumiProject;

  beforeAll(async () => {
    a = await startE2eEmulator({ adminApiKey: A_KEY });
    b = await startE2eEmulator({ adminApiKey: B_KEY });
    stack = await PulumiProject.createFromFiles(
      "providers",
      {
        "Pulumi.yaml": "name: domino-two-deployments\nruntime: nodejs\n",
        "package.json": JSON.stringify({ name: "two-deployments-program" }),
        "tsconfig.json": JSON.stringify({ compilerOptions: { strict: true, target: "ES2020", module: "commonjs", moduleResolution: "node" } }),
        "index.ts": PROGRAM,
      },
      // The repository's packages, pulumi-domino (the current build) included.
      (nodeModules) => {
        for (const entry of fs.readdirSync(path.join(REPO_ROOT, "node_modules"))) {
          fs.symlinkSync(path.join(REPO_ROOT, "node_modules", entry), path.join(nodeModules, entry));
        }
      },
    );
    await stack.setConfig({
      "domino:host": a.url,
      "domino:apiKey": { value: A_KEY, secret: true },
      deploymentBHost: b.url,
      deploymentBApiKey: { value: B_KEY, secret: true },
    });
  }, CLI_SETUP_TIMEOUT_MS);

  afterAll(async () => {
    stack?.dispose();
    await a?.stop();
    await b?.stop();
  });

  const counts = async (d: E2eEmulator) => (await d.api<{ byRoute: Record<string, number> }>("GET", "/__emulator/requests")).body.byRoute;
  const resetCounts = async () => {
    await a.api("DELETE", "/__emulator/requests");
    await b.api("DELETE", "/__emulator/requests");
  };
  /** Routes other than GET: what changed something. */
  const writes = (byRoute: Record<string, number>) => Object.fromEntries(Object.entries(byRoute).filter(([route]) => !route.startsWith("GET ")));
  const LIST_USERS = "GET /api/users/v1/users";
  const LIST_GOALS = "GET /api/projects/v1/projects/{projectId}/goals";

  test(
    "preview of the new stack plans every create, and each lookup reaches its own deployment",
    async () => {
      await resetCounts();
      const plan = await stack.preview();
      expect(planOps(plan)).toEqual(Object.fromEntries(["deployment-b", ...A_RESOURCES, ...B_RESOURCES].map((n) => [n, "create"])));
      // One lookup on A (Output form, stack config); two on B (Promise and Output forms). Each
      // deployment's connection is checked once by its provider process and once by the
      // program's client for its lookups.
      expect(await counts(a)).toEqual({ [LIST_USERS]: 1, "GET /api/users/v1/self": 2 });
      expect(await counts(b)).toEqual({ [LIST_USERS]: 2, "GET /api/users/v1/self": 2 });
    },
    STEP_TIMEOUT_MS,
  );

  let outputs: Record<string, any>;

  test(
    "up creates each deployment's objects in that deployment only",
    async () => {
      await resetCounts();
      const outcome = await stack.up();
      expect(Object.keys(outcome.changed).sort()).toEqual(["deployment-b", ...A_RESOURCES, ...B_RESOURCES].sort());
      expect(Object.values(outcome.changed).every((ops) => ops.join() === "create")).toBe(true);

      outputs = await stack.outputs();
      expect(outputs.bBobId).toBe(b.emulator.users.bob.id);
      expect(outputs.bAliceId).toBe(b.emulator.users.alice.id);
      expect((await a.census()).projects).toEqual([`team-a (${outputs.aProjectId})`]);
      expect((await b.census()).projects).toEqual([`team-b (${outputs.bProjectId})`]);

      const project = async (d: E2eEmulator, id: string) => (await d.api("GET", `/api/projects/v1/projects/${id}`)).body.project;
      const goals = async (d: E2eEmulator, id: string) => (await d.api("GET", `/api/projects/v1/projects/${id}/goals`)).body.goals as Array<{ title: string }>;
      const roles = (p: { collaborators: Array<{ id: string; role: string }> }) => Object.fromEntries(p.collaborators.map((c) => [c.id, c.role]));
      const u = b.emulator.users;
      expect(roles(await project(a, outputs.aProjectId))).toEqual({ [u.alice.id]: "contributor" });
      expect(roles(await project(b, outputs.bProjectId))).toEqual({ [u.bob.id]: "resultsConsumer", [u.alice.id]: "contributor" });
      expect((await goals(a, outputs.aProjectId)).map((g) => g.title)).toEqual(["Deployment A"]);
      expect((await goals(b, outputs.bProjectId)).map((g) => g.title)).toEqual(["Deployment B"]);

      // Every write and every lookup was counted by its own deployment: A got its project, goal,
      // collaborator and one lookup; B its project, goal, two collaborators and two lookups.
      const [atA, atB] = [await counts(a), await counts(b)];
      expect(writes(atA)).toEqual({
        "POST /api/projects/beta/projects": 1,
        "POST /api/projects/v1/projects/{projectId}/goals": 1,
        "POST /api/projects/v1/projects/{projectId}/collaborators": 1,
      });
      expect(writes(atB)).toEqual({
        "POST /api/projects/beta/projects": 1,
        "POST /api/projects/v1/projects/{projectId}/goals": 1,
        "POST /api/projects/v1/projects/{projectId}/collaborators": 2,
      });
      expect([atA[LIST_USERS], atB[LIST_USERS]]).toEqual([1, 2]);
    },
    STEP_TIMEOUT_MS,
  );

  test(
    "the state holds the provider's settings under the configuration keys, and neither API key in plaintext",
    async () => {
      const state = await stack.exportState();
      const resources = (state.resources ?? []) as Array<StateResource & { provider?: string }>;
      const providerB = resources.find((r) => r.type === "pulumi:providers:pulumi-nodejs" && resourceName(r.urn) === "deployment-b");
      expect(providerB?.inputs).toEqual({
        "domino:host": b.url,
        "domino:apiKey": expect.objectContaining({ ciphertext: expect.any(String) }),
        "domino:maxRetries": "3",
        "domino:requestTimeoutMs": "20000",
      });
      const providerOf = (name: string) => resources.find((r) => resourceName(r.urn) === name)?.provider ?? "";
      for (const name of B_RESOURCES) expect(providerOf(name)).toBe(`${providerB!.urn}::${providerB!.id}`);
      for (const name of A_RESOURCES) expect(providerOf(name)).toMatch(/::pulumi:providers:pulumi-nodejs::default::/);

      expect(plaintextHits(await stack.exportText(), [A_KEY, B_KEY])).toEqual([]);
      expect(plaintextHits(stack.rawStateFile(), [A_KEY, B_KEY])).toEqual([]);
    },
    STEP_TIMEOUT_MS,
  );

  test(
    "a second preview plans no change, and refresh reads each deployment's objects from it",
    async () => {
      const plan = await stack.preview(["--expect-no-changes"]);
      expect(planOps(plan)).toEqual({});

      await resetCounts();
      const refreshed = await stack.refresh();
      expect(refreshed.changed).toEqual({});
      expect(Object.keys(refreshed.ops).sort()).toEqual(["deployment-b", ...A_RESOURCES, ...B_RESOURCES].sort());
      // Reads only; a read sent to the other deployment would have been refused (its key is not valid there).
      const [atA, atB] = [await counts(a), await counts(b)];
      expect(writes(atA)).toEqual({});
      expect(writes(atB)).toEqual({});
      // Each project is read at its own deployment, once per resource that reads it (the
      // project and its collaborators) or fewer: reads of one project that overlap share a
      // request. Each goal list likewise.
      const projectReads = (at: Record<string, number>) => at["GET /api/projects/v1/projects/{projectId}"] ?? 0;
      expect(projectReads(atA)).toBeGreaterThanOrEqual(1);
      expect(projectReads(atA)).toBeLessThanOrEqual(2);
      expect(projectReads(atB)).toBeGreaterThanOrEqual(1);
      expect(projectReads(atB)).toBeLessThanOrEqual(3);
      expect([atA[LIST_GOALS], atB[LIST_GOALS]]).toEqual([1, 1]);
    },
    STEP_TIMEOUT_MS,
  );

  test(
    "destroy, configured from the state alone, empties both deployments",
    async () => {
      await resetCounts();
      const outcome = await stack.destroy();
      expect(Object.keys(outcome.changed).sort()).toEqual(["deployment-b", ...A_RESOURCES, ...B_RESOURCES].sort());
      expect(Object.values(outcome.changed).every((ops) => ops.join() === "delete")).toBe(true);
      expect(writes(await counts(a))).toEqual({
        "DELETE /api/projects/v1/projects/{projectId}/goals/{goalId}": 1,
        "DELETE /api/projects/v1/projects/{projectId}/collaborators/{collaboratorId}": 1,
        "DELETE /api/projects/beta/projects/{projectId}": 1,
      });
      expect(writes(await counts(b))).toEqual({
        "DELETE /api/projects/v1/projects/{projectId}/goals/{goalId}": 1,
        "DELETE /api/projects/v1/projects/{projectId}/collaborators/{collaboratorId}": 2,
        "DELETE /api/projects/beta/projects/{projectId}": 1,
      });
      const empty = { projects: [], datasets: [], environments: [], organizations: [] };
      expect(await a.census()).toEqual(empty);
      expect(await b.census()).toEqual(empty);
      expect((await stack.exportState()).resources ?? []).toEqual([]);
    },
    STEP_TIMEOUT_MS,
  );
});
