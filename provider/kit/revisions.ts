/**
 * A revision's definition (base image, Dockerfile lines, variables, scripts, tools), as
 * both Environment (its first revision) and EnvironmentRevision declare it: the input
 * fields with their docs and rules, the request body and the recorded form. Variable
 * values are secrets: the resource classes name `environmentVariables` a secret output,
 * which `DominoResource` makes secret on the way in too.
 */
import { createHash } from "crypto";
import { EnvironmentToolV1, NewEnvironmentRevisionV1, ProxyConfigV1 } from "../client/environments";
import { ClusterType, enumValues } from "./enums";
import { Args } from "./resource";
import { FieldRule, InputRule, SchemaFor } from "./schema";

export interface EnvironmentVariable {
  key: string;
  value: string;
}

/**
 * A variable as the outputs record it: its key and a SHA-256 digest of its value (hex),
 * never the value. The Node.js SDK writes every resource's outputs into a debug event of
 * `pulumi up --json` (and of `--debug` runs) in plaintext; the values stay in the inputs,
 * encrypted. Domino never returns them, so the digest loses nothing a refresh could see.
 */
export interface RecordedVariable {
  key: string;
  valueSha256: string;
}

/** A record's `environmentVariables` in the recorded form. */
export type WithRecordedVariables<T extends { environmentVariables?: unknown }> = Omit<T, "environmentVariables"> & {
  environmentVariables: RecordedVariable[];
};

export function valueDigest(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

/**
 * Variables in their recorded form: `{key, value}` becomes `{key, valueSha256}`; items
 * already recorded pass, and so does anything that is not a list (left to the schema).
 * State written before digests (values in the outputs) compares equal to its digests.
 */
export function recordedVariables(list: unknown): unknown {
  if (!Array.isArray(list)) return list;
  return list.map((item: unknown) => {
    if (!item || typeof item !== "object") return item;
    const v = item as { key?: unknown; value?: unknown; valueSha256?: unknown };
    if (typeof v.value === "string") return { key: v.key, valueSha256: valueDigest(v.value) };
    return typeof v.valueSha256 === "string" ? { key: v.key, valueSha256: v.valueSha256 } : item;
  });
}

/** A recorded state with its variables in the recorded form (state written before digests held values). */
export function withRecordedVariables<T extends { environmentVariables?: unknown }>(recorded: T): T {
  if (recorded.environmentVariables === undefined) return recorded;
  return { ...recorded, environmentVariables: recordedVariables(recorded.environmentVariables) };
}

export type ProxyConfig = ProxyConfigV1;
export type WorkspaceTool = EnvironmentToolV1;

export type EnvironmentVariableArgs = Args<EnvironmentVariable>;
/** `internalPath` is the path template of the tool behind Domino's proxy, e.g. `/{{ownerUsername}}/{{projectName}}/{{sessionPathComponent}}/{{runId}}/`. */
export type ProxyConfigArgs = Args<ProxyConfig>;
export type WorkspaceToolArgs = Args<WorkspaceTool>;

/** The definition of a revision. Revisions are immutable in Domino. */
export interface RevisionDefinitionInputs {
  /** Base Docker image, e.g. `quay.io/domino/compute-environment-images:ubuntu20-py3.9-r-4.2-domino5.3-standard`. */
  image: string;
  /** Dockerfile lines run on top of the image. */
  dockerfileInstructions?: string;
  /**
   * Variables set in every run of the environment. The whole list is stored as a secret
   * in the Pulumi state, whether or not the values are wrapped in `pulumi.secret`. The
   * outputs hold each key with a digest of its value (`{key, valueSha256}`), not the value.
   */
  environmentVariables?: EnvironmentVariable[];
  preRunScript?: string;
  postRunScript?: string;
  preSetupScript?: string;
  postSetupScript?: string;
  /** Interactive tools (Jupyter, RStudio, ...) the environment offers. */
  workspaceTools?: WorkspaceTool[];
  /** Cluster types the environment can serve: Dask, Mpi, Ray, Spark (case-insensitive at run time). */
  supportedClusters?: ClusterType[];
  /** Build without Docker's layer cache. Default false. */
  skipCache?: boolean;
  /** Change summary shown in the revision history. */
  summary?: string;
  /** Revision tags. Domino 5.9.1 or later. */
  tags?: string[];
  /** Default false. */
  useVpn?: boolean;
}

/** The definition after `check`: defaults filled in, cluster types in their canonical spelling. */
export type RevisionDefinition = Required<RevisionDefinitionInputs>;

export type RevisionDefinitionArgs = Args<RevisionDefinitionInputs>;

const FIELDS: { readonly [K in keyof Required<RevisionDefinitionInputs>]: K } = {
  image: "image",
  dockerfileInstructions: "dockerfileInstructions",
  environmentVariables: "environmentVariables",
  preRunScript: "preRunScript",
  postRunScript: "postRunScript",
  preSetupScript: "preSetupScript",
  postSetupScript: "postSetupScript",
  workspaceTools: "workspaceTools",
  supportedClusters: "supportedClusters",
  skipCache: "skipCache",
  summary: "summary",
  tags: "tags",
  useVpn: "useVpn",
};

/** The definition's field names, each once (the compiler holds the list to the type). */
export const REVISION_FIELDS: readonly (keyof RevisionDefinition)[] = Object.values(FIELDS);

const CLUSTER_TYPES: readonly ClusterType[] = enumValues(ClusterType);

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
  const items: unknown[] = Array.isArray(value) ? value : [];
  const seen = new Set<string>();
  for (const item of items) {
    const key = item && typeof item === "object" && "key" in item ? item.key : undefined;
    if (typeof key !== "string") continue;
    if (seen.has(key)) return `must not set "${key}" twice`;
    seen.add(key);
  }
  return undefined;
}

