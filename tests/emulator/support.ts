/** Shared helpers for the emulator tests: a started emulator and a small JSON client. */
import { EmulatorOptions, RunningEmulator, startEmulator } from "../../emulator";

export type Caller = "admin" | "alice" | "bob" | null;

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface CallOptions {
  body?: unknown;
  /** Whose key to send; null sends none. Default admin. */
  as?: Caller;
  /** Send the key as Authorization: Bearer instead of X-Domino-Api-Key. */
  bearer?: boolean;
  headers?: Record<string, string>;
  rawBody?: string;
}

export interface Api {
  readonly emulator: RunningEmulator;
  readonly url: string;
  call<T = any>(method: string, path: string, options?: CallOptions): Promise<ApiResponse<T>>;
  /** Every call that answered 2xx, for coverage checks. */
  readonly successes: Array<{ method: string; path: string }>;
  control<T = any>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>>;
}

export function apiFor(emulator: RunningEmulator): Api {
  const successes: Array<{ method: string; path: string }> = [];
  const api: Api = {
    emulator,
    url: emulator.url,
    successes,
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      const who = options.as === undefined ? "admin" : options.as;
      if (who) {
        const key = emulator.users[who].apiKey;
        if (options.bearer) headers.Authorization = `Bearer ${key}`;
        else headers["X-Domino-Api-Key"] = key;
      }
      let payload: string | undefined = options.rawBody;
      if (options.body !== undefined) payload = JSON.stringify(options.body);
      if (payload !== undefined && !headers["Content-Type"]) headers["Content-Type"] = "application/json";
      const res = await fetch(emulator.url + path, { method, headers, body: payload });
      const text = await res.text();
      let body: unknown = undefined;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      if (res.status >= 200 && res.status < 300) successes.push({ method, path: path.split("?")[0] });
      return { status: res.status, body, headers: res.headers } as ApiResponse;
    },
    async control(method, path, body) {
      const res = await fetch(`${emulator.url}/__emulator${path}`, {
        method,
        headers: body !== undefined ? { "Content-Type": "application/json" } : {},
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers } as ApiResponse;
    },
  };
  return api;
}

/** Starts one emulator for the enclosing describe block (fast builds and snapshots). */
export function useEmulator(options: EmulatorOptions = {}): { readonly api: Api } {
  let emulator: RunningEmulator | undefined;
  let api: Api | undefined;
  beforeAll(async () => {
    emulator = await startEmulator({ buildDurationMs: 60, snapshotDurationMs: 40, ...options });
    api = apiFor(emulator);
  });
  afterAll(async () => {
    await emulator?.stop();
  });
  return {
    get api() {
      if (!api) throw new Error("emulator not started");
      return api;
    },
  };
}

export const UNKNOWN_ID = "0123456789abcdef01234567";

/**
 * An object the caller may not see answers exactly like an unknown id: 404 and the same
 * FailureEnvelopeV1 text, so nothing tells the two apart.
 */
export function expectHidden(res: ApiResponse, kind: "Project" | "Dataset" | "Snapshot" | "Environment" | "Organization", id: string): void {
  expect({ status: res.status, body: res.body }).toEqual({
    status: 404,
    body: { requestId: expect.any(String), errors: [`${kind} ${id} not found`] },
  });
}

/** A visible object the caller may not change: 403 naming the missing permission. */
export function expectForbidden(res: ApiResponse, permission: string): void {
  expect({ status: res.status, body: res.body }).toEqual({
    status: 403,
    body: { requestId: expect.any(String), errors: [expect.stringContaining(`does not have permission ${permission}`)] },
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `check` returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(20);
  }
}

let counter = 0;
/** A project name unique within the test run (no whitespace, as Domino requires). */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}

export async function createProject(api: Api, as: Caller = "alice", extra: Record<string, unknown> = {}) {
  const res = await api.call("POST", "/api/projects/beta/projects", {
    as,
    body: { name: uniqueName("proj"), description: "test project", visibility: "Private", ...extra },
  });
  if (res.status !== 200) throw new Error(`project create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.project as { id: string; name: string; ownerId: string; [key: string]: unknown };
}
