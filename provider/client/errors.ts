/** Errors raised by the client layer. Messages are written for the person running `pulumi up`. */

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** What every failed call carries: the operation, the request, the attempts, and whether it may have committed. */
interface CallFailure {
  operation: string;
  method: HttpMethod;
  path: string;
  attempts?: number;
  maybeCommitted?: boolean;
  /** Why the request core stopped retrying, appended to the message. */
  suffix?: string;
}

/** A call that failed: `DominoApiError` (Domino answered) or `DominoNetworkError` (no answer). */
export abstract class DominoCallError extends Error {
  readonly operation: string;
  readonly method: HttpMethod;
  readonly path: string;
  readonly attempts: number;
  /** A POST whose failure does not prove that nothing was made (a 5xx from a gateway, say). */
  readonly maybeCommitted: boolean;

  /** `outcome` is what became of the request, after "<operation> failed: <method> ". */
  protected constructor(name: string, args: CallFailure, outcome: string) {
    super(`${args.operation} failed: ${args.method} ${outcome}` + (args.suffix ? ` (${args.suffix})` : ""));
    this.name = name;
    this.operation = args.operation;
    this.method = args.method;
    this.path = args.path;
    this.attempts = args.attempts ?? 1;
    this.maybeCommitted = args.maybeCommitted ?? false;
  }
}

/** Domino answered with a non-2xx status. */
export class DominoApiError extends DominoCallError {
  readonly status: number;
  /** Domino's own words, from whichever of its error body shapes it sent. */
  readonly dominoMessage: string;
  readonly requestId?: string;

  constructor(args: CallFailure & { status: number; dominoMessage: string; requestId?: string }) {
    const reqId = args.requestId ? ` (request id ${args.requestId})` : "";
    super("DominoApiError", args, `${args.path} answered HTTP ${args.status}: ${args.dominoMessage}${reqId}`);
    this.status = args.status;
    this.dominoMessage = args.dominoMessage;
    this.requestId = args.requestId;
  }

  /** The same error, saying why the request core stopped retrying. */
  withGiveUp(suffix: string): DominoApiError {
    return new DominoApiError({ ...this, suffix });
  }
}

/** The request did not get an answer: connection refused or reset, or no answer within the timeout. */
export class DominoNetworkError extends DominoCallError {
  readonly host: string;
  readonly code: string;
  readonly detail: string;

  constructor(args: CallFailure & { host: string; code: string; detail: string }) {
    super("DominoNetworkError", args, `${args.host}${args.path} got no answer (${args.code}): ${args.detail}`);
    this.host = args.host;
    this.code = args.code;
    this.detail = args.detail;
  }

  withGiveUp(suffix: string): DominoNetworkError {
    return new DominoNetworkError({ ...this, suffix });
  }
}

export function isNotFound(err: unknown): boolean {
  return err instanceof DominoApiError && err.status === 404;
}

/** The call's answer, or undefined when Domino answers 404: the object is gone (or was never there). */
export async function unlessNotFound<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export function isStatus(err: unknown, status: number): err is DominoApiError {
  return err instanceof DominoApiError && err.status === status;
}

/** A failed POST that may still have made its object: the create recovery must look before retrying. */
export function maybeCommitted(err: unknown): boolean {
  return err instanceof DominoCallError && err.maybeCommitted;
}

/**
 * Extracts the message from any of Domino's error bodies: FailureEnvelopeV1
 * `{requestId, errors[]}`, InvalidBodyEnvelopeV1 `{message}`, or the 6.2+ `{error}`.
 */
export function parseErrorBody(text: string): { message: string; requestId?: string } {
  const trimmed = text.trim();
  if (trimmed === "") return { message: "(empty response body)" };
  try {
    const body: unknown = JSON.parse(trimmed);
    if (body && typeof body === "object") {
      const b = body as Record<string, unknown>;
      const requestId = typeof b.requestId === "string" ? b.requestId : undefined;
      if (Array.isArray(b.errors) && b.errors.length > 0) {
        return { message: b.errors.map(String).join("; "), requestId };
      }
      if (typeof b.message === "string") return { message: b.message, requestId };
      if (typeof b.error === "string") return { message: b.error, requestId };
    }
  } catch {
    // Not JSON (a proxy's HTML page, say): fall through to the raw text.
  }
  return { message: trimmed.length > 300 ? `${trimmed.slice(0, 300)}...` : trimmed };
}