/**
 * The rules of the definition's fields; `onChange` says what a change does to the
 * resource declaring them (a new revision, or nothing for an environment's first one).
 * Failures name keys but never values: variable values are secrets.
 */
export function revisionFieldsSchema(onChange: InputRule["onChange"]): SchemaFor<RevisionDefinitionInputs> {
  return {
    image: { kind: "string", required: true, nonEmpty: true, onChange },
    dockerfileInstructions: { kind: "string", default: "", onChange },
    environmentVariables: {
      kind: "objectArray",
      default: [],
      onChange,
      fields: {
        key: {
          kind: "string",
          required: true,
          nonEmpty: true,
          pattern: { regex: /^[A-Za-z_][A-Za-z0-9_]*$/, rule: "must be a variable name (letters, digits, underscores; not starting with a digit)" },
        },
        value: { kind: "string", required: true },
      },
      validate: uniqueKeys,
      // The outputs hold digests of the values: `diff` compares the inputs' digests.
      recordedAs: recordedVariables,
      // The engine would print the values next to a failure that names this property.
      secret: true,
    },
    preRunScript: { kind: "string", default: "", onChange },
    postRunScript: { kind: "string", default: "", onChange },
    preSetupScript: { kind: "string", default: "", onChange },
    postSetupScript: { kind: "string", default: "", onChange },
    workspaceTools: { kind: "objectArray", default: [], onChange, fields: toolFields },
    supportedClusters: { kind: "stringArray", default: [], oneOf: CLUSTER_TYPES, onChange },
    skipCache: { kind: "boolean", default: false, onChange },
    summary: { kind: "string", default: "", onChange },
    tags: { kind: "stringArray", default: [], onChange, since: "5.9.1" },
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

/**
 * The definition's fields of a record, as outputs record them. Domino never returns a
 * revision's definition, so the recorded one is what was sent, with the variables' values
 * replaced by their digests.
 */
export function revisionDefinition(d: RevisionDefinition): WithRecordedVariables<RevisionDefinition> {
  return {
    image: d.image,
    dockerfileInstructions: d.dockerfileInstructions,
    environmentVariables: d.environmentVariables.map((v) => ({ key: v.key, valueSha256: valueDigest(v.value) })),
    preRunScript: d.preRunScript,
    postRunScript: d.postRunScript,
    preSetupScript: d.preSetupScript,
    postSetupScript: d.postSetupScript,
    workspaceTools: d.workspaceTools,
    supportedClusters: d.supportedClusters,
    skipCache: d.skipCache,
    summary: d.summary,
    tags: d.tags,
    useVpn: d.useVpn,
  };
}

/**
 * Whether a revision Domino shows may be the one requested, as far as it shows: a
 * revision carries only its tools (`availableTools`) of the whole definition. Domino may
 * add tools of its own, so every requested tool must be there, not the same list.
 */
export function mayBeDefinition(shownTools: readonly WorkspaceTool[] | undefined, d: RevisionDefinition): boolean {
  if (shownTools === undefined) return true;
  const names = new Set(shownTools.map((t) => t.name));
  return d.workspaceTools.every((t) => names.has(t.name));
}
