/**
 * Create recovery: every object a create makes is made exactly once, and a resource never
 * takes an object it did not make.
 *
 * Domino's creates are not idempotent and carry no request id, so when a create's answer
 * is lost (a 5xx from a gateway, a reset, a timeout) the object may or may not exist. The
 * only certain way to tell is to know what existed before: the candidates (objects that
 * the create could have made) are listed just before the first attempt, and after an
 * ambiguous failure an object counts as made by the lost attempt only if
 * - it was not in that first list,
 * - it matches the whole requested definition, and
 * - no other resource in this process made or recovered it.
 * Exactly one such object: it is the one. None: nothing was made, and the create is sent
 * again. Several: the create fails and names them, instead of guessing.
 *
 * "No other resource made it" holds only for answers already received, so for kinds
 * without a natural key, sibling creates that could be taken for one another (a lane: the
 * snapshots of a dataset, the revisions of an environment) are sent one at a time.
 *
 * For kinds with a natural key (a name unique in its parent), an object with that key in
 * the first list means the name is taken: the create fails before sending anything,
 * naming the object (take it over explicitly instead).
 *
 * The first list costs one read per create, or less: concurrent creates under one parent
 * share a list in flight. It is what certainty costs (the benchmark counts it).
 */
import { isNotFound, maybeCommitted } from "../client/errors";
import { backoffDelay, withSharedReads } from "../client/http";
import { currentScope } from "../client/scope";
import { DominoSettings } from "../settings";
import { messageOf } from "./init-error";

/** How to find what a create of these inputs makes: shared by create recovery and `recover`. */
export interface Candidates<T> {
  /** The object for messages, e.g. `goal "Ship v1" of project 65f0...`. */
  readonly what: string;
  /** Where the candidates live, for claims (one registry per deployment). */
  readonly settings: Pick<DominoSettings, "host" | "maxRetries" | "retryBaseDelayMs" | "retryMaxDelayMs">;
  /**
   * Every object this create could have made (the parent's children of this kind).
   * Undefined when Domino cannot list them: a lost answer then fails the create.
   */
  readonly list: (() => Promise<readonly T[]>) | undefined;
  readonly idOf: (item: T) => string;
  /** Whether `item` is exactly the requested object (every field the request sets). */
  readonly matches: (item: T) => boolean;
  /** For kinds with a natural key: whether `item` has the requested key. */
  readonly sameKey?: (item: T) => boolean;
  /** Why an object with the key already existing is refused (e.g. how to adopt it). */
  readonly takenHint?: string;
  /** The kind, for claims: e.g. "goal". */
  readonly kind: string;
  /**
   * For kinds without a natural key: what sibling creates that could be taken for one
   * another share (the parent, or the parent and title). Creates in one lane are sent one at
   * a time from this process, so that after a lost answer a new unclaimed object was made
   * by this create, not by a sibling whose own answer is still on its way.
   */
  readonly lane?: string;
}

export interface CreateOnce<T> extends Candidates<T> {
  /** Sends the create once. */
  readonly send: () => Promise<T>;
}

/**
 * The objects that match the requested definition now, as resource ids: what an
 * interrupted create may have made. Throws when Domino cannot list such objects.
 */
export async function locateWith<T>(spec: Candidates<T>, resourceId: (item: T) => string): Promise<string[]> {
  if (!spec.list) throw new Error(`${spec.what} cannot be looked for: this Domino API cannot list such objects`);
  return (await spec.list()).filter(spec.matches).map(resourceId);
}

/** Objects made or recovered in this process, by deployment and kind. */
const claimed = new Set<string>();

function claimKey(host: string, kind: string, id: string): string {
  return `${host}|${kind}|${id.toLowerCase()}`;
}

export function claim(host: string, kind: string, id: string): void {
  claimed.add(claimKey(host, kind, id));
}

/**
 * Forgets a claim once the object is removed. Most ids are never reused, but some name
 * an object by its key (a tag by dataset and name, a link by project and dataset): made
 * again, the new object has the old id, and a stale claim would hide it from recovery.
 */
export function releaseClaim(host: string, kind: string, id: string): void {
  claimed.delete(claimKey(host, kind, id));
}

/**
 * Removes an object whose id is its key, and forgets the claim on it once it is gone, or
 * found gone (a 404, which is still thrown).
 */
export async function removeReleasing<T>(host: string, kind: string, id: string, remove: () => Promise<T>): Promise<T> {
  try {
    const answer = await remove();
    releaseClaim(host, kind, id);
    return answer;
  } catch (err) {
    if (isNotFound(err)) releaseClaim(host, kind, id);
    throw err;
  }
}

