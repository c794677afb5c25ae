/**
 * Connection settings, parsed and validated once.
 *
 * Nothing here is read at module load: a value captured at load time would be copied
 * into the serialized provider and so into the Pulumi state. Stack configuration
 * arrives through the dynamic provider's `configure` call (or, for lookups, from the
 * program's runtime); environment variables are the fallback, read when settings are
 * parsed.
 *
 * Every message names the setting, what is wrong with its value, and the fix, since it
 * is the first line a user sees when `pulumi preview` fails.
 */

/** Where stack configuration comes from (the dynamic provider's `ConfigureRequest.config`). */
export interface ConfigSource {
  get(key: string): string | undefined;
}

export type AuthStyle = "apiKey" | "bearer";

export interface DominoSettings {
  /** Base URL of the deployment, without a trailing slash; may carry a path prefix. */
  readonly host: string;
  /** Account API key (sent as `X-Domino-Api-Key`) or access token (sent as `Authorization: Bearer`). */
  readonly apiKey: string;
  readonly authStyle: AuthStyle;
  /** Time one HTTP attempt may take. */
  readonly requestTimeoutMs: number;
  /** Time one resource operation may take in all, retries and create recovery included. */
  readonly operationTimeoutMs: number;
  /** Retries of one request after a transient failure. */
  readonly maxRetries: number;
  /** First backoff delay; doubled each retry, with full jitter. */
  readonly retryBaseDelayMs: number;
  /** Cap on one backoff delay, including a server's `Retry-After`. */
  readonly retryMaxDelayMs: number;
  /** Plain http to a host that is not loopback, allowed only when asked for. */
  readonly insecureHttp: boolean;
}

interface SettingSpec {
  config: string;
  env: readonly string[];
}

/** Stack configuration keys (namespace `domino`) and their environment fallbacks. */
export const SETTINGS_KEYS = {
  host: { config: "domino:host", env: ["DOMINO_API_HOST"] },
  apiKey: { config: "domino:apiKey", env: ["DOMINO_USER_API_KEY", "DOMINO_API_KEY"] },
  authStyle: { config: "domino:authStyle", env: ["DOMINO_AUTH_STYLE"] },
  requestTimeoutMs: { config: "domino:requestTimeoutMs", env: ["DOMINO_REQUEST_TIMEOUT_MS"] },
  operationTimeoutMs: { config: "domino:operationTimeoutMs", env: ["DOMINO_OPERATION_TIMEOUT_MS"] },
  maxRetries: { config: "domino:maxRetries", env: ["DOMINO_MAX_RETRIES"] },
  retryBaseDelayMs: { config: "domino:retryBaseDelayMs", env: ["DOMINO_RETRY_BASE_DELAY_MS"] },
  retryMaxDelayMs: { config: "domino:retryMaxDelayMs", env: ["DOMINO_RETRY_MAX_DELAY_MS"] },
  insecureHttp: { config: "domino:insecureHttp", env: ["DOMINO_INSECURE_HTTP"] },
} as const satisfies Record<keyof DominoSettings, SettingSpec>;

export type SettingName = keyof typeof SETTINGS_KEYS;

/** Integer settings: default and allowed range. */
const NUMBERS = {
  requestTimeoutMs: { fallback: 30_000, min: 100, max: 3_600_000 },
  operationTimeoutMs: { fallback: 300_000, min: 1_000, max: 86_400_000 },
  maxRetries: { fallback: 5, min: 0, max: 20 },
  retryBaseDelayMs: { fallback: 500, min: 0, max: 60_000 },
  retryMaxDelayMs: { fallback: 30_000, min: 0, max: 600_000 },
} as const;

/** Raised when the settings are missing or malformed; the message says how to fix it. */
export class DominoConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DominoConfigError";
  }
}

/** Raw values by setting, stack configuration first, then the environment. */
export type RawSettings = Partial<Record<SettingName, { value: string; from: string }>>;

/** Collects the raw values: `source` (stack config) wins over the environment. */
export function collectSettings(source: ConfigSource | undefined, env: NodeJS.ProcessEnv = process.env): RawSettings {
  const out: RawSettings = {};
  for (const name of Object.keys(SETTINGS_KEYS) as SettingName[]) {
    const spec = SETTINGS_KEYS[name];
    const fromStack = source?.get(spec.config);
    if (fromStack !== undefined && fromStack !== "") {
      out[name] = { value: fromStack, from: spec.config };
      continue;
    }
    for (const variable of spec.env) {
      const fromEnv = env[variable];
      if (fromEnv !== undefined && fromEnv !== "") {
        out[name] = { value: fromEnv, from: `environment variable ${variable}` };
        break;
      }
    }
  }
  return out;
}

function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h.endsWith(".localhost") || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * The base URL from `domino:host`: an absolute http(s) URL without user info, query or
 * fragment. A path prefix is kept (Domino behind a path-routing proxy); trailing slashes
 * and a trailing `/api` (which every request path adds again) are dropped.
 */
