/**
 * EnvironmentRevision: one revision of a compute environment's definition (base image,
 * Dockerfile instructions, variables, scripts, tools). Domino builds an image for it.
 *
 * Revisions are append-only in Domino: only whether a revision is restricted can change
 * (in place, Domino 5.9.1 or later), so any other change of input makes a new revision (a
 * replacement). Domino has no call to delete a
 * revision either, so deleting this resource only removes it from the stack; the
 * revision stays in the environment's history, and the environment keeps using its
 * newest revision (or the one selected in the UI).
 *
 * There is no read by revision id: a revision can be read back only while it is the
 * environment's latest, selected or restricted revision. An older revision keeps the
 * state recorded when it was created.
 */
import { DominoClient } from "../client/client";
import { EnvironmentRevisionV1 } from "../client/environments";
import { Build, buildFailed, canonicalStatus, isTerminal, liveEnvironment, shownRevisions, visibleRevision, waitForBuild } from "../kit/builds";
import type { BuildStatus } from "../kit/enums";
import { compositeId, joinId, sameId } from "../kit/ids";
import { finishCreate, messageOf, partialCreate } from "../kit/init-error";
import { defineProvider, OperationContext, recordedOutputs } from "../kit/lifecycle";
import { Candidates, createOnce, locateWith } from "../kit/recovery";
import { Args, resourceClass, ResourceArgs } from "../kit/resource";
import type { RevisionDefinition, RevisionDefinitionInputs, WithRecordedVariables } from "../kit/revisions";
import { mayBeDefinition, revisionBody, revisionDefinition, revisionFieldsSchema, withRecordedVariables } from "../kit/revisions";
import { diffRenewing, REPLACING_ID, SchemaFor, waitMinutes } from "../kit/schema";

// The definition's types live in the kit (Environment declares its first revision with
// them too); they are part of this module's public surface.
export type { EnvironmentVariable, EnvironmentVariableArgs, ProxyConfig, ProxyConfigArgs, RevisionDefinitionArgs } from "../kit/revisions";
export type { RecordedVariable, RevisionDefinitionInputs, WorkspaceTool, WorkspaceToolArgs } from "../kit/revisions";

export interface EnvironmentRevisionInputs extends RevisionDefinitionInputs {
  /** The environment the revision belongs to. */
  environmentId: string;
  /**
   * Wait until Domino has built the revision. A failed build fails the create. Default
   * true. Changing it does not touch the revision.
   */
  waitForBuild?: boolean;
  /**
   * How long to wait for the build, in minutes (fractions allowed; 1 to 1440). Default
   * 30. Pulumi's `customTimeouts` option does not reach dynamic resources, so this input
   * takes its place; the wait is not bounded by `domino:operationTimeoutMs`.
   */
  buildTimeoutMinutes?: number;
  /**
   * Whether the revision is restricted (restricted projects may use only restricted
   * revisions). The one field of a revision that changes in place. Needs Domino 5.9.1 or
   * later and the ClassifyEnvironments permission. Refresh reads it back while the
   * revision is one the environment shows. Default false.
   */
  isRestricted?: boolean;
}

export interface EnvironmentRevisionComputed {
  revisionId: string;
  /** Sequential number of the revision within its environment. */
  number: number;
  /** Build status: Queued, Starting, Pulling, Building, Pushing, Succeeded, Failed or Killed. */
  status: BuildStatus;
}

export const environmentRevisionSchema: SchemaFor<EnvironmentRevisionInputs> = {
  environmentId: REPLACING_ID,
  ...revisionFieldsSchema("replace"),
  waitForBuild: { kind: "boolean", default: true, onChange: "ignore" },
  buildTimeoutMinutes: {
    kind: "number",
    default: 30,
    onChange: "ignore",
    validate: waitMinutes,
  },
  isRestricted: { kind: "boolean", default: false, onChange: "update", since: "5.9.1" },
};

/** Inputs after `check`: defaults filled in. */
type CheckedRevision = RevisionDefinition &
  Required<Pick<EnvironmentRevisionInputs, "environmentId" | "waitForBuild" | "buildTimeoutMinutes" | "isRestricted">>;
/** The variables are recorded as `{key, valueSha256}`: their values stay in the (secret) inputs. */
export type EnvironmentRevisionOutputs = WithRecordedVariables<CheckedRevision> & EnvironmentRevisionComputed;
export type EnvironmentRevisionArgs = ResourceArgs<EnvironmentRevisionInputs>;
export type EnvironmentRevisionState = Partial<Args<EnvironmentRevisionOutputs>>;

const ids = compositeId("EnvironmentRevision", "environmentId", "revisionId");

function toOutputs(inputs: CheckedRevision, revision: EnvironmentRevisionV1): EnvironmentRevisionOutputs {
  return {
    environmentId: inputs.environmentId,
    revisionId: revision.id,
    number: revision.number,
    status: canonicalStatus(revision.status ?? "Queued"),
    ...revisionDefinition(inputs),
    waitForBuild: inputs.waitForBuild,
    buildTimeoutMinutes: inputs.buildTimeoutMinutes,
    // Domino makes every revision unrestricted; a restriction asked for is a call of its own.
    isRestricted: false,
  };
}

