/**
 * Domino's answer shapes. The contract documents three error bodies; which one the emulator
 * uses depends on the layer that refuses the request:
 * - FailureEnvelopeV1 `{requestId, errors[]}`: an operation refuses it (401, 403, unknown id
 *   404, malformed id, duplicates and other state or value rules, 429).
 * - InvalidBodyEnvelopeV1 `{message}`: the request does not have the documented shape (schema
 *   validation of body, query and path; unparseable JSON; fields an operation needs that the
 *   schema leaves optional).
 * - `{error}` (the 6.2/6.3 specs' shared 400/404/500 body): no operation answers at all (an
 *   undocumented route or one the served version lacks) or the server itself fails (500, and
 *   injected 5xx faults on the 6.3 surface; 5.3 predates that shape and uses FailureEnvelopeV1).
 */

export interface MetadataV1 {
  requestId: string;
  notices: string[];
}

export interface PaginatedMetadataV1 extends MetadataV1 {
  offset: number;
  limit: number;
  totalCount: number;
}

export interface FailureEnvelopeV1 {
  requestId: string;
  errors: string[];
}

export interface InvalidBodyEnvelopeV1 {
  message: string;
}

export interface ErrorStringBody {
  error: string;
}

export type ErrorShape = "failure" | "invalidBody" | "errorString";

export function metadata(requestId: string): MetadataV1 {
  return { requestId, notices: [] };
}

/** An operation's refusal; the server's error handler turns it into the matching body. */
export class DominoError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly shape: ErrorShape = "failure",
  ) {
    super(message);
    this.name = "DominoError";
  }

  body(requestId: string): FailureEnvelopeV1 | InvalidBodyEnvelopeV1 | ErrorStringBody {
    return errorBody(this.shape, requestId, this.message);
  }
}

export function errorBody(
  shape: ErrorShape,
  requestId: string,
  message: string,
): FailureEnvelopeV1 | InvalidBodyEnvelopeV1 | ErrorStringBody {
  switch (shape) {
    case "failure":
      return { requestId, errors: [message] };
    case "invalidBody":
      return { message };
    case "errorString":
      return { error: message };
  }
}

export const badRequest = (message: string): DominoError => new DominoError(400, message);
export const invalidBody = (message: string): DominoError => new DominoError(400, message, "invalidBody");
export const unauthorized = (message: string): DominoError => new DominoError(401, message);
export const forbidden = (message: string): DominoError => new DominoError(403, message);
export const notFound = (message: string): DominoError => new DominoError(404, message);

export function invalidIdMessage(id: string): string {
  return `${id} is not a valid ID`;
}
