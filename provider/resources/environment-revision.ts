/**
 * EnvironmentRevision: one revision of a compute environment's definition (base image,
 * Dockerfile instructions, variables, scripts, tools). Domino builds an image for it.
 *
 * Revisions are append-only in Domino: nothing about a revision can change, so any
 * change of input makes a new revision (a replacement). Domino has no call to delete a
 * revision either, so deleting this resource only removes it from the stack; the
 * revision stays in the environment's history, and the environment keeps using its
 * newest revision (or the one selected in the UI).
 *
 * There is no read by revision id: a revision can be read back only while it is the
 * environment's latest, selected or restricted revision. An older revision keeps the
 * state recorded when it was created.
 */
import * as pulumi from "@pulumi/pulumi";
import { capabilities } from "../client/capabilities";
import {
  ClusterType,
  createEnvironmentRevision,
  EnvironmentRevisionV1,
  EnvironmentToolV1,
  EnvironmentV1,
  getEnvironment,
  NewEnvironmentRevisionV1,
} from "../client/environments";
import { isNotFound } from "../client/errors";
import { warnUser } from "../client/notices";
import { plainOutputs } from "../client/outputs";
import {
  checkInputs,
  diffInputs,
  FieldRule,
  InputRule,
  inputsFromOutputs,
  joinId,
  outputSlots,
  partialCreate,
  ResourceInitError,
  Schema,
  splitId,
  waitFor,
  withoutProvider,
} from "./common";
import { providerShim } from "./shim";

// ---------------------------------------------------------------- revision fields, shared with Environment

export interface EnvironmentVariableArgs {
  key: pulumi.Input<string>;
  value: pulumi.Input<string>;
}

export interface EnvironmentVariable {
  key: string;
  value: string;
}

export interface ProxyConfigArgs {
  /** Path template of the tool behind Domino's proxy, e.g. `/{{ownerUsername}}/{{projectName}}/{{sessionPathComponent}}/{{runId}}/`. */
  internalPath: pulumi.Input<string>;
  port: pulumi.Input<number>;
  requireSubdomain?: pulumi.Input<boolean>;
  rewrite?: pulumi.Input<boolean>;
}

export interface WorkspaceToolArgs {
  name: pulumi.Input<string>;
  title: pulumi.Input<string>;
  startScripts: pulumi.Input<pulumi.Input<string>[]>;
  iconUrl?: pulumi.Input<string>;
  proxyConfig?: pulumi.Input<ProxyConfigArgs>;
  supportedFileExtensions?: pulumi.Input<pulumi.Input<string>[]>;
}

export type WorkspaceTool = EnvironmentToolV1;

/** The definition of a revision, as arguments. */
export interface RevisionDefinitionArgs {
  /** Base Docker image, e.g. `quay.io/domino/compute-environment-images:ubuntu20-py3.9-r-4.2-domino5.3-standard`. */
  image: pulumi.Input<string>;
  /** Dockerfile lines run on top of the image. */
  dockerfileInstructions?: pulumi.Input<string>;
  /**
   * Variables set in every run of the environment. The whole list is stored as a secret
   * in the Pulumi state, whether or not the values are wrapped in `pulumi.secret`.
   */
  environmentVariables?: pulumi.Input<pulumi.Input<EnvironmentVariableArgs>[]>;
  preRunScript?: pulumi.Input<string>;
  postRunScript?: pulumi.Input<string>;
  preSetupScript?: pulumi.Input<string>;
  postSetupScript?: pulumi.Input<string>;
  /** Interactive tools (Jupyter, RStudio, ...) the environment offers. */
  workspaceTools?: pulumi.Input<pulumi.Input<WorkspaceToolArgs>[]>;
  /** Cluster types the environment can serve: Dask, Mpi, Ray, Spark (case-insensitive). */
  supportedClusters?: pulumi.Input<pulumi.Input<string>[]>;
  /** Build without Docker's layer cache. Default false. */
  skipCache?: pulumi.Input<boolean>;
  /** Change summary shown in the revision history. */
  summary?: pulumi.Input<string>;
  /** Revision tags. Domino 5.9.1 or later. */
  tags?: pulumi.Input<pulumi.Input<string>[]>;
  /** Default false. */
  useVpn?: pulumi.Input<boolean>;
}

