/**
 * Fault injection for reliability tests and benchmarks. Random choices come from a seeded
 * PRNG and are drawn when a request arrives, so the same seed and the same request sequence
 * give the same faults. Faults apply to Domino paths only, never to /__emulator/.
 */

export interface FaultSettings {
  /** Added to every answer. */
  latencyMs: number;
  /** Share of requests answered with one of `faultStatuses` instead of being handled. */
  faultRate: number;
  faultStatuses: number[];
  /** Requests per second before answering 429; 0 turns the limit off. */
  rateLimit: number;
  retryAfterSeconds: number;
  /** Share of create requests that are committed and then answered by a dropped connection. */
  dropResponseRate: number;
  seed: number;
}

export const DEFAULT_FAULT_SETTINGS: Readonly<FaultSettings> = Object.freeze({
  latencyMs: 0,
  faultRate: 0,
  faultStatuses: [500, 502, 503],
  rateLimit: 0,
  retryAfterSeconds: 1,
  dropResponseRate: 0,
  seed: 1,
});

export type FaultDecision =
  | { kind: "handle"; dropResponse: boolean }
  | { kind: "rateLimited"; retryAfterSeconds: number }
  | { kind: "fault"; status: number };

/** mulberry32: small, fast, and identical on every platform. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function validateFaultSettings(settings: FaultSettings): void {
  const rate = (name: keyof FaultSettings, value: number) => {
    if (!(value >= 0 && value <= 1)) throw new RangeError(`${name} must be between 0 and 1`);
  };
  rate("faultRate", settings.faultRate);
  rate("dropResponseRate", settings.dropResponseRate);
  if (!(settings.latencyMs >= 0)) throw new RangeError("latencyMs must be >= 0");
  if (!(settings.rateLimit >= 0)) throw new RangeError("rateLimit must be >= 0");
  if (!(settings.retryAfterSeconds >= 0)) throw new RangeError("retryAfterSeconds must be >= 0");
  if (!Number.isInteger(settings.seed)) throw new RangeError("seed must be an integer");
  if (settings.faultStatuses.length === 0) throw new RangeError("faultStatuses must not be empty");
  for (const status of settings.faultStatuses) {
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError("faultStatuses must be HTTP error statuses (400-599)");
    }
  }
}

export class FaultInjector {
  private current: FaultSettings;
  private random: () => number;
  private tokens = 0;
  private refilledAt = 0;

  constructor(initial: FaultSettings) {
    validateFaultSettings(initial);
    this.current = { ...initial, faultStatuses: [...initial.faultStatuses] };
    this.random = mulberry32(initial.seed);
    this.resetBucket();
  }

  get settings(): FaultSettings {
    return { ...this.current, faultStatuses: [...this.current.faultStatuses] };
  }

  get latencyMs(): number {
    return this.current.latencyMs;
  }

  /** Replaces every setting; the PRNG restarts from the seed so a run can be repeated. */
  configure(next: FaultSettings): void {
    validateFaultSettings(next);
    this.current = { ...next, faultStatuses: [...next.faultStatuses] };
    this.random = mulberry32(next.seed);
    this.resetBucket();
  }

  private resetBucket(): void {
    this.tokens = Math.max(1, this.current.rateLimit);
    this.refilledAt = Date.now();
  }

  private takeToken(now: number): boolean {
    const capacity = Math.max(1, this.current.rateLimit);
    this.tokens = Math.min(capacity, this.tokens + ((now - this.refilledAt) / 1000) * this.current.rateLimit);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  decide(isCreate: boolean, now: number = Date.now()): FaultDecision {
    const s = this.current;
    if (s.rateLimit > 0 && !this.takeToken(now)) {
      return { kind: "rateLimited", retryAfterSeconds: s.retryAfterSeconds };
    }
    if (s.faultRate > 0 && this.random() < s.faultRate) {
      const index = Math.floor(this.random() * s.faultStatuses.length);
      return { kind: "fault", status: s.faultStatuses[index] };
    }
    const dropResponse = isCreate && s.dropResponseRate > 0 && this.random() < s.dropResponseRate;
    return { kind: "handle", dropResponse };
  }
}

export interface RequestCounts {
  total: number;
  byRoute: Record<string, number>;
}

/** Requests seen on Domino paths, by "METHOD /path/{template}" (the raw path when no route matched). */
export class RequestCounter {
  private total = 0;
  private byRoute = new Map<string, number>();

  record(key: string): void {
    this.total++;
    this.byRoute.set(key, (this.byRoute.get(key) ?? 0) + 1);
  }

  snapshot(): RequestCounts {
    return { total: this.total, byRoute: Object.fromEntries(this.byRoute) };
  }

  clear(): void {
    this.total = 0;
    this.byRoute.clear();
  }
}

// ------------------------------------------------------------------ scripted rules
//
// The random faults above answer "how does a client cope with an unreliable server?"; the
// rules below answer "what does it do when exactly this call fails in exactly this way?",
// which a test can only ask deterministically.

/** "before": the rule answers instead of the operation (nothing is committed). "after": the operation runs (and commits, if it accepts the request), then the rule replaces its answer. */
export type FaultRulePhase = "before" | "after";
/** "fail": answer `status`. "drop": destroy the connection without an answer. "hang": never answer. */
export type FaultRuleAction = "fail" | "drop" | "hang";

