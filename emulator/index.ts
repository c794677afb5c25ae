/**
 * A stateful local Domino that follows the public API contract in spec/domino-public-api.yaml.
 *
 *     const emulator = await startEmulator({ buildDurationMs: 50 });
 *     await fetch(`${emulator.url}/api/users/v1/self`, { headers: { "X-Domino-Api-Key": emulator.users.alice.apiKey } });
 *     await emulator.stop();
 */
import type { FaultRule, FaultRuleInput } from "./faults";
import { DEFAULT_ADMIN_API_KEY as SEEDED_ADMIN_API_KEY } from "./seed";
import { launchEmulator } from "./server";

export type { FaultRule, FaultRuleAction, FaultRuleInput, FaultRulePhase } from "./faults";

export interface EmulatorOptions {
  /** Default 0 (ephemeral) for the library, 8080 for the CLI. */
  port?: number;
  /** Default "127.0.0.1". */
  host?: string;
  /** Default "6.3". */
  dominoVersion?: "6.3" | "5.3";
  /** Persist state to this file. */
  statePath?: string;
  /** Default from env DOMINO_EMULATOR_ADMIN_API_KEY or DEFAULT_ADMIN_API_KEY. */
  adminApiKey?: string;
  latencyMs?: number;
  faultRate?: number;
  rateLimit?: number;
  seed?: number;
  /** Default 1500. */
  buildDurationMs?: number;
  /** Default 500. */
  snapshotDurationMs?: number;
  /** Default false. */
  logRequests?: boolean;
}

export interface SeededUser {
  id: string;
  userName: string;
  email: string;
  /** Account API key: accepted only as `X-Domino-Api-Key`. */
  apiKey: string;
  /** Access token (what a PAT or Keycloak JWT is to Domino): accepted only as `Authorization: Bearer`. */
  accessToken: string;
  isAdmin: boolean;
}

/** Which requests a rule takes, and whether before or after the operation runs. */
export type FaultMatch = Pick<FaultRuleInput, "method" | "route" | "count" | "when">;

/** A rule that answers an HTTP error status. */
export interface FailRule extends FaultMatch {
  status: number;
  retryAfterSeconds?: number;
}

/**
 * Deterministic faults, in process; the same queue as `/__emulator/faults/rules`. Each call
 * validates the rule and throws a RangeError for one that could never match.
 *
 *     emulator.faults.failNext({ method: "POST", route: "/api/projects/v1/projects/{projectId}/goals", status: 503 });
 *     emulator.faults.dropNext({ method: "POST", route: "/api/projects/beta/projects", when: "after" });
 */
export interface EmulatorFaultControls {
  add(rule: FaultRuleInput): FaultRule;
  /** The next `count` matching requests answer `status`. */
  failNext(rule: FailRule): FaultRule;
  /** The next `count` matching requests lose their connection without an answer. */
  dropNext(rule?: FaultMatch): FaultRule;
  /** The next `count` matching requests are never answered (until reset or stop). */
  hangNext(rule?: FaultMatch): FaultRule;
  /** Queued rules, in the order they are matched. */
  rules(): FaultRule[];
  remove(id: number): boolean;
  /** Drops every queued rule; requests already hanging stay so. */
  clear(): void;
  /** Requests currently held by "hang" rules. */
  hanging(): number;
}

export interface RunningEmulator {
  /** e.g. "http://127.0.0.1:41234" */
  url: string;
  users: { admin: SeededUser; alice: SeededUser; bob: SeededUser };
  faults: EmulatorFaultControls;
  stop(): Promise<void>;
}

export function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return launchEmulator(options);
}

/** "domino-emulator-admin-key" */
export const DEFAULT_ADMIN_API_KEY: string = SEEDED_ADMIN_API_KEY;
