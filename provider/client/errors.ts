/** Errors raised by the client layer. Messages are written for the person running `pulumi up`. */

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Domino answered with a non-2xx status. */
export class DominoApiError extends Error {
  readonly operation: string;
  readonly method: HttpMethod;
  readonly path: string;
  readonly status: number;
  /** Domino's own words, from whichever of its error body shapes it sent. */
  readonly dominoMessage: string;
  readonly requestId?: string;
  readonly attempts: number;
  /** A POST whose failure does not prove that nothing was made (a 5xx from a gateway, say). */
  readonly maybeCommitted: boolean;

  constructor(args: {
    operation: string;
    method: HttpMethod;
    path: string;
    status: number;
    dominoMessage: string;
    requestId?: string;
    attempts?: number;
    maybeCommitted?: boolean;
    suffix?: string;
  }) {
    const reqId = args.requestId ? ` (request id ${args.requestId})` : "";
    super(
      `${args.operation} failed: ${args.method} ${args.path} answered HTTP ${args.status}: ${args.dominoMessage}${reqId}` +
        (args.suffix ? ` (${args.suffix})` : ""),
    );
    this.name = "DominoApiError";
    this.operation = args.operation;
    this.method = args.method;
    this.path = args.path;
    this.status = args.status;
    this.dominoMessage = args.dominoMessage;
    this.requestId = args.requestId;
    this.attempts = args.attempts ?? 1;
    this.maybeCommitted = args.maybeCommitted ?? false;
  }

  /** The same error, saying why the request core stopped retrying. */
  withGiveUp(suffix: string): DominoApiError {
    return new DominoApiError({ ...this, suffix });
  }
}

/** The request did not get an answer: connection refused or reset, or no answer within the timeout. */
export class DominoNetworkError extends Error {
  readonly operation: string;
  readonly method: HttpMethod;
  readonly path: string;
  readonly host: string;
  readonly code: string;
  readonly detail: string;
  readonly attempts: number;
  readonly maybeCommitted: boolean;

  constructor(args: {
    operation: string;
    method: HttpMethod;
    path: string;
    host: string;
    code: string;
    detail: string;
    attempts?: number;
    maybeCommitted?: boolean;
    suffix?: string;
  }) {
    super(
      `${args.operation} failed: ${args.method} ${args.host}${args.path} got no answer (${args.code}): ${args.detail}` +
        (args.suffix ? ` (${args.suffix})` : ""),
    );
    this.name = "DominoNetworkError";
    this.operation = args.operation;
    this.method = args.method;
    this.path = args.path;
    this.host = args.host;
    this.code = args.code;
    this.detail = args.detail;
    this.attempts = args.attempts ?? 1;
    this.maybeCommitted = args.maybeCommitted ?? false;
  }

  withGiveUp(suffix: string): DominoNetworkError {
    return new DominoNetworkError({ ...this, suffix });
  }
}

export function isNotFound(err: unknown): boolean {
  return err instanceof DominoApiError && err.status === 404;
}

export function isStatus(err: unknown, status: number): err is DominoApiError {
  return err instanceof DominoApiError && err.status === status;
}

/** A failed POST that may still have made its object: the create recovery must look before retrying. */
export function maybeCommitted(err: unknown): boolean {
  return (err instanceof DominoApiError || err instanceof DominoNetworkError) && err.maybeCommitted;
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
