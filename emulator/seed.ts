/**
 * The three users every emulator starts with. Their ids are fixed so that ids written into
 * tests, examples and state files stay valid across resets and restarts.
 */
import { createHash } from "node:crypto";
import type { UserRecord } from "./store";

export const DEFAULT_ADMIN_API_KEY = "domino-emulator-admin-key";
export const DEFAULT_ALICE_API_KEY = "domino-emulator-alice-key";
export const DEFAULT_BOB_API_KEY = "domino-emulator-bob-key";

/**
 * Access tokens (Bearer) are fixed: unlike API keys they are not configurable, since a test
 * needs them only to exercise the Bearer style, and Domino never accepts a key there.
 */
export const SEEDED_ACCESS_TOKENS = {
  admin: "domino-emulator-admin-token",
  alice: "domino-emulator-alice-token",
  bob: "domino-emulator-bob-token",
} as const;

export const SEEDED_USER_IDS = {
  admin: "65f0a0000000000000000001",
  alice: "65f0a0000000000000000002",
  bob: "65f0a0000000000000000003",
} as const;

export type SeededUserName = keyof typeof SEEDED_USER_IDS;

export interface SeedKeys {
  admin: string;
  alice: string;
  bob: string;
}

/** Explicit options win, then the environment, then the documented defaults. */
export function resolveSeedKeys(explicit: Partial<SeedKeys>, env: NodeJS.ProcessEnv = process.env): SeedKeys {
  const pick = (value: string | undefined, envName: string, fallback: string): string => {
    const chosen = value ?? env[envName];
    return chosen !== undefined && chosen !== "" ? chosen : fallback;
  };
  return {
    admin: pick(explicit.admin, "DOMINO_EMULATOR_ADMIN_API_KEY", DEFAULT_ADMIN_API_KEY),
    alice: pick(explicit.alice, "DOMINO_EMULATOR_ALICE_API_KEY", DEFAULT_ALICE_API_KEY),
    bob: pick(explicit.bob, "DOMINO_EMULATOR_BOB_API_KEY", DEFAULT_BOB_API_KEY),
  };
}

function gravatar(email: string): string {
  const hash = createHash("md5").update(email.trim().toLowerCase()).digest("hex");
  return `https://www.gravatar.com/avatar/${hash}?d=identicon`;
}

function user(name: SeededUserName, firstName: string, lastName: string, apiKey: string, isAdmin: boolean): UserRecord {
  const email = `${name}@example.com`;
  return {
    id: SEEDED_USER_IDS[name],
    userName: name,
    firstName,
    lastName,
    fullName: `${firstName} ${lastName}`,
    email,
    avatarUrl: gravatar(email),
    roles: isAdmin ? ["SysAdmin", "Practitioner"] : ["Practitioner"],
    isAdmin,
    apiKey,
    accessToken: SEEDED_ACCESS_TOKENS[name],
  };
}

export function seedUsers(keys: SeedKeys): UserRecord[] {
  const distinct = new Set([keys.admin, keys.alice, keys.bob]);
  if (distinct.size !== 3) throw new Error("The admin, alice and bob API keys must differ");
  // A key equal to a token would be accepted in both styles, which Domino never does.
  const token = Object.values(SEEDED_ACCESS_TOKENS).find((t) => distinct.has(t));
  if (token) throw new Error(`${token} is reserved as an access token and cannot be used as an API key`);
  return [
    user("admin", "Domino", "Admin", keys.admin, true),
    user("alice", "Alice", "Anderson", keys.alice, false),
    user("bob", "Bob", "Baker", keys.bob, false),
  ];
}
