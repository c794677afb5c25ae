/**
 * Reports an object that was created but not fully set up. The engine records it with
 * these properties and the reasons as initialization errors, and the next `pulumi up`
 * updates it, instead of the object leaking.
 */
import { plainOutputs } from "./outputs";

export class ResourceInitError extends Error {
  readonly id: string;
  readonly properties: Record<string, unknown>;
  readonly reasons: string[];

  constructor(id: string, properties: Record<string, unknown>, reasons: string[]) {
    super(reasons.join("; "));
    this.name = "ResourceInitError";
    this.id = id;
    this.properties = properties;
    this.reasons = reasons;
  }
}

/** Builds a `ResourceInitError` that keeps the serialized provider, which the engine needs. */
export function partialCreate(inputs: { __provider?: unknown }, id: string, outs: object, reason: string): ResourceInitError {
  const properties: Record<string, unknown> = { ...plainOutputs(outs) };
  if (inputs.__provider !== undefined) properties.__provider = inputs.__provider;
  return new ResourceInitError(id, properties, [reason]);
}

/** An error's message; anything else thrown, in words. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The rest of a create once its object exists (a status to set, a build to wait for).
 * Whatever goes wrong there, the object is recorded with `outs` instead of being lost:
 * `reason` says what was made, given the failure's message. An object already recorded
 * with its own reason (a `ResourceInitError`) keeps it.
 */
export async function finishCreate<O extends object>(
  id: string,
  outs: O,
  rest: () => Promise<O>,
  reason: (message: string) => string,
): Promise<{ id: string; outs: O }> {
  try {
    return { id, outs: await rest() };
  } catch (err) {
    if (err instanceof ResourceInitError) throw err;
    throw partialCreate({}, id, outs, reason(messageOf(err)));
  }
}
