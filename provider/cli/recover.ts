/**
 * `pulumi-domino recover`: after an interrupted `pulumi up` (a cancelled CI job, a lost
 * runner), records in the stack the objects that the interrupted creates made, so that the
 * next `pulumi up` neither fails on "already exists" nor makes them twice.
 *
 * For each pending create of a Domino resource it looks in Domino for the objects that a
 * create of exactly those inputs makes (the match create recovery uses), leaving out every
 * object another resource of the stack already holds:
 * - exactly one: it is recorded as the resource's object (read from Domino);
 * - none: nothing was made, and the pending create is cleared;
 * - several: it cannot tell which, so it names them and changes nothing for that resource.
 * Pending updates and deletes are left to the engine (its next run reconciles them).
 */
import { configureFromValues } from "../config";
import { Located } from "../kit/lifecycle";
import { ExportedStack, exportStack, importStack, PendingOperation, StackOptions, stackConfig, StateResource } from "./stack";

const TYPE_PREFIX = "pulumi-nodejs:dynamic/domino:";

/** `EnvironmentRevision` -> `environment-revision`, the resource module's name. */
export function moduleOfType(type: string): string | undefined {
  if (!type.startsWith(TYPE_PREFIX)) return undefined;
  return type
    .slice(TYPE_PREFIX.length)
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .toLowerCase();
}

export interface RecoveryOutcome {
  urn: string;
  kind: string;
  outcome: "recorded" | "nothing-made" | "ambiguous" | "left";
  /** The recorded id, or the candidates when ambiguous. */
  ids: string[];
  detail?: string;
}

interface LocatingProvider {
  locate(inputs: Record<string, unknown>): Promise<Located<Record<string, unknown>>[]>;
}

interface ResourceModule {
  provider: LocatingProvider;
  [exported: string]: unknown;
}

function moduleFor(module: string): ResourceModule {
  // The resource modules are siblings of this folder in dist/.
  return require(`../resources/${module}`) as ResourceModule;
}

/**
 * The input fields a create fixes once and for all (`onChange` "replace" or "ignore" in the
 * kind's schema, exported as `<kind>Schema` by convention). Fields that change in place
 * ("update", e.g. a project's status, set by a second call after the create) are not among
 * them: whether the interrupted create got that far is unknown.
 */
interface RecordedRule {
  onChange?: string;
  /** The form the outputs record the value in (a digest in place of a secret value). */
  recordedAs?: (value: unknown) => unknown;
}

function schemaOf(mod: ResourceModule, kind: string): Record<string, RecordedRule> {
  return (mod[`${kind.charAt(0).toLowerCase()}${kind.slice(1)}Schema`] as Record<string, RecordedRule> | undefined) ?? {};
}

function createTimeFields(schema: Record<string, RecordedRule>): Set<string> {
  const fields = new Set<string>();
  for (const [field, rule] of Object.entries(schema)) if (rule?.onChange === "replace" || rule?.onChange === "ignore") fields.add(field);
  return fields;
}

/** The signature the state's JSON marks a secret with (`{ [SECRET_SIG]: SECRET_VALUE, ciphertext | plaintext }`). */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";
const isSecret = (v: unknown) => !!v && typeof v === "object" && SECRET_SIG in (v as object);

/** A value of `stack export --show-secrets` with its secrets unwrapped (they are `{sig, plaintext}` there). */
function revealed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revealed);
  if (!value || typeof value !== "object") return value;
  const obj = value as Record<string, unknown>;
  if (isSecret(obj)) return typeof obj.plaintext === "string" ? revealed(JSON.parse(obj.plaintext)) : obj;
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, revealed(v)]));
}

/** A secret for `stack import` to encrypt with the stack's own secrets provider. */
function secretForImport(value: unknown): Record<string, unknown> {
  return { [SECRET_SIG]: SECRET_VALUE, plaintext: JSON.stringify(value) };
}

/**
 * The resource entry for a recovered object: the pending create's entry with the id and
 * the outputs read from Domino. Outputs that are secret inputs keep the input's encrypted
 * value, so no secret is written in plaintext. What Domino cannot read back of the fields
 * the create itself set (a revision's definition, a snapshot's paths) is taken from the
 * create's inputs, as the create would have recorded it: the object was found as one
 * made with them, and without them the next `pulumi up` would replace it (and, for kinds
 * Domino cannot delete, leave it behind). A field the outputs record in another form (an
 * environment's variables: digests, not values) is recorded in that form, as a secret when
 * its input is one, exactly as the create would have recorded it.
 */
function recordedResource(
  pending: StateResource,
  plainInputs: Record<string, unknown>,
  found: Located<Record<string, unknown>>,
  schema: Record<string, RecordedRule>,
): StateResource {
  const createTime = createTimeFields(schema);
  const outputs: Record<string, unknown> = { ...found.outs };
  for (const [key, value] of Object.entries(pending.inputs ?? {})) {
    if (key === "__provider") continue;
    const recordedAs = schema[key]?.recordedAs;
    if (recordedAs && value !== undefined && (createTime.has(key) || isSecret(value))) {
      const recorded = recordedAs(plainInputs[key]);
      outputs[key] = isSecret(value) ? secretForImport(recorded) : recorded;
    } else if (isSecret(value) || (createTime.has(key) && outputs[key] === undefined && value !== undefined)) {
      outputs[key] = value;
    }
  }
  if (pending.inputs?.__provider !== undefined) outputs.__provider = pending.inputs.__provider;
  return { ...pending, id: found.id, outputs };
}

export interface RecoverOptions extends StackOptions {
  /** Report only; change nothing. */
  dryRun?: boolean;
  log?: (line: string) => void;
}

