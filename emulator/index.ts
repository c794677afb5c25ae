/**
 * A stateful local Domino that follows the public API contract in spec/domino-public-api.yaml.
 *
 *     const emulator = await startEmulator({ buildDurationMs: 50 });
 *     await fetch(`${emulator.url}/api/users/v1/self`, { headers: { "X-Domino-Api-Key": emulator.users.alice.apiKey } });
 *     await emulator.stop();
 */
import { DEFAULT_ADMIN_API_KEY as SEEDED_ADMIN_API_KEY } from "./seed";
import { launchEmulator } from "./server";

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
  apiKey: string;
  isAdmin: boolean;
}

export interface RunningEmulator {
  /** e.g. "http://127.0.0.1:41234" */
  url: string;
  users: { admin: SeededUser; alice: SeededUser; bob: SeededUser };
  stop(): Promise<void>;
}

export function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return launchEmulator(options);
}

/** "domino-emulator-admin-key" */
export const DEFAULT_ADMIN_API_KEY: string = SEEDED_ADMIN_API_KEY;
