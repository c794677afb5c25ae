/**
 * The one request core: every call to Domino goes through `call`.
 *
 * It adds authentication, a per-attempt timeout and keep-alive connections; retries
 * transient failures (429, 502, 503, 504, connection resets, timeouts) with
 * exponential backoff and full jitter, honouring `Retry-After`; and turns failures
 * into `DominoApiError` / `DominoNetworkError` that name the operation.
 *
 * Creates are not idempotent in Domino's API. A create whose answer was lost may
 * have been committed, so it is retried only after `findExisting` has looked for
 * the object and not found it: a retried create never makes a duplicate.
 */
import * as http from "http";
import * as https from "https";
import fetch, { FetchError, Response } from "node-fetch";
import { DominoSettings, resolveSettings } from "../config";
import { DominoApiError, DominoNetworkError, HttpMethod, parseErrorBody } from "./errors";

export type QueryValue = string | number | boolean | readonly string[] | undefined;

/**
 * How a failed attempt may be retried.
 * - "safe": the request can be repeated without harm (reads, PUT, PATCH, DELETE, and POSTs
 *   whose repetition the caller handles).
 * - "create": a POST that makes a new object. Answers that prove nothing was done (429,
 *   connection refused) are retried; after an ambiguous failure `findExisting` runs first.
 */
export type RetryMode = "safe" | "create";

export interface CallOptions<T> {
  /** What the user would call this step, e.g. "create project". Used in error messages. */
  operation: string;
  method: HttpMethod;
  /** Path below the host, with path parameters already encoded. */
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  retry?: RetryMode;
  /**
   * For creates: the object a lost attempt may have committed, or undefined when there is
   * none. It throws when it cannot tell (no way to list such objects, say): the create
   * then fails with the original error rather than risk a duplicate.
   */
  findExisting?: () => Promise<T | undefined>;
}

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

let agents: { http: http.Agent; https: https.Agent } | undefined;
function agentFor(url: URL): http.Agent {
  agents ??= {
    http: new http.Agent({ keepAlive: true, maxSockets: 16 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 16 }),
  };
  return url.protocol === "http:" ? agents.http : agents.https;
}

export function buildUrl(host: string, path: string, query?: Record<string, QueryValue>): URL {
  const url = new URL(host + path);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      // Domino's array parameters are form-exploded: the key repeats.
      for (const v of value) url.searchParams.append(key, v);
    } else {
      url.searchParams.set(key, String(value));
    }
  }
  return url;
}

/**
 * Adapts a finder of bare objects to a create whose answer carries the object under
 * `key` (`{ org: {...}, metadata }`), for `CallOptions.findExisting`.
 */
export function inEnvelope<K extends string, T>(
  key: K,
  find: (() => Promise<T | undefined>) | undefined,
): (() => Promise<Record<K, T> | undefined>) | undefined {
  if (!find) return undefined;
  return async () => {
    const found = await find();
    return found === undefined ? undefined : ({ [key]: found } as Record<K, T>);
  };
}

/** Encodes one path segment (ids, tag names). */
export function seg(value: string): string {
  return encodeURIComponent(value);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Seconds or an HTTP date, as RFC 9110 allows; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  if (!Number.isNaN(date)) return Math.max(0, date - now);
  return undefined;
}

/** Delay before retry number `attempt` (0-based): full jitter, at least what the server asked for. */
export function backoffDelay(attempt: number, settings: DominoSettings, retryAfterMs?: number, random = Math.random): number {
  const exp = Math.min(settings.retryMaxDelayMs, settings.retryBaseDelayMs * 2 ** attempt);
  const jittered = Math.floor(random() * exp);
  if (retryAfterMs !== undefined) return Math.min(settings.retryMaxDelayMs, Math.max(retryAfterMs, jittered));
  return jittered;
}

function debug(line: string): void {
  if (process.env.DOMINO_DEBUG) process.stderr.write(`domino: ${line}\n`);
}

type Attempt =
  | { kind: "ok"; response: Response; text: string }
  | { kind: "network"; code: string; detail: string; maybeCommitted: boolean };

async function attempt(url: URL, method: HttpMethod, body: unknown, settings: DominoSettings): Promise<Attempt> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (settings.authStyle === "bearer") headers.Authorization = `Bearer ${settings.apiKey}`;
  else headers["X-Domino-Api-Key"] = settings.apiKey;
  let payload: string | undefined;
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), settings.requestTimeoutMs);
  const started = Date.now();
  try {
    const response = await fetch(url.toString(), {
      method,
      headers,
      body: payload,
      agent: agentFor(url),
      // node-fetch types predate the global AbortSignal; they are compatible at run time.
      signal: controller.signal as unknown as import("node-fetch").RequestInit["signal"],
    });
    const text = await response.text();
    debug(`${method} ${url.pathname}${url.search} -> ${response.status} (${Date.now() - started} ms)`);
    return { kind: "ok", response, text };
  } catch (err) {
    const aborted = controller.signal.aborted;
    const code = aborted ? "TIMEOUT" : (err as FetchError).code ?? (err as Error).name ?? "ERROR";
    const detail = aborted ? `no answer within ${settings.requestTimeoutMs} ms` : (err as Error).message;
    debug(`${method} ${url.pathname}${url.search} -> ${code} (${Date.now() - started} ms)`);
    // A refused connection never reached the server; anything else may have.
    return { kind: "network", code, detail, maybeCommitted: code !== "ECONNREFUSED" };
  } finally {
    clearTimeout(timer);
  }
}

function parseBody<T>(text: string): T {
  if (text.trim() === "") return {} as T;
  return JSON.parse(text) as T;
}

/** Sends one API call, retrying transient failures. Resolves to the parsed JSON body. */
export async function call<T>(opts: CallOptions<T>): Promise<T> {
  const settings = resolveSettings();
  const url = buildUrl(settings.host, opts.path, opts.query);
  const mode: RetryMode = opts.retry ?? (opts.method === "POST" ? "create" : "safe");

  for (let n = 0; ; n++) {
    const result = await attempt(url, opts.method, opts.body, settings);
    let retryAfterMs: number | undefined;
    let ambiguous: boolean;
    let failure: Error;

    if (result.kind === "ok") {
      const { response, text } = result;
      if (response.ok) return parseBody<T>(text);
      const parsed = parseErrorBody(text);
      failure = new DominoApiError({
        operation: opts.operation,
        method: opts.method,
        path: opts.path,
        status: response.status,
        dominoMessage: parsed.message,
        requestId: parsed.requestId,
      });
      if (!RETRYABLE_STATUS.has(response.status)) throw failure;
      retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
      // 429 means the server turned the request away before doing anything.
      ambiguous = response.status !== 429;
    } else {
      failure = new DominoNetworkError({
        operation: opts.operation,
        method: opts.method,
        path: opts.path,
        code: result.code,
        detail: result.detail,
      });
      ambiguous = result.maybeCommitted;
    }

    if (n >= settings.maxRetries) throw failure;
    if (ambiguous && mode === "create") {
      if (!opts.findExisting) throw failure;
      let existing: T | undefined;
      try {
        existing = await opts.findExisting();
      } catch {
        throw failure;
      }
      if (existing !== undefined) {
        debug(`${opts.operation}: the lost attempt was committed; using the object it made`);
        return existing;
      }
    }
    await sleep(backoffDelay(n, settings, retryAfterMs));
  }
}
