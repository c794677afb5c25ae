/**
 * Adoption under the real Pulumi engine: a project, a goal and a collaborator made in
 * Domino beforehand are declared with `adoptId`. The preview plans three creates and says
 * they are adoptions; `pulumi up` takes them over without a single create or delete in
 * Domino; the stack then has no changes, with `adoptId` or without it; and an edit of the
 * program changes exactly what was edited.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { E2eEmulator, startE2eEmulator } from "./helpers/domino";
import { CLI_SETUP_TIMEOUT_MS, planOps, PulumiProject } from "./helpers/pulumi";

const STEP_TIMEOUT_MS = 180_000;

/** The program, as an export would write it: literal ids to adopt, references between the resources. */
function program(ids: { projectId: string; goalId: string; bobId: string }, extra: { isComplete?: boolean; adopt?: false } = {}): string {
  const text = `
const domino = require("pulumi-domino");
const churn = new domino.Project("churn", { name: "churn", description: "churn model", adoptId: ${JSON.stringify(ids.projectId)} });
const ship = new domino.Goal("ship", {
  projectId: churn.id,
  title: "Ship v1",
  isComplete: ${extra.isComplete === true},
  adoptId: ${JSON.stringify(`${ids.projectId}/${ids.goalId}`)},
});
const bob = new domino.Collaborator("bob", {
  projectId: churn.id,
  userId: ${JSON.stringify(ids.bobId)},
  role: "contributor",
  adoptId: ${JSON.stringify(`${ids.projectId}/${ids.bobId}`)},
});
exports.projectId = churn.id;
exports.goalComplete = ship.isComplete;
`;
  return extra.adopt === false ? text.replace(/, adoptId: "[^"]*"/g, "").replace(/\n\s*adoptId: "[^"]*",/g, "") : text;
}

describe("adoption under the Pulumi engine", () => {
  let domino: E2eEmulator;
  let stack: PulumiProject;
  let ids: { projectId: string; goalId: string; bobId: string };

  /** Domino API requests since the last reset, by "METHOD /path/template". */
  const requests = async (): Promise<Record<string, number>> => ((await (await fetch(`${domino.url}/__emulator/requests`)).json()) as { byRoute: Record<string, number> }).byRoute;
  const resetRequests = async () => void (await fetch(`${domino.url}/__emulator/requests`, { method: "DELETE" }));
  const writes = async () => Object.fromEntries(Object.entries(await requests()).filter(([route]) => !route.startsWith("GET ")));

  beforeAll(async () => {
    domino = await startE2eEmulator();
    const bobId = domino.emulator.users.bob.id;
    const projectId = (await domino.api("POST", "/api/projects/beta/projects", { name: "churn", description: "churn model", visibility: "Private" })).body.project.id;
    const goalId = (await domino.api("POST", `/api/projects/v1/projects/${projectId}/goals`, { title: "Ship v1" })).body.goal.id;
    await domino.api("POST", `/api/projects/v1/projects/${projectId}/collaborators`, { id: bobId, role: "contributor" });
    ids = { projectId, goalId, bobId };

    const source = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-domino-adoption-src-"));
    fs.writeFileSync(path.join(source, "Pulumi.yaml"), "name: adoption\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n");
    fs.writeFileSync(path.join(source, "package.json"), JSON.stringify({ name: "adoption", private: true }));
    fs.writeFileSync(path.join(source, "index.js"), program(ids));
    stack = await PulumiProject.create({
      example: "adoption",
      sourceDir: source,
      config: { "domino:host": domino.url, "domino:apiKey": { value: domino.adminKey, secret: true } },
    });
    fs.rmSync(source, { recursive: true, force: true });
  }, CLI_SETUP_TIMEOUT_MS);

  afterAll(async () => {
    stack?.dispose();
    await domino?.stop();
  });

  test(
    "preview plans three creates and says each is an adoption that changes nothing",
    async () => {
      const result = await stack.cli(["preview", "--stack", "e2e", "--json"]);
      expect(planOps(JSON.parse(result.stdout))).toEqual({ churn: "create", ship: "create", bob: "create" });
      const told = `${result.stdout}\n${result.stderr}`;
      expect(told).toContain(`adopting Project ${ids.projectId}: no change in Domino`);
      // The project is being "created": its id is not known yet, and is compared at up.
      expect(told).toContain(`adopting Goal ${ids.projectId}/${ids.goalId}: no change in Domino; projectId not known yet, compared at`);
      expect(told).toContain(`adopting Collaborator ${ids.projectId}/${ids.bobId}: no change in Domino; projectId not known yet`);
    },
    STEP_TIMEOUT_MS,
  );

  test(
    "up adopts all three with no create and no delete in Domino",
    async () => {
      await resetRequests();
      const outcome = await stack.up();
      expect(outcome.changed).toEqual({ churn: ["create"], ship: ["create"], bob: ["create"] });
      expect(await writes()).toEqual({});
      expect(await stack.outputs()).toEqual({ projectId: ids.projectId, goalComplete: false });
      const state = await stack.exportState();
      const byName = (name: string) => state.resources?.find((r) => r.urn.endsWith(`::${name}`));
      expect(byName("ship")?.id).toBe(`${ids.projectId}/${ids.goalId}`);
      expect(byName("bob")?.id).toBe(`${ids.projectId}/${ids.bobId}`);
      expect(byName("churn")?.outputs).not.toHaveProperty("adoptId");
    },
    STEP_TIMEOUT_MS,
  );

  test(
    "the stack then has no changes, with adoptId and without it",
    async () => {
      await resetRequests();
      const kept = await stack.cli(["preview", "--stack", "e2e", "--expect-no-changes"], { allowFailure: true });
      expect(kept.code).toBe(0);
      stack.writeProgram(program(ids, { adopt: false }), "index.js");
      expect(fs.readFileSync(path.join(stack.programDir, "index.js"), "utf8")).not.toContain("adoptId");
      const dropped = await stack.cli(["preview", "--stack", "e2e", "--expect-no-changes"], { allowFailure: true });
      expect(dropped.code).toBe(0);
      expect(await writes()).toEqual({});
    },
    STEP_TIMEOUT_MS,
  );

  test(
    "an edit of the program changes exactly that: the goal completed is one update",
    async () => {
      stack.writeProgram(program(ids, { isComplete: true, adopt: false }), "index.js");
      await resetRequests();
      const outcome = await stack.up();
      expect(outcome.changed).toEqual({ ship: ["update"] });
      expect(await writes()).toEqual({ "PATCH /api/projects/v1/projects/{projectId}/goals/{goalId}": 1 });
      const goals = (await domino.api("GET", `/api/projects/v1/projects/${ids.projectId}/goals`)).body.goals;
      expect(goals).toEqual([expect.objectContaining({ id: ids.goalId, isComplete: true })]);
    },
    STEP_TIMEOUT_MS,
  );
});
