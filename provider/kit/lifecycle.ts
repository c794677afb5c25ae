/**
 * The lifecycle kit: turns a resource's declaration (schema, id, create/read/update/
 * delete against a client) into the provider the engine calls. It owns the rules every
 * resource shares:
 * - `check` and `diff` come from the schema; a resource without `update` replaces on
 *   every change;
 * - `__provider` is stripped before the resource sees its inputs; outputs are plain JSON;
 * - a read that finds nothing (or a 404) means "gone"; a delete answered 404 means
 *   "done"; anything else is an error;
 * - every operation runs in a scope with one deadline and a place for progress lines;
 * - every error names the resource, and carries no stack frames to the user;
 * - `adoptId` (every kind's) makes `create` take over an existing object (adoption.ts
 *   compares it with the declaration); `check` shows what that will change, and once the
 *   object is the resource's the input is dropped, so that nothing ever diffs it.
 */
import * as pulumi from "@pulumi/pulumi";
import { DominoClient } from "../client/client";
import { isNotFound } from "../client/errors";
import { withSharedReads } from "../client/http";
import { OperationScope, runInScope } from "../client/scope";
import { activeClient, assertConfiguredConnection } from "../config";
import {
  ADOPT_ID,
  ADOPT_ID_RULE,
  adoptIdOf,
  AdoptionRefused,
  AdoptionSpec,
  canonicalAdoptId,
  describeChanges,
  describeDifferences,
  FieldDifference,
  inPlaceDifferences,
  keyMismatches,
  knownPart,
  replaceDifferences,
  trustedInputs,
  withoutAdoption,
} from "./adoption";
import { messageOf, partialCreate, ResourceInitError } from "./init-error";
import { tellUser, warnUser } from "./notices";
import { plainOutputs } from "./outputs";
import type { FieldList } from "./resource";
import { checkInputs, declaredInputs, diffInputs, Schema, SchemaFor, unsupportedFields, versionedFieldsGiven, withoutProvider } from "./schema";

/** What a resource's operations get: the deployment's client, and where to tell the user things. */
export interface OperationContext {
  readonly client: DominoClient;
  /** A warning for the person running Pulumi. */
  warn(message: string): void;
  /** A progress line (long waits, retries). */
  progress(message: string): void;
}

type Failure = pulumi.dynamic.CheckFailure;
export type DiffResult = pulumi.dynamic.DiffResult;

/**
 * The recorded state as outputs, for a read that cannot see every field (Domino never
 * returns some of them). The engine hands back what the last create, update or read
 * returned, so it is complete, except after `Resource.get` with nothing recorded: the
 * fields only inputs supply are then absent, as the kind's `get` documents, and the
 * engine stores the outputs as the property bag they are.
 */
export function recordedOutputs<O extends object>(recorded: Partial<O>): O {
  return recorded as O;
}

export interface ResourceDefinition<I extends object, O extends object> {
  /** The resource's type name, e.g. "Goal". */
  readonly kind: string;
  readonly schema: SchemaFor<I>;
  /** The outputs that are not inputs, each once. */
  readonly computed: FieldList<Omit<O, keyof I>>;
  /** The object for messages, e.g. `"Ship v1"` or `analytics (65f...)`. */
  describe(inputs: Partial<I>): string;
  /** Rules across fields, after the schema's; add failures for what is wrong. */
  checkMore?(inputs: I, failures: Failure[]): void;
  /** A diff other than the schema's (e.g. a field compared part by part). */
  diff?(olds: O, news: I): pulumi.dynamic.DiffResult;
  /**
   * Warnings about the plan, once `check` has its result: `olds` are the recorded inputs
   * (empty for an object not created yet).
   */
  afterCheck?(olds: object, result: pulumi.dynamic.CheckResult<I>): Promise<void>;
  /** Warnings about the plan, once `diff` has its result; `id` (which only the engine's call carries) names the object. */
  afterDiff?(id: string, olds: O, news: I, result: DiffResult): Promise<void>;
  create(ctx: OperationContext, inputs: I): Promise<{ id: string; outs: O }>;
  /** The object as it is now; undefined when it is gone. A 404 thrown means gone too. */
  read(ctx: OperationContext, id: string, recorded: Partial<O>): Promise<O | undefined>;
  /** In-place changes; without it, every change replaces the object. */
  update?(ctx: OperationContext, id: string, olds: O, news: I): Promise<O>;
  /** A 404 thrown means already gone, which is success. */
  delete(ctx: OperationContext, id: string, props: O): Promise<void>;
  /**
   * The ids of the objects that a create of these inputs would have made (the same match
   * as create recovery): what `pulumi-domino recover` looks for after an interrupted run.
   */
  locate(ctx: OperationContext, inputs: I): Promise<string[]>;
  /**
   * What `adoptId` needs besides `read` (which finds the object): the inputs that say it
   * is the declared object, and the form of the id.
   */
  readonly adoption: AdoptionSpec<I>;
}

