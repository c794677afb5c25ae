/**
 * `DominoClient`: one deployment's connection. Built once from validated settings; holds
 * the request core, the typed calls of each API area, and what was learned about the
 * server (its API surface, the calling user), so nothing is re-parsed or re-probed per
 * request.
 */
import { DominoSettings } from "../settings";
import { datasetsCalls } from "./datasets";
import { environmentsCalls } from "./environments";
import { DominoApiError, DominoNetworkError } from "./errors";
import { RequestCore } from "./http";
import { organizationsCalls } from "./organizations";
import { projectsCalls } from "./projects";
import { usersCalls } from "./users";

/** An area's calls with the request core bound: `client.projects.getProject(id)`. */
export type BoundCalls<M> = {
  [K in keyof M]: M[K] extends (core: RequestCore, ...args: infer A) => infer R ? (...args: A) => R : never;
};

function bind<M extends Record<string, (core: RequestCore, ...args: never[]) => unknown>>(core: RequestCore, calls: M): BoundCalls<M> {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(calls)) out[name] = (...args: never[]) => fn(core, ...args);
  return out as BoundCalls<M>;
}

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

interface ServerFacts {
  capabilities: Capabilities;
  self?: CurrentUser;
}

/** Raised when the deployment cannot be reached or refuses the credentials. */
export class DominoConnectionError extends Error {
  constructor(
    message: string,
    /** The failed call behind it, for callers that word a refused key their own way. */
    readonly underlying?: unknown,
  ) {
    super(message);
    this.name = "DominoConnectionError";
  }
}

/** The connection check's bound: a broken connection must fail `preview` quickly. */
// Three unanswered attempts of 2 s with the default backoff between them fit in the deadline;
// with the CLI's own start-up, a host that never answers fails `preview` within about 12 s.
// A host that answers 5xx (a gateway while Domino restarts) gets up to six attempts in the
// same deadline: a passing blip must not fail a preview.
const CHECK_DEADLINE_MS = 8_000;
const CHECK_ATTEMPTS = 6;
const CHECK_UNANSWERED = 3;
const CHECK_ATTEMPT_TIMEOUT_MS = 2_000;

/** Node's codes for a TLS certificate it cannot trust (an unknown or private CA, a self-signed certificate). */
const UNTRUSTED_CERTIFICATE = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_UNTRUSTED",
  "CERT_SIGNATURE_FAILURE",
]);

/** Why the connection check got no answer, with the fix: the first line `preview` shows. */
function unreachable(host: string, err: DominoNetworkError): string {
  const tries = `${err.attempts} attempt${err.attempts === 1 ? "" : "s"}`;
  // node-fetch says "request to <url> failed, reason: <reason>"; the URL is the host's.
  const reason = err.detail.replace(/^request to \S+ failed, reason: /, "");
  if (UNTRUSTED_CERTIFICATE.has(err.code)) {
    return (
      `${host} presented a TLS certificate that is not trusted (${err.code}: ${reason}); if Domino's certificate comes from a ` +
      "private CA, run pulumi with NODE_EXTRA_CA_CERTS=/path/to/ca.pem (the CA certificate in PEM form)"
    );
  }
  if (err.code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return `${host} presented a TLS certificate for another name (${reason}); set domino:host to a name the certificate covers`;
  }
  if (err.code === "CERT_HAS_EXPIRED" || err.code === "CERT_NOT_YET_VALID") {
    return `${host} presented a TLS certificate that is not valid now (${err.code}: ${reason}); renew the deployment's certificate`;
  }
  if (err.code === "ECONNREFUSED") {
    return `${host} refused the connection (${tries}; ${reason}); check domino:host, its port included, and that Domino is running`;
  }
  if (err.code === "ENOTFOUND" || err.code === "EAI_AGAIN") {
    return `${new URL(host).hostname} could not be resolved (${err.code}); check domino:host and the network's DNS`;
  }
  if (err.code === "TIMEOUT") {
    return `${host} did not answer within ${CHECK_DEADLINE_MS / 1000} s (${tries}; last: ${reason}); check domino:host and the network (a proxy or firewall may drop the traffic)`;
  }
  return `${host} could not be reached (${tries}; last: ${err.code}, ${reason}); check domino:host and the network`;
}

