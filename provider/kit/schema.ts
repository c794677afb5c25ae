/**
 * A resource's inputs, declared once as a `Schema`: each field's type, rules, and what a
 * change does (update in place, replace, or nothing). `check` and `diff` are derived
 * from it; `SchemaFor<I>` makes the compiler hold the schema and the inputs type to the
 * same fields.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Capabilities } from "../client/client";

/**
 * The engine's placeholder for a value not known yet (preview). It arrives as this
 * string whatever the field's type, so validation lets it through.
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

export const DOMINO_ID = /^[0-9a-f]{24}$/i;

/** The longest description any resource accepts (Domino documents no limit; see docs/reference/input-rules.md). */
export const MAX_DESCRIPTION = 10_000;

/**
 * A name Domino puts in a URL or a path (`/<owner>/<project>`, `/domino/datasets/local/<name>`):
 * ASCII letters, digits, `-`, `_` and `.`, and not `.` or `..`. `why` ends the message.
 */
export function segmentName(why: string): (value: unknown) => string | undefined {
  return (value) => {
    if (typeof value !== "string") return undefined;
    if (value === "." || value === "..") return `must not be "${value}" (${why})`;
    if (!/^[A-Za-z0-9_.-]+$/.test(value)) return `must contain only letters, digits, "-", "_" and "." (${why}), got ${JSON.stringify(value)}`;
    return undefined;
  };
}

/**
 * A wait in minutes (`buildTimeoutMinutes`, `snapshotTimeoutMinutes`): from 1 to 1440 (a
 * day), fractions allowed. Not `min`/`max`, whose messages have no unit. Below a minute a
 * build or copy can hardly ever finish (0 never could), so such a value is refused rather
 * than failing every `up`.
 */
export function waitMinutes(value: unknown): string | undefined {
  if (typeof value !== "number") return undefined;
  if (value < 1) return `must be at least 1 (minutes), got ${value}`;
  if (value > 1440) return `must be at most 1440 (minutes, one day), got ${value}`;
  return undefined;
}

/** A display name: no line breaks or other control characters, and not blank at either end. */
export function displayName(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  if (/[\u0000-\u001f\u007f]/.test(value)) return `must not contain line breaks or other control characters, got ${JSON.stringify(value)}`;
  if (value.trim() !== value) return `must not start or end with whitespace, got ${JSON.stringify(value)}`;
  return undefined;
}

export type FieldKind = "string" | "boolean" | "integer" | "number" | "stringArray" | "object" | "objectArray" | "stringMap";

export interface FieldRule {
  kind: FieldKind;
  required?: boolean;
  /** Allowed values, matched case-insensitively and rewritten to this spelling. */
  oneOf?: readonly string[];
  /** Must be a Domino object id (24 hexadecimal characters). */
  dominoId?: boolean;
  nonEmpty?: boolean;
  pattern?: { regex: RegExp; rule: string };
  min?: number;
  max?: number;
  /** Filled in by `check` when the input is absent. */
  default?: unknown;
  /** Fields of an object, or of each object in an array. */
  fields?: Record<string, FieldRule>;
  /** An extra rule; returns the reason when the value breaks it. */
  validate?: (value: unknown, inputs: Record<string, unknown>) => string | undefined;
  /**
   * The form the outputs record the value in, when it is not the input's (a digest in
   * place of a secret, say): `diff` compares both sides in this form.
   */
  recordedAs?: (value: unknown) => unknown;
  /**
   * The value is a secret (a top-level field). The engine prints the value of the input a
   * failure names (`property X value {...} has a problem`), secrets included, so failures
   * in such a field name no property: their reason names the field and never the value.
   */
  secret?: boolean;
}

export interface InputRule extends FieldRule {
  /** How a change is applied: in place, by replacing the object, or not at all (ignored by diff). */
  onChange: "update" | "replace" | "ignore";
  /** The server picks the value when it is not given, so its absence is not a change. */
  computedWhenAbsent?: boolean;
  /**
   * The first Domino version whose API has the field (the contract's `x-domino-since`, or
   * the version of the only operation that carries it). On an older API surface a value
   * other than the default fails `check` (and create or update), naming this version.
   */
  since?: string;
}

