/**
 * The process's Domino connection: settings from the stack configuration (through the
 * dynamic provider's `configure`) or the environment, validated once, and the
 * `DominoClient` built from them.
 *
 * `pulumi-domino/dist/config` and its `configureFromStack` are called by the serialized
 * provider stored in existing stacks: keep both.
 */
import { DominoClient } from "./client/client";
import { warnUser } from "./kit/notices";
import { collectSettings, ConfigSource, DominoConfigError, DominoSettings, isInsecureRemote, parseSettings } from "./settings";

export { ConfigSource, DominoConfigError, DominoSettings, SETTINGS_KEYS } from "./settings";

interface Connection {
  readonly client?: DominoClient;
  readonly error?: Error;
  /** The connection check, started by `configure`; tests and scripts that build no such check skip it. */
  readonly verified?: Promise<void>;
}

let configured: Connection | undefined;
const clients = new Map<string, DominoClient>();
const warnedInsecure = new Set<string>();

function fingerprint(s: DominoSettings): string {
  // The key itself is not kept as a map key: a short hash tells credentials apart.
  let h = 0;
  for (const ch of s.apiKey) h = (h * 31 + ch.charCodeAt(0)) | 0;
  return JSON.stringify({ ...s, apiKey: h });
}

/** The client for these settings, one per deployment and credential in this process. */
export function clientFor(settings: DominoSettings): DominoClient {
  const key = fingerprint(settings);
  let client = clients.get(key);
  if (!client) {
    client = new DominoClient(settings);
    clients.set(key, client);
    if (isInsecureRemote(settings) && !warnedInsecure.has(settings.host)) {
      warnedInsecure.add(settings.host);
      warnUser(`domino:insecureHttp is set: the API key is sent unencrypted to ${settings.host}`);
    }
  }
  return client;
}

function connect(source: ConfigSource | undefined, verify: boolean, fresh = false): Connection {
  try {
    const settings = parseSettings(collectSettings(source));
    const client = fresh ? new DominoClient(settings) : clientFor(settings);
    if (!verify) return { client };
    const verified = client.verifyConnection();
    // Reported by whichever operation awaits it; never an unhandled rejection.
    verified.catch(() => undefined);
    return { client, verified };
  } catch (err) {
    return { error: err as Error };
  }
}

/**
 * Records the stack configuration handed to the dynamic provider's `configure` and starts
 * the connection check. Never throws: the SDK caches the provider before `configure`
 * finishes, so a throw here would leave later calls unconfigured. A bad setting or a
 * failed check is reported by every operation instead, starting with `check` in preview.
 */
export async function configureFromStack(source: ConfigSource): Promise<void> {
  configured = connect(source, true);
  // Waiting here keeps every operation behind the check; its failure is theirs to report.
  await configured.verified?.catch(() => undefined);
}

/**
 * Configures the process from explicit values (the environment still fills in what they
 * leave out), with a new client and no connection check: for the program side (lookups)
 * and for scripts.
 */
export function configureFromValues(source: ConfigSource): void {
  configured = connect(source, false, true);
}

/**
 * The client for explicit values (the environment still fills in what they leave out),
 * leaving the process's configuration alone: for lookups given a `domino.Provider`.
 * Throws `DominoConfigError` for a bad setting.
 */
export function clientForValues(source: ConfigSource): DominoClient {
  return clientFor(parseSettings(collectSettings(source)));
}

/**
 * In the provider process, the outcome of `configure`: the settings error or the failed
 * connection check, thrown so that `check` fails `pulumi preview`. Nothing when the
 * process was never configured (scripts, tests).
 */
export async function assertConfiguredConnection(): Promise<void> {
  if (!configured) return;
  if (configured.error) throw configured.error;
  await configured.verified;
}

let fromEnvironment: { key: string; connection: Connection } | undefined;

/**
 * The client every operation uses: the one `configure` built, else one from the
 * environment. Throws the settings error, or the connection check's, if there was one.
 */
export async function activeClient(): Promise<DominoClient> {
  let connection = configured;
  if (!connection) {
    const raw = collectSettings(undefined);
    const key = JSON.stringify(raw);
    if (fromEnvironment?.key !== key) fromEnvironment = { key, connection: connect(undefined, false) };
    connection = fromEnvironment.connection;
  }
  if (connection.error) throw connection.error;
  if (connection.verified) await connection.verified;
  if (!connection.client) throw new DominoConfigError("domino:host is not set");
  return connection.client;
}
