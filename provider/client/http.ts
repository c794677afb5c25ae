/**
 * The one request core: every call to Domino goes through `RequestCore.call`.
 *
 * It adds authentication, a per-attempt timeout bounded by the operation's deadline, and
 * keep-alive connections; retries by method and status; honours `Retry-After`; refuses
 * redirects (credentials never follow one); and turns failures into `DominoApiError` /
 * `DominoNetworkError` that name the operation, the status and Domino's message.
 *
 * Retry policy (also in the README):
 * - Idempotent requests (GET, PUT, DELETE, and PATCH with an absolute body) are retried
 *   on 408, 429, 500, 502, 503, 504, connection resets and timeouts.
 * - A POST makes something, and Domino's creates are not idempotent: it is retried only
 *   when the answer proves nothing was done (429, a refused connection). Any other
 *   failure may have committed, so it is thrown with `maybeCommitted` set, and the
 *   lifecycle kit's create recovery decides what to do.
 * - Other 4xx are never retried.
 * Everything stops at the operation's deadline (`domino:operationTimeoutMs`); the error
 * then says how long it waited and how many attempts it made.
 *
 * Shared reads: inside `withSharedReads`, a GET identical to one already in flight takes
 * that one's answer instead of sending another (see there for who may).
 */
import { AsyncLocalStorage } from "async_hooks";
import * as http from "http";
import * as https from "https";
import fetch, { FetchError, Response } from "node-fetch";
import { DominoSettings } from "../settings";
import { DominoApiError, DominoNetworkError, HttpMethod, parseErrorBody } from "./errors";
import { currentScope } from "./scope";

export type QueryValue = string | number | boolean | readonly string[] | undefined;

export interface CallOptions {
  /** What the user would call this step, e.g. "create project". Used in error messages. */
  operation: string;
  method: HttpMethod;
  /** Path below the host, with path parameters already encoded. */
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  /**
   * Whether repeating the request is harmless. Defaults to true for every method but
   * POST; a PATCH whose body is relative (an increment, say) would pass false.
   */
  idempotent?: boolean;
  /** Overrides for a short, bounded call (the connection check). */
  limits?: {
    deadlineMs?: number;
    /** Attempts in all, not counting those a 429 turned away (the deadline bounds those). */
    maxAttempts?: number;
    /** Of those, how many may get no answer at all (a silent or refusing host): fewer than answered failures. */
    maxUnanswered?: number;
    attemptTimeoutMs?: number;
  };
}

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