/**
 * A required Domino id that an object cannot change (its project, its dataset, the user
 * it is about): changing it replaces the object.
 */
export const REPLACING_ID: InputRule = { kind: "string", required: true, dominoId: true, onChange: "replace" };

export type Schema = Record<string, InputRule>;

/** A schema with exactly one rule per field of `I`: a missing or extra field does not compile. */
export type SchemaFor<I> = { readonly [K in keyof Required<I>]: InputRule };

type Failure = pulumi.dynamic.CheckFailure;

function describeKind(kind: FieldKind): string {
  switch (kind) {
    case "stringArray":
      return "a list of strings";
    case "objectArray":
      return "a list of objects";
    case "stringMap":
      return "a map of strings";
    case "integer":
      return "an integer";
    case "object":
      return "an object";
    default:
      return `a ${kind}`;
  }
}

function validateValue(
  resource: string,
  path: string,
  value: unknown,
  rule: FieldRule,
  inputs: Record<string, unknown>,
  failures: Failure[],
): unknown {
  // Unknown during preview: nothing to check yet. Arrays and objects check their known parts.
  if (value === UNKNOWN) return value;
  const fail = (reason: string) => failures.push({ property: path, reason: `${resource}.${path} ${reason}` });
  switch (rule.kind) {
    case "string": {
      if (typeof value !== "string") return fail(`must be a string, got ${typeof value}`), value;
      let v = value;
      if (rule.nonEmpty && v.trim() === "") return fail("must not be empty"), value;
      if (rule.oneOf) {
        const match = rule.oneOf.find((o) => o.toLowerCase() === v.toLowerCase());
        if (!match) return fail(`must be one of ${rule.oneOf.join(", ")} (case-insensitive), got "${v}"`), value;
        v = match;
      }
      if (rule.dominoId && !DOMINO_ID.test(v)) return fail(`must be a Domino id (24 hexadecimal characters), got "${v}"`), value;
      // Domino accepts ids in any case but always answers in lower case: an id kept as
      // given would differ from the one read back and force a replacement.
      if (rule.dominoId) v = v.toLowerCase();
      if (rule.pattern && !rule.pattern.regex.test(v)) return fail(`${rule.pattern.rule}, got "${v}"`), value;
      if (rule.max !== undefined && v.length > rule.max) return fail(`must be at most ${rule.max} characters long, got ${v.length}`), value;
      value = v;
      break;
    }
    case "boolean":
      if (typeof value !== "boolean") return fail(`must be a boolean, got ${typeof value}`), value;
      break;
    case "integer":
      if (typeof value !== "number" || !Number.isInteger(value)) return fail(`must be an integer, got ${JSON.stringify(value)}`), value;
      if (rule.min !== undefined && value < rule.min) return fail(`must be at least ${rule.min}, got ${value}`), value;
      if (rule.max !== undefined && value > rule.max) return fail(`must be at most ${rule.max}, got ${value}`), value;
      break;
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) return fail(`must be a number, got ${JSON.stringify(value)}`), value;
      if (rule.min !== undefined && value < rule.min) return fail(`must be at least ${rule.min}, got ${value}`), value;
      if (rule.max !== undefined && value > rule.max) return fail(`must be at most ${rule.max}, got ${value}`), value;
      break;
    case "stringArray":
      if (!Array.isArray(value)) return fail(`must be ${describeKind(rule.kind)}`), value;
      value = value.map((item, i) =>
        item === UNKNOWN ? item : validateValue(resource, `${path}[${i}]`, item, { ...rule, kind: "string", validate: undefined }, inputs, failures),
      );
      break;
    case "stringMap":
      if (!value || typeof value !== "object" || Array.isArray(value)) return fail(`must be ${describeKind(rule.kind)}`), value;
      for (const [k, v] of Object.entries(value)) {
        if (v !== UNKNOWN && typeof v !== "string") fail(`must map each key to a string; "${k}" is ${typeof v}`);
      }
      break;
    case "object":
      if (!value || typeof value !== "object" || Array.isArray(value)) return fail(`must be ${describeKind(rule.kind)}`), value;
      value = validateObject(resource, path, value as Record<string, unknown>, rule.fields ?? {}, inputs, failures);
      break;
    case "objectArray":
      if (!Array.isArray(value)) return fail(`must be ${describeKind(rule.kind)}`), value;
      value = value.map((item, i) => {
        if (item === UNKNOWN) return item;
        if (!item || typeof item !== "object" || Array.isArray(item)) {
          fail(`[${i}] must be an object`);
          return item;
        }
        return validateObject(resource, `${path}[${i}]`, item as Record<string, unknown>, rule.fields ?? {}, inputs, failures);
      });
      break;
  }
  if (rule.validate && !containsUnknown(value)) {
    const reason = rule.validate(value, inputs);
    if (reason) fail(reason);
  }
  return value;
}