/** What adopting an object will do, once it is known to be the declared one. */
interface AdoptionPlan<O> {
  /** The object as its outputs would record it now. */
  found: O;
  /** Whether an update must bring it to the declaration. */
  update: boolean;
  /** The fields the update changes (as far as the kind's diff names them). */
  changes: FieldDifference[];
  /** For the person running Pulumi: "will set isComplete from false to true". */
  summary: string;
}

/** An object found for an interrupted create. */
export interface Located<O> {
  id: string;
  outs: O;
}

/** The engine's provider, plus what `pulumi-domino recover` and the resource class need. */
export interface DominoProvider<I, O> {
  /** The resource's type name, e.g. "Goal". */
  readonly kind: string;
  /** Every output name: the computed fields, then the inputs. */
  readonly outputs: readonly string[];
  /** The inputs an adopted object must hold as declared (its natural key and parent). */
  readonly adoptionKey: readonly string[];
  check(olds: object, news: object): Promise<pulumi.dynamic.CheckResult<I>>;
  diff(id: string, olds: O, news: I): Promise<pulumi.dynamic.DiffResult>;
  create(inputs: EngineInputs<I>): Promise<{ id: string; outs: O }>;
  read(id: string, props?: Partial<O>): Promise<pulumi.dynamic.ReadResult<O>>;
  /** For a resource without in-place changes, never reached: its diff always replaces. */
  update(id: string, olds: O, news: I & { __provider?: string }): Promise<{ outs: O }>;
  delete(id: string, props: Partial<O>): Promise<void>;
  /** The objects in Domino that a create of `inputs` would have made, read as outputs. */
  locate(inputs: I): Promise<Located<O>[]>;
}

/** Inputs as the engine hands them to create and update. */
type EngineInputs<I> = I & { __provider?: string; [ADOPT_ID]?: string };

/** The message, without the stack frames that the SDK would print next to it. */
function userFacing(kind: string, action: string, err: unknown): Error {
  if (err instanceof ResourceInitError) return err;
  const message = messageOf(err);
  const prefix = `${kind} ${action}: `;
  const named = message.startsWith(`${kind} `) || message.startsWith(`${kind}.`);
  const out = new Error(named ? message : prefix + message);
  out.name = err instanceof Error ? err.name : "Error";
  // The dynamic provider host prints `${err}: ${err.stack}` for a failed call: keep it to the message.
  out.stack = out.message;
  return out;
}

function makeScope(label: string, timeoutMs: number): OperationScope {
  const startedAt = Date.now();
  return {
    label,
    startedAt,
    deadline: startedAt + timeoutMs,
    progress: (message) => process.stderr.write(`pulumi-domino: ${label}: ${message}\n`),
  };
}

/** Runs `fn` with the deployment's client, in a scope with one deadline; errors pass as they are. */
async function inContext<T>(kind: string, action: string, label: string, fn: (ctx: OperationContext) => Promise<T>): Promise<T> {
  const client = await activeClient();
  const scope = makeScope(`${action} ${kind} ${label}`, client.settings.operationTimeoutMs);
  const ctx: OperationContext = {
    client,
    warn: (message) => warnUser(`${kind} ${label}: ${message}`),
    progress: scope.progress,
  };
  return await runInScope(scope, () => fn(ctx));
}