/** Encodes one path segment (ids, tag names). */
export function seg(value: string): string {
  return encodeURIComponent(value);
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

/** Seconds or an HTTP date, as RFC 9110 allows; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  if (!Number.isNaN(date)) return Math.max(0, date - now);
  return undefined;
}

/**
 * Delay before retry number `attempt` (0-based): full jitter; after a `Retry-After`, what the
 * server asked for plus up to one base delay of jitter, so that parallel callers turned away
 * together do not all come back in the same millisecond.
 */
export function backoffDelay(
  attempt: number,
  settings: Pick<DominoSettings, "retryBaseDelayMs" | "retryMaxDelayMs">,
  retryAfterMs?: number,
  random = Math.random,
): number {
  const exp = Math.min(settings.retryMaxDelayMs, settings.retryBaseDelayMs * 2 ** attempt);
  const jittered = Math.floor(random() * exp);
  if (retryAfterMs !== undefined) return Math.min(settings.retryMaxDelayMs, retryAfterMs + Math.floor(random() * settings.retryBaseDelayMs));
  return jittered;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

/** Set inside `withSharedReads`. */
const sharing = new AsyncLocalStorage<true>();

/**
 * Runs `fn` so that each GET it makes may take the answer of an identical GET (same URL,
 * same deployment) already in flight, instead of sending its own.
 *
 * Only for reads that any answer given after they were asked for satisfies, and an
 * earlier-started request's answer is one of those: a read for refresh (an answer is the
 * object at some moment of the command), and the list create recovery takes before a
 * create (what existed before the POST; the POST is sent after the answer arrives). Never
 * for a read that must follow a write: the list after a lost answer, a read-back after an
 * update, a poll.
 */
export function withSharedReads<T>(fn: () => Promise<T>): Promise<T> {
  return sharing.run(true, fn);
}

type Attempt =
  | { kind: "ok"; response: Response; text: string }
  | { kind: "network"; code: string; detail: string; refused: boolean };

/** Sends requests for one deployment. Built once per deployment by `DominoClient`. */
export class RequestCore {
  private readonly agent: http.Agent;
  private sent = 0;
  private shared = 0;
  /** GETs in flight by URL, with the body text they resolve to (each taker parses its own copy). */
  private readonly getsInFlight = new Map<string, Promise<string>>();

  /** HTTP requests sent so far, retries included: what a command reports a run cost. */
  get requestsSent(): number {
    return this.sent;
  }

  /** Calls answered by a GET already in flight (`withSharedReads`), so not sent. */
  get readsShared(): number {
    return this.shared;
  }

  constructor(readonly settings: DominoSettings) {
    const isHttp = new URL(settings.host).protocol === "http:";
    // Private CAs: Node reads NODE_EXTRA_CA_CERTS at start-up for every https agent.
    this.agent = isHttp ? new http.Agent({ keepAlive: true, maxSockets: 16 }) : new https.Agent({ keepAlive: true, maxSockets: 16 });
  }

  private debug(line: string): void {
    if (process.env.DOMINO_DEBUG) process.stderr.write(`domino: ${line}\n`);
  }

  private async attempt(url: URL, method: HttpMethod, body: unknown, timeoutMs: number): Promise<Attempt> {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (this.settings.authStyle === "bearer") headers.Authorization = `Bearer ${this.settings.apiKey}`;
    else headers["X-Domino-Api-Key"] = this.settings.apiKey;
    let payload: string | undefined;
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(body);
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    this.sent++;
    const started = Date.now();
    try {
      const response = await fetch(url.toString(), {
        method,
        headers,
        body: payload,
        agent: this.agent,
        // Credentials never follow a redirect: a 3xx is reported, not followed.
        redirect: "manual",
        // node-fetch's types predate the global AbortSignal; they are compatible at run time.
        signal: controller.signal as unknown as import("node-fetch").RequestInit["signal"],
      });
      const text = await response.text();
      this.debug(`${method} ${url.pathname}${url.search} -> ${response.status} (${Date.now() - started} ms)`);
      return { kind: "ok", response, text };
    } catch (err) {
      const aborted = controller.signal.aborted;
      const code = aborted ? "TIMEOUT" : ((err as FetchError).code ?? (err as Error).name ?? "ERROR");
      const detail = aborted ? `no answer within ${seconds(timeoutMs)}` : (err as Error).message;
      this.debug(`${method} ${url.pathname}${url.search} -> ${code} (${Date.now() - started} ms)`);
      return { kind: "network", code, detail, refused: code === "ECONNREFUSED" };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends one API call, retrying as the policy above says. Resolves to the parsed JSON body. */
  async call<T>(opts: CallOptions): Promise<T> {
    const url = buildUrl(this.settings.host, opts.path, opts.query);
    if (opts.method !== "GET") return parseBody<T>(await this.send(url, opts), opts.operation);
    const key = url.toString();
    const inFlight = this.getsInFlight.get(key);
    if (inFlight && sharing.getStore()) {
      this.shared++;
      return parseBody<T>(await inFlight, opts.operation);
    }
    const answer = this.send(url, opts);
    this.getsInFlight.set(key, answer);
    const forget = () => {
      if (this.getsInFlight.get(key) === answer) this.getsInFlight.delete(key);
    };
    answer.then(forget, forget);
    return parseBody<T>(await answer, opts.operation);
  }

  /** Sends one API call, retrying as the policy above says. Resolves to the body text of the success. */
  private async send(url: URL, opts: CallOptions): Promise<string> {
    const idempotent = opts.idempotent ?? opts.method !== "POST";
    const scope = currentScope();
    const started = Date.now();
    const deadline = opts.limits?.deadlineMs !== undefined ? started + opts.limits.deadlineMs : (scope?.deadline ?? started + this.settings.operationTimeoutMs);
    const maxAttempts = opts.limits?.maxAttempts ?? this.settings.maxRetries + 1;
    const maxUnanswered = opts.limits?.maxUnanswered ?? maxAttempts;
    // A 429 is the server pacing us, not a failure: it does not use up an attempt, and only
    // the deadline bounds how long we follow its Retry-After.
    let rateLimited = 0;
    let unanswered = 0;
    const attemptTimeoutMs = Math.min(this.settings.requestTimeoutMs, opts.limits?.attemptTimeoutMs ?? Infinity);
    const where = `${opts.method} ${opts.path}`;

    for (let n = 0; ; n++) {
      const remaining = deadline - Date.now();
      const result = await this.attempt(url, opts.method, opts.body, Math.max(1, Math.min(attemptTimeoutMs, remaining)));
      const attempts = n + 1;
      let retryAfterMs: number | undefined;
      let failure: DominoApiError | DominoNetworkError;
      let provedNothingDone: boolean;

      if (result.kind === "ok") {
        const { response, text } = result;
        if (response.status >= 300 && response.status < 400) {
          const location = response.headers.get("location") ?? "(no Location header)";
          throw new DominoApiError({
            operation: opts.operation,
            method: opts.method,
            path: opts.path,
            status: response.status,
            dominoMessage:
              `the server redirects to ${location}, which is not followed (the API key is never sent to another address); ` +
              "set domino:host to the address Domino answers on",
            attempts,
          });
        }
        if (response.ok) return text;
        const parsed = parseErrorBody(text);
        failure = new DominoApiError({
          operation: opts.operation,
          method: opts.method,
          path: opts.path,
          status: response.status,
          dominoMessage: parsed.message,
          requestId: parsed.requestId,
          attempts,
          maybeCommitted: opts.method === "POST" && response.status !== 429,
        });
        if (!RETRYABLE_STATUS.has(response.status)) {
          // A definite answer: a 4xx means nothing was made, even for a POST.
          if (response.status < 500) (failure as { maybeCommitted: boolean }).maybeCommitted = false;
          throw failure;
        }
        retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
        // 429 means the server turned the request away before doing anything.
        provedNothingDone = response.status === 429;
        if (response.status === 429) rateLimited++;
      } else {
        failure = new DominoNetworkError({
          operation: opts.operation,
          method: opts.method,
          path: opts.path,
          host: this.settings.host,
          code: result.code,
          detail: result.detail,
          attempts,
          maybeCommitted: opts.method === "POST" && !result.refused,
        });
        provedNothingDone = result.refused;
        unanswered++;
      }

      if (!idempotent && !provedNothingDone) throw failure;
      const delay = backoffDelay(n, this.settings, retryAfterMs);
      const elapsed = Date.now() - started;
      if (attempts - rateLimited >= maxAttempts || unanswered >= maxUnanswered || Date.now() + delay >= deadline) {
        throw failure.withGiveUp(`gave up after ${attempts} attempt${attempts === 1 ? "" : "s"} in ${seconds(elapsed)}`);
      }
      const why = failure instanceof DominoApiError ? `HTTP ${failure.status}` : (failure as DominoNetworkError).code;
      const next = failure instanceof DominoApiError && failure.status === 429 ? "rate limited" : `attempt ${attempts - rateLimited + 1} of ${maxAttempts}`;
      scope?.progress(`${opts.operation} (${where}) got ${why}; retrying in ${seconds(delay)} (${next})`);
      await sleep(delay);
    }
  }
}

/**
 * A call whose answer holds its object under `key` (`{ goal: {...} }`): resolves to that
 * object, or to `orElse` when the answer leaves it out.
 */
export async function callFor<T>(core: RequestCore, key: string, opts: CallOptions): Promise<T>;
export async function callFor<T>(core: RequestCore, key: string, opts: CallOptions, orElse: T): Promise<T>;
export async function callFor<T>(core: RequestCore, key: string, opts: CallOptions, orElse?: T): Promise<T | undefined> {
  const res = await core.call<Record<string, T | undefined>>(opts);
  return res[key] ?? orElse;
}

function parseBody<T>(text: string, operation: string): T {
  if (text.trim() === "") return {} as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`${operation}: Domino answered with a body that is not JSON: ${text.slice(0, 200)}`);
  }
}