export interface RevisionDefinition {
  image: string;
  dockerfileInstructions: string;
  environmentVariables: EnvironmentVariable[];
  preRunScript: string;
  postRunScript: string;
  preSetupScript: string;
  postSetupScript: string;
  workspaceTools: WorkspaceTool[];
  supportedClusters: ClusterType[];
  skipCache: boolean;
  summary: string;
  tags: string[];
  useVpn: boolean;
}

export const REVISION_FIELDS = [
  "image",
  "dockerfileInstructions",
  "environmentVariables",
  "preRunScript",
  "postRunScript",
  "preSetupScript",
  "postSetupScript",
  "workspaceTools",
  "supportedClusters",
  "skipCache",
  "summary",
  "tags",
  "useVpn",
] as const;

const CLUSTER_TYPES = ["Dask", "Mpi", "Ray", "Spark"] as const;

const toolFields: Record<string, FieldRule> = {
  name: { kind: "string", required: true, nonEmpty: true },
  title: { kind: "string", required: true, nonEmpty: true },
  startScripts: { kind: "stringArray", required: true },
  iconUrl: { kind: "string" },
  proxyConfig: {
    kind: "object",
    fields: {
      internalPath: { kind: "string", required: true, nonEmpty: true },
      port: { kind: "integer", required: true, min: 1, max: 65535 },
      requireSubdomain: { kind: "boolean" },
      rewrite: { kind: "boolean" },
    },
  },
  supportedFileExtensions: { kind: "stringArray" },
};

function uniqueKeys(value: unknown): string | undefined {
  const seen = new Set<string>();
  for (const v of value as EnvironmentVariable[]) {
    if (seen.has(v.key)) return `must not set "${v.key}" twice`;
    seen.add(v.key);
  }
  return undefined;
}

/** The schema rules of the revision fields; `onChange` says what a change does for the resource using them. */
export function revisionFieldsSchema(onChange: InputRule["onChange"]): Schema {
  return {
    image: { kind: "string", required: true, nonEmpty: true, onChange },
    dockerfileInstructions: { kind: "string", default: "", onChange },
    environmentVariables: {
      kind: "objectArray",
      default: [],
      onChange,
      fields: {
        key: { kind: "string", required: true, nonEmpty: true, pattern: { regex: /^[A-Za-z_][A-Za-z0-9_]*$/, rule: "must be a variable name (letters, digits, underscores; not starting with a digit)" } },
        value: { kind: "string", required: true },
      },
      validate: uniqueKeys,
    },
    preRunScript: { kind: "string", default: "", onChange },
    postRunScript: { kind: "string", default: "", onChange },
    preSetupScript: { kind: "string", default: "", onChange },
    postSetupScript: { kind: "string", default: "", onChange },
    workspaceTools: { kind: "objectArray", default: [], onChange, fields: toolFields },
    supportedClusters: { kind: "stringArray", default: [], oneOf: CLUSTER_TYPES, onChange },
    skipCache: { kind: "boolean", default: false, onChange },
    summary: { kind: "string", default: "", onChange },
    tags: { kind: "stringArray", default: [], onChange },
    useVpn: { kind: "boolean", default: false, onChange },
  };
}

/** The request body of a revision: empty values are left out, so Domino applies its own defaults. */
export function revisionBody(d: RevisionDefinition): NewEnvironmentRevisionV1 {
  const body: NewEnvironmentRevisionV1 = { image: d.image };
  if (d.dockerfileInstructions) body.dockerfileInstructions = d.dockerfileInstructions;
  if (d.environmentVariables.length > 0) body.environmentVariables = d.environmentVariables.map((v) => ({ key: v.key, value: v.value }));
  if (d.preRunScript) body.preRunScript = d.preRunScript;
  if (d.postRunScript) body.postRunScript = d.postRunScript;
  if (d.preSetupScript) body.preSetupScript = d.preSetupScript;
  if (d.postSetupScript) body.postSetupScript = d.postSetupScript;
  if (d.workspaceTools.length > 0) body.workspaceTools = d.workspaceTools;
  if (d.supportedClusters.length > 0) body.supportedClusters = d.supportedClusters;
  if (d.skipCache) body.skipCache = true;
  if (d.summary) body.summary = d.summary;
  if (d.tags.length > 0) body.tags = d.tags;
  if (d.useVpn) body.useVpn = true;
  return body;
}

