/**
 * Who is calling. Domino has two credentials that are not interchangeable: an account API
 * key goes in `X-Domino-Api-Key`, an access token (personal access token or Keycloak JWT)
 * in `Authorization: Bearer`. Each seeded user has one of each. A credential the emulator
 * knows, sent in the other style, gets 403 "No current user in request", as real Domino
 * answers (domino-sage, live; spec securitySchemes); an unknown or missing one gets 401.
 */
import type { IncomingHttpHeaders } from "node:http";
import { forbidden, unauthorized } from "./errors";
import type { Store, UserRecord } from "./store";

export const API_KEY_HEADER = "x-domino-api-key";

/** Domino's own text for a credential in the wrong header. */
export const WRONG_AUTH_STYLE_MESSAGE = "No current user in request";

type AuthStyle = "apiKey" | "bearer";

interface Presented {
  style: AuthStyle;
  credential: string;
}

function presentedCredentials(headers: IncomingHttpHeaders): Presented[] {
  const found: Presented[] = [];
  const apiKey = headers[API_KEY_HEADER];
  if (typeof apiKey === "string" && apiKey.trim() !== "") found.push({ style: "apiKey", credential: apiKey.trim() });
  const authorization = headers.authorization;
  if (typeof authorization === "string") {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (match) found.push({ style: "bearer", credential: match[1].trim() });
  }
  return found;
}

function credentialFor(user: UserRecord, style: AuthStyle): string {
  return style === "apiKey" ? user.apiKey : user.accessToken;
}

/** The caller, or a 401/403 DominoError. Any correctly sent valid credential wins. */
export function authenticate(headers: IncomingHttpHeaders, store: Store): UserRecord {
  const presented = presentedCredentials(headers);
  if (presented.length === 0) {
    throw unauthorized("No current user in request: send X-Domino-Api-Key or Authorization: Bearer");
  }
  let wrongStyle = false;
  for (const { style, credential } of presented) {
    const other: AuthStyle = style === "apiKey" ? "bearer" : "apiKey";
    for (const user of store.users.values()) {
      if (credentialFor(user, style) === credential) return user;
      if (credentialFor(user, other) === credential) wrongStyle = true;
    }
  }
  if (wrongStyle) throw forbidden(WRONG_AUTH_STYLE_MESSAGE);
  throw unauthorized("Invalid API key or token");
}
