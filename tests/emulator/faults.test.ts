/** Fault injection and the control API. */
import { startEmulator } from "../../emulator";
import { apiFor, Api, createProject, sleep, uniqueName, useEmulator } from "./support";

describe("faults", () => {
  const env = useEmulator();

  beforeEach(async () => {
    await env.api.control("POST", "/reset");
  });

  async function statuses(api: Api, count: number): Promise<number[]> {
    const seen: number[] = [];
    for (let i = 0; i < count; i++) seen.push((await api.call("GET", "/api/users/v1/self")).status);
    return seen;
  }

  test("GET and PUT /__emulator/faults; PUT replaces (omitted fields return to defaults); invalid values 400", async () => {
    const { api } = env;
    const initial = await api.control("GET", "/faults");
    expect(initial.body).toEqual({
      latencyMs: 0,
      faultRate: 0,
      faultStatuses: [500, 502, 503],
      rateLimit: 0,
      retryAfterSeconds: 1,
      dropResponseRate: 0,
      seed: 1,
    });
    const put = await api.control("PUT", "/faults", { latencyMs: 5, seed: 9 });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ latencyMs: 5, seed: 9, faultRate: 0 });
    expect((await api.control("PUT", "/faults", { faultRate: 0.5 })).body).toMatchObject({ latencyMs: 0, seed: 1, faultRate: 0.5 });
    for (const bad of [{ faultRate: 2 }, { latencyMs: -1 }, { faultStatuses: [200] }, { unknown: 1 }, { seed: 1.5 }]) {
      const res = await api.control("PUT", "/faults", bad);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ message: expect.any(String) });
    }
  });

  test("latency delays Domino answers but not the control API", async () => {
    const { api } = env;
    await api.control("PUT", "/faults", { latencyMs: 300 });
    let started = Date.now();
    expect((await api.call("GET", "/api/users/v1/self")).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(295);
    started = Date.now();
    await api.control("GET", "/requests");
    expect(Date.now() - started).toBeLessThan(250);
  });

  test("a 5xx rate repeats exactly with the same seed and differs with another", async () => {
    const { api } = env;
    await api.control("PUT", "/faults", { faultRate: 0.5, seed: 42 });
    const first = await statuses(api, 40);
    await api.control("PUT", "/faults", { faultRate: 0.5, seed: 42 });
    const second = await statuses(api, 40);
    expect(second).toEqual(first);
    expect(first).toContain(200);
    const failures = first.filter((s) => s !== 200);
    expect(failures.length).toBeGreaterThan(5);
    expect(new Set(failures)).toEqual(new Set([500, 502, 503]));
    await api.control("PUT", "/faults", { faultRate: 0.5, seed: 43 });
    expect(await statuses(api, 40)).not.toEqual(first);

    await api.control("PUT", "/faults", { faultRate: 1, faultStatuses: [503] });
    const res = await api.call("GET", "/api/users/v1/self");
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ error: expect.stringContaining("503") });
    // Never on the control API.
    expect((await api.control("GET", "/faults")).status).toBe(200);
  });

  test("a rate limit answers 429 with Retry-After and a FailureEnvelopeV1, then recovers", async () => {
    const { api } = env;
    await api.control("PUT", "/faults", { rateLimit: 3, retryAfterSeconds: 2 });
    const results = await Promise.all(Array.from({ length: 12 }, () => api.call("GET", "/api/users/v1/self")));
    const passed = results.filter((r) => r.status === 200).length;
    // A full bucket of 3, plus at most one token refilled while the burst arrives on a slow machine.
    expect(passed).toBeGreaterThanOrEqual(3);
    expect(passed).toBeLessThanOrEqual(4);
    const limited = results.filter((r) => r.status === 429);
    expect(limited).toHaveLength(12 - passed);
    for (const res of limited) {
      expect(res.headers.get("retry-after")).toBe("2");
      expect(res.body).toEqual({ requestId: expect.any(String), errors: [expect.stringMatching(/rate limit/i)] });
    }
    await sleep(400);
    expect((await api.call("GET", "/api/users/v1/self")).status).toBe(200);
  });

  test("a dropped create is committed although the client gets no answer; reads are never dropped", async () => {
    const { api } = env;
    await api.control("PUT", "/faults", { dropResponseRate: 1 });
    const name = uniqueName("dropped");
    await expect(
      fetch(`${api.url}/api/projects/beta/projects`, {
        method: "POST",
        headers: { "X-Domino-Api-Key": api.emulator.users.alice.apiKey, "Content-Type": "application/json" },
        body: JSON.stringify({ name, description: "", visibility: "Private" }),
      }),
    ).rejects.toThrow();
    const list = await api.call("GET", "/api/projects/beta/projects?limit=100", { as: "alice" });
    expect(list.status).toBe(200);
    expect(list.body.projects.map((p: { name: string }) => p.name)).toContain(name);
  });

  test("dropped responses repeat with the seed", async () => {
    const { api } = env;
    async function pattern(): Promise<boolean[]> {
      await api.control("PUT", "/faults", { dropResponseRate: 0.5, seed: 7 });
      const dropped: boolean[] = [];
      for (let i = 0; i < 16; i++) {
        try {
          await createProject(api, "alice");
          dropped.push(false);
        } catch {
          dropped.push(true);
        }
      }
      return dropped;
    }
    const first = await pattern();
    expect(first).toContain(true);
    expect(first).toContain(false);
    expect(await pattern()).toEqual(first);
    await api.control("PUT", "/faults", {});
    const all = await api.call("GET", "/api/projects/beta/projects?limit=100", { as: "alice" });
    expect(all.body.metadata.totalCount).toBe(32);
  });

  test("request counts by method and path template, faulted requests included; DELETE zeroes them", async () => {
    const { api } = env;
    const project = await createProject(api, "alice");
    await api.call("GET", `/api/projects/v1/projects/${project.id}`);
    await api.call("GET", `/api/projects/v1/projects/${project.id}`);
    await api.call("GET", "/api/not/documented");
    await api.control("PUT", "/faults", { faultRate: 1 });
    await api.call("GET", `/api/projects/v1/projects/${project.id}`);
    const counts = await api.control("GET", "/requests");
    expect(counts.body).toEqual({
      total: 5,
      byRoute: {
        "POST /api/projects/beta/projects": 1,
        "GET /api/projects/v1/projects/{projectId}": 3,
        "GET /api/not/documented": 1,
      },
    });
    const cleared = await api.control("DELETE", "/requests");
    expect(cleared.body).toEqual({ total: 0, byRoute: {} });
    expect((await api.control("GET", "/requests")).body.total).toBe(0);
  });

  test("reset empties state, keeps seeded users and restores the startup faults", async () => {
    const { api } = env;
    await createProject(api, "alice");
    await api.control("PUT", "/faults", { latencyMs: 10 });
    expect((await api.control("POST", "/reset")).body).toEqual({ reset: true });
    const list = await api.call("GET", "/api/projects/beta/projects", { as: "alice" });
    expect(list.body.projects).toEqual([]);
    expect((await api.control("GET", "/faults")).body.latencyMs).toBe(0);
    expect((await api.control("GET", "/requests")).body.total).toBe(1);
  });
});

describe("faults from startup options", () => {
  test("faultRate and seed given to startEmulator apply from the first request and survive reset", async () => {
    const emulator = await startEmulator({ faultRate: 1, seed: 3, latencyMs: 0 });
    try {
      const api = apiFor(emulator);
      expect((await api.call("GET", "/api/users/v1/self")).status).toBeGreaterThanOrEqual(500);
      await api.control("POST", "/reset");
      expect((await api.control("GET", "/faults")).body).toMatchObject({ faultRate: 1, seed: 3 });
    } finally {
      await emulator.stop();
    }
  });

  test("rateLimit from startup options", async () => {
    const emulator = await startEmulator({ rateLimit: 1 });
    try {
      const api = apiFor(emulator);
      const results = await Promise.all([1, 2, 3].map(() => api.call("GET", "/api/users/v1/self")));
      expect(results.map((r) => r.status).sort()).toEqual([200, 429, 429]);
    } finally {
      await emulator.stop();
    }
  });
});
