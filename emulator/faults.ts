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
