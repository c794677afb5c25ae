import * as http from "http";
import { AddressInfo } from "net";
import { resetCapabilities } from "../../provider/client/capabilities";
import { DominoApiError, DominoNetworkError } from "../../provider/client/errors";
import { backoffDelay, call, parseRetryAfter } from "../../provider/client/http";
import { collectPages, findInPages, paginate } from "../../provider/client/pagination";
import { createProject, getProject, listProjectsPage, ProjectV1 } from "../../provider/client/projects";
import { DominoConfigError, resetConfiguration, resolveSettings } from "../../provider/config";
import { provider as projectProvider } from "../../provider/resources/project";
import { useEmulator } from "../helpers/emulator";

const ENV_KEYS = [
  "DOMINO_API_HOST",
  "DOMINO_USER_API_KEY",
  "DOMINO_API_KEY",
  "DOMINO_AUTH_STYLE",
  "DOMINO_REQUEST_TIMEOUT_MS",
  "DOMINO_MAX_RETRIES",
  "DOMINO_RETRY_BASE_DELAY_MS",
  "DOMINO_RETRY_MAX_DELAY_MS",
];

/** Saves the settings environment before each test and puts it back after. */
function isolateEnvironment(): void {
  const saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    for (const k of ENV_KEYS) saved[k] = process.env[k];
    resetConfiguration();
    resetCapabilities();
  });
  afterEach(() => {
    for (const k of ENV_KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });
}

type Reply = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

interface ScriptedServer {
  url: string;
  /** Requests seen, as "METHOD /path?query". */
  seen: string[];
  /** Headers of each request. */
  headers: http.IncomingHttpHeaders[];
  close(): Promise<void>;
}

