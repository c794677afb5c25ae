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

function locatorFor(module: string): LocatingProvider {
  // The resource modules are siblings of this folder in dist/.
  return (require(`../resources/${module}`) as { provider: LocatingProvider }).provider;
}

const isSecret = (v: unknown) => !!v && typeof v === "object" && "4dabf18193072939515e22adb298388d" in (v as object);

/**
 * The resource entry for a recovered object: the pending create's entry with the id and
 * the outputs read from Domino. Outputs that are secret inputs keep the input's encrypted
 * value, so no secret is written in plaintext.
 */
function recordedResource(pending: StateResource, found: Located<Record<string, unknown>>): StateResource {
  const outputs: Record<string, unknown> = { ...found.outs };
  for (const [key, value] of Object.entries(pending.inputs ?? {})) {
    if (isSecret(value)) outputs[key] = value;
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

  for (let i = 0; i < pending.length; i++) {
    const op = pending[i];
    const module = moduleOfType(op.resource.type);
    const kind = op.resource.type.slice(TYPE_PREFIX.length);
    if (!module || op.type !== "creating") {
      keep.push(op);
      if (module) outcomes.push({ urn: op.resource.urn, kind, outcome: "left", ids: [], detail: `pending ${op.type}: the next pulumi up reconciles it` });
      continue;
    }
    const inputs = plainPending.find((p) => p.resource.urn === op.resource.urn && p.type === op.type)?.resource.inputs ?? {};
    let found: Located<Record<string, unknown>>[];
    try {
      found = await locatorFor(module).locate(inputs);
    } catch (err) {
      keep.push(op);
      outcomes.push({ urn: op.resource.urn, kind, outcome: "ambiguous", ids: [], detail: (err as Error).message });
      continue;
    }
    const free = found.filter((f) => !held.get(op.resource.type)?.has(f.id.toLowerCase()));
    if (free.length === 1) {
      added.push(recordedResource(op.resource, free[0]));
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
