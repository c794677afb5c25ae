/**
 * What every resource class shares: one declaration per field turned into the types a
 * program sees, the output slots, the shim, secret outputs, and `get`.
 *
 * A resource writes its inputs once (`GoalInputs`, with docs) and its computed fields once
 * (`GoalComputed`); `Args<GoalInputs>` is what the constructor takes (every field a
 * `pulumi.Input`), the outputs are inputs plus computed fields, and the class's output
 * properties are `OutputProperties<GoalOutputs>`. The class itself is one line:
 * `class Goal extends resourceClass<GoalArgs, GoalOutputs>(spec) {}`.
 */
import { CustomResource, CustomResourceOptions, dynamic, ID, Input, mergeOptions, Output, secret } from "@pulumi/pulumi";
import * as path from "path";
import { providerShim } from "../shim";

/**
 * A value the program may give as a plain value, a promise or an Output, at any depth.
 * Unions are kept whole (`[T] extends [...]`): distributing would turn `Input<"a" | "b">`
 * into `Input<"a"> | Input<"b">`, which an `Output<"a" | "b">` (or an `Output<boolean>`)
 * does not satisfy. Only `undefined` is split off, for optional fields.
 */
export type InputOf<T> = undefined extends T ? InputOfDefined<Exclude<T, undefined>> | undefined : InputOfDefined<T>;

type InputOfDefined<T> = [T] extends [string | number | boolean]
  ? Input<T>
  : [T] extends [readonly (infer E)[]]
    ? Input<InputOf<E>[]>
    : [T] extends [object]
      ? Input<{ [K in keyof T]: InputOf<T[K]> }>
      : Input<T>;

/** Constructor arguments: each input field as a `pulumi.Input`, optional where the input is. */
export type Args<I> = { [K in keyof I]: InputOf<I[K]> };

/** The input every kind takes besides its own. */
export interface AdoptionInputs {
  /**
   * The id of an existing Domino object for this resource to take over when it is
   * created, instead of making one: the id `get` takes (see "Id for `get`"). The object
   * must be the declared one (its natural key and parent, see "Adoption"), or the
   * preview and the create fail naming what differs; fields that change in place are
   * brought to the declared values, and a difference that only a replacement could make
   * fails. Ignored once the resource exists: adding, changing or removing it then
   * changes nothing. Not an output. See docs/adoption.md.
   */
  adoptId?: string;
}

/** A resource's constructor arguments: its inputs as `pulumi.Input`s, and `adoptId`. */
export type ResourceArgs<I> = Args<I & AdoptionInputs>;

/** The output properties of a resource class. */
export type OutputProperties<O> = { readonly [K in keyof Required<O>]: Output<O[K]> };

/** Marks each computed field once; the compiler holds the record to the type both ways. */
export type FieldList<T> = { readonly [K in keyof Required<T>]: true };

export interface ResourceClassSpec {
  /** The resource module under `dist/resources/`, e.g. `goal`. */
  readonly module: string;
  /** The type name, e.g. `Goal`. */
  readonly type: string;
  /** Every output name (inputs and computed fields). */
  readonly outputs: readonly string[];
  /** Outputs stored as secrets whatever their inputs were. */
  readonly secretOutputs?: readonly string[];
}

function outputSlots(names: readonly string[]): Record<string, undefined> {
  const slots: Record<string, undefined> = {};
  for (const n of names) slots[n] = undefined;
  return slots;
}

/**
 * The property bag a resource registers: a slot for every output, then the arguments, with
 * the fields of secret outputs made secrets, so that their values never reach the state in
 * plaintext whether or not the program wrapped them in `secret`.
 */
function propertyBag(spec: ResourceClassSpec, args: object): Record<string, unknown> {
  const bag: Record<string, unknown> = { ...outputSlots(spec.outputs), ...args };
  for (const name of spec.secretOutputs ?? []) {
    if (bag[name] !== undefined) bag[name] = secret(bag[name]);
  }
  return bag;
}

/** The module of every Domino resource's type token. */
const MODULE = "domino";

/** The type token the SDK gives a resource of kind `type`: `pulumi-nodejs:dynamic/domino:<type>`. */
export function typeToken(type: string): string {
  return `pulumi-nodejs:dynamic/${MODULE}:${type}`;
}

/**
 * Whether `obj` is a resource of kind `type`. Decided by the type token, as Pulumi's
 * generated SDKs do, not by `instanceof`: it holds for an object made by another copy of
 * the package too.
 */
export function isResourceOf(obj: unknown, type: string): boolean {
  return CustomResource.isInstance(obj) && (obj as { __pulumiType?: unknown }).__pulumiType === typeToken(type);
}

/** What the SDK's promise-leak report prints for a promise's origin when it is not asked for. */
const UNRECORDED_STACK = "Error: stack not recorded (set PULUMI_DEBUG_PROMISE_LEAKS to record it)";

