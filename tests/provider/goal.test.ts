import { ResourceInitError } from "../../provider/kit/init-error";
import { UNKNOWN } from "../../provider/kit/schema";
import { GoalInputs, GoalOutputs, provider } from "../../provider/resources/goal";
import { EmulatorFixture, useEmulator } from "../helpers/emulator";

type CheckedGoal = Required<Omit<GoalInputs, "assigneeId" | "stageId">> & Pick<GoalInputs, "assigneeId" | "stageId">;

const PROJECT = "65f0b0000000000000000001";

async function checked(news: Record<string, unknown>): Promise<CheckedGoal> {
  const result = await provider.check({} as CheckedGoal, news as CheckedGoal);
  expect(result.failures).toEqual([]);
  return result.inputs as CheckedGoal;
}

/** A project made out of band: goals are what these tests are about. */
async function makeProject(env: EmulatorFixture, name: string): Promise<string> {
  const res = await env.api<{ project: { id: string } }>("POST", "/api/projects/beta/projects", { name, description: "", visibility: "Private" });
  return res.body.project.id;
}

async function goalsOf(env: EmulatorFixture, projectId: string): Promise<{ id: string; title: string; isComplete: boolean }[]> {
  return (await env.api<{ goals: { id: string; title: string; isComplete: boolean }[] }>("GET", `/api/projects/v1/projects/${projectId}/goals`)).body.goals;
}

describe("Goal check and diff", () => {
  it("fills defaults and names the field and the rule", async () => {
    expect(await checked({ projectId: PROJECT, title: "Ship v1" })).toEqual({ projectId: PROJECT, title: "Ship v1", description: "", isComplete: false });
    const result = await provider.check({}, { projectId: PROJECT, title: " ", isComplete: "yes" });
    expect(result.failures?.map((f) => f.reason)).toEqual(["Goal.title must not be empty", "Goal.isComplete must be a boolean, got string"]);
    expect((await provider.check({}, { projectId: UNKNOWN, title: UNKNOWN, isComplete: UNKNOWN })).failures).toEqual([]);
  });

  it("updates isComplete in place and replaces for anything else", async () => {
    const olds: GoalOutputs = {
      projectId: PROJECT,
      goalId: "65f0d0000000000000000001",
      title: "Ship v1",
      description: "",
      isComplete: false,
      createdAt: "2024-01-01T00:00:00.000Z",
      creatorId: "65f0a0000000000000000001",
    };
    const same: CheckedGoal = { projectId: PROJECT, title: "Ship v1", description: "", isComplete: false };
    expect(await provider.diff("", olds, same)).toEqual({ changes: false });
    expect(await provider.diff("", olds, { ...same, isComplete: true })).toEqual({ changes: true });
    expect(await provider.diff("", olds, { ...same, title: "Ship v2" })).toEqual({ changes: true, replaces: ["title"] });
    expect(await provider.diff("", olds, { ...same, description: "why" })).toEqual({ changes: true, replaces: ["description"] });
    expect(await provider.diff("", olds, { ...same, projectId: "65f0b0000000000000000002" })).toEqual({ changes: true, replaces: ["projectId"] });
  });
});

