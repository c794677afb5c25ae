/**
 * Who is calling. Domino accepts an account API key in `X-Domino-Api-Key` and a token in
 * `Authorization: Bearer`; the emulator has one credential per user and accepts it in
 * either header (real deployments reject a credential sent in the other style with 403,
 * which the emulator does not reproduce).
 */
import type { IncomingHttpHeaders } from "node:http";
import { unauthorized } from "./errors";
import type { Store, UserRecord } from "./store";

export const API_KEY_HEADER = "x-domino-api-key";

function presentedCredentials(headers: IncomingHttpHeaders): string[] {
  const found: string[] = [];
  const apiKey = headers[API_KEY_HEADER];
  if (typeof apiKey === "string" && apiKey.trim() !== "") found.push(apiKey.trim());
  const authorization = headers.authorization;
  if (typeof authorization === "string") {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (match) found.push(match[1].trim());
  }
  return found;
}

/** The caller, or a 401 DominoError. */
export function authenticate(headers: IncomingHttpHeaders, store: Store): UserRecord {
  const credentials = presentedCredentials(headers);
  if (credentials.length === 0) {
    throw unauthorized("No current user in request: send X-Domino-Api-Key or Authorization: Bearer");
  }
  for (const credential of credentials) {
    for (const user of store.users.values()) {
      if (user.apiKey === credential) return user;
    }
  }
  throw unauthorized("Invalid API key or token");
}
