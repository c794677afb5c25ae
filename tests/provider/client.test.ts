/** The request core: retry policy by method and status, deadlines, redirects, auth, paging. */
import * as http from "http";
import { AddressInfo } from "net";
import { DominoClient } from "../../provider/client/client";
import { DominoApiError, DominoNetworkError } from "../../provider/client/errors";
import { backoffDelay, parseRetryAfter, RequestCore, withSharedReads } from "../../provider/client/http";
import { collectPages, findInPages, paginate } from "../../provider/client/pagination";
import { ProjectV1 } from "../../provider/client/projects";
import { OperationScope, runInScope } from "../../provider/client/scope";
import { activeClient, configureFromValues } from "../../provider/config";
import { collectSettings, DominoSettings, parseSettings } from "../../provider/settings";
import { useEmulator } from "../helpers/emulator";

type Reply = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

interface ScriptedServer {
  url: string;
  /** Requests seen, as "METHOD /path?query". */
  seen: string[];
  /** Headers of each request. */
  headers: http.IncomingHttpHeaders[];
  close(): Promise<void>;
}

/** A tiny loopback server that answers the n-th request with `replies[n]` (the last reply repeats). */
async function scriptedServer(replies: Reply[], host = "127.0.0.1"): Promise<ScriptedServer> {
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
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
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

function settingsFor(url: string, overrides: Record<string, string> = {}): DominoSettings {
  const values: Record<string, string> = {
    "domino:host": url,
    "domino:apiKey": "test-key",
    "domino:retryBaseDelayMs": "1",
    "domino:retryMaxDelayMs": "2000",
    "domino:maxRetries": "5",
    "domino:requestTimeoutMs": "2000",
    ...overrides,
  };
  return parseSettings(collectSettings({ get: (k) => values[k] }, {}));
}

describe("request core against a scripted server", () => {
  const servers: ScriptedServer[] = [];
  async function serve(replies: Reply[], host?: string): Promise<ScriptedServer> {
    const s = await scriptedServer(replies, host);
    servers.push(s);
    return s;
  }
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  const get = (core: RequestCore) => core.call<{ ok: boolean }>({ operation: "read thing", method: "GET", path: "/api/thing" });
  const post = (core: RequestCore) => core.call<{ ok: boolean }>({ operation: "create thing", method: "POST", path: "/api/thing", body: {} });

  it("retries a GET on 408, 429, 500, 502, 503 and 504, then returns the answer", async () => {
    const s = await serve([json(408, {}), json(429, {}), json(500, {}), json(502, {}), json(503, {}), json(504, {}), json(200, { ok: true })]);
    const core = new RequestCore(settingsFor(s.url, { "domino:maxRetries": "6" }));
    await expect(get(core)).resolves.toEqual({ ok: true });
    expect(s.seen).toHaveLength(7);
  });

  it("retries PUT and DELETE like a GET", async () => {
    const s = await serve([json(500, {}), json(200, { ok: true }), json(503, {}), json(200, { ok: true })]);
    const core = new RequestCore(settingsFor(s.url));
    await core.call({ operation: "set thing", method: "PUT", path: "/api/thing", body: { a: 1 } });
    await core.call({ operation: "remove thing", method: "DELETE", path: "/api/thing" });
    expect(s.seen).toEqual(["PUT /api/thing", "PUT /api/thing", "DELETE /api/thing", "DELETE /api/thing"]);
  });

  it("honours Retry-After", async () => {
    const s = await serve([json(429, {}, { "Retry-After": "1" }), json(200, { ok: true })]);
    const core = new RequestCore(settingsFor(s.url));
    const started = Date.now();
    await get(core);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(parseRetryAfter("3")).toBe(3000);
    expect(parseRetryAfter(new Date(Date.now() + 2000).toUTCString())).toBeGreaterThan(500);
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(backoffDelay(3, { retryBaseDelayMs: 100, retryMaxDelayMs: 500 }, undefined, () => 0.999)).toBe(499);
    expect(backoffDelay(0, { retryBaseDelayMs: 100, retryMaxDelayMs: 500 }, 300, () => 0)).toBe(300);
    // Callers turned away together spread out by up to one base delay after what was asked.
    expect(backoffDelay(0, { retryBaseDelayMs: 100, retryMaxDelayMs: 500 }, 300, () => 0.5)).toBe(350);
    expect(backoffDelay(0, { retryBaseDelayMs: 100, retryMaxDelayMs: 500 }, 3000, () => 0.5)).toBe(500);
  });

  it("does not count 429 answers against the attempts: a sustained rate limit only slows a call down", async () => {
    // Ten 429s, then two 503s, then success: with maxRetries 2 (3 attempts) the 429s must not use them up.
    const s = await serve([...Array.from({ length: 10 }, () => json(429, {}, { "Retry-After": "0" })), json(503, {}), json(503, {}), json(200, { ok: true })]);
    const core = new RequestCore(settingsFor(s.url, { "domino:maxRetries": "2" }));
    await expect(get(core)).resolves.toEqual({ ok: true });
    expect(s.seen).toHaveLength(13);
    // Without the 429s the same three failures exhaust the attempts.
    const t = await serve([json(503, {}), json(503, {}), json(503, {}), json(200, { ok: true })]);
    await expect(get(new RequestCore(settingsFor(t.url, { "domino:maxRetries": "2" })))).rejects.toThrow(/gave up after 3 attempts/);
  });

  it("gives up after the configured retries, naming operation, status, Domino's message, attempts and time", async () => {
    const s = await serve([json(503, { errors: ["busy"] })]);
    const core = new RequestCore(settingsFor(s.url, { "domino:maxRetries": "2" }));
    const err = await get(core).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DominoApiError);
    expect((err as Error).message).toMatch(/^read thing failed: GET \/api\/thing answered HTTP 503: busy \(gave up after 3 attempts in \d+\.\d s\)$/);
    expect(s.seen).toHaveLength(3);
  });

  it("reads each of Domino's error body shapes, and never retries other 4xx", async () => {
    const s = await serve([
      json(400, { requestId: "r1", errors: ["name is taken", "try another"] }),
      json(400, { message: "bad body" }),
      json(404, { error: "no such thing" }),
      (_req, res) => {
        res.writeHead(401, { "Content-Type": "text/html" });
        res.end("<html>nope</html>");
      },
    ]);
    const core = new RequestCore(settingsFor(s.url));
    await expect(get(core)).rejects.toThrow("read thing failed: GET /api/thing answered HTTP 400: name is taken; try another (request id r1)");
    await expect(get(core)).rejects.toThrow("answered HTTP 400: bad body");
    await expect(get(core)).rejects.toMatchObject({ status: 404, dominoMessage: "no such thing" });
    await expect(get(core)).rejects.toThrow("answered HTTP 401: <html>nope</html>");
    expect(s.seen).toHaveLength(4);
  });

  it("retries a GET after a reset connection and after a timeout", async () => {
    const s = await serve([dropConnection, neverAnswer, json(200, { ok: true })]);
    const core = new RequestCore(settingsFor(s.url, { "domino:requestTimeoutMs": "200" }));
    await expect(get(core)).resolves.toEqual({ ok: true });
    expect(s.seen).toHaveLength(3);
  });

  it("names the host, the wait and the attempts when every attempt times out", async () => {
    const s = await serve([neverAnswer]);
    const core = new RequestCore(settingsFor(s.url, { "domino:requestTimeoutMs": "100", "domino:maxRetries": "1" }));
    const err = await get(core).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DominoNetworkError);
    expect((err as Error).message).toMatch(
      new RegExp(`^read thing failed: GET ${s.url}/api/thing got no answer \\(TIMEOUT\\): no answer within 0\\.1 s \\(gave up after 2 attempts in \\d\\.\\d s\\)$`),
    );
  });

  it("stops at the operation's deadline, whatever the retries left", async () => {
    const s = await serve([neverAnswer]);
    const core = new RequestCore(settingsFor(s.url, { "domino:requestTimeoutMs": "200", "domino:maxRetries": "20" }));
    const progress: string[] = [];
    const started = Date.now();
    const scope: OperationScope = { label: "read thing", startedAt: started, deadline: started + 700, progress: (m) => progress.push(m) };
    const err = await runInScope(scope, () => get(core)).catch((e: unknown) => e);
    const took = Date.now() - started;
    expect(err).toBeInstanceOf(DominoNetworkError);
    expect(took).toBeLessThan(1500);
    expect((err as DominoNetworkError).attempts).toBeGreaterThanOrEqual(2);
    // Each retry was said, so a slow operation is never silent.
    expect(progress[0]).toMatch(/^read thing \(GET \/api\/thing\) got TIMEOUT; retrying in \d\.\d s \(attempt 2 of 21\)$/);
  });

  it("does not repeat a POST that may have committed, and marks it so; repeats one turned away with 429", async () => {
    const s = await serve([dropConnection, json(500, {}), json(503, {}), json(400, { message: "bad" }), json(429, {}), json(200, { ok: true })]);
    const core = new RequestCore(settingsFor(s.url));
    await expect(post(core)).rejects.toMatchObject({ code: "ECONNRESET", maybeCommitted: true });
    await expect(post(core)).rejects.toMatchObject({ status: 500, maybeCommitted: true });
    await expect(post(core)).rejects.toMatchObject({ status: 503, maybeCommitted: true });
    // A 4xx is a definite answer: nothing was made.
    await expect(post(core)).rejects.toMatchObject({ status: 400, maybeCommitted: false });
    await expect(post(core)).resolves.toEqual({ ok: true });
    expect(s.seen).toHaveLength(6);
  });

  it("retries a POST whose connection was refused: it never reached the server", async () => {
    const s = await serve([json(200, { ok: true })]);
    const port = new URL(s.url).port;
    await s.close();
    const core = new RequestCore(settingsFor(`http://127.0.0.1:${port}`, { "domino:maxRetries": "2" }));
    const err = await post(core).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "ECONNREFUSED", maybeCommitted: false, attempts: 3 });
  });

  it("never follows a redirect, so the key never reaches another address", async () => {
    const other = await serve([json(200, { ok: true })], "127.0.0.3");
    const s = await serve([json(302, {}, { Location: `${other.url}/api/thing` }), json(307, {}, { Location: `${other.url}/api/thing` })], "127.0.0.2");
    const core = new RequestCore(settingsFor(s.url));
    await expect(get(core)).rejects.toThrow(`read thing failed: GET /api/thing answered HTTP 302: the server redirects to ${other.url}/api/thing, which is not followed`);
    await expect(post(core)).rejects.toThrow(/answered HTTP 307: the server redirects to/);
    expect(other.seen).toEqual([]);
  });

  it("sends the API key header, or a bearer token when configured", async () => {
    const s = await serve([json(200, { ok: true })]);
    await get(new RequestCore(settingsFor(s.url)));
    await get(new RequestCore(settingsFor(s.url, { "domino:authStyle": "bearer" })));
    expect(s.headers[0]["x-domino-api-key"]).toBe("test-key");
    expect(s.headers[0].authorization).toBeUndefined();
    expect(s.headers[1].authorization).toBe("Bearer test-key");
    expect(s.headers[1]["x-domino-api-key"]).toBeUndefined();
  });

  it("keeps a path prefix of the host", async () => {
    const s = await serve([json(200, { ok: true })]);
    await get(new RequestCore(settingsFor(`${s.url}/domino/`)));
    expect(s.seen).toEqual(["GET /domino/api/thing"]);
  });

  /** A reply after `ms`, so that requests overlap. */
  const slowly =
    (ms: number, reply: Reply): Reply =>
    (req, res, body) =>
      void setTimeout(() => reply(req, res, body), ms);

  it("inside withSharedReads, an identical GET in flight answers the call; each caller gets its own copy", async () => {
    const s = await serve([slowly(100, json(200, { items: [1] })), json(200, { items: [2] })]);
    const core = new RequestCore(settingsFor(s.url));
    const list = () => core.call<{ items: number[] }>({ operation: "list things", method: "GET", path: "/api/things" });
    const first = list();
    const [a, b] = await Promise.all([first, withSharedReads(list)]);
    expect(s.seen).toEqual(["GET /api/things"]);
    expect(core.requestsSent).toBe(1);
    expect(core.readsShared).toBe(1);
    expect(a).toEqual({ items: [1] });
    expect(b).toEqual(a);
    expect(b).not.toBe(a);
    // Once answered, nothing is in flight: the next call is sent.
    await expect(withSharedReads(list)).resolves.toEqual({ items: [2] });
    expect(s.seen).toHaveLength(2);
  });

  it("outside withSharedReads, and for other URLs or methods, every call is sent", async () => {
    const s = await serve([slowly(100, json(200, { ok: true }))]);
    const core = new RequestCore(settingsFor(s.url));
    const call = (method: "GET" | "PUT", path: string) => core.call({ operation: "thing", method, path, body: method === "PUT" ? {} : undefined });
    await Promise.all([
      call("GET", "/api/things"),
      // Not inside withSharedReads: a read that must follow what came before it.
      call("GET", "/api/things"),
      withSharedReads(() => call("GET", "/api/things?offset=1")),
      withSharedReads(() => call("PUT", "/api/things")),
      withSharedReads(() => call("PUT", "/api/things")),
    ]);
    expect(s.seen.sort()).toEqual(["GET /api/things", "GET /api/things", "GET /api/things?offset=1", "PUT /api/things", "PUT /api/things"]);
    expect(core.readsShared).toBe(0);
  });

  it("a shared GET that fails fails each caller, after its retries, with one set of requests", async () => {
    const s = await serve([slowly(50, json(500, { message: "down" }))]);
    const core = new RequestCore(settingsFor(s.url, { "domino:maxRetries": "2" }));
    const list = () => core.call({ operation: "list things", method: "GET", path: "/api/things" });
    const results = await Promise.allSettled([list(), withSharedReads(list)]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(s.seen).toHaveLength(3);
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
    const client = new DominoClient(settingsFor(s.url));
    expect((await collectPages(client.projects.listProjectsPage)).map((p) => p.id)).toEqual(["p0", "p1", "p2", "p3", "p4"]);
    expect(s.seen).toEqual([
      "GET /api/projects/beta/projects?offset=0&limit=999",
      "GET /api/projects/beta/projects?offset=2&limit=999",
      "GET /api/projects/beta/projects?offset=4&limit=999",
    ]);
    s.seen.length = 0;
    expect((await findInPages(client.projects.listProjectsPage, (p) => p.id === "p2"))?.name).toBe("n2");
    expect(s.seen).toHaveLength(2);
  });

  it("accepts project list items wrapped as {project}", async () => {
    const s = await serve([json(200, { projects: [{ project: { id: "p1", name: "a" } }, { id: "p2", name: "b" }], metadata: { offset: 0, limit: 999 } })]);
    const client = new DominoClient(settingsFor(s.url));
    expect((await collectPages(client.projects.listProjectsPage)).map((p) => p.id)).toEqual(["p1", "p2"]);
  });
});

