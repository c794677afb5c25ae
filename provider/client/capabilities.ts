/**
 * Which API surface the server offers.
 *
 * Domino 5.3's public API lacks several reads that 5.9.1 and later have (project,
 * goal list, snapshot, current user, dataset delete). `GET /api/users/v1/self` is
 * the cheapest call that exists only on the newer surface, so one probe per host
 * and credential decides, once per process. Reads then fall back to list-and-filter
 * on the older surface.
 */
import { resolveSettings } from "../config";
import { DominoApiError } from "./errors";
import { call } from "./http";

export interface Capabilities {
  /** "5.3" for the base set of operations, "5.9+" for the full contract (5.9.1 to 6.3). */
  surface: "5.3" | "5.9+";
  /** GET /api/projects/v1/projects/{id} */
  projectGet: boolean;
  /** GET /api/projects/v1/projects/{id}/goals */
  goalList: boolean;
  /** GET /api/datasetrw/v1/snapshots/{id} */
  snapshotGet: boolean;
  /** DELETE /api/datasetrw/v1/datasets/{id} */
  datasetDelete: boolean;
  /** GET /api/users/v1/self */
  currentUser: boolean;
}

export function capabilitiesFor(surface: Capabilities["surface"]): Capabilities {
  const modern = surface === "5.9+";
  return { surface, projectGet: modern, goalList: modern, snapshotGet: modern, datasetDelete: modern, currentUser: modern };
}

export interface CurrentUser {
  id: string;
  userName: string;
}

const probes = new Map<string, Promise<{ capabilities: Capabilities; self?: CurrentUser }>>();

function cacheKey(): string {
  const s = resolveSettings();
  // The key itself is never stored: a short fingerprint tells credentials apart.
  let h = 0;
  for (const ch of s.apiKey) h = (h * 31 + ch.charCodeAt(0)) | 0;
  return `${s.host}#${s.authStyle}#${h}`;
}

function probe(): Promise<{ capabilities: Capabilities; self?: CurrentUser }> {
  const key = cacheKey();
  let pending = probes.get(key);
  if (!pending) {
    pending = (async () => {
      try {
        const res = await call<{ user: CurrentUser }>({
          operation: "detect the Domino API version",
          method: "GET",
          path: "/api/users/v1/self",
        });
        return { capabilities: capabilitiesFor("5.9+"), self: { id: res.user.id, userName: res.user.userName } };
      } catch (err) {
        if (err instanceof DominoApiError && err.status === 404) return { capabilities: capabilitiesFor("5.3") };
        throw err;
      }
    })();
    probes.set(key, pending);
    // A failed probe (network, credentials) is not remembered: the next call tries again.
    pending.catch(() => probes.delete(key));
  }
  return pending;
}

/** The server's API surface, detected once per host and credential. */
export async function capabilities(): Promise<Capabilities> {
  return (await probe()).capabilities;
}

/** The calling user, where the server can say (5.9.1+); undefined on 5.3. */
export async function currentUser(): Promise<CurrentUser | undefined> {
  return (await probe()).self;
}

/** Forgets detected surfaces (tests). */
export function resetCapabilities(): void {
  probes.clear();
}