async function run<T>(kind: string, action: string, label: string, fn: (ctx: OperationContext) => Promise<T>): Promise<T> {
  try {
    return await inContext(kind, action, label, fn);
  } catch (err) {
    throw userFacing(kind, action, err);
  }
}

/**
 * An object left half set up (by a create, or an update that finishes one) is recorded
 * with the error's properties as its state: they must keep the serialized provider, or
 * the next operation on it would find none.
 */
function withProvider(err: unknown, inputs: { __provider?: unknown }): unknown {
  if (err instanceof ResourceInitError && inputs.__provider !== undefined && err.properties.__provider === undefined) {
    return new ResourceInitError(err.id, { ...err.properties, __provider: inputs.__provider }, err.reasons);
  }
  return err;
}

/**
 * The failures for fields this Domino's API does not have (`since` in the schema). The
 * server is asked only when such a field is given, and the connection check has asked it
 * already.
 */
async function versionFailures(kind: string, schema: Schema, inputs: object, client?: DominoClient): Promise<Failure[]> {
  const given = inputs as Record<string, unknown>;
  if (versionedFieldsGiven(schema, given).length === 0) return [];
  const { surface } = await (client ?? (await activeClient())).capabilities();
  return unsupportedFields(kind, schema, given, surface);
}

/** Refuses, before any call, a create or update that would send a field this Domino lacks (a value unknown at `check`). */
async function assertFieldsSupported(kind: string, schema: Schema, inputs: object, client: DominoClient): Promise<void> {
  const failures = await versionFailures(kind, schema, inputs, client);
  if (failures.length > 0) throw new Error(failures.map((f) => f.reason).join("; "));
}

/** True when `props` holds nothing recorded (a `Resource.get`, not a refresh). */
function nothingRecorded(props: object | undefined): boolean {
  return !props || Object.keys(props).every((k) => k === "__provider");
}

