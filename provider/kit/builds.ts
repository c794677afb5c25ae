/**
 * Image builds of environment revisions: their statuses, where a revision can be seen,
 * and the wait for a build to end.
 *
 * Domino has no read by revision id: a revision's status shows only on its environment,
 * while it is the environment's latest, selected or restricted revision.
 */
import { DominoClient } from "../client/client";
import { EnvironmentRevisionV1, EnvironmentV1 } from "../client/environments";
import { unlessNotFound } from "../client/errors";
import { currentScope, runInScope } from "../client/scope";
import { BuildStatus, enumValues } from "./enums";
import { sameId } from "./ids";
import type { FieldList } from "./resource";
import { waitFor } from "./wait";

export const BUILD_STATUSES: readonly BuildStatus[] = enumValues(BuildStatus);

/**
 * The status in the enum's spelling (servers differ in casing). A status the contract does
 * not list is kept as Domino said it, and an absent one is "Unknown": both pass under the
 * enum's type, as in Pulumi's generated SDKs.
 */
export function canonicalStatus(status: string | undefined): BuildStatus {
  if (!status) return "Unknown" as BuildStatus;
  return BUILD_STATUSES.find((s) => s.toLowerCase() === status.toLowerCase()) ?? (status as BuildStatus);
}

export function isTerminal(status: string): boolean {
  return ["succeeded", "failed", "killed"].includes(status.toLowerCase());
}

export function buildFailed(status: string): boolean {
  return ["failed", "killed"].includes(status.toLowerCase());
}

/** The revisions the environment shows (latest first), each once. */
export function shownRevisions(env: EnvironmentV1): EnvironmentRevisionV1[] {
  const out: EnvironmentRevisionV1[] = [];
  for (const r of [env.latestRevision, env.selectedRevision, env.restrictedRevision]) {
    if (r && !out.some((o) => sameId(o.id, r.id))) out.push(r);
  }
  return out;
}

/** The revision as the environment shows it, if it is its latest, selected or restricted revision. */
export function visibleRevision(env: EnvironmentV1, revisionId: string): EnvironmentRevisionV1 | undefined {
  return shownRevisions(env).find((r) => sameId(r.id, revisionId));
}

/** The environment, or undefined when it is gone or archived. */
export async function liveEnvironment(client: DominoClient, environmentId: string): Promise<EnvironmentV1 | undefined> {
  const env = await unlessNotFound(() => client.environments.getEnvironment(environmentId));
  return env?.archived ? undefined : env;
}

/** What an environment shows of its owner and its latest revision (the Environment resource and the getEnvironment lookup). */
export interface EnvironmentFacts {
  ownerId: string;
  ownerUsername: string;
  /** Individual or Organization. */
  ownerType: string;
  latestRevisionId: string;
  latestRevisionNumber: number;
  /** Build status of the latest revision, when last read. */
  latestRevisionStatus: string;
}

export const ENVIRONMENT_FACTS: FieldList<EnvironmentFacts> = {
  ownerId: true,
  ownerUsername: true,
  ownerType: true,
  latestRevisionId: true,
  latestRevisionNumber: true,
  latestRevisionStatus: true,
};

export function environmentFacts(env: EnvironmentV1): EnvironmentFacts {
  const latest = env.latestRevision;
  return {
    ownerId: env.owner?.id ?? "",
    ownerUsername: env.owner?.username ?? "",
    ownerType: env.owner?.ownerType ?? "",
    latestRevisionId: latest?.id ?? "",
    latestRevisionNumber: latest?.number ?? 0,
    latestRevisionStatus: latest ? canonicalStatus(latest.status) : "",
  };
}

/** A revision whose build is watched. */
export interface Build {
  environmentId: string;
  revisionId: string;
  number: number;
  /** The status last seen. */
  status: string;
}

export type BuildOutcome =
  | { kind: "finished"; status: BuildStatus }
  /** The build was still running at the deadline. */
  | { kind: "timedOut"; status: BuildStatus }
  /** A newer revision took the revision's place before its build could be seen to end. */
  | { kind: "unobservable"; status: BuildStatus };

/** First poll after this long: an image build takes longer, so a sooner poll would be a wasted call. */
const FIRST_POLL_MS = 500;

/**
 * Waits until the revision's build ends, or `timeoutMs` passes, reading its status from
 * the environment, and prints "revision N of environment X: status Building" about every
 * 15 s.
 *
 * The wait is bounded by its own timeout (the resource's `buildTimeoutMinutes`), not by
 * `domino:operationTimeoutMs`: a build routinely takes longer than an API operation may,
 * and the user asked for this wait explicitly. So the polls run with the operation's
 * deadline moved out to the end of the wait (plus one request's time for the last poll).
 */
export async function waitForBuild(client: DominoClient, build: Build, timeoutMs: number): Promise<BuildOutcome> {
  let status = canonicalStatus(build.status);
  if (isTerminal(status)) return { kind: "finished", status };
  const deadline = Date.now() + timeoutMs;
  const poll = async (): Promise<BuildOutcome> => {
    await new Promise((r) => setTimeout(r, Math.min(FIRST_POLL_MS, timeoutMs)));
    const outcome = await waitFor<BuildOutcome>(
      async () => {
        const env = await liveEnvironment(client, build.environmentId);
        if (!env) throw new Error(`environment ${build.environmentId} was archived or deleted while revision ${build.revisionId} was building`);
        const revision = visibleRevision(env, build.revisionId);
        if (!revision) return { kind: "unobservable", status };
        status = canonicalStatus(revision.status);
        return isTerminal(status) ? { kind: "finished", status } : undefined;
      },
      {
        timeoutMs: Math.max(0, deadline - Date.now()),
        intervalMs: 1000,
        maxIntervalMs: 10_000,
        progress: () => `revision ${build.number} of environment ${build.environmentId}: status ${status}`,
      },
    );
    return outcome ?? { kind: "timedOut", status };
  };
  const scope = currentScope();
  const needed = deadline + client.settings.requestTimeoutMs;
  return scope && scope.deadline < needed ? runInScope({ ...scope, deadline: needed }, poll) : poll();
}
