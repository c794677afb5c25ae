/** Deterministic fault rules: the control API, the in-process API, and what each rule does to a request. */
import { startEmulator } from "../../emulator";
import { apiFor, Api, createProject, eventually, useEmulator } from "./support";

const GOALS = "/api/projects/v1/projects/{projectId}/goals";
const SELF = "/api/users/v1/self";

describe("fault rules", () => {
  const env = useEmulator();

  beforeEach(async () => {
    await env.api.control("POST", "/reset");
  });

  async function goalTitles(api: Api, projectId: string): Promise<string[]> {
    const res = await api.call("GET", `/api/projects/v1/projects/${projectId}/goals`, { as: "alice" });
    expect(res.status).toBe(200);
    return res.body.goals.map((g: { title: string }) => g.title);
  }

  /** A raw POST that may never be answered; fetch rejects on a dropped or aborted connection. */
  function postGoal(api: Api, projectId: string, title: string, signal?: AbortSignal): Promise<Response> {
    return fetch(`${api.url}/api/projects/v1/projects/${projectId}/goals`, {
      method: "POST",
      headers: { "X-Domino-Api-Key": api.emulator.users.alice.apiKey, "Content-Type": "application/json" },
      body: JSON.stringify({ title }),
      signal,
    });
  }

  test("POST a rule, list it, remove one, clear all; a rule leaves the queue once used up", async () => {
    const { api } = env;
    const added = await api.control("POST", "/faults/rules", { method: "post", route: GOALS, count: 2, status: 503, retryAfterSeconds: 7 });
    expect(added.status).toBe(200);
    expect(added.body).toEqual({ id: 1, method: "POST", route: GOALS, when: "before", action: "fail", status: 503, retryAfterSeconds: 7, remaining: 2 });
    const second = await api.control("POST", "/faults/rules", { action: "drop", when: "after" });
    expect(second.body).toEqual({ id: 2, method: "*", route: "*", when: "after", action: "drop", remaining: 1 });
    expect((await api.control("GET", "/faults/rules")).body).toEqual({ rules: [added.body, second.body], hanging: 0 });

    expect((await api.control("DELETE", "/faults/rules/2")).body).toEqual({ rules: [added.body], hanging: 0 });
    const missing = await api.control("DELETE", "/faults/rules/2");
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ message: expect.stringContaining("2") });

    // Used up: the rule's remaining count drops, then it is gone.
    const project = await createProject(api, "alice");
    expect((await postGoal(api, project.id, "a")).status).toBe(503);
    expect((await api.control("GET", "/faults/rules")).body.rules).toEqual([{ ...added.body, remaining: 1 }]);
    expect((await postGoal(api, project.id, "b")).status).toBe(503);
    expect((await api.control("GET", "/faults/rules")).body.rules).toEqual([]);
    expect((await postGoal(api, project.id, "c")).status).toBe(200);

    await api.control("POST", "/faults/rules", { status: 500, count: 5 });
    expect((await api.control("DELETE", "/faults/rules")).body).toEqual({ rules: [], hanging: 0 });
    expect((await api.call("GET", SELF)).status).toBe(200);
  });

  test.each([
    [{ route: GOALS }, /status/],
    [{ status: 200 }, /status/],
    [{ status: 503.5 }, /status/],
    [{ action: "drop", status: 503 }, /fail/],
    [{ action: "hang", retryAfterSeconds: 1 }, /fail/],
    [{ status: 503, retryAfterSeconds: 1.5 }, /retryAfterSeconds/],
    [{ status: 503, count: 0 }, /count/],
    [{ status: 503, when: "during" }, /when/],
    [{ action: "explode" }, /action/],
    [{ status: 503, method: "TRACE" }, /method/],
    [{ status: 503, route: "/api/projects/v1/projects/{projectID}/goals" }, /not a path template/],
    [{ status: 503, route: "api/users/v1/self" }, /route/],
    [{ status: 503, method: "DELETE", route: SELF }, /not an operation/],
    [{ status: 503, unknown: true }, /unknown/],
  ])("the rule %j is refused with 400 {message}", async (rule, message) => {
    const { api } = env;
    const res = await api.control("POST", "/faults/rules", rule);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ message: expect.stringMatching(message) });
    expect((await api.control("GET", "/faults/rules")).body.rules).toEqual([]);
  });

  test("before: the status is answered instead of the operation, nothing is committed; Retry-After as given", async () => {
    const { api } = env;
    const project = await createProject(api, "alice");
    await api.control("POST", "/faults/rules", { method: "POST", route: GOALS, status: 503, retryAfterSeconds: 7 });
    await api.control("POST", "/faults/rules", { method: "POST", route: GOALS, status: 429 });
    await api.control("POST", "/faults/rules", { method: "POST", route: GOALS, status: 408 });

    const unavailable = await postGoal(api, project.id, "first");
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get("retry-after")).toBe("7");
    // 5xx bodies are the 6.3 surface's {error}, like random faults; 4xx ones FailureEnvelopeV1.
    expect(await unavailable.json()).toEqual({ error: "Injected fault (HTTP 503)" });
    const limited = await postGoal(api, project.id, "second");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBeNull();
    expect(await limited.json()).toEqual({ requestId: expect.any(String), errors: [expect.stringMatching(/rate limit/i)] });
    const timeout = await postGoal(api, project.id, "third");
    expect(timeout.status).toBe(408);
    expect(await timeout.json()).toEqual({ requestId: expect.any(String), errors: ["Injected fault (HTTP 408)"] });

    expect(await goalTitles(api, project.id)).toEqual([]);
    expect((await postGoal(api, project.id, "fourth")).status).toBe(200);
    expect(await goalTitles(api, project.id)).toEqual(["fourth"]);
  });

  test("a request takes the first matching rule in queue order; other routes and methods pass", async () => {
    const { api } = env;
    const project = await createProject(api, "alice");
    await api.control("POST", "/faults/rules", { method: "POST", route: GOALS, status: 502 });
    await api.control("POST", "/faults/rules", { status: 504 });
    await api.control("POST", "/faults/rules", { method: "POST", route: GOALS, status: 500 });

    // GET goals skips the POST-only rule and takes the "*" one.
    expect((await api.call("GET", `/api/projects/v1/projects/${project.id}/goals`, { as: "alice" })).status).toBe(504);
    expect((await postGoal(api, project.id, "x")).status).toBe(502);
    expect((await api.call("GET", SELF)).status).toBe(200);
    expect((await postGoal(api, project.id, "y")).status).toBe(500);
    expect((await postGoal(api, project.id, "z")).status).toBe(200);
    expect(await goalTitles(api, project.id)).toEqual(["z"]);
  });

  test('"*" matches undocumented routes too, before authentication', async () => {
    const { api } = env;
    await api.control("POST", "/faults/rules", { status: 503, count: 2 });
    expect((await api.call("GET", "/api/nothing/here")).status).toBe(503);
    expect((await api.call("GET", SELF, { as: null })).status).toBe(503);
    expect((await api.call("GET", "/api/nothing/here")).status).toBe(404);
    expect((await api.call("GET", SELF, { as: null })).status).toBe(401);
  });

  test("after + fail: the goal is created, the client sees only the status", async () => {
    const { api } = env;
    const project = await createProject(api, "alice");
    await api.control("POST", "/faults/rules", { method: "POST", route: GOALS, when: "after", status: 504 });
    const res = await postGoal(api, project.id, "committed");
    expect(res.status).toBe(504);
    expect(await res.json()).toEqual({ error: "Injected fault (HTTP 504)" });
    expect(await goalTitles(api, project.id)).toEqual(["committed"]);
  });

  test("after replaces refusals as well (a gateway loses whatever comes back); nothing is committed then", async () => {
    const { api } = env;
    const project = await createProject(api, "alice");
    await api.control("POST", "/faults/rules", { method: "POST", route: GOALS, when: "after", status: 502 });
    const refused = await api.call("POST", `/api/projects/v1/projects/${project.id}/goals`, { as: "alice", body: { description: "no title" } });
    expect(refused.status).toBe(502);
    expect(await goalTitles(api, project.id)).toEqual([]);
    // The rule was used up by the refused request.
    expect((await api.call("POST", `/api/projects/v1/projects/${project.id}/goals`, { as: "alice", body: {} })).status).toBe(400);
  });

  test("after + drop: committed, then the connection is destroyed without an answer", async () => {
    const { api } = env;
    const project = await createProject(api, "alice");
    await api.control("POST", "/faults/rules", { method: "POST", route: GOALS, when: "after", action: "drop" });
    await expect(postGoal(api, project.id, "lost answer")).rejects.toThrow();
    expect(await goalTitles(api, project.id)).toEqual(["lost answer"]);
  });

  test("before + drop: the connection is destroyed and nothing is committed", async () => {
    const { api } = env;
    const project = await createProject(api, "alice");
    await api.control("POST", "/faults/rules", { method: "POST", route: GOALS, action: "drop" });
    await expect(postGoal(api, project.id, "never")).rejects.toThrow();
    expect(await goalTitles(api, project.id)).toEqual([]);
  });

  test("hang: the request is never answered (the client times out), nothing committed; reset releases held ones", async () => {
    const { api } = env;
    const project = await createProject(api, "alice");
    await api.control("POST", "/faults/rules", { method: "POST", route: GOALS, action: "hang", count: 2 });

    const started = Date.now();
    await expect(postGoal(api, project.id, "timed out", AbortSignal.timeout(300))).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    // The client gave up, so the emulator no longer holds that connection.
    await eventually(async () => ((await api.control("GET", "/faults/rules")).body.hanging === 0 ? true : undefined));

    const pending = postGoal(api, project.id, "held").then(
      (res) => `answered ${res.status}`,
      () => "connection closed",
    );
    await eventually(async () => ((await api.control("GET", "/faults/rules")).body.hanging === 1 ? true : undefined));
    expect(await goalTitles(api, project.id)).toEqual([]);
    await api.control("POST", "/reset");
    expect(await pending).toBe("connection closed");
    expect((await api.control("GET", "/faults/rules")).body).toEqual({ rules: [], hanging: 0 });
  });

  test("after + hang: committed, never answered", async () => {
    const { api } = env;
    const project = await createProject(api, "alice");
    await api.control("POST", "/faults/rules", { method: "POST", route: GOALS, when: "after", action: "hang" });
    await expect(postGoal(api, project.id, "slow", AbortSignal.timeout(300))).rejects.toThrow();
    expect(await goalTitles(api, project.id)).toEqual(["slow"]);
  });

  test("every request that reached the server is counted: failed, dropped and hung ones included", async () => {
    const { api } = env;
    const project = await createProject(api, "alice");
    await api.control("POST", "/faults/rules", { method: "POST", route: GOALS, status: 500 });
    await api.control("POST", "/faults/rules", { method: "POST", route: GOALS, action: "drop", when: "after" });
    await api.control("POST", "/faults/rules", { method: "POST", route: GOALS, action: "hang" });
    await api.control("DELETE", "/requests");
    await postGoal(api, project.id, "1");
    await postGoal(api, project.id, "2").catch(() => undefined);
    await postGoal(api, project.id, "3", AbortSignal.timeout(200)).catch(() => undefined);
    expect((await api.control("GET", "/requests")).body).toEqual({ total: 3, byRoute: { [`POST ${GOALS}`]: 3 } });
  });

  test("a request a rule takes bypasses random faults and leaves the PRNG sequence of the others unchanged", async () => {
    const { api } = env;
    async function selfStatuses(count: number): Promise<number[]> {
      const seen: number[] = [];
      for (let i = 0; i < count; i++) seen.push((await api.call("GET", SELF)).status);
      return seen;
    }
    await api.control("PUT", "/faults", { faultRate: 0.5, seed: 11 });
    const plain = await selfStatuses(20);
    expect(plain).toContain(200);
    expect(plain.some((s) => s >= 500)).toBe(true);

    await api.control("PUT", "/faults", { faultRate: 0.5, seed: 11 });
    const interleaved: number[] = [];
    for (let i = 0; i < 20; i++) {
      // Rule-taken requests between the others must not shift their random draws.
      await api.control("POST", "/faults/rules", { method: "GET", route: "/api/users/v1/users", status: 418 });
      expect((await api.call("GET", "/api/users/v1/users")).status).toBe(418);
      interleaved.push((await api.call("GET", SELF)).status);
    }
    expect(interleaved).toEqual(plain);

    // With every random request failing, an "after" rule's request still runs the operation.
    await api.control("PUT", "/faults", {});
    const target = await createProject(api, "alice");
    await api.control("PUT", "/faults", { faultRate: 1 });
    await api.control("POST", "/faults/rules", { method: "POST", route: GOALS, when: "after", status: 504 });
    expect((await postGoal(api, target.id, "despite faultRate 1")).status).toBe(504);
    await api.control("PUT", "/faults", {});
    expect(await goalTitles(api, target.id)).toEqual(["despite faultRate 1"]);
  });

  test("PUT /faults leaves rules alone; reset clears them and restarts ids", async () => {
    const { api } = env;
    await api.control("POST", "/faults/rules", { status: 500 });
    await api.control("PUT", "/faults", { latencyMs: 0 });
    expect((await api.control("GET", "/faults/rules")).body.rules).toHaveLength(1);
    await api.control("POST", "/reset");
    expect((await api.control("GET", "/faults/rules")).body.rules).toEqual([]);
    expect((await api.call("GET", SELF)).status).toBe(200);
    expect((await api.control("POST", "/faults/rules", { status: 500 })).body.id).toBe(1);
  });

  test("in process: emulator.faults queues the same rules and validates them the same way", async () => {
    const { api } = env;
    const { faults } = api.emulator;
    const project = await createProject(api, "alice");
    const failed = faults.failNext({ method: "POST", route: GOALS, status: 503, retryAfterSeconds: 2 });
    expect(failed).toMatchObject({ id: 1, action: "fail", when: "before", status: 503, retryAfterSeconds: 2, remaining: 1 });
    faults.dropNext({ method: "POST", route: GOALS, when: "after" });
    expect((await api.control("GET", "/faults/rules")).body.rules.map((r: { id: number }) => r.id)).toEqual([1, 2]);

    const res = await postGoal(api, project.id, "refused");
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("2");
    await expect(postGoal(api, project.id, "dropped")).rejects.toThrow();
    expect(await goalTitles(api, project.id)).toEqual(["dropped"]);
    expect(faults.rules()).toEqual([]);

    faults.hangNext({ route: SELF });
    const pending = api.call("GET", SELF).catch(() => "closed");
    await eventually(async () => (faults.hanging() === 1 ? true : undefined));
    await api.control("POST", "/reset");
    expect(await pending).toBe("closed");

    expect(() => faults.failNext({ route: "/no/such/{route}", status: 500 })).toThrow(RangeError);
    expect(() => faults.add({ action: "fail" })).toThrow(/status/);
    const queued = faults.add({ status: 500, count: 3 });
    expect(faults.remove(queued.id)).toBe(true);
    expect(faults.remove(queued.id)).toBe(false);
    faults.failNext({ status: 500 });
    faults.clear();
    expect(faults.rules()).toEqual([]);
    expect((await api.call("GET", SELF)).status).toBe(200);
  });
});

describe("fault rules with an emulator of their own", () => {
  test("5.3: routes the surface lacks are refused, and 5xx answers use FailureEnvelopeV1", async () => {
    const emulator = await startEmulator({ dominoVersion: "5.3" });
    try {
      const api = apiFor(emulator);
      const absent = await api.control("POST", "/faults/rules", { route: SELF, status: 500 });
      expect(absent.status).toBe(400);
      expect(absent.body.message).toMatch(/5\.3/);
      await api.control("POST", "/faults/rules", { method: "GET", route: "/api/users/v1/users", status: 503 });
      const res = await api.call("GET", "/api/users/v1/users");
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ requestId: expect.any(String), errors: ["Injected fault (HTTP 503)"] });
    } finally {
      await emulator.stop();
    }
  });

  test("stop() ends requests a hang rule holds", async () => {
    const emulator = await startEmulator();
    const api = apiFor(emulator);
    emulator.faults.hangNext();
    const pending = api.call("GET", SELF).then(
      () => "answered",
      () => "closed",
    );
    await eventually(async () => (emulator.faults.hanging() === 1 ? true : undefined));
    await emulator.stop();
    expect(await pending).toBe("closed");
  });
});