function validateObject(
  resource: string,
  path: string,
  value: Record<string, unknown>,
  fields: Record<string, FieldRule>,
  inputs: Record<string, unknown>,
  failures: Failure[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, rule] of Object.entries(fields)) {
    const v = value[name];
    const p = path ? `${path}.${name}` : name;
    if (v === undefined || v === null) {
      if (rule.required) failures.push({ property: p, reason: `${resource}.${p} is required` });
      else if (rule.default !== undefined) out[name] = rule.default;
      continue;
    }
    out[name] = validateValue(resource, p, v, rule, inputs, failures);
  }
  for (const name of Object.keys(value)) {
    if (!(name in fields) && name !== "__provider") {
      const p = path ? `${path}.${name}` : name;
      failures.push({ property: p, reason: `${resource}.${p} is not a known input (known: ${Object.keys(fields).join(", ")})` });
    }
  }
  return out;
}

/**
 * `check`: validates `news` against the schema, fills defaults and rewrites enum values
 * to their canonical spelling. Unknown values (preview) pass through untouched.
 */
export function checkInputs<I>(resource: string, schema: Schema, news: Record<string, unknown>): pulumi.dynamic.CheckResult<I> {
  const failures: Failure[] = [];
  const inputs = validateObject(resource, "", news ?? {}, schema, news ?? {}, failures);
  const named = failures.map((f) => (schema[f.property.split(/[.[]/)[0]]?.secret ? { property: "", reason: f.reason } : f));
  return { inputs: inputs as I, failures: named };
}

function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined && v !== null) out[k] = normalise(v);
    }
    return out;
  }
  return value;
}

export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(normalise(a)) === JSON.stringify(normalise(b));
}

/** Whether an input and a recorded output hold the same value, compared in the rule's recorded form. */
export function sameRecorded(rule: FieldRule, input: unknown, recorded: unknown): boolean {
  return rule.recordedAs ? sameValue(rule.recordedAs(input), rule.recordedAs(recorded)) : sameValue(input, recorded);
}

/** Fields whose new input differs from the recorded output. */
export function changedFields(schema: Schema, olds: Record<string, unknown>, news: Record<string, unknown>): string[] {
  const changed: string[] = [];
  for (const [name, rule] of Object.entries(schema)) {
    if (rule.onChange === "ignore") continue;
    const n = news[name] ?? rule.default;
    if (n === undefined && rule.computedWhenAbsent) continue;
    // State written before the field existed holds nothing for it: it had the default.
    const o = olds[name] ?? rule.default;
    if (containsUnknown(n)) changed.push(name);
    // State written before ids were canonicalised may hold them in another case.
    else if (rule.dominoId && typeof n === "string" && typeof o === "string") {
      if (n.toLowerCase() !== o.toLowerCase()) changed.push(name);
    } else if (!sameRecorded(rule, n, o)) changed.push(name);
  }
  return changed;
}

/**
 * `diff`: exact changes and replacements from the schema. `deleteBeforeReplace` is for
 * objects whose replacement would collide with the old one (a unique name, say).
 */