describe("connection check", () => {
  const servers: ScriptedServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it("names the refused key, the host and the fix", async () => {
    const s = await scriptedServer([json(401, { message: "Invalid API key" })]);
    servers.push(s);
    const client = new DominoClient(settingsFor(s.url));
    await expect(client.verifyConnection()).rejects.toThrow(
      `domino:apiKey was refused by ${s.url} (HTTP 401: Invalid API key); check the key, or set domino:authStyle bearer if it is an access token`,
    );
  });

  it("gives up on a host that never answers within its own short bound", async () => {
    const s = await scriptedServer([neverAnswer]);
    servers.push(s);
    const client = new DominoClient(settingsFor(s.url, { "domino:requestTimeoutMs": "30000" }));
    const started = Date.now();
    const err = await client.verifyConnection().catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(9_000);
    expect((err as Error).message).toMatch(new RegExp(`^${s.url} did not answer within 8 s \\(3 attempts; last: no answer within 2\\.0 s\\); check domino:host`));
  }, 20_000);

  it("rides out a gateway's 5xx blip within its bound, and says a failing host is failing", async () => {
    const blip = await scriptedServer([json(503, {}), json(502, {}), json(503, {}), json(200, { user: { id: "u1", userName: "alice" } })]);
    servers.push(blip);
    await expect(new DominoClient(settingsFor(blip.url)).verifyConnection()).resolves.toBeUndefined();
    expect(blip.seen).toHaveLength(4);

    const down = await scriptedServer([json(503, { message: "upstream unavailable" })]);
    servers.push(down);
    const err = await new DominoClient(settingsFor(down.url)).verifyConnection().catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      `${down.url} is failing (HTTP 503 from GET /api/users/v1/self: upstream unavailable; 6 attempts); Domino or a gateway in front of it is down or restarting: retry later`,
    );
    expect(down.seen).toHaveLength(6);
  });

  it("says a refused connection was refused, naming the host and the fix", async () => {
    // A port that was just free: nothing listens on it.
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const host = `http://127.0.0.1:${port}`;
    const err = await new DominoClient(settingsFor(host)).verifyConnection().catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      `${host} refused the connection (3 attempts; connect ECONNREFUSED 127.0.0.1:${port}); check domino:host, its port included, and that Domino is running`,
    );
  });

  it("names a redirect instead of following it", async () => {
    const s = await scriptedServer([(_req, res) => (res.writeHead(302, { Location: "https://sso.example.com/login" }), res.end())]);
    servers.push(s);
    const err = await new DominoClient(settingsFor(s.url)).verifyConnection().catch((e: unknown) => e);
    expect((err as Error).message).toMatch(
      new RegExp(`^${s.url} answered HTTP 302 to GET /api/users/v1/self: the server redirects to https://sso\\.example\\.com/login, which is not followed`),
    );
    expect(s.seen).toEqual(["GET /api/users/v1/self"]);
  });

  it("on Domino 5.3, proves the key with a one-item project list", async () => {
    const s = await scriptedServer([json(404, { error: "Not Found" }), json(200, { projects: [], metadata: {} })]);
    servers.push(s);
    const client = new DominoClient(settingsFor(s.url));
    await client.verifyConnection();
    expect(await client.capabilities()).toMatchObject({ surface: "5.3" });
    expect(s.seen).toEqual(["GET /api/users/v1/self", "GET /api/projects/beta/projects?offset=0&limit=1"]);
  });
});