/** A tiny server that answers the n-th request with `replies[n]` (the last reply repeats). */
async function scriptedServer(replies: Reply[]): Promise<ScriptedServer> {
  const seen: string[] = [];
  const headers: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const n = seen.length;
      seen.push(`${req.method} ${req.url}`);
      headers.push(req.headers);
      replies[Math.min(n, replies.length - 1)](req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    headers,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const json =
  (status: number, body: unknown, extraHeaders: Record<string, string> = {}): Reply =>
  (_req, res) => {
    res.writeHead(status, { "Content-Type": "application/json", ...extraHeaders });
    res.end(JSON.stringify(body));
  };

const dropConnection: Reply = (req) => req.socket.destroy();
const neverAnswer: Reply = () => undefined;

describe("client against a scripted server", () => {
  isolateEnvironment();
  let server: ScriptedServer | undefined;

  async function serve(replies: Reply[]): Promise<ScriptedServer> {
    server = await scriptedServer(replies);
    process.env.DOMINO_API_HOST = server.url;
    process.env.DOMINO_USER_API_KEY = "test-key";
    delete process.env.DOMINO_AUTH_STYLE;
    process.env.DOMINO_RETRY_BASE_DELAY_MS = "1";
    process.env.DOMINO_RETRY_MAX_DELAY_MS = "2000";
    process.env.DOMINO_MAX_RETRIES = "5";
    process.env.DOMINO_REQUEST_TIMEOUT_MS = "2000";
    return server;
  }

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const get = () => call<{ ok: boolean }>({ operation: "read thing", method: "GET", path: "/api/thing" });

  it("retries 429, 502, 503 and 504, then returns the answer", async () => {
    const s = await serve([json(429, {}), json(502, {}), json(503, {}), json(504, {}), json(200, { ok: true })]);
    await expect(get()).resolves.toEqual({ ok: true });
    expect(s.seen).toEqual(Array(5).fill("GET /api/thing"));
  });

  it("honours Retry-After", async () => {
    const s = await serve([json(429, { message: "slow down" }, { "Retry-After": "1" }), json(200, { ok: true })]);
    const started = Date.now();
    await expect(get()).resolves.toEqual({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(s.seen).toHaveLength(2);
    expect(parseRetryAfter("2")).toBe(2000);
    expect(parseRetryAfter(new Date(Date.now() + 3000).toUTCString(), Date.now())).toBeGreaterThan(1000);
    const settings = { ...resolveSettings(), retryBaseDelayMs: 10, retryMaxDelayMs: 5000 };
    expect(backoffDelay(0, settings, 1500, () => 0)).toBe(1500);
    expect(backoffDelay(0, settings, 60_000, () => 0)).toBe(5000);
  });

  it("gives up after the configured retries with an error naming operation, status and Domino's message", async () => {
    const s = await serve([json(503, { requestId: "r-9", errors: ["maintenance"] })]);
    process.env.DOMINO_MAX_RETRIES = "2";
    const err = await get().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DominoApiError);
    expect((err as Error).message).toBe("read thing failed: GET /api/thing answered HTTP 503: maintenance (request id r-9)");
    expect(s.seen).toHaveLength(3);
  });

  it("reads each of Domino's error body shapes, and does not retry other errors", async () => {
    for (const [body, message] of [
      [{ requestId: "r-1", errors: ["a is not a valid ID", "second"] }, "HTTP 400: a is not a valid ID; second (request id r-1)"],
      [{ message: "name: must not be null" }, "HTTP 400: name: must not be null"],
      [{ error: "Project not found" }, "HTTP 400: Project not found"],
    ] as const) {
      const s = await serve([json(400, body)]);
      await expect(get()).rejects.toThrow(`read thing failed: GET /api/thing answered ${message}`);
      expect(s.seen).toHaveLength(1);
      await s.close();
    }
    const s = await serve([json(500, { error: "boom" })]);
    await expect(get()).rejects.toThrow("answered HTTP 500: boom");
    expect(s.seen).toHaveLength(1);
  });

  it("retries a reset connection and a timeout", async () => {
    const s = await serve([dropConnection, neverAnswer, json(200, { ok: true })]);
    process.env.DOMINO_REQUEST_TIMEOUT_MS = "150";
    await expect(get()).resolves.toEqual({ ok: true });
    expect(s.seen).toHaveLength(3);
  });

  it("names the timeout when every attempt times out", async () => {
    await serve([neverAnswer]);
    process.env.DOMINO_REQUEST_TIMEOUT_MS = "50";
    process.env.DOMINO_MAX_RETRIES = "1";
    const err = await get().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DominoNetworkError);
    expect((err as Error).message).toBe("read thing failed: GET /api/thing got no answer (TIMEOUT): no answer within 50 ms");
  });

  it("retries a create whose answer was lost only after finding nothing", async () => {
    const s = await serve([dropConnection, json(200, { project: { id: "p1" } })]);
    const findExisting = jest.fn(async () => undefined);
    await expect(createProject({ name: "p", description: "", visibility: "Private" }, findExisting)).resolves.toEqual({ id: "p1" });
    expect(findExisting).toHaveBeenCalledTimes(1);
    expect(s.seen).toEqual(["POST /api/projects/beta/projects", "POST /api/projects/beta/projects"]);
  });

  it("does not repeat an ambiguous create it cannot look for, but does repeat one turned away with 429", async () => {
    const s = await serve([dropConnection, json(429, {}), json(200, { ok: true })]);
    const post = () => call({ operation: "create thing", method: "POST", path: "/api/thing", body: {} });
    await expect(post()).rejects.toThrow(/^create thing failed: POST \/api\/thing got no answer/);
    expect(s.seen).toHaveLength(1);
    await expect(post()).resolves.toEqual({ ok: true });
    expect(s.seen).toHaveLength(3);
  });

  it("sends the API key header, or a bearer token when configured", async () => {
    const s = await serve([json(200, { ok: true })]);
    await get();
    process.env.DOMINO_AUTH_STYLE = "bearer";
    await get();
    expect(s.headers[0]["x-domino-api-key"]).toBe("test-key");
    expect(s.headers[0].authorization).toBeUndefined();
    expect(s.headers[1].authorization).toBe("Bearer test-key");
    expect(s.headers[1]["x-domino-api-key"]).toBeUndefined();
  });

  it("pages until a short page, using the limit the server says it used", async () => {
    const all = Array.from({ length: 5 }, (_, i) => ({ id: `p${i}`, name: `n${i}` }));
    // The server caps pages at 2, whatever was asked.
    const s = await serve([
      (req, res) => {
        const url = new URL(req.url ?? "", "http://x");
        const offset = Number(url.searchParams.get("offset"));
        json(200, { projects: all.slice(offset, offset + 2), metadata: { offset, limit: 2, totalCount: 5 } })(req, res, "");
      },
    ]);
    expect((await collectPages(listProjectsPage)).map((p) => p.id)).toEqual(["p0", "p1", "p2", "p3", "p4"]);
    expect(s.seen).toEqual([
      "GET /api/projects/beta/projects?offset=0&limit=999",
      "GET /api/projects/beta/projects?offset=2&limit=999",
      "GET /api/projects/beta/projects?offset=4&limit=999",
    ]);
    s.seen.length = 0;
    expect((await findInPages(listProjectsPage, (p) => p.id === "p2"))?.name).toBe("n2");
    expect(s.seen).toHaveLength(2);
  });

  it("accepts project list items wrapped as {project}", async () => {
    await serve([json(200, { projects: [{ project: { id: "p1", name: "a" } }, { id: "p2", name: "b" }], metadata: { offset: 0, limit: 999 } })]);
    expect((await collectPages(listProjectsPage)).map((p) => p.id)).toEqual(["p1", "p2"]);
  });
});

describe("missing settings", () => {
  isolateEnvironment();

  it("says how to set the host and the key", async () => {
    delete process.env.DOMINO_API_HOST;
    process.env.DOMINO_USER_API_KEY = "k";
    const noHost = await getProject("65f0b0000000000000000001").catch((e: unknown) => e);
    expect(noHost).toBeInstanceOf(DominoConfigError);
    expect((noHost as Error).message).toMatch(/domino:host.*DOMINO_API_HOST/);

    process.env.DOMINO_API_HOST = "https://domino.example.com";
    delete process.env.DOMINO_USER_API_KEY;
    delete process.env.DOMINO_API_KEY;
    await expect(projectProvider.read("65f0b0000000000000000001", {})).rejects.toThrow(/domino:apiKey.*DOMINO_USER_API_KEY/);

    process.env.DOMINO_USER_API_KEY = "k";
    process.env.DOMINO_MAX_RETRIES = "many";
    await expect(getProject("65f0b0000000000000000001")).rejects.toThrow('environment variable DOMINO_MAX_RETRIES must be an integer >= 0, got "many"');
  });
});

describe("client against the emulator", () => {
  const env = useEmulator({ dominoVersion: "6.3" });

  const listProjects = async () => (await env.api<{ projects: ProjectV1[] }>("GET", "/api/projects/beta/projects?limit=999")).body.projects;

  it("never duplicates a create whose answer was dropped after it was committed", async () => {
    const body = { name: "dropped", description: "", visibility: "Private" };
    const findExisting = jest.fn(async () => (await listProjects()).find((p) => p.name === "dropped"));
    await env.api("PUT", "/__emulator/faults", { dropResponseRate: 1 });
    await env.resetRequestCounts();
    const project = await createProject(body, findExisting);
    await env.api("PUT", "/__emulator/faults", { dropResponseRate: 0 });
    expect(findExisting).toHaveBeenCalledTimes(1);
    // One POST, then the lookup (made here through the test's own list call): no second POST.
    expect((await env.requestCounts()).byRoute).toEqual({ "POST /api/projects/beta/projects": 1, "GET /api/projects/beta/projects": 1 });
    expect((await listProjects()).filter((p) => p.name === "dropped").map((p) => p.id)).toEqual([project.id]);
  });

  it("surfaces Domino's message with the operation and status", async () => {
    await expect(getProject("65f0b00000000000000000ff")).rejects.toThrow(
      /^read project failed: GET \/api\/projects\/v1\/projects\/65f0b00000000000000000ff answered HTTP 404: .+/,
    );
    const err = await getProject("nope").catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, operation: "read project" });
    expect((err as Error).message).toMatch(/answered HTTP 400: .*nope.*valid ID/);
  });

  it("pages across pages of the real list", async () => {
    for (const name of ["a", "b", "c", "d", "e"]) await createProject({ name, description: "", visibility: "Private" });
    await env.resetRequestCounts();
    const names: string[] = [];
    for await (const p of paginate(listProjectsPage, 2)) names.push(p.name);
    expect(names.sort()).toEqual(["a", "b", "c", "d", "e"]);
    expect((await env.requestCounts()).byRoute).toEqual({ "GET /api/projects/beta/projects": 3 });
  });

  it("waits out the emulator's rate limit as Retry-After says", async () => {
    const savedMax = process.env.DOMINO_RETRY_MAX_DELAY_MS;
    process.env.DOMINO_RETRY_MAX_DELAY_MS = "2000";
    try {
      await env.api("PUT", "/__emulator/faults", { rateLimit: 1, retryAfterSeconds: 1 });
      await env.resetRequestCounts();
      const project = await createProject({ name: "limited", description: "", visibility: "Private" });
      const started = Date.now();
      await expect(getProject(project.id)).resolves.toMatchObject({ name: "limited" });
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      await env.api("PUT", "/__emulator/faults", { rateLimit: 0 });
      expect((await env.requestCounts()).byRoute).toEqual({
        "POST /api/projects/beta/projects": 1,
        "GET /api/projects/v1/projects/{projectId}": 2,
      });
    } finally {
      process.env.DOMINO_RETRY_MAX_DELAY_MS = savedMax;
    }
  });
});
