/** Polling with progress: long waits (image builds, snapshot copies) say how they are going. */
import { currentScope } from "../client/scope";

/** How often a long wait reports on its resource. */
export const PROGRESS_EVERY_MS = 15_000;

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  maxIntervalMs?: number;
  /** A progress line (status so far), printed about every 15 s with the time waited. */
  progress?: () => string;
}

function elapsed(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** Polls `probe` until it returns a value; undefined when `timeoutMs` passes first. */
export async function waitFor<T>(probe: () => Promise<T | undefined>, opts: WaitOptions): Promise<T | undefined> {
  const started = Date.now();
  const deadline = started + opts.timeoutMs;
  let interval = opts.intervalMs ?? 500;
  let nextReport = started + PROGRESS_EVERY_MS;
  const scope = currentScope();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    const now = Date.now();
    if (now >= deadline) return undefined;
    if (opts.progress && scope && now >= nextReport) {
      scope.progress(`${opts.progress()}; waited ${elapsed(now - started)} of at most ${elapsed(opts.timeoutMs)}`);
      nextReport = now + PROGRESS_EVERY_MS;
    }
    await new Promise((r) => setTimeout(r, Math.min(interval, Math.max(0, deadline - Date.now()))));
    interval = Math.min(interval * 2, opts.maxIntervalMs ?? 5000);
  }
}