function describeRevision(outs: Pick<EnvironmentRevisionOutputs, "number" | "revisionId" | "environmentId">): string {
  return `revision ${outs.number} (${outs.revisionId}) of environment ${outs.environmentId}`;
}

function buildFailureReason(outs: EnvironmentRevisionOutputs): string {
  return `the build of ${describeRevision(outs)} ended with status ${outs.status}. See the build logs in Domino; the next \`pulumi up\` builds a new revision`;
}

function timeoutReason(outs: EnvironmentRevisionOutputs): string {
  return (
    `${describeRevision(outs)} was still building (status ${outs.status}) after ${outs.buildTimeoutMinutes} minutes; ` +
    "the next `pulumi up` waits for it again (raise buildTimeoutMinutes if builds take longer)"
  );
}

/** Waits for the build when asked to; a failed or unfinished build is reported with the revision recorded. */
async function settleBuild({ client }: OperationContext, id: string, outs: EnvironmentRevisionOutputs): Promise<EnvironmentRevisionOutputs> {
  if (!outs.waitForBuild) return outs;
  const build: Build = { environmentId: outs.environmentId, revisionId: outs.revisionId, number: outs.number, status: outs.status };
  const outcome = await waitForBuild(client, build, Math.round(outs.buildTimeoutMinutes * 60_000));
  const settled = { ...outs, status: outcome.status };
  if (outcome.kind === "timedOut") throw partialCreate({}, id, settled, timeoutReason(settled));
  if (outcome.kind === "finished" && buildFailed(outcome.status)) throw partialCreate({}, id, settled, buildFailureReason(settled));
  return settled;
}

/** Flags the revision restricted or not (one call); the outputs record it once Domino took it. */
async function setRestricted({ client }: OperationContext, outs: EnvironmentRevisionOutputs, isRestricted: boolean): Promise<EnvironmentRevisionOutputs> {
  await client.environments.setRevisionRestricted(outs.environmentId, outs.revisionId, isRestricted);
  return { ...outs, isRestricted };
}

/** The restriction a create asks for, once the revision exists; a failure records the revision as it is. */
async function restrictCreated(ctx: OperationContext, id: string, outs: EnvironmentRevisionOutputs, isRestricted: boolean): Promise<EnvironmentRevisionOutputs> {
  if (!isRestricted) return outs;
  try {
    return await setRestricted(ctx, outs, true);
  } catch (err) {
    throw partialCreate({}, id, outs, `${describeRevision(outs)} was created, but could not be restricted: ${messageOf(err)}`);
  }
}

/**
 * Whether a revision the environment shows is restricted: Domino shows one restricted
 * revision. None shown means none is; another one shown says nothing about this one,
 * which keeps the recorded value.
 */
function restrictionOf(env: { restrictedRevision?: { id: string } }, revisionId: string, recorded: boolean | undefined): boolean | undefined {
  if (!env.restrictedRevision) return false;
  return sameId(env.restrictedRevision.id, revisionId) ? true : recorded;
}

/** A revision the environment shows, and whether it is the latest. */
interface ShownRevision extends EnvironmentRevisionV1 {
  latest?: boolean;
}

/**
 * Revisions have no natural key, and Domino has no list of an environment's revisions nor
 * a read of a revision's definition: the candidates are the revisions the environment
 * shows (latest, selected, restricted). What a create made is the environment's latest
 * revision (in create recovery, one not shown before the POST) carrying the requested
 * tools, which are all of its definition that a revision shows. There is no `sameKey`:
 * nothing about a revision is unique. An archived environment still answers, so the
 * POST is what refuses it, in Domino's words.
 */
function candidates(client: DominoClient, inputs: CheckedRevision): Candidates<ShownRevision> {
  return {
    what: `a revision of environment ${inputs.environmentId}`,
    kind: "environment revision",
    settings: client.settings,
    list: async () => {
      const env = await client.environments.getEnvironment(inputs.environmentId);
      return shownRevisions(env).map((r) => ({ ...r, latest: sameId(r.id, env.latestRevision?.id) }));
    },
    idOf: (r) => r.id,
    // A sibling's revision becomes the latest too: revisions of one environment go one at a time.
    lane: inputs.environmentId,
    // Revision 1 is the environment's own (made with it), never one an EnvironmentRevision made.
    matches: (r) => r.latest === true && r.number > 1 && mayBeDefinition(r.availableTools, inputs),
  };
}

