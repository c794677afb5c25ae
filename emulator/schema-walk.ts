/**
 * Generic passes over request and response values, each driven by the contract's schemas
 * rather than by field names:
 * - `canonicalizeEnums`: Domino compares enums case-insensitively and answers in one
 *   spelling, so an input matching an enum value in another case is rewritten to the
 *   schema's spelling before validation ("private" -> "Private", "Contributor" -> "contributor").
 * - `coerceQuery`: query strings arrive as text; integers, booleans and exploded arrays are
 *   converted per schema. Bodies are never coerced, so a wrong JSON type is a 400.
 * - `dropFieldsNewerThan`: fields marked `x-domino-since` later than the served version do
 *   not exist there; they are ignored on input and absent from answers.
 */
import type { JsonSchema } from "./openapi";
import { DominoVersion, hasField } from "./version";

type Mutable = { [key: string]: unknown };

function isPlainObject(value: unknown): value is Mutable {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function subschemas(schema: JsonSchema, keyword: "allOf" | "anyOf" | "oneOf"): JsonSchema[] {
  const list = schema[keyword];
  return Array.isArray(list) ? (list as JsonSchema[]) : [];
}

function propertySchema(schema: JsonSchema, key: string): JsonSchema | undefined {
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  if (properties && Object.prototype.hasOwnProperty.call(properties, key)) return properties[key];
  const additional = schema.additionalProperties;
  return isPlainObject(additional) ? (additional as JsonSchema) : undefined;
}

export function canonicalizeEnums(schema: JsonSchema | undefined, value: unknown): unknown {
  if (!schema) return value;
  for (const part of subschemas(schema, "allOf")) value = canonicalizeEnums(part, value);
  if (typeof value === "string" && Array.isArray(schema.enum)) {
    const wanted = value.toLowerCase();
    const match = (schema.enum as unknown[]).find((e) => typeof e === "string" && e.toLowerCase() === wanted);
    return match ?? value;
  }
  if (Array.isArray(value)) {
    const items = schema.items as JsonSchema | undefined;
    return items ? value.map((item) => canonicalizeEnums(items, item)) : value;
  }
  if (isPlainObject(value)) {
    for (const key of Object.keys(value)) {
      const sub = propertySchema(schema, key);
      if (sub) value[key] = canonicalizeEnums(sub, value[key]);
    }
  }
  return value;
}

function coerceScalar(schema: JsonSchema, value: unknown): unknown {
  if (typeof value !== "string") return value;
  switch (schema.type) {
    case "integer":
      return /^-?\d+$/.test(value) ? Number(value) : value;
    case "number":
      return value.trim() !== "" && Number.isFinite(Number(value)) ? Number(value) : value;
    case "boolean":
      return value === "true" ? true : value === "false" ? false : value;
    default:
      return value;
  }
}

export function coerceQuery(schema: JsonSchema | undefined, query: Mutable): void {
  if (!schema) return;
  for (const key of Object.keys(query)) {
    const sub = propertySchema(schema, key);
    if (!sub) continue;
    if (sub.type === "array") {
      const items = (sub.items as JsonSchema | undefined) ?? {};
      const list = Array.isArray(query[key]) ? (query[key] as unknown[]) : [query[key]];
      query[key] = list.map((item) => coerceScalar(items, item));
    } else {
      query[key] = coerceScalar(sub, query[key]);
    }
  }
}

export function dropFieldsNewerThan(schema: JsonSchema | undefined, value: unknown, version: DominoVersion): void {
  if (!schema) return;
  for (const part of subschemas(schema, "allOf")) dropFieldsNewerThan(part, value, version);
  if (Array.isArray(value)) {
    const items = schema.items as JsonSchema | undefined;
    for (const item of value) dropFieldsNewerThan(items, item, version);
    return;
  }
  if (!isPlainObject(value)) return;
  for (const key of Object.keys(value)) {
    const sub = propertySchema(schema, key);
    if (!sub) continue;
    if (!hasField(sub["x-domino-since"], version)) delete value[key];
    else dropFieldsNewerThan(sub, value[key], version);
  }
}
