/**
 * Test fixture: an in-process emulator with the provider pointed at it.
 *
 *     const env = useEmulator();            // in a describe block
 *     await env.api("POST", "/api/...", body)  // out-of-band calls, as admin by default
 */
import { EmulatorOptions, RunningEmulator, startEmulator } from "../../emulator";
import type { FailRule, FaultMatch, FaultRule } from "../../emulator";
import { configureFromValues } from "../../provider/config";

export interface EmulatorFixture {
  readonly emulator: RunningEmulator;
  readonly url: string;
  /** A raw API call, outside the provider: for setting up and for out-of-band changes. */
  api<T = Record<string, unknown>>(method: string, path: string, body?: unknown, apiKey?: string): Promise<{ status: number; body: T }>;
  /** Number of Domino API requests since the last `resetRequestCounts`, by "METHOD /path/template". */
  requestCounts(): Promise<{ total: number; byRoute: Record<string, number> }>;
  resetRequestCounts(): Promise<void>;
  /** Points the provider at another user's key. */
  actAs(user: "admin" | "alice" | "bob"): void;
  /**
   * Deterministic faults (docs/emulator.md, "Fault rules"): the next `count` (default 1)
   * requests matching `method` and `route` (the template spelled as in `requestCounts`, or
   * "*") answer `status`. `when: "before"` (default) fails them before the operation runs,
   * `when: "after"` runs and commits the operation first. Rules are cleared before each test.
   *
   *     await env.failNext({ method: "POST", route: "/api/projects/v1/projects/{projectId}/goals", status: 503 });
   */
  failNext(rule: FailRule): Promise<FaultRule>;
  /** The next matching requests lose their connection without an answer (`when: "after"`: once committed). */
  dropNext(rule?: FaultMatch): Promise<FaultRule>;
  /** The next matching requests are never answered, for timeout tests (`when: "after"`: once committed). */
  hangNext(rule?: FaultMatch): Promise<FaultRule>;
  /** Rules still queued (a rule leaves the queue once it has taken `count` requests). */
  faultRules(): Promise<FaultRule[]>;
  clearFaultRules(): Promise<void>;
}

/** A control-API call that must succeed; the emulator's 400 message says what was wrong with a rule. */
async function control<T>(url: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${url}/__emulator${path}`, {
    method,
    headers: body !== undefined ? { "Content-Type": "application/json" } : {},
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} /__emulator${path} answered ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

const SAVED_ENV = ["DOMINO_API_HOST", "DOMINO_USER_API_KEY", "DOMINO_RETRY_BASE_DELAY_MS", "DOMINO_RETRY_MAX_DELAY_MS", "DOMINO_AUTH_STYLE"];

/** Starts one emulator for the enclosing describe block; state is reset before each test. */
export function useEmulator(options: EmulatorOptions = {}): EmulatorFixture {
  let running: RunningEmulator | undefined;
  const saved: Record<string, string | undefined> = {};

  const fixture: EmulatorFixture = {
    get emulator() {
      if (!running) throw new Error("emulator not started");
      return running;
    },
    get url() {
      return fixture.emulator.url;
    },
    async api<T>(method: string, path: string, body?: unknown, apiKey?: string) {
      const res = await fetch(fixture.url + path, {
        method,
        headers: {
          "X-Domino-Api-Key": apiKey ?? fixture.emulator.users.admin.apiKey,
          ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
    },
    async requestCounts() {
      const res = await fetch(`${fixture.url}/__emulator/requests`);
      return (await res.json()) as { total: number; byRoute: Record<string, number> };
    },
    async resetRequestCounts() {
      await fetch(`${fixture.url}/__emulator/requests`, { method: "DELETE" });
    },
    failNext(rule) {
      return control<FaultRule>(fixture.url, "POST", "/faults/rules", { ...rule, action: "fail" });
    },
    dropNext(rule = {}) {
      return control<FaultRule>(fixture.url, "POST", "/faults/rules", { ...rule, action: "drop" });
    },
    hangNext(rule = {}) {
      return control<FaultRule>(fixture.url, "POST", "/faults/rules", { ...rule, action: "hang" });
    },
    async faultRules() {
      return (await control<{ rules: FaultRule[] }>(fixture.url, "GET", "/faults/rules")).rules;
    },
    async clearFaultRules() {
      await control(fixture.url, "DELETE", "/faults/rules");
    },
    actAs(user) {
      connectAs(fixture.emulator.users[user].apiKey);
    },
  };

  beforeAll(async () => {
    for (const k of SAVED_ENV) saved[k] = process.env[k];
    running = await startEmulator({ buildDurationMs: 200, snapshotDurationMs: 100, ...options });
    process.env.DOMINO_API_HOST = running.url;
    process.env.DOMINO_USER_API_KEY = running.users.admin.apiKey;
    // Keep retry backoff short in tests; the retry logic itself is tested separately.
    process.env.DOMINO_RETRY_BASE_DELAY_MS = "5";
    process.env.DOMINO_RETRY_MAX_DELAY_MS = "50";
    delete process.env.DOMINO_AUTH_STYLE;
  });

  // A new client per test (and per user): nothing learnt about the server carries over.
  const connectAs = (apiKey: string) => {
    process.env.DOMINO_USER_API_KEY = apiKey;
    configureFromValues({ get: () => undefined });
  };

  beforeEach(async () => {
    connectAs(fixture.emulator.users.admin.apiKey);
    await fetch(`${fixture.url}/__emulator/reset`, { method: "POST" });
    await fetch(`${fixture.url}/__emulator/faults`, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ latencyMs: 0, faultRate: 0, rateLimit: 0, dropResponseRate: 0 }),
    });
  });

  afterAll(async () => {
    await running?.stop();
    for (const k of SAVED_ENV) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  return fixture;
}
