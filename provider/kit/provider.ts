/**
 * `domino.Provider`: an explicit provider for one Domino deployment, as in Pulumi's generated
 * SDKs (`new domino.Provider("prod", { host, apiKey })`, then `{ provider }` on resources and
 * lookups).
 *
 * Every Domino resource is a dynamic resource, and every dynamic resource belongs to the
 * `pulumi-nodejs` package, so this is a provider resource of that package. The engine starts
 * a dynamic-provider process of its own for each one and sends its inputs in `Configure`;
 * the SDK's host hands them, unchanged, to the first shim's `configure` as
 * `ConfigureRequest.config`, whose `get(key)` looks a key containing ":" up as it is. So the
 * inputs are named exactly like the stack configuration keys (`domino:host`,
 * `domino:apiKey`, ...) and `configureFromStack` reads them as it reads the stack's. Values
 * are sent as strings, as settings are parsed from strings (the host would pass a number or
 * a boolean through as one); the key is a secret in the state.
 *
 * Lookups run in the program's process, where no `configure` happens: the settings are also
 * kept here, for `runLookup` to build a client from (`providerSettings`).
 */
import * as pulumi from "@pulumi/pulumi";
import { AuthStyle, DominoConfigError, SETTINGS_KEYS, SettingName } from "../settings";

/** The settings of one deployment; each is what the stack configuration key of that name sets. */
export interface ProviderArgs {
  /** Base URL of the deployment (`domino:host`), e.g. `https://domino.example.com`. */
  host: pulumi.Input<string>;
  /** Account API key or access token (`domino:apiKey`); stored as a secret. */
  apiKey: pulumi.Input<string>;
  /** How the key is sent (`domino:authStyle`): `apiKey` (`X-Domino-Api-Key`, the default) or `bearer`. */
  authStyle?: pulumi.Input<AuthStyle>;
  /** Time one HTTP attempt may take (`domino:requestTimeoutMs`, default 30000). */
  requestTimeoutMs?: pulumi.Input<number>;
  /** Time one resource operation may take in all (`domino:operationTimeoutMs`, default 300000). */
  operationTimeoutMs?: pulumi.Input<number>;
  /** Retries of one request after a transient failure (`domino:maxRetries`, default 5). */
  maxRetries?: pulumi.Input<number>;
  /** First backoff delay (`domino:retryBaseDelayMs`, default 500). */
  retryBaseDelayMs?: pulumi.Input<number>;
  /** Cap on one backoff delay (`domino:retryMaxDelayMs`, default 30000). */
  retryMaxDelayMs?: pulumi.Input<number>;
  /** Plain http to a host that is not loopback (`domino:insecureHttp`, default false). */
  insecureHttp?: pulumi.Input<boolean>;
}

/** What a lookup needs of a Provider: its name, for messages, and its settings. */
export interface ProviderSettings {
  readonly name: string;
  /** By stack configuration key; not secret, since they never reach an output. */
  readonly settings: pulumi.Output<Record<string, string>>;
}

const settingsOf = new WeakMap<object, ProviderSettings>();

/**
 * The provider inputs: one per setting given, named by its stack configuration key, as a
 * string. `host` and `apiKey` must not be empty: an empty value would let the environment's
 * `DOMINO_API_HOST` or key stand in, which is another deployment's.
 */
function providerInputs(name: string, args: ProviderArgs): Record<string, pulumi.Output<string>> {
  const inputs: Record<string, pulumi.Output<string>> = {};
  for (const setting of Object.keys(SETTINGS_KEYS) as SettingName[]) {
    const value = (args as Partial<ProviderArgs> | undefined)?.[setting] as pulumi.Input<string | number | boolean> | undefined;
    const required = setting === "host" || setting === "apiKey";
    if (value === undefined && !required) continue;
    const empty = (v: unknown) => v === undefined || v === null || String(v).trim() === "";
    const refuse = () => new DominoConfigError(`domino.Provider "${name}": ${setting} is required and must not be empty`);
    // A plain value is checked at once; an Output or a promise when it resolves.
    const plain = typeof value !== "object" || value === null;
    if (required && plain && empty(value)) throw refuse();
    const text = pulumi.output(value).apply((v) => {
      if (!empty(v)) return typeof v === "string" ? v : JSON.stringify(v);
      if (required) throw refuse();
      return "";
    });
    inputs[SETTINGS_KEYS[setting].config] = setting === "apiKey" ? pulumi.secret(text) : text;
  }
  return inputs;
}

/**
 * A Domino deployment: give it to resources and lookups as `{ provider }` (or to a component
 * as `{ providers: [provider] }`). Resources and lookups without one use the stack's
 * `domino:*` configuration. A setting left out falls back to its environment variable, as
 * for the stack configuration.
 */
export class Provider extends pulumi.ProviderResource {
  /** Whether `obj` is a `domino.Provider` made by this copy of the package. */
  static isInstance(obj: unknown): obj is Provider {
    return typeof obj === "object" && obj !== null && settingsOf.has(obj);
  }

  constructor(name: string, args: ProviderArgs, opts?: pulumi.ResourceOptions) {
    const inputs = providerInputs(name, args);
    const secret: pulumi.CustomResourceOptions = { additionalSecretOutputs: [SETTINGS_KEYS.apiKey.config] };
    super("pulumi-nodejs", name, inputs, pulumi.mergeOptions(opts, secret));
    settingsOf.set(this, { name, settings: pulumi.unsecret(pulumi.output(inputs)) });
  }
}

/** The name and settings of a `domino.Provider`, for a lookup's client. */
export function providerSettings(provider: Provider): ProviderSettings {
  const found = settingsOf.get(provider);
  if (!found) throw new Error("not a domino.Provider");
  return found;
}