/** The revision fields of a record, in their recorded form (for outputs). */
export function revisionDefinition(source: RevisionDefinition): RevisionDefinition {
  const out = {} as Record<string, unknown>;
  for (const f of REVISION_FIELDS) out[f] = source[f];
  return out as unknown as RevisionDefinition;
}

/** Revision tags exist from Domino 5.9.1; on 5.3 they would be dropped, so say so before creating anything. */
export async function assertTagsSupported(resource: string, d: RevisionDefinition): Promise<void> {
  if (d.tags.length === 0) return;
  if ((await capabilities()).surface === "5.3") {
    throw new Error(`${resource}.tags needs Domino 5.9.1 or later; this Domino API (5.3) has no revision tags. Remove tags.`);
  }
}

// ---------------------------------------------------------------- builds

const BUILD_STATUSES = ["Queued", "Starting", "Pulling", "Building", "Pushing", "Succeeded", "Failed", "Killed"] as const;

/** The status in the enum's spelling (servers differ in casing). */
export function canonicalStatus(status: string | undefined): string {
  if (!status) return "Unknown";
  return BUILD_STATUSES.find((s) => s.toLowerCase() === status.toLowerCase()) ?? status;
}

export function isTerminal(status: string): boolean {
  return ["succeeded", "failed", "killed"].includes(status.toLowerCase());
}

export function buildFailed(status: string): boolean {
  return ["failed", "killed"].includes(status.toLowerCase());
}

/** The revision as the environment shows it, if it is its latest, selected or restricted revision. */
export function visibleRevision(env: EnvironmentV1, revisionId: string): EnvironmentRevisionV1 | undefined {
  return [env.latestRevision, env.selectedRevision, env.restrictedRevision].find((r) => r?.id === revisionId);
}

