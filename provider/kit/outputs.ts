/**
 * Output sanitising. The engine fails with "Unexpected struct type" on `undefined`,
 * Outputs, BigInts and Buffers, after the API call has already succeeded, and turns a
 * Date into `{}`. Everything a provider returns passes through `toPlainJson` first.
 */
export type PlainJson = null | boolean | number | string | PlainJson[] | { [key: string]: PlainJson };

export function toPlainJson(value: unknown, path = "outputs"): PlainJson {
  if (value === null) return null;
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      if (!Number.isFinite(value)) throw new Error(`${path} is not a finite number`);
      return value;
    case "bigint":
      return Number(value);
    case "object":
      break;
    default:
      throw new Error(`${path} is a ${typeof value}, which cannot be stored in Pulumi state`);
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) {
    return value.filter((v) => v !== undefined).map((v, i) => toPlainJson(v, `${path}[${i}]`));
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new Error(`${path} is a ${proto?.constructor?.name ?? "class"} instance, not plain JSON`);
  }
  const out: { [key: string]: PlainJson } = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined) continue;
    out[k] = toPlainJson(v, `${path}.${k}`);
  }
  return out;
}

/** `toPlainJson` for a record, keeping the caller's static type. */
export function plainOutputs<T extends object>(value: T): T {
  return toPlainJson(value) as unknown as T;
}