describe("client against the emulator", () => {
  const env = useEmulator({ dominoVersion: "6.3" });

  it("surfaces Domino's message with the operation and status", async () => {
    const client = await activeClient();
    await expect(client.projects.getProject("65f0b00000000000000000ff")).rejects.toThrow(
      /^read project failed: GET \/api\/projects\/v1\/projects\/65f0b00000000000000000ff answered HTTP 404: .+/,
    );
    const err = await client.projects.getProject("nope").catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, operation: "read project" });
    expect((err as Error).message).toMatch(/answered HTTP 400: .*nope.*valid ID/);
  });

  it("pages across pages of the real list", async () => {
    const client = await activeClient();
    for (const name of ["a", "b", "c", "d", "e"]) await client.projects.createProject({ name, description: "", visibility: "Private" });
    await env.resetRequestCounts();
    const names: string[] = [];
    for await (const p of paginate<ProjectV1>(client.projects.listProjectsPage, 2)) names.push(p.name);
    expect(names.sort()).toEqual(["a", "b", "c", "d", "e"]);
    expect((await env.requestCounts()).byRoute).toEqual({ "GET /api/projects/beta/projects": 3 });
  });

  it("waits out the emulator's rate limit as Retry-After says", async () => {
    // The fixture caps backoff at 50 ms; a server's Retry-After is honoured up to this cap.
    configureFromValues({ get: (k) => (k === "domino:retryMaxDelayMs" ? "2000" : undefined) });
    const client = await activeClient();
    await env.api("PUT", "/__emulator/faults", { rateLimit: 1, retryAfterSeconds: 1 });
    await env.resetRequestCounts();
    // The create takes the one request a second allows; the read right after is turned away once.
    const project = await client.projects.createProject({ name: "limited", description: "", visibility: "Private" });
    const started = Date.now();
    await expect(client.projects.getProject(project.id)).resolves.toMatchObject({ name: "limited" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    await env.api("PUT", "/__emulator/faults", { rateLimit: 0 });
    expect((await env.requestCounts()).byRoute).toEqual({
      "POST /api/projects/beta/projects": 1,
      "GET /api/projects/v1/projects/{projectId}": 2,
    });
  });
});
