/**
 * What every operation handler receives and returns, and the small helpers they share
 * (id checks, pagination, envelopes). Handlers are synchronous: a request's change to the
 * store happens in one step, so concurrent requests never see half of it.
 */
import { badRequest, invalidIdMessage, metadata, MetadataV1, PaginatedMetadataV1 } from "../errors";
import { ID_PATTERN, Store, UserRecord } from "../store";
import type { DominoVersion } from "../version";

export interface EmulatorSettings {
  dominoVersion: DominoVersion;
  buildDurationMs: number;
  snapshotDurationMs: number;
}

export interface HandlerContext {
  caller: UserRecord;
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
  requestId: string;
  store: Store;
  settings: EmulatorSettings;
  /** Request time in ms; asynchronous states (builds, snapshots) are computed from it. */
  now: number;
}

export interface HandlerResult {
  status?: number;
  body: unknown;
}

export type OperationHandler = (ctx: HandlerContext) => HandlerResult;
export type OperationHandlers = Record<string, OperationHandler>;

export const DEFAULT_OFFSET = 0;
export const DEFAULT_LIMIT = 10;

/** Domino answers 400 "<id> is not a valid ID" for anything but 24 hex digits. */
export function requireId(value: unknown): string {
  const text = String(value ?? "");
  if (!ID_PATTERN.test(text)) throw badRequest(invalidIdMessage(text));
  return text.toLowerCase();
}

export function envelope<T extends object>(ctx: HandlerContext, payload: T): T & { metadata: MetadataV1 } {
  return { ...payload, metadata: metadata(ctx.requestId) };
}

export function deleted(ctx: HandlerContext): HandlerResult {
  return { body: { success: true, metadata: metadata(ctx.requestId) } };
}

export function paginate<T>(ctx: HandlerContext, items: readonly T[]): { items: T[]; metadata: PaginatedMetadataV1 } {
  const offset = typeof ctx.query.offset === "number" ? ctx.query.offset : DEFAULT_OFFSET;
  const limit = typeof ctx.query.limit === "number" ? ctx.query.limit : DEFAULT_LIMIT;
  return {
    items: items.slice(offset, offset + limit),
    metadata: { ...metadata(ctx.requestId), offset, limit, totalCount: items.length },
  };
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

export function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