export function parseHost(raw: { value: string; from: string }, insecureHttp: boolean): string {
  const value = raw.value.trim();
  const hint = "set it to the deployment's address, e.g. `pulumi config set domino:host https://domino.example.com`";
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw new DominoConfigError(`${raw.from} must be an absolute URL with its scheme (https://...), got "${value}": ${hint}`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new DominoConfigError(`${raw.from} is not a valid URL: "${value}": ${hint}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new DominoConfigError(`${raw.from} must use https:// (or http:// for a local emulator), got "${url.protocol}//": ${hint}`);
  }
  if (url.username || url.password) {
    // Never echo the password: it would land in logs and CI output.
    throw new DominoConfigError(
      `${raw.from} must not contain a user name or password (found in "${url.protocol}//***@${url.host}"); ` +
        "remove them and put the API key in domino:apiKey (`pulumi config set --secret domino:apiKey <key>`)",
    );
  }
  if (url.search || value.includes("?")) {
    throw new DominoConfigError(`${raw.from} must not contain a query string ("${url.search || "?"}"): every API path is appended to it`);
  }
  if (url.hash || value.includes("#")) {
    throw new DominoConfigError(`${raw.from} must not contain a fragment ("${url.hash || "#"}")`);
  }
  if (url.protocol === "http:" && !isLoopback(url.hostname) && !insecureHttp) {
    throw new DominoConfigError(
      `${raw.from} uses plain http to ${url.hostname}, which would send the API key unencrypted; use https://, ` +
        "or set `pulumi config set domino:insecureHttp true` if this network is trusted",
    );
  }
  let base = `${url.protocol}//${url.host}${url.pathname}`.replace(/\/+$/, "");
  base = base.replace(/\/api$/i, "");
  return base;
}

function parseInteger(name: keyof typeof NUMBERS, raw: RawSettings): number {
  const spec = NUMBERS[name];
  const r = raw[name];
  if (!r) return spec.fallback;
  const n = Number(r.value.trim());
  if (!Number.isInteger(n) || n < spec.min || n > spec.max) {
    throw new DominoConfigError(`${r.from} must be a whole number from ${spec.min} to ${spec.max}, got "${r.value}"`);
  }
  return n;
}

function parseBoolean(raw: { value: string; from: string } | undefined): boolean {
  if (!raw) return false;
  const v = raw.value.trim().toLowerCase();
  if (v === "true" || v === "1" || v === "yes") return true;
  if (v === "false" || v === "0" || v === "no") return false;
  throw new DominoConfigError(`${raw.from} must be true or false, got "${raw.value}"`);
}

/** Parses and validates every setting; throws `DominoConfigError` naming the first bad one. */
export function parseSettings(raw: RawSettings): DominoSettings {
  const insecureHttp = parseBoolean(raw.insecureHttp);
  if (!raw.host) {
    throw new DominoConfigError(
      "domino:host is not set: set it with `pulumi config set domino:host https://domino.example.com` " +
        "(or the environment variable DOMINO_API_HOST)",
    );
  }
  const host = parseHost(raw.host, insecureHttp);
  if (!raw.apiKey || raw.apiKey.value.trim() === "") {
    throw new DominoConfigError(
      "domino:apiKey is not set: set it with `pulumi config set --secret domino:apiKey <key>` " +
        "(or the environment variable DOMINO_USER_API_KEY)",
    );
  }
  let authStyle: AuthStyle = "apiKey";
  if (raw.authStyle) {
    const v = raw.authStyle.value.trim();
    if (v !== "apiKey" && v !== "bearer") {
      throw new DominoConfigError(
        `${raw.authStyle.from} must be "apiKey" (an account API key, sent as X-Domino-Api-Key) or "bearer" ` +
          `(an access token, sent as Authorization: Bearer), got "${v}"`,
      );
    }
    authStyle = v;
  }
  const settings: DominoSettings = {
    host,
    apiKey: raw.apiKey.value.trim(),
    authStyle,
    requestTimeoutMs: parseInteger("requestTimeoutMs", raw),
    operationTimeoutMs: parseInteger("operationTimeoutMs", raw),
    maxRetries: parseInteger("maxRetries", raw),
    retryBaseDelayMs: parseInteger("retryBaseDelayMs", raw),
    retryMaxDelayMs: parseInteger("retryMaxDelayMs", raw),
    insecureHttp,
  };
  if (settings.operationTimeoutMs < settings.requestTimeoutMs) {
    const from = raw.operationTimeoutMs?.from ?? "domino:operationTimeoutMs";
    throw new DominoConfigError(
      `${from} (${settings.operationTimeoutMs} ms) must be at least domino:requestTimeoutMs (${settings.requestTimeoutMs} ms)`,
    );
  }
  return settings;
}

/** Whether plain http to this base URL needs the user's explicit consent (and so a warning). */
export function isInsecureRemote(settings: DominoSettings): boolean {
  const url = new URL(settings.host);
  return url.protocol === "http:" && !isLoopback(url.hostname);
}
