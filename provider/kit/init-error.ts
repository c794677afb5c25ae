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

/** Builds a `ResourceInitError` that keeps the serialized provider, as the engine needs. */
export function partialCreate(inputs: { __provider?: unknown }, id: string, outs: object, reason: string): ResourceInitError {
  const properties: Record<string, unknown> = { ...(plainOutputs(outs) as Record<string, unknown>) };
  if (inputs.__provider !== undefined) properties.__provider = inputs.__provider;
  return new ResourceInitError(id, properties, [reason]);
}
