/**
 * What every lookup shares: its client, and how its failures reach the user.
 *
 * Lookups run in the Pulumi program's own process, not in the dynamic provider's, so
 * nobody calls `configure` for them: they take the `domino:*` stack configuration from
 * the program's runtime (environment variables remain the fallback, as for resources).
 */
import * as pulumi from "@pulumi/pulumi";
import { DominoClient } from "../client/client";
import { DominoApiError } from "../client/errors";
import { activeClient, configureFromValues, SETTINGS_KEYS } from "../config";

const CONFIG_KEYS: readonly string[] = Object.values(SETTINGS_KEYS).map((k) => k.config);

/** The stack configuration the process was last configured from, and the client it gave. */
let fromStack: { values: string; client: DominoClient } | undefined;

/**
 * The client for a lookup: from the program's `domino:*` stack configuration when any key
 * is set, else whatever the process has (the environment, or what a script or test
 * configured). Throws the settings error when the configuration is unusable.
 */
export async function lookupClient(): Promise<DominoClient> {
  const source = { get: (key: string) => pulumi.runtime.getConfig(key) };
  const set = CONFIG_KEYS.map((key) => [key, source.get(key)]).filter(([, value]) => value !== undefined);
  // Outside a Pulumi program (a script, a test) there is no stack configuration: leave
  // whatever was configured before alone.
  if (set.length === 0) return activeClient();
  // One client for as long as the configuration stays the same, so that lookups share
  // connections; reconfigured when it changes, or when something else configured the process.
  const values = JSON.stringify(set);
  if (fromStack?.values === values) {
    const current = await activeClient().catch(() => undefined);
    if (current === fromStack.client) return current;
  }
  fromStack = undefined;
  configureFromValues(source);
  const client = await activeClient();
  fromStack = { values, client };
  return client;
}

/**
 * A failed lookup for the program's user: one line naming the lookup, without a stack
 * trace (the Pulumi runtime prints a `RunError` as its message only).
 */
export function lookupError(lookup: string, message: string): pulumi.RunError {
  return new pulumi.RunError(`${lookup}: ${message}`);
}

function refusedKey(client: DominoClient, err: DominoApiError): string {
  return (
    `domino:apiKey was refused by ${client.settings.host} (HTTP ${err.status}: ${err.dominoMessage}); ` +
    (client.settings.authStyle === "apiKey"
      ? "check the key, or set domino:authStyle bearer if it is an access token"
      : "check the token, or set domino:authStyle apiKey if it is an account API key")
  );
}

/**
 * Runs a lookup against its client. Whatever it throws comes out as a `lookupError`:
 * a refused key says so, a settings error keeps its words (which name the setting and
 * the fix), and the lookup's own errors (thrown as plain `Error`s) get its name.
 */
export async function runLookup<T>(lookup: string, fn: (client: DominoClient) => Promise<T>): Promise<T> {
  let client: DominoClient | undefined;
  try {
    client = await lookupClient();
    return await fn(client);
  } catch (err) {
    if (pulumi.RunError.isInstance(err)) throw err;
    if (client && err instanceof DominoApiError && (err.status === 401 || err.status === 403)) {
      throw lookupError(lookup, refusedKey(client, err));
    }
    throw lookupError(lookup, err instanceof Error ? err.message : String(err));
  }
}
