/**
 * Connection settings for the Domino API.
 *
 * Nothing here is read at module load: a value captured at load time would be copied
 * into the serialized provider and so into the Pulumi state. Stack configuration
 * arrives through the dynamic provider's `configure` call; the environment is read
 * each time settings are resolved.
 */

/** Where the stack configuration comes from (the dynamic provider's `ConfigureRequest.config`). */
export interface ConfigSource {
  get(key: string): string | undefined;
}

export type AuthStyle = "apiKey" | "bearer";

export interface DominoSettings {
  /** Base URL of the deployment, without a trailing slash, e.g. `https://domino.example.com`. */
  host: string;
  /** Account API key (sent as `X-Domino-Api-Key`) or access token (sent as `Authorization: Bearer`). */
  apiKey: string;
  authStyle: AuthStyle;
  /** Per-attempt timeout of one HTTP request. */
  requestTimeoutMs: number;
  /** Retries of a transient failure (429, 502, 503, 504, connection reset, timeout). */
  maxRetries: number;
  /** First backoff delay; doubled each retry, with full jitter. */
  retryBaseDelayMs: number;
  /** Cap on one backoff delay, including a server's `Retry-After`. */
  retryMaxDelayMs: number;
}

/** Stack configuration keys (namespace `domino`) and their environment fallbacks. */
export const SETTINGS_KEYS = {
  host: { config: "domino:host", env: ["DOMINO_API_HOST"] },
  apiKey: { config: "domino:apiKey", env: ["DOMINO_USER_API_KEY", "DOMINO_API_KEY"] },
  authStyle: { config: "domino:authStyle", env: ["DOMINO_AUTH_STYLE"] },
  requestTimeoutMs: { config: "domino:requestTimeoutMs", env: ["DOMINO_REQUEST_TIMEOUT_MS"] },
  maxRetries: { config: "domino:maxRetries", env: ["DOMINO_MAX_RETRIES"] },
  retryBaseDelayMs: { config: "domino:retryBaseDelayMs", env: ["DOMINO_RETRY_BASE_DELAY_MS"] },
  retryMaxDelayMs: { config: "domino:retryMaxDelayMs", env: ["DOMINO_RETRY_MAX_DELAY_MS"] },
} as const;

type SettingName = keyof typeof SETTINGS_KEYS;

const DEFAULTS = {
  authStyle: "apiKey" as AuthStyle,
  requestTimeoutMs: 30_000,
  maxRetries: 5,
  retryBaseDelayMs: 500,
  retryMaxDelayMs: 30_000,
};

/** Raised when the settings are missing or malformed; the message says how to fix it. */
export class DominoConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DominoConfigError";
  }
}

// Values from `configure`. Set synchronously: the SDK caches the provider before it
// awaits `configure`, so a concurrent call must never see a half-written value.
let stackValues: Partial<Record<SettingName, string>> = {};

/** Records the stack configuration handed to the dynamic provider's `configure`. */
export function configureFromStack(source: ConfigSource): void {
  const values: Partial<Record<SettingName, string>> = {};
  for (const name of Object.keys(SETTINGS_KEYS) as SettingName[]) {
    const value = source.get(SETTINGS_KEYS[name].config);
    if (value !== undefined && value !== "") values[name] = value;
  }
  stackValues = values;
}

/** Forgets values set by `configure` (tests). */
export function resetConfiguration(): void {
  stackValues = {};
}

function raw(name: SettingName): { value: string; from: string } | undefined {
  const fromStack = stackValues[name];
  if (fromStack !== undefined) return { value: fromStack, from: `stack config ${SETTINGS_KEYS[name].config}` };
  for (const env of SETTINGS_KEYS[name].env) {
    const fromEnv = process.env[env];
    if (fromEnv !== undefined && fromEnv !== "") return { value: fromEnv, from: `environment variable ${env}` };
  }
  return undefined;
}

function integer(name: SettingName, fallback: number, min: number): number {
  const r = raw(name);
  if (!r) return fallback;
  const n = Number(r.value);
  if (!Number.isInteger(n) || n < min) {
    throw new DominoConfigError(`${r.from} must be an integer >= ${min}, got "${r.value}"`);
  }
  return n;
}

/** Normalises a host setting to a base URL: adds https:// when no scheme is given, drops trailing slashes. */
export function normaliseHost(host: string): string {
  let h = host.trim();
  if (!/^https?:\/\//i.test(h)) h = `https://${h}`;
  h = h.replace(/\/+$/, "");
  // A host given with the API prefix would double it on every path.
  h = h.replace(/\/api$/, "");
  return h;
}

/** The settings in force now: stack configuration first, then the environment, then defaults. */
export function resolveSettings(): DominoSettings {
  const host = raw("host");
  if (!host) {
    throw new DominoConfigError(
      "The Domino host is not set. Set it with `pulumi config set domino:host https://domino.example.com` " +
        "or the environment variable DOMINO_API_HOST.",
    );
  }
  const apiKey = raw("apiKey");
  if (!apiKey) {
    throw new DominoConfigError(
      "The Domino API key is not set. Set it with `pulumi config set --secret domino:apiKey <key>` " +
        "or the environment variable DOMINO_USER_API_KEY.",
    );
  }
  const style = raw("authStyle");
  let authStyle = DEFAULTS.authStyle;
  if (style) {
    if (style.value !== "apiKey" && style.value !== "bearer") {
      throw new DominoConfigError(`${style.from} must be "apiKey" (X-Domino-Api-Key header) or "bearer" (Authorization: Bearer), got "${style.value}"`);
    }
    authStyle = style.value;
  }
  return {
    host: normaliseHost(host.value),
    apiKey: apiKey.value,
    authStyle,
    requestTimeoutMs: integer("requestTimeoutMs", DEFAULTS.requestTimeoutMs, 1),
    maxRetries: integer("maxRetries", DEFAULTS.maxRetries, 0),
    retryBaseDelayMs: integer("retryBaseDelayMs", DEFAULTS.retryBaseDelayMs, 0),
    retryMaxDelayMs: integer("retryMaxDelayMs", DEFAULTS.retryMaxDelayMs, 0),
  };
}