/**
 * The stack formatter used while a resource registers: `formatter` (the one in place),
 * with two differences.
 *
 * - The traces the SDK takes for its promises are left unformatted. For each of the four
 *   promises of every property a resource registers, the SDK's `debuggablePromise` reads
 *   `new Error().stack` at once, and under Pulumi's Node.js host every frame of it goes
 *   through source-map-support. That text is read only by the SDK's promise-leak report,
 *   and only when PULUMI_DEBUG_PROMISE_LEAKS is set (then they are formatted as usual); yet
 *   formatting it was most of a program's CPU time in resource constructors (3.6 of 4.0 s
 *   for 750 resources, `npm run bench -- --scale --profile`).
 * - The trace the SDK takes for the resource's source position (`Resource.callsites`)
 *   leaves out this package's frames. The SDK skips a fixed number of frames, right for a
 *   generated SDK's class; a Domino class adds two (`DominoResource` and the kind's class),
 *   so the position recorded in the state was this file instead of the program's line.
 *
 * Every other trace taken meanwhile is formatted as before. If the SDK renames those
 * functions, the formatter in place is used for everything.
 */
function registrationFormatter(formatter: typeof Error.prepareStackTrace): (error: Error, frames: NodeJS.CallSite[]) => unknown {
  const recordPromiseTraces = !!process.env.PULUMI_DEBUG_PROMISE_LEAKS;
  return (error, frames) => {
    const top = frames[0]?.getFunctionName();
    if (top === "debuggablePromise" && !recordPromiseTraces) return UNRECORDED_STACK;
    const shown = top === "callsites" ? frames.filter((f) => !isOwnFile(f.getFileName())) : frames;
    if (formatter) return formatter(error, shown);
    return `${String(error)}${shown.map((f) => `\n    at ${String(f)}`).join("")}`;
  };
}

/** This package's own files (the directory above kit/). */
const OWN_ROOT = path.resolve(__dirname, "..") + path.sep;

function isOwnFile(file: string | null | undefined): boolean {
  return !!file && file.startsWith(OWN_ROOT);
}

/** The base of every Domino resource class. */
export abstract class DominoResource extends dynamic.Resource {
  protected constructor(spec: ResourceClassSpec, name: string, args: object, opts: CustomResourceOptions | undefined) {
    const secrets = spec.secretOutputs?.length ? { additionalSecretOutputs: [...spec.secretOutputs] } : undefined;
    const formatter = Error.prepareStackTrace;
    Error.prepareStackTrace = registrationFormatter(formatter);
    try {
      super(
        providerShim(spec.module),
        name,
        // Output slots are passed as undefined so the engine fills them (declared outputs
        // of a dynamic resource must be in its property bag).
        propertyBag(spec, args),
        secrets ? mergeOptions(opts, secrets) : opts,
        MODULE,
        spec.type,
      );
    } finally {
      Error.prepareStackTrace = formatter;
    }
  }
}

/** A constructor that takes a resource's arguments. */
type Constructs<A, R> = new (name: string, args: A, opts?: CustomResourceOptions) => R;

/** What `get` takes besides the id: whatever is known of the object's outputs. */
export type State<O> = Partial<Args<O>>;

/** The static side of a resource class: its constructor, whose objects have the outputs `O`, and `get`. */
export interface ResourceClass<A, O> {
  new (name: string, args: A, opts?: CustomResourceOptions): DominoResource & OutputProperties<O>;
  /** An existing object, by its id, with what is known of its state. */
  get<R>(this: Constructs<A, R>, name: string, id: Input<ID>, state?: State<O>, opts?: CustomResourceOptions): R;
  /** Whether `obj` is an object of this class, made by any copy of the package (by its type token). */
  isInstance<R>(this: Constructs<A, R>, obj: unknown): obj is R;
}

/**
 * The base class of one kind, from its module and its provider (which knows the type name
 * and the outputs): `class Goal extends resourceClass<GoalArgs, GoalOutputs>("goal", provider) {}`
 * gives `new Goal(name, args, opts?)`, `Goal.get(name, id, state?, opts?)`, `Goal.isInstance(obj)`
 * and the output properties (`goal.title`, an `Output<string>`). `secretOutputs` are stored as
 * secrets whatever their inputs were.
 */
export function resourceClass<A extends object, O>(
  module: string,
  provider: { readonly kind: string; readonly outputs: readonly string[] },
  options: { readonly secretOutputs?: readonly string[] } = {},
): ResourceClass<A, O> {
  const spec: ResourceClassSpec = { module, type: provider.kind, outputs: provider.outputs, secretOutputs: options.secretOutputs };
  class Kind extends DominoResource {
    constructor(name: string, args: A, opts?: CustomResourceOptions) {
      super(spec, name, args, opts);
    }

    static get<R>(this: Constructs<A, R>, name: string, id: Input<ID>, state?: State<O>, opts?: CustomResourceOptions): R {
      // The one place the state stands in for the arguments. With `id` set the engine reads
      // the object instead of creating it, and the property bag is only the state it starts
      // from; the constructor hands its arguments to `DominoResource` untouched, which takes
      // any object, so a state's fields need not be inputs.
      return new this(name, (state ?? {}) as A, { ...opts, id });
    }

    static isInstance<R>(this: Constructs<A, R>, obj: unknown): obj is R {
      return isResourceOf(obj, spec.type);
    }
  }
  // The engine sets one property per output slot on every object (`DominoResource` passes
  // a slot for each of `spec.outputs`): the output properties are there, typed here.
  return Kind as ResourceClass<A, O>;
}
