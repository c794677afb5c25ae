/**
 * Adoption: `adoptId`, the input every kind takes, makes `create` take over an existing
 * object instead of making one. This module holds what does not need the engine: the
 * input's rule and form, and the comparison of the object found with the declared inputs.
 * `lifecycle.ts` runs it (in `check`, so that a preview shows it, and in `create`).
 *
 * The comparison, field by field, as `diff` would see the found object recorded:
 * - the key (the inputs that say which object it is: natural key and parent) must hold
 *   the declared values, or the object is another one;
 * - a field only a replacement could change must hold the declared value;
 * - fields that change in place are brought to the declared values by the kind's update.
 */
import { CompositeId } from "./ids";
import { changedFields, containsUnknown, DOMINO_ID, InputRule, Schema } from "./schema";

/** The name of the input, the same in every kind. */
export const ADOPT_ID = "adoptId";

/** Its rule: a string, never compared by `diff` (adopting, re-adopting or dropping it changes nothing). */
export const ADOPT_ID_RULE: InputRule = { kind: "string", nonEmpty: true, onChange: "ignore" };

/** Inputs without `adoptId`: what the kind's own operations get. */
export function withoutAdoption<T extends object>(inputs: T): Omit<T, typeof ADOPT_ID> {
  const { [ADOPT_ID]: _ignored, ...rest } = inputs as T & { [ADOPT_ID]?: unknown };
  return rest;
}

/** The `adoptId` given, when there is one and it is known (a preview may not know it yet). */
export function adoptIdOf(inputs: object): string | undefined {
  const value = (inputs as Record<string, unknown>)[ADOPT_ID];
  return typeof value === "string" && !containsUnknown(value) ? value : undefined;
}

/** What a kind declares for adoption. */
export interface AdoptionSpec<I> {
  /**
   * The inputs that say which object it is (its natural key and its parent): an object
   * found under the id that differs in one of them is another object, and is refused.
   */
  readonly key: readonly (keyof I & string)[];
  /** The kind's composite id, when it has one (`<projectId>/<goalId>`); without it the id is a Domino id. */
  readonly id?: CompositeId<string>;
}

/** The form of the id for messages, e.g. `<projectId>/<goalId>`. */
export function idForm(spec: { readonly id?: CompositeId<string> }, kind: string): string {
  return spec.id ? spec.id.names.map((n) => `<${n}>`).join("/") : `<${kind[0].toLowerCase()}${kind.slice(1)}Id>`;
}

/**
 * The id in its canonical form (Domino ids in lower case, as Domino answers them), or the
 * reason it is not of the kind's form. Parts named `...Id` are Domino ids; the others
 * (a tag name) are taken as they are.
 */
export function canonicalAdoptId(kind: string, spec: { readonly id?: CompositeId<string> }, value: string): { id: string } | { problem: string } {
  const form = idForm(spec, kind);
  const wrong = { problem: `${kind}.${ADOPT_ID} must be of the form ${form} (the id ${kind}.get takes, Domino ids being 24 hexadecimal characters), got ${JSON.stringify(value)}` };
  if (!spec.id) return DOMINO_ID.test(value) ? { id: value.toLowerCase() } : wrong;
  let parts: Record<string, string>;
  try {
    parts = spec.id.split(value);
  } catch {
    return wrong;
  }
  const canonical: string[] = [];
  for (const name of spec.id.names) {
    const part = parts[name];
    if (part === "") return wrong;
    if (name.endsWith("Id")) {
      if (!DOMINO_ID.test(part)) return wrong;
      canonical.push(part.toLowerCase());
    } else canonical.push(part);
  }
  return { id: canonical.join("/") };
}

/** A field that adoption changes or refuses, with the value found in Domino and the one declared. */
export interface FieldDifference {
  field: string;
  found: unknown;
  declared: unknown;
}

/** A field's value for a message; a secret's is never shown. */
function shown(rule: InputRule | undefined, value: unknown): string {
  if (rule?.secret) return "(secret)";
  if (value === undefined || value === null) return "(not set)";
  return JSON.stringify(value);
}

function differences(schema: Schema, fields: readonly string[], found: Record<string, unknown>, declared: Record<string, unknown>): FieldDifference[] {
  return fields.map((field) => ({ field, found: found[field], declared: declared[field] ?? schema[field]?.default }));
}

/** `name is "a" in Domino, "b" declared`, for each difference. */
export function describeDifferences(schema: Schema, diffs: readonly FieldDifference[]): string {
  return diffs
    .map((d) =>
      d.field in schema ? `${d.field} is ${shown(schema[d.field], d.found)} in Domino, ${shown(schema[d.field], d.declared)} declared` : `${d.field} is ${shown(undefined, d.found)} in Domino`,
    )
    .join("; ");
}

/** `will set description from "a" to "b"`, for the fields changed in place. */
export function describeChanges(schema: Schema, diffs: readonly FieldDifference[]): string {
  return diffs
    .map((d) =>
      d.found === undefined || d.found === null
        ? `${d.field} to ${shown(schema[d.field], d.declared)}`
        : `${d.field} from ${shown(schema[d.field], d.found)} to ${shown(schema[d.field], d.declared)}`,
    )
    .join(", ");
}

/** Why an object cannot be adopted; nothing has been changed in Domino. */
export class AdoptionRefused extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = "AdoptionRefused";
  }
}

/**
 * The declared inputs with the values not known yet (a preview) replaced by the found
 * ones, and the names of those fields: they are compared once they are known, at create.
 */
export function knownPart(declared: Record<string, unknown>, found: Record<string, unknown>): { comparable: Record<string, unknown>; unknown: string[] } {
  const comparable: Record<string, unknown> = { ...declared };
  const unknown: string[] = [];
  for (const [field, value] of Object.entries(declared)) {
    if (!containsUnknown(value)) continue;
    unknown.push(field);
    comparable[field] = found[field];
  }
  return { comparable, unknown };
}

/**
 * What the found object's read is given as its recorded state: the declared inputs that
 * do not change in place. A read keeps a recorded value only for what Domino does not
 * report (an environment's description, a snapshot's paths, a credential id), so those
 * are taken as declared, and everything Domino reports is compared. Fields that change in
 * place are left out: one Domino cannot report (a project's status) is then set.
 */
export function trustedInputs(schema: Schema, declared: Record<string, unknown>): Record<string, unknown> {
  const trusted: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(declared)) {
    if (schema[field]?.onChange === "update" || containsUnknown(value)) continue;
    trusted[field] = value;
  }
  return trusted;
}

/** The key fields whose found value is not the declared one (a field absent that Domino chooses is not compared). */
export function keyMismatches(schema: Schema, key: readonly string[], found: Record<string, unknown>, declared: Record<string, unknown>): FieldDifference[] {
  const keySchema: Schema = {};
  for (const field of key) keySchema[field] = { ...schema[field], onChange: "replace" };
  return differences(schema, changedFields(keySchema, found, declared), found, declared);
}

/** The fields that change in place and differ. */
export function inPlaceDifferences(schema: Schema, found: Record<string, unknown>, declared: Record<string, unknown>): FieldDifference[] {
  const changed = changedFields(schema, found, declared).filter((f) => schema[f].onChange === "update");
  return differences(schema, changed, found, declared);
}

/** The fields a replacement would change, as `diff` names them. */
export function replaceDifferences(schema: Schema, replaces: readonly string[], found: Record<string, unknown>, declared: Record<string, unknown>): FieldDifference[] {
  return differences(schema, replaces, found, declared);
}