export class DominoClient {
  readonly core: RequestCore;
  readonly projects: BoundCalls<typeof projectsCalls>;
  readonly datasets: BoundCalls<typeof datasetsCalls>;
  readonly environments: BoundCalls<typeof environmentsCalls>;
  readonly organizations: BoundCalls<typeof organizationsCalls>;
  readonly users: BoundCalls<typeof usersCalls>;
  private facts?: Promise<ServerFacts>;

  constructor(readonly settings: DominoSettings) {
    this.core = new RequestCore(settings);
    this.projects = bind(this.core, projectsCalls);
    this.datasets = bind(this.core, datasetsCalls);
    this.environments = bind(this.core, environmentsCalls);
    this.organizations = bind(this.core, organizationsCalls);
    this.users = bind(this.core, usersCalls);
  }

  /**
   * What the server is: `GET /api/users/v1/self` exists only from 5.9.1 on, so one call
   * tells the surface and the caller. Asked once; a failed probe is not remembered.
   */
  private probe(bounded: boolean): Promise<ServerFacts> {
    if (!this.facts) {
      const limits = bounded ? { deadlineMs: CHECK_DEADLINE_MS, maxAttempts: CHECK_ATTEMPTS, maxUnanswered: CHECK_UNANSWERED, attemptTimeoutMs: CHECK_ATTEMPT_TIMEOUT_MS } : undefined;
      const pending = (async (): Promise<ServerFacts> => {
        try {
          const res = await this.core.call<{ user: CurrentUser }>({
            operation: "detect the Domino API version",
            method: "GET",
            path: "/api/users/v1/self",
            limits,
          });
          return { capabilities: capabilitiesFor("5.9+"), self: { id: res.user.id, userName: res.user.userName } };
        } catch (err) {
          if (!(err instanceof DominoApiError) || err.status !== 404) throw err;
          if (bounded) {
            // Domino 5.3 has no users/self: prove the key with the cheapest authenticated read.
            await this.core.call({ operation: "check the API key", method: "GET", path: "/api/projects/beta/projects", query: { offset: 0, limit: 1 }, limits });
          }
          return { capabilities: capabilitiesFor("5.3") };
        }
      })();
      this.facts = pending;
      pending.catch(() => {
        if (this.facts === pending) this.facts = undefined;
      });
    }
    return this.facts;
  }

  /** The server's API surface, detected once. */
  async capabilities(): Promise<Capabilities> {
    return (await this.probe(false)).capabilities;
  }

  /** The calling user, where the server can say (5.9.1+); undefined on 5.3. */
  async currentUser(): Promise<CurrentUser | undefined> {
    return (await this.probe(false)).self;
  }

  /**
   * One cheap authenticated call with a short deadline, so that `preview` fails when `up`
   * could not work: a refused key, a host that does not answer. It doubles as the API
   * version probe, so it costs nothing extra on Domino 5.9.1 and later.
   */
  async verifyConnection(): Promise<void> {
    try {
      await this.probe(true);
    } catch (err) {
      const host = this.settings.host;
      if (err instanceof DominoApiError && (err.status === 401 || err.status === 403)) {
        throw new DominoConnectionError(
          `domino:apiKey was refused by ${host} (HTTP ${err.status}: ${err.dominoMessage}); ` +
            (this.settings.authStyle === "apiKey"
              ? "check the key, or set domino:authStyle bearer if it is an access token"
              : "check the token, or set domino:authStyle apiKey if it is an account API key"),
          err,
        );
      }
      if (err instanceof DominoNetworkError) throw new DominoConnectionError(unreachable(host, err), err);
      if (err instanceof DominoApiError && err.status >= 300 && err.status < 400) {
        throw new DominoConnectionError(`${host} answered HTTP ${err.status} to ${err.method} ${err.path}: ${err.dominoMessage}`, err);
      }
      if (err instanceof DominoApiError && err.status >= 500) {
        throw new DominoConnectionError(
          `${host} is failing (HTTP ${err.status} from ${err.method} ${err.path}: ${err.dominoMessage}; ${err.attempts} attempt${err.attempts === 1 ? "" : "s"}); ` +
            "Domino or a gateway in front of it is down or restarting: retry later",
          err,
        );
      }
      if (err instanceof DominoApiError) {
        throw new DominoConnectionError(
          `${host} does not answer like a Domino API (HTTP ${err.status} from ${err.method} ${err.path}: ${err.dominoMessage}); check domino:host`,
          err,
        );
      }
      throw err;
    }
  }
}
