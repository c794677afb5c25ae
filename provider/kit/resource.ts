/**
 * What every resource class shares: one declaration per field turned into the types a
 * program sees, the output slots, the shim, secret outputs, and `get`.
 *
 * A resource writes its inputs once (`GoalInputs`, with docs) and its computed fields once
 * (`GoalComputed`); `Args<GoalInputs>` is what the constructor takes (every field a
 * `pulumi.Input`), the outputs are inputs plus computed fields, and the class's output
 * properties come from `OutputProperties<GoalOutputs>` by declaration merging.
 */
import * as pulumi from "@pulumi/pulumi";
import { providerShim } from "../shim";

/**
 * A value the program may give as a plain value, a promise or an Output, at any depth.
 * Unions are kept whole (`[T] extends [...]`): distributing would turn `Input<"a" | "b">`
 * into `Input<"a"> | Input<"b">`, which an `Output<"a" | "b">` (or an `Output<boolean>`)
 * does not satisfy. Only `undefined` is split off, for optional fields.
 */
export type InputOf<T> = undefined extends T ? InputOfDefined<Exclude<T, undefined>> | undefined : InputOfDefined<T>;

type InputOfDefined<T> = [T] extends [string | number | boolean]
  ? pulumi.Input<T>
  : [T] extends [readonly (infer E)[]]
    ? pulumi.Input<InputOf<E>[]>
    : [T] extends [object]
      ? pulumi.Input<{ [K in keyof T]: InputOf<T[K]> }>
      : pulumi.Input<T>;

/** Constructor arguments: each input field as a `pulumi.Input`, optional where the input is. */
export type Args<I> = { [K in keyof I]: InputOf<I[K]> };

/** The output properties of a resource class. */
export type OutputProperties<O> = { readonly [K in keyof Required<O>]: pulumi.Output<O[K]> };

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

/** The base of every Domino resource class. */
export abstract class DominoResource extends pulumi.dynamic.Resource {
  protected constructor(spec: ResourceClassSpec, name: string, args: object, opts: pulumi.CustomResourceOptions | undefined) {
    const secret = spec.secretOutputs?.length ? { additionalSecretOutputs: [...spec.secretOutputs] } : undefined;
    super(
      providerShim(spec.module),
      name,
      // Output slots are passed as undefined so the engine fills them (declared outputs
      // of a dynamic resource must be in its property bag).
      { ...outputSlots(spec.outputs), ...args },
      secret ? pulumi.mergeOptions(opts, secret) : opts,
      "domino",
      spec.type,
    );
  }
}

/** Both sets of names, for the output slots. */
export function outputNames<I, C>(inputs: FieldList<I> | { readonly [K in keyof Required<I>]: unknown }, computed: FieldList<C>): string[] {
  return [...Object.keys(computed), ...Object.keys(inputs)];
}