/** The provider the engine calls, derived from the declaration. */
export function defineProvider<I extends object, O extends object>(def: ResourceDefinition<I, O>): DominoProvider<I, O> {
  const schema = def.schema as Schema;
  const replaceAll = !def.update;

  function diffOf(olds: O, news: I): pulumi.dynamic.DiffResult {
    const o = olds as unknown as Record<string, unknown>;
    const n = news as unknown as Record<string, unknown>;
    const result = def.diff ? def.diff(olds, news) : diffInputs(schema, o, n);
    if (replaceAll && result.changes && !result.replaces?.length) {
      // Nothing changes in place: whatever changed needs a new object.
      const changed = Object.keys(schema).filter((f) => diffInputs({ [f]: schema[f] }, o, n).changes);
      return { ...result, replaces: changed };
    }
    return result;
  }

  // `check` knows `adoptId`; `diff`, the outputs and the kind's own operations never see it.
  const checkSchema: Schema = { ...schema, [ADOPT_ID]: ADOPT_ID_RULE };

  /**
   * The object under `id` compared with the declaration: refused (`AdoptionRefused`, and
   * nothing changed) when it is missing, another object, or differs where only a
   * replacement could change it; else the fields an update brings to the declared values.
   */
  async function planAdoption(ctx: OperationContext, id: string, declared: Record<string, unknown>): Promise<AdoptionPlan<O>> {
    let read: O | undefined;
    try {
      read = await def.read(ctx, id, trustedInputs(schema, declared) as Partial<O>);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    if (!read) throw new AdoptionRefused(`no ${def.kind} with this id exists in Domino (or the API key may not see it)`);
    const found = plainOutputs(read);
    const foundFields = found as unknown as Record<string, unknown>;
    const { comparable, unknown } = knownPart(declared, foundFields);
    const mismatched = keyMismatches(schema, def.adoption.key, foundFields, comparable);
    if (mismatched.length > 0) throw new AdoptionRefused(`it is not the declared ${def.kind}: ${describeDifferences(schema, mismatched)}`);
    const result = diffOf(found, comparable as I);
    if (result.replaces?.length) {
      const fixed = replaceDifferences(schema, result.replaces, foundFields, comparable);
      // A field that is no input (a failed build's status) says the object is of no use.
      const advice = fixed.every((d) => d.field in schema)
        ? "declare what Domino has (changing it after the adoption replaces the object)"
        : `leave out ${ADOPT_ID} to make a new ${def.kind}`;
      throw new AdoptionRefused(`${describeDifferences(schema, fixed)}; only a replacement could change ${fixed.length === 1 ? "that" : "those"}: ${advice}`);
    }
    const changes = result.changes ? inPlaceDifferences(schema, foundFields, comparable) : [];
    let summary = !result.changes ? "no change in Domino" : changes.length > 0 ? `will set ${describeChanges(schema, changes)}` : "will update it in place";
    if (unknown.length > 0) summary += `; ${unknown.join(", ")} not known yet, compared at \`pulumi up\``;
    return { found, update: result.changes === true, changes, summary };
  }

  /** `check` of a new resource with `adoptId`: the id's form, and what the adoption will do (a failure if it cannot be done). */
  async function checkAdoption(inputs: Record<string, unknown>, failures: Failure[]): Promise<void> {
    const value = adoptIdOf(inputs);
    // Not known yet (a preview): create checks it.
    if (value === undefined) return;
    const form = canonicalAdoptId(def.kind, def.adoption, value);
    if ("problem" in form) {
      failures.push({ property: ADOPT_ID, reason: form.problem });
      return;
    }
    inputs[ADOPT_ID] = form.id;
    try {
      const plan = await inContext(def.kind, "check", form.id, (ctx) => planAdoption(ctx, form.id, withoutAdoption(inputs)));
      tellUser(`adopting ${def.kind} ${form.id}: ${plan.summary}`);
    } catch (err) {
      const why = err instanceof AdoptionRefused ? err.detail : messageOf(err);
      failures.push({ property: ADOPT_ID, reason: `${def.kind}.${ADOPT_ID} "${form.id}" cannot be adopted: ${why}` });
    }
  }

  /** `create` with `adoptId`: takes the object over, bringing what changes in place to the declared values. */
  async function adopt(ctx: OperationContext, value: string, given: I, inputs: EngineInputs<I>): Promise<{ id: string; outs: O }> {
    const form = canonicalAdoptId(def.kind, def.adoption, value);
    if ("problem" in form) throw new Error(form.problem);
    const id = form.id;
    let plan: AdoptionPlan<O>;
    try {
      plan = await planAdoption(ctx, id, given as unknown as Record<string, unknown>);
    } catch (err) {
      throw new Error(`${ADOPT_ID} "${id}" cannot be adopted: ${err instanceof AdoptionRefused ? err.detail : messageOf(err)}`);
    }
    if (!plan.update || !def.update) return { id, outs: plan.found };
    tellUser(`adopting ${def.kind} ${id}: ${plan.summary}`);
    try {
      return { id, outs: plainOutputs(await def.update(ctx, id, plan.found, given)) };
    } catch (err) {
      if (err instanceof ResourceInitError) throw withProvider(err, inputs);
      // The object is the resource's now: recorded as found, the next `up` updates it again.
      const fields = plan.changes.length > 0 ? plan.changes.map((c) => c.field).join(", ") : "its fields";
      throw partialCreate(inputs, id, plan.found, `${def.kind} ${id} was adopted, but setting ${fields} to the declared values failed: ${messageOf(err)}`);
    }
  }

  const provider: DominoProvider<I, O> = {
    kind: def.kind,
    outputs: [...Object.keys(def.computed), ...Object.keys(def.schema)],
    adoptionKey: def.adoption.key,

    async check(olds, news) {
      try {
        // A bad setting or a refused connection fails preview here, before anything is planned.
        await assertConfiguredConnection();
      } catch (err) {
        throw userFacing(def.kind, "check", err);
      }
      // Once the object is the resource's, `adoptId` has done its work and is dropped: a
      // replacement then makes a new object instead of taking the old one over again.
      const creating = nothingRecorded(olds);
      const result = checkInputs<I>(def.kind, checkSchema, (creating ? news : withoutAdoption(news)) as Record<string, unknown>);
      const failures = [...(result.failures ?? [])];
      if (failures.length === 0 && result.inputs) def.checkMore?.(result.inputs, failures);
      if (failures.length === 0 && result.inputs) {
        try {
          failures.push(...(await versionFailures(def.kind, schema, result.inputs)));
        } catch (err) {
          throw userFacing(def.kind, "check", err);
        }
      }
      if (failures.length === 0 && result.inputs && creating) await checkAdoption(result.inputs as Record<string, unknown>, failures);
      const checked = { inputs: result.inputs, failures };
      await def.afterCheck?.(olds, checked);
      return checked;
    },

    async diff(id, olds, news) {
      let result: DiffResult;
      try {
        result = diffOf(olds, news);
      } catch (err) {
        throw userFacing(def.kind, "diff", err);
      }
      await def.afterDiff?.(id, olds, news, result);
      return result;
    },

    async create(inputs) {
      const adoptId = adoptIdOf(inputs);
      const given = withoutAdoption(withoutProvider(inputs)) as I;
      return run(def.kind, "create", def.describe(given), async (ctx) => {
        await assertFieldsSupported(def.kind, schema, given, ctx.client);
        if (adoptId !== undefined) return adopt(ctx, adoptId, given, inputs);
        try {
          const { id, outs } = await def.create(ctx, given);
          return { id, outs: plainOutputs(outs) };
        } catch (err) {
          throw withProvider(err, inputs);
        }
      });
    },

    async read(id, props) {
      const recorded = (props ? withoutProvider(props) : {}) as Partial<O>;
      return run(def.kind, "read", id, async (ctx) => {
        let outs: O | undefined;
        try {
          // A refresh reads every resource at once; siblings reading the same object
          // (a project and its collaborators) share a request in flight.
          outs = await withSharedReads(() => def.read(ctx, id, recorded));
        } catch (err) {
          if (!isNotFound(err)) throw err;
          outs = undefined;
        }
        if (!outs) {
          if (nothingRecorded(props)) throw new Error(`no ${def.kind} with id "${id}" exists in Domino (or the API key may not see it)`);
          return { id: "" };
        }
        const plain = plainOutputs(outs);
        return { id, props: plain, inputs: declaredInputs(schema, plain as Record<string, unknown>) as unknown as O };
      });
    },

    async delete(id, props) {
      const recorded = withoutProvider(props) as O;
      await run(def.kind, "delete", id, async (ctx) => {
        try {
          await def.delete(ctx, id, recorded);
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      });
    },

    async update(id, olds, news) {
      const given = withoutAdoption(withoutProvider(news)) as I;
      return run(def.kind, "update", def.describe(given), async (ctx) => {
        if (!def.update) throw new Error(`nothing about a ${def.kind} changes in place; its changes replace it`);
        await assertFieldsSupported(def.kind, schema, given, ctx.client);
        try {
          const outs = await def.update(ctx, id, withoutProvider(olds) as O, given);
          return { outs: plainOutputs(outs) };
        } catch (err) {
          throw withProvider(err, news);
        }
      });
    },

    async locate(inputs) {
      const given = withoutAdoption(withoutProvider(inputs)) as I;
      return run(def.kind, "locate", def.describe(given), async (ctx) => {
        const found: Located<O>[] = [];
        for (const id of await def.locate(ctx, given)) {
          const outs = await def.read(ctx, id, {});
          if (outs) found.push({ id, outs: plainOutputs(outs) });
        }
        return found;
      });
    },
  };

  // The engine's contract, checked by the compiler.
  return provider satisfies pulumi.dynamic.ResourceProvider<I, O>;
}