describe("Goal against Domino 6.3", () => {
  const env = useEmulator({ dominoVersion: "6.3" });

  it("creates, completes in place, and reads back", async () => {
    const projectId = await makeProject(env, "goals");
    const inputs = await checked({ projectId, title: "Ship v1", description: "first release" });
    await env.resetRequestCounts();
    const { id, outs } = await provider.create(inputs);
    // The version (once per client), the goals that existed before (so that a lost answer
    // can be recovered with certainty), and the create.
    expect((await env.requestCounts()).byRoute).toEqual({
      "GET /api/users/v1/self": 1,
      "GET /api/projects/v1/projects/{projectId}/goals": 1,
      "POST /api/projects/v1/projects/{projectId}/goals": 1,
    });
    expect(id).toBe(`${projectId}/${outs.goalId}`);
    expect(outs).toEqual({
      projectId,
      goalId: expect.stringMatching(/^[0-9a-f]{24}$/),
      title: "Ship v1",
      description: "first release",
      isComplete: false,
      createdAt: expect.any(String),
      creatorId: env.emulator.users.admin.id,
    });

    const news = await checked({ projectId, title: "Ship v1", description: "first release", isComplete: true });
    expect(await provider.diff(id, outs, news)).toEqual({ changes: true });
    await env.resetRequestCounts();
    const { outs: done } = await provider.update(id, outs, news);
    expect(await env.requestCounts()).toEqual({ total: 1, byRoute: { "PATCH /api/projects/v1/projects/{projectId}/goals/{goalId}": 1 } });
    expect(done).toEqual({ ...outs, isComplete: true });
    expect(await goalsOf(env, projectId)).toMatchObject([{ id: outs.goalId, isComplete: true }]);

    const read = await provider.read(id);
    expect(read).toEqual({ id, props: done, inputs: { projectId, title: "Ship v1", description: "first release", isComplete: true } });
  });

  it("creates a goal already complete, and reports a failed completion as partly created", async () => {
    const projectId = await makeProject(env, "complete");
    const { outs } = await provider.create(await checked({ projectId, title: "done", isComplete: true }));
    expect(outs.isComplete).toBe(true);

    await env.api("POST", "/__emulator/faults/rules", {
      method: "PATCH",
      route: "/api/projects/v1/projects/{projectId}/goals/{goalId}",
      status: 400,
    });
    const err = await provider.create({ ...(await checked({ projectId, title: "half", isComplete: true })), __provider: "shim" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResourceInitError);
    const init = err as ResourceInitError;
    expect(init.reasons[0]).toMatch(/was created but could not be marked complete: update project goal failed: PATCH .* answered HTTP 400/);
    expect(init.properties).toMatchObject({ title: "half", isComplete: false, __provider: "shim" });
  });

  it("refresh follows an out-of-band PATCH and DELETE", async () => {
    const projectId = await makeProject(env, "drift");
    const { id, outs } = await provider.create(await checked({ projectId, title: "Ship" }));
    await env.api("PATCH", `/api/projects/v1/projects/${projectId}/goals/${outs.goalId}`, { isComplete: true });
    const read = await provider.read(id, outs);
    expect(read.props).toEqual({ ...outs, isComplete: true });
    expect(await provider.diff(id, read.props as GoalOutputs, await checked({ projectId, title: "Ship" }))).toEqual({ changes: true });

    await env.api("DELETE", `/api/projects/v1/projects/${projectId}/goals/${outs.goalId}`);
    expect(await provider.read(id, outs)).toEqual({ id: "" });
  });

  it("sees the goal gone with its project", async () => {
    const projectId = await makeProject(env, "archived");
    const { id, outs } = await provider.create(await checked({ projectId, title: "Ship" }));
    await env.api("DELETE", `/api/projects/beta/projects/${projectId}`);
    expect(await provider.read(id, outs)).toEqual({ id: "" });
  });

  it("deletes, and a second delete is fine", async () => {
    const projectId = await makeProject(env, "delete");
    const { id, outs } = await provider.create(await checked({ projectId, title: "Ship" }));
    await provider.delete(id, outs);
    expect(await goalsOf(env, projectId)).toEqual([]);
    await expect(provider.delete(id, {} as GoalOutputs)).resolves.toBeUndefined();
  });

  it("concurrent creates in one project share the list taken before them; the list after a lost answer is its own", async () => {
    const projectId = await makeProject(env, "siblings");
    const titles = ["One", "Two", "Three"];
    const inputs = await Promise.all(titles.map((title) => checked({ projectId, title })));
    // Answers take 100 ms, so the three creates' lists overlap.
    await env.api("PUT", "/__emulator/faults", { latencyMs: 100 });
    try {
      await env.resetRequestCounts();
      const made = await Promise.all(inputs.map((i) => provider.create(i)));
      expect(made.map((m) => m.outs.title)).toEqual(titles);
      const counts = (await env.requestCounts()).byRoute;
      expect(counts["GET /api/projects/v1/projects/{projectId}/goals"]).toBe(1);
      expect(counts["POST /api/projects/v1/projects/{projectId}/goals"]).toBe(3);

      // One answer lost after the POST committed: its own list after, never a shared one.
      const more = await Promise.all(["Four", "Five"].map((title) => checked({ projectId, title })));
      await env.dropNext({ method: "POST", route: "/api/projects/v1/projects/{projectId}/goals", when: "after" });
      await env.resetRequestCounts();
      const recovered = await Promise.all(more.map((i) => provider.create(i)));
      const after = (await env.requestCounts()).byRoute;
      expect(after["GET /api/projects/v1/projects/{projectId}/goals"]).toBe(2);
      expect(after["POST /api/projects/v1/projects/{projectId}/goals"]).toBe(2);
      expect(recovered.map((m) => m.outs.title)).toEqual(["Four", "Five"]);
    } finally {
      await env.api("PUT", "/__emulator/faults", { latencyMs: 0 });
    }
    expect((await goalsOf(env, projectId)).map((g) => g.title).sort()).toEqual(["Five", "Four", "One", "Three", "Two"]);
  });

  it("never duplicates a create whose answer was lost", async () => {
    const projectId = await makeProject(env, "lost");
    await env.api("PUT", "/__emulator/faults", { dropResponseRate: 1 });
    const { outs } = await provider.create(await checked({ projectId, title: "Once" }));
    await env.api("PUT", "/__emulator/faults", { dropResponseRate: 0 });
    expect((await goalsOf(env, projectId)).map((g) => g.id)).toEqual([outs.goalId]);
  });
});

describe("Goal assignee and stage", () => {
  const env = useEmulator({ dominoVersion: "6.3" });
  const census = async () =>
    (await fetch(`${env.url}/__emulator/objects`).then((r) => r.json())) as { goals: Array<{ id: string; assigneeId?: string; stageId?: string }> };

  it("checks the assignee as a user id and the stage as a non-empty string", async () => {
    const result = await provider.check({}, { projectId: PROJECT, title: "t", assigneeId: "bob", stageId: "" });
    expect(result.failures?.map((f) => f.reason)).toEqual([
      'Goal.assigneeId must be a Domino id (24 hexadecimal characters), got "bob"',
      "Goal.stageId must not be empty",
    ]);
  });

  it("creates with them in one POST, keeps them (Domino never returns them) through refresh, and replaces on a change", async () => {
    const projectId = await makeProject(env, "assigned");
    const bob = env.emulator.users.bob.id;
    const inputs = await checked({ projectId, title: "Ship", assigneeId: bob.toUpperCase(), stageId: "stage-build" });
    expect(inputs.assigneeId).toBe(bob);
    await env.resetRequestCounts();
    const { id, outs } = await provider.create(inputs);
    expect((await env.requestCounts()).byRoute["POST /api/projects/v1/projects/{projectId}/goals"]).toBe(1);
    expect(outs).toMatchObject({ assigneeId: bob, stageId: "stage-build" });
    const recordedGoal = (await census()).goals.find((g) => id.endsWith(g.id));
    expect(recordedGoal).toMatchObject({ assigneeId: bob, stageId: "stage-build" });

    const read = await provider.read(id, outs);
    expect(read.props).toEqual(outs);
    expect(read.inputs).toMatchObject({ assigneeId: bob, stageId: "stage-build" });
    expect(await provider.diff(id, outs, inputs)).toEqual({ changes: false });
    expect(await provider.diff(id, outs, { ...inputs, assigneeId: env.emulator.users.alice.id })).toEqual({ changes: true, replaces: ["assigneeId"] });
    expect(await provider.diff(id, outs, { ...inputs, stageId: "stage-ship" })).toEqual({ changes: true, replaces: ["stageId"] });
    // Completing keeps them.
    expect((await provider.update(id, outs, { ...inputs, isComplete: true })).outs).toMatchObject({ isComplete: true, assigneeId: bob, stageId: "stage-build" });
  });

  it("an unknown assignee is Domino's 404, naming the call", async () => {
    const projectId = await makeProject(env, "unassigned");
    await expect(provider.create(await checked({ projectId, title: "Ship", assigneeId: "65f0a00000000000000000ff" }))).rejects.toThrow(
      /create project goal failed: POST .*goals answered HTTP 404/,
    );
  });
});

describe("Goal against Domino 5.3", () => {
  const env = useEmulator({ dominoVersion: "5.3" });

  it("creates, completes and deletes; refresh keeps the recorded state", async () => {
    const projectId = await makeProject(env, "old-goals");
    const { id, outs } = await provider.create(await checked({ projectId, title: "Ship" }));
    const { outs: done } = await provider.update(id, outs, await checked({ projectId, title: "Ship", isComplete: true }));
    expect(done.isComplete).toBe(true);

    // No goal list on 5.3: refresh cannot see drift and keeps what was recorded.
    await env.api("PATCH", `/api/projects/v1/projects/${projectId}/goals/${outs.goalId}`, { isComplete: false });
    await env.resetRequestCounts();
    expect(await provider.read(id, done)).toEqual({ id, props: done, inputs: { projectId, title: "Ship", description: "", isComplete: true } });
    // No goal is read (the version was learnt at create).
    expect(await env.requestCounts()).toEqual({ total: 0, byRoute: {} });
    // Nor can it look a goal up by id alone.
    await expect(provider.read(id)).rejects.toThrow(`Goal ${id} cannot be read: this Domino API (5.3) has no call that reads goals`);

    await provider.delete(id, done);
    expect((await env.api("DELETE", `/api/projects/v1/projects/${projectId}/goals/${outs.goalId}`)).status).toBe(404);
  });

  it("sends the assignee and stage on 5.3 too (they are in its goal create)", async () => {
    const projectId = await makeProject(env, "assigned-53");
    const { outs } = await provider.create(await checked({ projectId, title: "Ship", assigneeId: env.emulator.users.alice.id, stageId: "s1" }));
    expect(outs).toMatchObject({ assigneeId: env.emulator.users.alice.id, stageId: "s1" });
  });

  it("does not retry a create whose answer was lost, since it cannot look for it", async () => {
    const projectId = await makeProject(env, "no-retry");
    await env.api("PUT", "/__emulator/faults", { dropResponseRate: 1 });
    await env.resetRequestCounts();
    await expect(provider.create(await checked({ projectId, title: "Once" }))).rejects.toThrow(/create project goal failed: POST .* got no answer/);
    await env.api("PUT", "/__emulator/faults", { dropResponseRate: 0 });
    expect((await env.requestCounts()).byRoute["POST /api/projects/v1/projects/{projectId}/goals"]).toBe(1);
  });
});