export function diffInputs(
  schema: Schema,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  deleteBeforeReplace?: (replaces: string[], olds: Record<string, unknown>, news: Record<string, unknown>) => boolean,
): pulumi.dynamic.DiffResult {
  const changed = changedFields(schema, olds, news);
  const replaces = changed.filter((f) => schema[f].onChange === "replace");
  return diffResult(changed, replaces, () => deleteBeforeReplace?.(replaces, olds, news) === true);
}

/**
 * The diff of these changed fields, of which `replaces` need a new object; `deleteFirst`
 * says whether the old object must go before the new one is made.
 */
export function diffResult(changed: string[], replaces: string[], deleteFirst: () => boolean): pulumi.dynamic.DiffResult {
  const result: { changes: boolean; replaces?: string[]; deleteBeforeReplace?: boolean } = { changes: changed.length > 0 };
  if (replaces.length > 0) {
    result.replaces = replaces;
    if (deleteFirst()) result.deleteBeforeReplace = true;
  }
  return result;
}

/**
 * `diffInputs`, except that an object of no use any more (a failed snapshot or build) is
 * replaced even when no input changed, so that the next update makes a new one.
 */
export function diffRenewing(schema: Schema, olds: object, news: object, useless: boolean): pulumi.dynamic.DiffResult {
  const result = diffInputs(schema, { ...olds }, { ...news });
  return useless && !result.replaces ? { changes: true, replaces: ["status"] } : result;
}


/**
 * The inputs `read` reports: the schema's fields as Domino now has them, so refresh
 * records drift. A field that Domino fills in when it is not given is left out: the
 * program did not declare it, and reporting it would make every refreshed resource look
 * changed to the engine.
 */
export function declaredInputs(schema: Schema, outs: Record<string, unknown>): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const [name, rule] of Object.entries(schema)) {
    if (rule.computedWhenAbsent) continue;
    if (outs[name] !== undefined && outs[name] !== null) inputs[name] = outs[name];
  }
  return inputs;
}

/** The API surface a client detected: "5.3" for the base set of operations, "5.9+" for the full contract. */
export type ApiSurface = Capabilities["surface"];

function versionParts(version: string): number[] {
  return version.split(".").map(Number);
}

/** Whether a field that Domino `since` introduced is missing from this API surface. */
export function surfaceLacks(surface: ApiSurface, since: string): boolean {
  // "5.9+" cannot tell 5.9.1 from 6.3: what it lacks it says itself (a 404, or a field left out).
  if (surface !== "5.3") return false;
  const [a, b] = [versionParts(since), versionParts("5.3")];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return false;
}

/** Fields given a value other than their default that a newer Domino introduced (values not known yet excepted). */
export function versionedFieldsGiven(schema: Schema, inputs: Record<string, unknown>): string[] {
  return Object.entries(schema)
    .filter(([name, rule]) => {
      const value = inputs[name];
      if (rule.since === undefined || value === undefined || value === null || containsUnknown(value)) return false;
      return rule.default === undefined || !sameValue(value, rule.default);
    })
    .map(([name]) => name);
}

/**
 * `check` failures for the fields this API surface does not have: each names the field,
 * the version that has it and the way out.
 */
export function unsupportedFields(resource: string, schema: Schema, inputs: Record<string, unknown>, surface: ApiSurface): Failure[] {
  return versionedFieldsGiven(schema, inputs)
    .filter((name) => surfaceLacks(surface, schema[name].since as string))
    .map((name) => {
      const rule = schema[name];
      const fix = rule.default === undefined ? `Remove ${name}` : `Remove ${name} or set it to ${JSON.stringify(rule.default)}`;
      return {
        property: name,
        reason: `${resource}.${name} needs Domino ${rule.since} or later; this Domino API (${surface}) does not have it. ${fix}.`,
      };
    });
}

/** Inputs without the engine's `__provider` entry, for building API requests. */
export function withoutProvider<T extends object>(inputs: T): Omit<T, "__provider"> {
  const { __provider: _ignored, ...rest } = inputs as T & { __provider?: unknown };
  return rest;
}
