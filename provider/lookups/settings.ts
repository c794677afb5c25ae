/**
 * What every lookup shares: its client, its invoke options, and how its failures reach
 * the user.
 *
 * Lookups run in the Pulumi program's own process, not in the dynamic provider's, so
 * nobody calls `configure` for them: they take the `domino:*` stack configuration from
 * the program's runtime (environment variables remain the fallback, as for resources),
 * or, given a `domino.Provider` (`opts.provider`, or the provider `opts.parent` has), that
 * provider's settings, without touching the process's configuration.
 */
import * as pulumi from "@pulumi/pulumi";
import { DominoClient, DominoConnectionError } from "../client/client";
import { DominoApiError } from "../client/errors";
import { activeClient, clientForValues, configureFromValues, SETTINGS_KEYS } from "../config";
import { Provider, providerSettings } from "../kit/provider";

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
 * trace. The Pulumi runtime prints a `RunError` as its message only while the program
 * runs; a lookup usually fails later, when the runtime prints `err.stack` instead (and an
 * Output's serialization rewrites the message), so the stack is the message too.
 */
export function lookupError(lookup: string, message: string): pulumi.RunError {
  const err = new pulumi.RunError(`${lookup}: ${message}`);
  err.stack = err.message;
  return err;
}

/** As Pulumi's SDKs choose it: the provider option, else the parent's provider of the package. */
function providerOption(opts: pulumi.InvokeOptions | undefined): pulumi.ProviderResource | undefined {
  // Every dynamic resource, and so every Domino resource and Provider, is of package pulumi-nodejs.
  return opts?.provider ?? opts?.parent?.getProvider("pulumi-nodejs::lookup");
}

/** The `domino.Provider` a lookup's options name, if any; another kind of provider is refused. */
function explicitProvider(lookup: string, opts: pulumi.InvokeOptions | undefined): Provider | undefined {
  const provider = providerOption(opts);
  if (provider === undefined) return undefined;
  if (!Provider.isInstance(provider)) {
    throw lookupError(lookup, "the provider option must be a domino.Provider (new domino.Provider(name, { host, apiKey }))");
  }
  return provider;
}

/** The client for a `domino.Provider`'s settings; they must be known (in preview, they may not be yet). */
async function providerClient(lookup: string, provider: Provider): Promise<DominoClient> {
  const { name, settings } = providerSettings(provider);
  // The Output's value, or the unknown sentinel: the way the SDK's own invoke reads its inputs.
  const values = (await pulumi.runtime.serializeProperty(`${lookup} provider`, settings)) as Record<string, string> | string;
  if (typeof values !== "object" || values === null) {
    throw lookupError(
      lookup,
      `the settings of domino.Provider "${name}" are not known yet (they come from a resource that is still to be created); ` +
        "use the lookup's Output form, which waits for them",
    );
  }
  try {
    return clientForValues({ get: (key) => values[key] });
  } catch (err) {
    // The settings error names the setting by its configuration key; say whose it is.
    throw lookupError(lookup, `domino.Provider "${name}": ${(err as Error).message}`);
  }
}

function refusedKey(client: DominoClient, err: DominoApiError, provider: string | undefined): string {
  const [key, style] = provider
    ? [`the apiKey of domino.Provider "${provider}"`, (s: string) => `authStyle "${s}"`]
    : ["domino:apiKey", (s: string) => `domino:authStyle ${s}`];
  return (
    `${key} was refused by ${client.settings.host} (HTTP ${err.status}: ${err.dominoMessage}); ` +
    (client.settings.authStyle === "apiKey"
      ? `check the key, or set ${style("bearer")} if it is an access token`
      : `check the token, or set ${style("apiKey")} if it is an account API key`)
  );
}

/**
 * Runs a lookup against its client: the provider's of `opts`, else the stack's. Whatever it
 * throws comes out as a `lookupError`: a refused key says so, a settings error keeps its
 * words (which name the setting and the fix), and the lookup's own errors (thrown as plain
 * `Error`s) get its name.
 */
export async function runLookup<T>(lookup: string, fn: (client: DominoClient) => Promise<T>, opts?: pulumi.InvokeOptions): Promise<T> {
  let client: DominoClient | undefined;
  let provider: Provider | undefined;
  try {
    provider = explicitProvider(lookup, opts);
    client = provider ? await providerClient(lookup, provider) : await lookupClient();
    // The same bounded check as the provider's: a silent host fails a preview's lookup in
    // seconds, not after the whole retry budget. Done once per client.
    await client.verifyConnection();
    return await fn(client);
  } catch (err) {
    if (pulumi.RunError.isInstance(err)) throw err;
    const name = provider && providerSettings(provider).name;
    const refused = err instanceof DominoConnectionError ? err.underlying : err;
    if (client && refused instanceof DominoApiError && (refused.status === 401 || refused.status === 403)) {
      throw lookupError(lookup, refusedKey(client, refused, name));
    }
    throw lookupError(lookup, err instanceof Error ? err.message : String(err));
  }
}

/** An Output that is known once every resource in `dependsOn` is (a custom resource by its id). */
function readyWhen(dependsOn: unknown): pulumi.Output<unknown> {
  if (pulumi.CustomResource.isInstance(dependsOn)) return dependsOn.id;
  if (pulumi.Resource.isInstance(dependsOn)) return dependsOn.urn;
  if (Array.isArray(dependsOn)) return pulumi.all(dependsOn.map(readyWhen));
  if (pulumi.Output.isInstance(dependsOn)) return dependsOn.apply(readyWhen);
  if (dependsOn instanceof Promise) return pulumi.output(dependsOn.then(readyWhen));
  return pulumi.output(undefined);
}

/**
 * The Output form of a lookup, with Pulumi's invoke-output options: it runs once its
 * arguments, its provider's settings and `dependsOn` are known, and is unknown in preview
 * while any of them is not.
 */
export function lookupOutput<A, R>(
  args: pulumi.Input<A>,
  opts: pulumi.InvokeOutputOptions | undefined,
  run: (args: pulumi.Unwrap<A>, opts: pulumi.InvokeOptions | undefined) => Promise<R>,
): pulumi.Output<R> {
  const { dependsOn, ...invokeOpts } = opts ?? {};
  // Another kind of provider is refused by `run` (through `runLookup`), with the lookup's name.
  const provider = providerOption(invokeOpts);
  const settings = Provider.isInstance(provider) ? providerSettings(provider).settings : pulumi.output(undefined);
  return pulumi
    .all([pulumi.output(args), settings, readyWhen(dependsOn)])
    .apply(([resolved]) => run(resolved as pulumi.Unwrap<A>, invokeOpts));
}
