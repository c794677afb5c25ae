/**
 * Paging through Domino's offset/limit lists.
 *
 * Domino documents no maximum page size; 999 has been accepted by real deployments,
 * so reads ask for that many and need few round trips. A server may still answer
 * with fewer items than asked: paging stops on a short page measured against the
 * limit the server reports it used, not on `totalCount` alone.
 */
import type { QueryValue, RequestCore } from "./http";

export const MAX_PAGE_SIZE = 999;

export interface PageMetadata {
  offset?: number;
  limit?: number;
  totalCount?: number;
  /** The 5.9.1+ spec also lists a nested object; accept it. */
  pagination?: { offset?: number; limit?: number; totalCount?: number };
}

export interface Page<T> {
  items: T[];
  metadata?: PageMetadata;
}

export type PageFetcher<T> = (offset: number, limit: number) => Promise<Page<T>>;

/** A list call, without its paging. */
export interface ListCall {
  operation: string;
  path: string;
  query?: Record<string, QueryValue>;
}

/** One page of a list whose answer holds the items under `key`, next to `metadata` (`{ goals: [...], metadata }`). */
export async function listPage<T>(core: RequestCore, key: string, call: ListCall, offset: number, limit: number): Promise<Page<T>> {
  const res = await core.call<{ metadata?: PageMetadata } & Record<string, T[] | undefined>>({
    ...call,
    method: "GET",
    query: { ...call.query, offset, limit },
  });
  return { items: res[key] ?? [], metadata: res.metadata };
}

/** Yields every item of a paged list, one page at a time. */
export async function* paginate<T>(fetchPage: PageFetcher<T>, pageSize = MAX_PAGE_SIZE): AsyncGenerator<T> {
  let offset = 0;
  for (;;) {
    const page = await fetchPage(offset, pageSize);
    for (const item of page.items) yield item;
    const meta = page.metadata;
    const usedLimit = meta?.limit ?? meta?.pagination?.limit ?? pageSize;
    const total = meta?.totalCount ?? meta?.pagination?.totalCount;
    offset += page.items.length;
    if (page.items.length === 0 || page.items.length < Math.min(usedLimit, pageSize)) return;
    if (total !== undefined && offset >= total) return;
  }
}

/** The first item that matches, reading no further pages than needed. */
export async function findInPages<T>(fetchPage: PageFetcher<T>, predicate: (item: T) => boolean): Promise<T | undefined> {
  for await (const item of paginate(fetchPage)) {
    if (predicate(item)) return item;
  }
  return undefined;
}

/** Every item of a paged list. */
export async function collectPages<T>(fetchPage: PageFetcher<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of paginate(fetchPage)) all.push(item);
  return all;
}