export function isClaimed(host: string, kind: string, id: string): boolean {
  return claimed.has(claimKey(host, kind, id));
}

/** Raised when an object with the requested natural key exists before the create. */
export class AlreadyExistsError extends Error {
  constructor(
    message: string,
    readonly existingId: string,
  ) {
    super(message);
    this.name = "AlreadyExistsError";
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Creates in flight per lane (deployment, kind, lane): each waits for the one before it. */
const lanes = new Map<string, Promise<unknown>>();

async function inLane<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = lanes.get(key) ?? Promise.resolve();
  const mine = previous.catch(() => undefined).then(fn);
  const settled = mine.catch(() => undefined);
  lanes.set(key, settled);
  try {
    return await mine;
  } finally {
    if (lanes.get(key) === settled) lanes.delete(key);
  }
}

/** Sends a create so that it makes exactly one object, recovering a lost answer with certainty. */
export async function createOnce<T>(spec: CreateOnce<T>): Promise<T> {
  if (spec.lane === undefined) return createOnceNow(spec);
  return inLane(claimKey(spec.settings.host, spec.kind, spec.lane), () => createOnceNow(spec));
}

async function createOnceNow<T>(spec: CreateOnce<T>): Promise<T> {
  const { host } = spec.settings;
  const scope = currentScope();
  // Sent after this list's answer, the create cannot have made anything in it: a list
  // already in flight for a sibling create does as well as a new one.
  const list = spec.list;
  const before = list ? await withSharedReads(() => list()) : undefined;
  if (before && spec.sameKey) {
    const taken = before.find(spec.sameKey);
    if (taken) {
      const id = spec.idOf(taken);
      throw new AlreadyExistsError(`${spec.what} already exists in Domino (id ${id})${spec.takenHint ? `; ${spec.takenHint}` : ""}`, id);
    }
  }
  const existedBefore = new Set((before ?? []).map((item) => spec.idOf(item).toLowerCase()));
  const maxAttempts = spec.settings.maxRetries + 1;

  for (let attempt = 1; ; attempt++) {
    try {
      const made = await spec.send();
      claim(host, spec.kind, spec.idOf(made));
      return made;
    } catch (err) {
      if (!maybeCommitted(err)) throw err;
      const reason = messageOf(err);
      if (!spec.list) {
        throw new Error(
          `${reason}. The answer was lost, so ${spec.what} may or may not have been made, and this Domino API cannot list ` +
            "such objects to tell: check in Domino, then run `pulumi up` again (or `pulumi refresh` first)",
        );
      }
      scope?.progress(`the answer to creating ${spec.what} was lost (${reason}); looking for what it made`);
      const after = await spec.list();
      const fresh = after.filter((item) => !existedBefore.has(spec.idOf(item).toLowerCase()));
      const made = fresh.filter((item) => spec.matches(item) && !isClaimed(host, spec.kind, spec.idOf(item)));
      if (made.length === 1) {
        const id = spec.idOf(made[0]);
        claim(host, spec.kind, id);
        scope?.progress(`the lost attempt had made ${spec.what}: using ${id}`);
        return made[0];
      }
      if (made.length > 1) {
        throw new Error(
          `${reason}. The answer was lost, and ${made.length} new objects now match ${spec.what}: ${made.map(spec.idOf).join(", ")}. ` +
            "Which one the lost attempt made cannot be told; delete the extra ones in Domino (or take one over explicitly) and run `pulumi up` again",
        );
      }
      if (spec.sameKey) {
        const rival = fresh.find(spec.sameKey);
        if (rival) {
          throw new Error(
            `${reason}. The answer was lost, and meanwhile an object with the same name but another definition appeared: ` +
              `${spec.idOf(rival)}. It was not made by this create; remove it or choose another name`,
          );
        }
      }
      if (attempt >= maxAttempts) {
        throw new Error(`${reason}. Nothing was made; gave up after ${attempt} attempts`);
      }
      // Nothing was made: the create is sent again after the usual backoff.
      const delay = backoffDelay(attempt - 1, spec.settings);
      if (scope && Date.now() + delay >= scope.deadline) {
        throw new Error(`${reason}. Nothing was made; the operation's deadline (domino:operationTimeoutMs) left no time for another attempt`);
      }
      scope?.progress(`nothing was made; creating ${spec.what} again in ${(delay / 1000).toFixed(1)} s (attempt ${attempt + 1} of ${maxAttempts})`);
      await sleep(delay);
    }
  }
}