export const provider = defineProvider<CheckedRevision, EnvironmentRevisionOutputs>({
  kind: "EnvironmentRevision",
  schema: environmentRevisionSchema,
  computed: { revisionId: true, number: true, status: true },
  describe: (r) => `of environment ${r.environmentId}`,
  adoption: { key: ["environmentId"], id: ids },

  // A revision whose build failed is of no use: when builds are awaited, the next update
  // builds a new one, even with unchanged inputs.
  diff: (olds, news) =>
    diffRenewing(environmentRevisionSchema, olds, news, news.waitForBuild !== false && !!olds.status && buildFailed(olds.status)),

  async create(ctx, inputs) {
    const { client } = ctx;
    const revision = await createOnce<ShownRevision>({
      ...candidates(client, inputs),
      send: () => client.environments.createEnvironmentRevision(inputs.environmentId, revisionBody(inputs)),
    });
    const id = joinId(inputs.environmentId, revision.id);
    const outs = toOutputs(inputs, revision);
    // The revision exists whatever goes wrong while watching its build: it is recorded, or
    // the next `pulumi up` would build another one.
    return finishCreate(
      id,
      outs,
      async () => restrictCreated(ctx, id, await settleBuild(ctx, id, outs), inputs.isRestricted),
      (message) => `${describeRevision(outs)} was created, but its build could not be followed: ${message}`,
    );
  },

  async read({ client }, id, recorded) {
    const { environmentId, revisionId } = ids.split(id);
    const env = await liveEnvironment(client, environmentId);
    if (!env) return undefined;
    const seen = visibleRevision(env, revisionId);
    if (!seen && recorded.number === undefined) {
      // EnvironmentRevision.get of an older revision: nothing recorded, and nothing to read.
      throw new Error(
        `EnvironmentRevision ${id} cannot be read: Domino has no read by revision id, and revision ${revisionId} is not ` +
          `the latest, selected or restricted revision of environment ${environmentId} (or does not exist)`,
      );
    }
    // The definition is never returned: it keeps the recorded value (absent after a `get`).
    const outs = recordedOutputs<EnvironmentRevisionOutputs>({ ...withRecordedVariables(recorded), environmentId, revisionId });
    if (!seen) return outs;
    const isRestricted = restrictionOf(env, revisionId, recorded.isRestricted);
    return recordedOutputs<EnvironmentRevisionOutputs>({ ...outs, number: seen.number, status: canonicalStatus(seen.status), isRestricted });
  },

  /**
   * Reached for a change of `isRestricted` (one call), and when the last create or update
   * left the revision with an error (a build that was still running at the deadline):
   * every other change is a replacement.
   */
  async update(ctx, id, olds, news) {
    let current = { ...olds, waitForBuild: news.waitForBuild, buildTimeoutMinutes: news.buildTimeoutMinutes };
    if (news.isRestricted !== (olds.isRestricted ?? false)) current = await setRestricted(ctx, current, news.isRestricted);
    // A build that has ended needs nothing more.
    if (current.status !== undefined && isTerminal(current.status)) return current;
    if (!current.waitForBuild) {
      const env = await liveEnvironment(ctx.client, olds.environmentId);
      const seen = env && visibleRevision(env, olds.revisionId);
      return { ...current, status: seen ? canonicalStatus(seen.status) : current.status };
    }
    return settleBuild(ctx, id, current);
  },

  /** Domino cannot delete a revision: it stays in the environment's history. */
  async delete({ warn }, _id, props) {
    warn(
      `${props.number !== undefined ? `revision ${props.number} ` : "the revision "}was removed from the stack but stays in ` +
        "the environment's revision history: Domino's API has no call that deletes a revision.",
    );
  },

  locate: async ({ client }, inputs) => locateWith(candidates(client, inputs), (r) => joinId(inputs.environmentId, r.id)),
});

/**
 * A revision of a Domino compute environment. Id for `get`: `<environmentId>/<revisionId>`.
 *
 * - Every input except `isRestricted`, `waitForBuild` and `buildTimeoutMinutes` is fixed
 *   once the revision exists: changing one builds a new revision (the old one stays in
 *   Domino's history). `isRestricted` changes in place (Domino 5.9.1 or later); a
 *   restriction asked for at creation is set once the build has ended.
 * - By default `pulumi up` waits until the build ends, printing its status about every
 *   15 s. A build that fails (or is killed) fails the update with its status; the
 *   revision is still recorded, marked with the error, and the next `pulumi up` builds a
 *   new revision in its place. A build still running at `buildTimeoutMinutes` is
 *   recorded the same way, and the next `pulumi up` waits for it again.
 * - Destroying it only forgets it, with a warning: Domino has no call to delete a revision.
 * - Refresh can read a revision only while it is the environment's latest, selected or
 *   restricted revision (Domino has no read by revision id); otherwise the recorded state
 *   is kept. An archived or deleted environment means the revision is gone. For the same
 *   reason `EnvironmentRevision.get` works only for those revisions, and its outputs hold
 *   the ids, number and status but not the definition.
 * - `environmentVariables` is a secret in the state; the outputs hold each key with a digest
 *   of its value (`valueSha256`), never the value.
 */
export class EnvironmentRevision extends resourceClass<EnvironmentRevisionArgs, EnvironmentRevisionOutputs>("environment-revision", provider, {
  secretOutputs: ["environmentVariables"],
}) {}