/** Resolves the stack's pending creates; returns what it did for each. */
export async function recoverStack(opts: RecoverOptions): Promise<RecoveryOutcome[]> {
  const config = stackConfig(opts);
  configureFromValues({ get: (key) => config[key] });
  const encrypted = exportStack(opts, false);
  const plain = exportStack(opts, true);
  const pending = encrypted.deployment.pending_operations ?? [];
  const plainPending = plain.deployment.pending_operations ?? [];
  const resources = encrypted.deployment.resources ?? [];
  const outcomes: RecoveryOutcome[] = [];
  const keep: PendingOperation[] = [];
  const added: StateResource[] = [];
  // What the stack holds, plus what this run records, by type: never attributed twice.
  const held = new Map<string, Set<string>>();
  const hold = (type: string, id: string) => {
    if (!held.has(type)) held.set(type, new Set());
    held.get(type)!.add(id.toLowerCase());
  };
  for (const r of resources) if (r.id) hold(r.type, r.id);

  // First what every pending create could have made, then the decisions: an object that
  // two pending creates could each have made (revisions of one environment, which Domino
  // cannot tell apart) belongs to neither for certain.
  interface Looked {
    op: PendingOperation;
    kind: string;
    module: ResourceModule;
    free: Located<Record<string, unknown>>[];
    inputs: Record<string, unknown>;
  }
  const looked: Looked[] = [];
  for (const op of pending) {
    const module = moduleOfType(op.resource.type);
    const kind = op.resource.type.slice(TYPE_PREFIX.length);
    if (!module || op.type !== "creating") {
      keep.push(op);
      if (module) outcomes.push({ urn: op.resource.urn, kind, outcome: "left", ids: [], detail: `pending ${op.type}: the next pulumi up reconciles it` });
      continue;
    }
    const inputs = revealed(plainPending.find((p) => p.resource.urn === op.resource.urn && p.type === op.type)?.resource.inputs ?? {}) as Record<string, unknown>;
    const mod = moduleFor(module);
    let found: Located<Record<string, unknown>>[];
    try {
      found = await mod.provider.locate(inputs);
    } catch (err) {
      keep.push(op);
      outcomes.push({ urn: op.resource.urn, kind, outcome: "ambiguous", ids: [], detail: (err as Error).message });
      continue;
    }
    // An environment's revision 1 is made by the environment's own create, never by an
    // EnvironmentRevision: held by the Environment, though not under this type.
    const ownedElsewhere = (f: Located<Record<string, unknown>>) => kind === "EnvironmentRevision" && f.outs.number === 1;
    const free = found.filter((f) => !held.get(op.resource.type)?.has(f.id.toLowerCase()) && !ownedElsewhere(f));
    looked.push({ op, kind, module: mod, free, inputs });
  }
  const wantedBy = new Map<string, string[]>();
  for (const l of looked) {
    for (const f of l.free) {
      const key = `${l.op.resource.type}|${f.id.toLowerCase()}`;
      wantedBy.set(key, [...(wantedBy.get(key) ?? []), l.op.resource.urn]);
    }
  }
  for (const { op, kind, module, free, inputs } of looked) {
    const rivals = new Set(free.flatMap((f) => wantedBy.get(`${op.resource.type}|${f.id.toLowerCase()}`) ?? []).filter((u) => u !== op.resource.urn));
    if (rivals.size > 0) {
      keep.push(op);
      outcomes.push({
        urn: op.resource.urn,
        kind,
        outcome: "ambiguous",
        ids: free.map((f) => f.id),
        detail:
          `the interrupted creates of ${[...rivals].map((u) => u.split("::").pop()).join(", ")} could have made ${free.length === 1 ? "it" : "them"} too, ` +
          "and Domino shows nothing that tells which made which; check in Domino, record each with its resource's `get` or delete it, and run recover again",
      });
    } else if (free.length === 1) {
      added.push(recordedResource(op.resource, inputs, free[0], schemaOf(module, kind)));
      hold(op.resource.type, free[0].id);
      outcomes.push({ urn: op.resource.urn, kind, outcome: "recorded", ids: [free[0].id] });
    } else if (free.length === 0) {
      outcomes.push({ urn: op.resource.urn, kind, outcome: "nothing-made", ids: [] });
    } else {
      keep.push(op);
      outcomes.push({
        urn: op.resource.urn,
        kind,
        outcome: "ambiguous",
        ids: free.map((f) => f.id),
        detail: "several objects match and none is held by the stack; delete the extra ones in Domino and run recover again",
      });
    }
  }

  const changed = added.length > 0 || keep.length !== pending.length;
  if (changed && !opts.dryRun) {
    const next: ExportedStack = {
      ...encrypted,
      deployment: { ...encrypted.deployment, resources: [...resources, ...added], pending_operations: keep },
    };
    importStack(opts, next);
  }
  return outcomes;
}

export function formatOutcomes(outcomes: RecoveryOutcome[]): string {
  if (outcomes.length === 0) return "No pending operations on Domino resources: nothing to recover.";
  const name = (urn: string) => urn.split("::").pop() ?? urn;
  const lines = outcomes.map((o) => {
    switch (o.outcome) {
      case "recorded":
        return `recorded   ${o.kind} ${name(o.urn)}: the interrupted create had made ${o.ids[0]}`;
      case "nothing-made":
        return `cleared    ${o.kind} ${name(o.urn)}: the interrupted create made nothing; pulumi up creates it`;
      case "ambiguous":
        return `UNRESOLVED ${o.kind} ${name(o.urn)}: ${o.ids.length ? `candidates ${o.ids.join(", ")}; ` : ""}${o.detail ?? ""}`;
      default:
        return `left       ${o.kind} ${name(o.urn)}: ${o.detail ?? ""}`;
    }
  });
  return lines.join("\n");
}