/** The environment, or undefined when it is gone or archived. */
export async function liveEnvironment(environmentId: string): Promise<EnvironmentV1 | undefined> {
  try {
    const env = await getEnvironment(environmentId);
    return env.archived ? undefined : env;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export type BuildOutcome =
  | { kind: "finished"; status: string }
  /** The build was still running at the deadline. */
  | { kind: "timedOut"; status: string }
  /** A newer revision took the revision's place before its build could be seen to end. */
  | { kind: "unobservable"; status: string };

/** First poll after this long: an image build takes longer, so a sooner poll would be a wasted call. */
const FIRST_POLL_MS = 500;

/**
 * Waits until the revision's build ends. Domino has no read by revision id, so its status
 * is read from the environment, where the revision shows while it is the latest (or the
 * selected or restricted) revision.
 */
export async function waitForBuild(
  environmentId: string,
  revisionId: string,
  lastKnownStatus: string,
  timeoutMs: number,
): Promise<BuildOutcome> {
  let status = canonicalStatus(lastKnownStatus);
  if (isTerminal(status)) return { kind: "finished", status };
  const deadline = Date.now() + timeoutMs;
  await new Promise((r) => setTimeout(r, Math.min(FIRST_POLL_MS, timeoutMs)));
  let timedOut = false;
  try {
    return await waitFor<BuildOutcome>(
      async () => {
        const env = await liveEnvironment(environmentId);
        if (!env) throw new Error(`environment ${environmentId} was archived or deleted while revision ${revisionId} was building`);
        const revision = visibleRevision(env, revisionId);
        if (!revision) return { kind: "unobservable", status };
        status = canonicalStatus(revision.status);
        return isTerminal(status) ? { kind: "finished", status } : undefined;
      },
      {
        timeoutMs: Math.max(0, deadline - Date.now()),
        intervalMs: 1000,
        maxIntervalMs: 10_000,
        describe: () => {
          timedOut = true;
          return "timed out";
        },
      },
    );
  } catch (err) {
    if (timedOut) return { kind: "timedOut", status };
    throw err;
  }
}

function minutesToMs(minutes: number): number {
  return Math.round(minutes * 60_000);
}

// ---------------------------------------------------------------- EnvironmentRevision

export interface EnvironmentRevisionArgs extends RevisionDefinitionArgs {
  /** The environment the revision belongs to. */
  environmentId: pulumi.Input<string>;
  /**
   * Wait until Domino has built the revision. A failed build fails the create. Default
   * true. Changing it does not touch the revision.
   */
  waitForBuild?: pulumi.Input<boolean>;
  /**
   * How long to wait for the build, in minutes (fractions allowed). Default 30. Pulumi's
   * `customTimeouts` option does not reach dynamic resources, so this input takes its place.
   */
  buildTimeoutMinutes?: pulumi.Input<number>;
}

export interface EnvironmentRevisionInputs extends RevisionDefinition {
  environmentId: string;
  waitForBuild: boolean;
  buildTimeoutMinutes: number;
}

export interface EnvironmentRevisionOutputs extends EnvironmentRevisionInputs {
  revisionId: string;
  /** Sequential number of the revision within its environment. */
  number: number;
  /** Build status: Queued, Starting, Pulling, Building, Pushing, Succeeded, Failed or Killed. */
  status: string;
}

export const environmentRevisionSchema: Schema = {
  environmentId: { kind: "string", required: true, dominoId: true, onChange: "replace" },
  ...revisionFieldsSchema("replace"),
  waitForBuild: { kind: "boolean", default: true, onChange: "ignore" },
  buildTimeoutMinutes: { kind: "number", default: 30, min: 0, onChange: "ignore" },
};

const ID_PARTS = ["environmentId", "revisionId"] as const;

function toOutputs(inputs: EnvironmentRevisionInputs, revision: { id: string; number: number; status: string }): EnvironmentRevisionOutputs {
  return plainOutputs({
    environmentId: inputs.environmentId,
    revisionId: revision.id,
    number: revision.number,
    status: canonicalStatus(revision.status),
    ...revisionDefinition(inputs),
    waitForBuild: inputs.waitForBuild,
    buildTimeoutMinutes: inputs.buildTimeoutMinutes,
  });
}

function buildFailureReason(outs: EnvironmentRevisionOutputs): string {
  return (
    `the build of revision ${outs.number} (${outs.revisionId}) of environment ${outs.environmentId} ended with status ${outs.status}. ` +
    "See the build logs in Domino; the next `pulumi up` builds a new revision"
  );
}

function timeoutReason(outs: EnvironmentRevisionOutputs): string {
  return (
    `revision ${outs.number} (${outs.revisionId}) of environment ${outs.environmentId} was still building (status ${outs.status}) ` +
    `after ${outs.buildTimeoutMinutes} minutes; the next \`pulumi up\` waits for it again (raise buildTimeoutMinutes if builds take longer)`
  );
}

/** Waits for the build when asked to; a failed or unfinished build is reported with the revision recorded. */
async function settleBuild(inputs: { __provider?: unknown }, id: string, outs: EnvironmentRevisionOutputs): Promise<EnvironmentRevisionOutputs> {
  if (!outs.waitForBuild) return outs;
  const outcome = await waitForBuild(outs.environmentId, outs.revisionId, outs.status, minutesToMs(outs.buildTimeoutMinutes));
  const settled = { ...outs, status: outcome.status };
  if (outcome.kind === "timedOut") throw partialCreate(inputs, id, settled, timeoutReason(settled));
  if (outcome.kind === "finished" && buildFailed(outcome.status)) throw partialCreate(inputs, id, settled, buildFailureReason(settled));
  return settled;
}

export const provider = {
  async check(_olds: unknown, news: Record<string, unknown>) {
    return checkInputs<EnvironmentRevisionInputs>("EnvironmentRevision", environmentRevisionSchema, news);
  },

  async diff(_id: string, olds: EnvironmentRevisionOutputs, news: EnvironmentRevisionInputs) {
    const result = diffInputs(environmentRevisionSchema, { ...olds }, { ...news });
    // A revision whose build failed is of no use: when builds are awaited, the next
    // update builds a new one, even with unchanged inputs.
    if (news.waitForBuild !== false && olds.status && buildFailed(olds.status) && !result.replaces) {
      return { changes: true, replaces: ["status"] };
    }
    return result;
  },

  async create(inputs: EnvironmentRevisionInputs & { __provider?: string }) {
    await assertTagsSupported("EnvironmentRevision", inputs);
    const started = Date.now();
    // A lost answer is recognised by a revision made after this attempt began (ids start
    // with their creation time in seconds) that is now the environment's latest.
    const findExisting = async () => {
      const env = await liveEnvironment(inputs.environmentId);
      const latest = env?.latestRevision;
      return latest && createdSince(latest.id, started) ? latest : undefined;
    };
    const revision = await createEnvironmentRevision(inputs.environmentId, revisionBody(inputs), findExisting);
    const id = joinId(inputs.environmentId, revision.id);
    const outs = toOutputs(inputs, { id: revision.id, number: revision.number, status: revision.status ?? "Queued" });
    try {
      return { id, outs: await settleBuild(inputs, id, outs) };
    } catch (err) {
      if (err instanceof ResourceInitError) throw err;
      // The revision exists whatever went wrong while watching its build: record it, or the
      // next `pulumi up` would build another one.
      throw partialCreate(
        inputs,
        id,
        outs,
        `revision ${outs.number} (${outs.revisionId}) of environment ${outs.environmentId} was created, but its build could not be followed: ${(err as Error).message}`,
      );
    }
  },

  async read(id: string, props?: Partial<EnvironmentRevisionOutputs>) {
    const { environmentId, revisionId } = splitId("EnvironmentRevision", id, ID_PARTS);
    const env = await liveEnvironment(environmentId);
    if (!env) return { id: "" };
    const seen = visibleRevision(env, revisionId);
    if (!seen && props?.number === undefined) {
      // EnvironmentRevision.get of an older revision: nothing recorded, and nothing to read.
      throw new Error(
        `EnvironmentRevision ${id} cannot be read: Domino has no read by revision id, and revision ${revisionId} is not ` +
          `the latest, selected or restricted revision of environment ${environmentId} (or does not exist)`,
      );
    }
    const recorded: Partial<EnvironmentRevisionOutputs> = { ...withoutProvider(props ?? {}), environmentId, revisionId };
    if (seen) {
      recorded.number = seen.number;
      recorded.status = canonicalStatus(seen.status);
    }
    const outs = plainOutputs(recorded);
    return { id, props: outs, inputs: inputsFromOutputs<EnvironmentRevisionInputs>(environmentRevisionSchema, { ...outs }) };
  },

  /**
   * Only reached when the last create or update left the revision with an error (a
   * build that was still running at the deadline): every real change is a replacement.
   */
  async update(id: string, olds: EnvironmentRevisionOutputs, news: EnvironmentRevisionInputs & { __provider?: string }) {
    const current = { ...withoutProvider(olds), waitForBuild: news.waitForBuild, buildTimeoutMinutes: news.buildTimeoutMinutes };
    if (!current.waitForBuild) {
      const env = await liveEnvironment(olds.environmentId);
      const seen = env && visibleRevision(env, olds.revisionId);
      return { outs: plainOutputs({ ...current, status: seen ? canonicalStatus(seen.status) : current.status }) };
    }
    return { outs: await settleBuild(news, id, current) };
  },

  /** Domino cannot delete a revision: it stays in the environment's history. */
  async delete(id: string, props: Partial<EnvironmentRevisionOutputs>) {
    warnUser(
      `EnvironmentRevision ${props.number !== undefined ? `${props.number} ` : ""}(${id}) was removed from the stack but stays in ` +
        "the environment's revision history: Domino's API has no call that deletes a revision.",
    );
  },
};

/** True when a Domino (Mongo ObjectId) id was minted no earlier than a minute before `since`. */
export function createdSince(objectId: string, since: number): boolean {
  if (!/^[0-9a-f]{24}$/i.test(objectId)) return false;
  const seconds = parseInt(objectId.slice(0, 8), 16);
  return seconds * 1000 >= since - 60_000;
}

const OUTPUTS = ["environmentId", "revisionId", "number", "status", ...REVISION_FIELDS, "waitForBuild", "buildTimeoutMinutes"] as const;

/** Keeps variable values out of the state in plaintext: the inputs as a secret, and the output too. */
export function secretVariables<T extends { environmentVariables?: RevisionDefinitionArgs["environmentVariables"] }>(args: T): T {
  if (args.environmentVariables === undefined) return args;
  return { ...args, environmentVariables: pulumi.secret(args.environmentVariables) };
}

export function withSecretVariables(opts: pulumi.CustomResourceOptions | undefined): pulumi.CustomResourceOptions {
  return { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "environmentVariables"] };
}

/**
 * A revision of a Domino compute environment. Import id: `<environmentId>/<revisionId>`.
 *
 * - Every input except `waitForBuild` and `buildTimeoutMinutes` is fixed once the revision
 *   exists: changing one builds a new revision (the old one stays in Domino's history).
 * - By default `pulumi up` waits until the build ends. A build that fails (or is killed)
 *   fails the update with its status; the revision is still recorded, marked with the
 *   error, and the next `pulumi up` builds a new revision in its place. A build still
 *   running at `buildTimeoutMinutes` is recorded the same way, and the next `pulumi up`
 *   waits for it again.
 * - Destroying it only forgets it, with a warning: Domino has no call to delete a revision.
 * - Refresh can read a revision only while it is the environment's latest, selected or
 *   restricted revision (Domino has no read by revision id); otherwise the recorded state
 *   is kept. An archived or deleted environment means the revision is gone. For the same
 *   reason `EnvironmentRevision.get` works only for those revisions, and its outputs hold
 *   the ids, number and status but not the definition.
 * - `environmentVariables` is stored as a secret.
 */
export class EnvironmentRevision extends pulumi.dynamic.Resource {
  declare readonly environmentId: pulumi.Output<string>;
  declare readonly revisionId: pulumi.Output<string>;
  declare readonly number: pulumi.Output<number>;
  declare readonly status: pulumi.Output<string>;
  declare readonly image: pulumi.Output<string>;
  declare readonly dockerfileInstructions: pulumi.Output<string>;
  declare readonly environmentVariables: pulumi.Output<EnvironmentVariable[]>;
  declare readonly preRunScript: pulumi.Output<string>;
  declare readonly postRunScript: pulumi.Output<string>;
  declare readonly preSetupScript: pulumi.Output<string>;
  declare readonly postSetupScript: pulumi.Output<string>;
  declare readonly workspaceTools: pulumi.Output<WorkspaceTool[]>;
  declare readonly supportedClusters: pulumi.Output<string[]>;
  declare readonly skipCache: pulumi.Output<boolean>;
  declare readonly summary: pulumi.Output<string>;
  declare readonly tags: pulumi.Output<string[]>;
  declare readonly useVpn: pulumi.Output<boolean>;
  declare readonly waitForBuild: pulumi.Output<boolean>;
  declare readonly buildTimeoutMinutes: pulumi.Output<number>;

  constructor(name: string, args: EnvironmentRevisionArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerShim("environment-revision"),
      name,
      { ...outputSlots(OUTPUTS), ...secretVariables(args) },
      withSecretVariables(opts),
      "domino",
      "EnvironmentRevision",
    );
  }

  /** Looks up an existing revision by its id, `<environmentId>/<revisionId>`. */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): EnvironmentRevision {
    return new EnvironmentRevision(name, {} as EnvironmentRevisionArgs, { ...opts, id });
  }
}