/** A rule as a test writes it. */
export interface FaultRuleInput {
  /** HTTP method, or "*" (default) for any. */
  method?: string;
  /**
   * Contract path template as the request counter spells it
   * ("/api/projects/v1/projects/{projectId}/goals"), or "*" (default) for any path.
   */
  route?: string;
  /** How many matching requests the rule takes; default 1. */
  count?: number;
  /** Default "before". */
  when?: FaultRulePhase;
  /** Default "fail", which needs `status`. */
  action?: FaultRuleAction;
  /** 400-599; only with action "fail". */
  status?: number;
  /** Sent as Retry-After (whole seconds); only with action "fail". */
  retryAfterSeconds?: number;
}

/** A queued rule. */
export interface FaultRule {
  id: number;
  method: string;
  route: string;
  when: FaultRulePhase;
  action: FaultRuleAction;
  status?: number;
  retryAfterSeconds?: number;
  /** Matching requests the rule will still take; it leaves the queue at 0. */
  remaining: number;
}

/** What a request that a rule took must do. */
export type ClaimedFault = Pick<FaultRule, "id" | "when" | "action" | "status" | "retryAfterSeconds">;

/** Says why `method route` cannot match any request of the served version, or undefined when it can. */
export type RouteChecker = (method: string, route: string) => string | undefined;

const RULE_KEYS: ReadonlySet<string> = new Set(["method", "route", "count", "when", "action", "status", "retryAfterSeconds"]);
const RULE_METHODS: ReadonlySet<string> = new Set(["*", "GET", "POST", "PUT", "PATCH", "DELETE"]);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Validates a rule from a test (in-process or over HTTP, so nothing is trusted). Unknown
 * keys and routes the served version lacks are refused: a rule that can never match would
 * make a test pass for the wrong reason.
 */
export function parseFaultRule(input: unknown, checkRoute: RouteChecker): Omit<FaultRule, "id"> {
  if (!isPlainObject(input)) throw new RangeError("a fault rule must be an object");
  for (const key of Object.keys(input)) {
    if (!RULE_KEYS.has(key)) throw new RangeError(`unknown fault rule field ${key}`);
  }
  const { method = "*", route = "*", count = 1, when = "before", status, retryAfterSeconds } = input;
  if (typeof method !== "string" || !RULE_METHODS.has(method.toUpperCase())) {
    throw new RangeError(`method must be "*" or one of ${[...RULE_METHODS].slice(1).join(", ")}`);
  }
  if (typeof route !== "string" || (route !== "*" && !route.startsWith("/"))) {
    throw new RangeError('route must be "*" or a path template starting with "/"');
  }
  if (typeof count !== "number" || !Number.isInteger(count) || count < 1) throw new RangeError("count must be an integer >= 1");
  if (when !== "before" && when !== "after") throw new RangeError('when must be "before" or "after"');
  const action = input.action ?? "fail";
  if (action !== "fail" && action !== "drop" && action !== "hang") throw new RangeError('action must be "fail", "drop" or "hang"');
  const upper = method.toUpperCase();
  const problem = checkRoute(upper, route);
  if (problem) throw new RangeError(problem);
  const rule: Omit<FaultRule, "id"> = { method: upper, route, when, action, remaining: count };
  if (action === "fail") {
    if (typeof status !== "number" || !Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError('action "fail" needs status, an HTTP error status (400-599)');
    }
    rule.status = status;
    if (retryAfterSeconds !== undefined) {
      if (typeof retryAfterSeconds !== "number" || !Number.isInteger(retryAfterSeconds) || retryAfterSeconds < 0) {
        throw new RangeError("retryAfterSeconds must be an integer >= 0");
      }
      rule.retryAfterSeconds = retryAfterSeconds;
    }
  } else if (status !== undefined || retryAfterSeconds !== undefined) {
    throw new RangeError(`status and retryAfterSeconds apply to action "fail" only, not "${action}"`);
  }
  return rule;
}

/**
 * Rules in the order they were queued. A request takes the first rule that matches its
 * method and route template; rules are claimed when the request arrives, so concurrent
 * requests take them in arrival order.
 */
export class FaultRuleQueue {
  private queue: FaultRule[] = [];
  private nextId = 1;

  constructor(private readonly checkRoute: RouteChecker) {}

  add(input: FaultRuleInput): FaultRule {
    const rule: FaultRule = { id: this.nextId++, ...parseFaultRule(input, this.checkRoute) };
    this.queue.push(rule);
    return { ...rule };
  }

  list(): FaultRule[] {
    return this.queue.map((rule) => ({ ...rule }));
  }

  remove(id: number): boolean {
    const before = this.queue.length;
    this.queue = this.queue.filter((rule) => rule.id !== id);
    return this.queue.length !== before;
  }

  /** Drops every queued rule; with `restartIds` (reset) ids start from 1 again. */
  clear(restartIds = false): void {
    this.queue = [];
    if (restartIds) this.nextId = 1;
  }

  /** Takes one use of the first rule matching `method route`, if any. */
  claim(method: string, route: string): ClaimedFault | undefined {
    const index = this.queue.findIndex(
      (rule) => (rule.method === "*" || rule.method === method) && (rule.route === "*" || rule.route === route),
    );
    if (index < 0) return undefined;
    const rule = this.queue[index];
    rule.remaining -= 1;
    if (rule.remaining === 0) this.queue.splice(index, 1);
    const claimed: ClaimedFault = { id: rule.id, when: rule.when, action: rule.action };
    if (rule.status !== undefined) claimed.status = rule.status;
    if (rule.retryAfterSeconds !== undefined) claimed.retryAfterSeconds = rule.retryAfterSeconds;
    return claimed;
  }
}
