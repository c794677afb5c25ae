/**
 * `domino.Provider` on the program side: what it registers, and lookups given one. The
 * process is configured for one emulator (deployment A, through the environment and the
 * stack configuration); the Provider points at a second one (B). The provider process side
 * (Configure) is covered end to end by tests/e2e/providers.test.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import { RunningEmulator, startEmulator } from "../../emulator";
import { activeClient } from "../../provider/config";
import { Provider } from "../../provider/kit/provider";
import { getOrganization } from "../../provider/lookups/get-organization";
import { getUser, getUserOutput } from "../../provider/lookups/get-user";
import { useEmulator } from "../helpers/emulator";

const B_KEY = "deployment-b-admin-key";

/** The value of an Output, from the SDK's own promise (a failed lookup rejects it). */
function resolved<T>(output: pulumi.Output<T>): Promise<T> {
  return (output as unknown as { promise(): Promise<T> }).promise();
}

const isKnown = (o: pulumi.Output<unknown>) => (o as unknown as { isKnown: Promise<boolean> }).isKnown;

async function requestCounts(url: string): Promise<Record<string, number>> {
  return ((await (await fetch(`${url}/__emulator/requests`)).json()) as { byRoute: Record<string, number> }).byRoute;
}

const resetCounts = (url: string) => fetch(`${url}/__emulator/requests`, { method: "DELETE" });

describe("domino.Provider", () => {
  const a = useEmulator({ dominoVersion: "6.3" });
  let b: RunningEmulator;
  const registered: Array<{ type: string; name: string; inputs: Record<string, unknown> }> = [];

  beforeAll(async () => {
    b = await startEmulator({ adminApiKey: B_KEY });
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.push({ type: args.type, name: args.name, inputs: args.inputs });
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: () => ({}),
      },
      "project",
      "stack",
      false,
    );
  });

  afterAll(async () => {
    await b?.stop();
  });

  beforeEach(async () => {
    await resetCounts(a.url);
    await resetCounts(b.url);
  });

  it("is a pulumi-nodejs provider whose inputs are the stack configuration keys, as strings, the key a secret", async () => {
    const runtimeResource = require("@pulumi/pulumi/runtime/resource") as { registerResource: (...args: unknown[]) => void };
    const register = jest.spyOn(runtimeResource, "registerResource");
    let props: Record<string, pulumi.Output<unknown>>;
    let opts: pulumi.CustomResourceOptions;
    try {
      new Provider("b", { host: b.url, apiKey: B_KEY, maxRetries: 2, insecureHttp: false, authStyle: pulumi.output("apiKey" as const) });
      props = register.mock.calls[0][7] as Record<string, pulumi.Output<unknown>>;
      opts = register.mock.calls[0][8] as pulumi.CustomResourceOptions;
      expect(register.mock.calls[0][2]).toBe("pulumi:providers:pulumi-nodejs");
    } finally {
      register.mockRestore();
    }
    expect(opts.additionalSecretOutputs).toEqual(["domino:apiKey"]);
    expect(Object.keys(props).sort()).toEqual(["domino:apiKey", "domino:authStyle", "domino:host", "domino:insecureHttp", "domino:maxRetries"]);
    expect(await pulumi.isSecret(props["domino:apiKey"])).toBe(true);
    expect(await pulumi.isSecret(props["domino:host"])).toBe(false);
    await new Promise((r) => setTimeout(r, 50));
    const inputs = registered.find((r) => r.name === "b")?.inputs;
    expect(inputs).toEqual({
      "domino:host": b.url,
      // A secret, as the mock monitor receives one.
      "domino:apiKey": { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value: B_KEY },
      "domino:authStyle": "apiKey",
      "domino:maxRetries": "2",
      "domino:insecureHttp": "false",
    });
  });

  it("sends lookups to its deployment, in both forms, whatever the stack's configuration says", async () => {
    const provider = new Provider("b-lookups", { host: b.url, apiKey: B_KEY });
    pulumi.runtime.setAllConfig({ "domino:host": a.url, "domino:apiKey": a.emulator.users.admin.apiKey });
    try {
      expect((await getUser({ userName: "alice" }, { provider })).id).toBe(b.users.alice.id);
      expect((await resolved(getUserOutput({ userName: Promise.resolve("bob") }, { provider }))).id).toBe(b.users.bob.id);
      // One connection check per deployment's client, then the lookups.
      expect(await requestCounts(b.url)).toEqual({ "GET /api/users/v1/self": 1, "GET /api/users/v1/users": 2 });
      expect(await requestCounts(a.url)).toEqual({});
      // Without the option, the stack's deployment.
      await getUser({ userName: "alice" });
      expect(await requestCounts(a.url)).toEqual({ "GET /api/users/v1/self": 1, "GET /api/users/v1/users": 1 });
      expect(await requestCounts(b.url)).toEqual({ "GET /api/users/v1/self": 1, "GET /api/users/v1/users": 2 });
    } finally {
      pulumi.runtime.setAllConfig({});
    }
  });

  it("keeps the process's client while lookups go to the provider", async () => {
    const provider = new Provider("b-alone", { host: b.url, apiKey: B_KEY });
    const before = await activeClient();
    await getUser({ userName: "alice" }, { provider });
    await resolved(getUserOutput({ userName: "bob" }, { provider }));
    expect(await activeClient()).toBe(before);
    expect(before.settings.host).toBe(a.url);
  });

  it("is found through a parent that has it, as Pulumi's invokes find a provider", async () => {
    const provider = new Provider("b-parent", { host: b.url, apiKey: B_KEY });
    const team = new pulumi.ComponentResource("test:index:Team", "team", {}, { providers: [provider] });
    expect((await getUser({ userName: "alice" }, { parent: team })).id).toBe(b.users.alice.id);
    expect((await resolved(getUserOutput({ userName: "bob" }, { parent: team }))).id).toBe(b.users.bob.id);
    expect(await requestCounts(b.url)).toEqual({ "GET /api/users/v1/users": 2 });
    expect(await requestCounts(a.url)).toEqual({});
  });

  it("waits for dependsOn in the Output form", async () => {
    const provider = new Provider("b-depends", { host: b.url, apiKey: B_KEY });
    let created = false;
    const dependency = new pulumi.ComponentResource("test:index:Later", "later", {});
    const gate = new Promise<void>((resolve) => setTimeout(() => ((created = true), resolve()), 100));
    const seenCreated = resolved(
      getUserOutput({ userName: "alice" }, { provider, dependsOn: [dependency, pulumi.output(gate.then(() => dependency))] }).apply(() => created),
    );
    expect(await seenCreated).toBe(true);
  });

  it("refuses another kind of provider, naming the lookup", async () => {
    class Other extends pulumi.ProviderResource {
      constructor() {
        super("aws", "other", {});
      }
    }
    await expect(getUser({ userName: "alice" }, { provider: new Other() })).rejects.toThrow(
      "getUser: the provider option must be a domino.Provider (new domino.Provider(name, { host, apiKey }))",
    );
  });

  it("says whose key was refused", async () => {
    const provider = new Provider("b-bad-key", { host: b.url, apiKey: "not-a-key" });
    const err = await getOrganization({ name: "x" }, { provider }).catch((e: unknown) => e);
    expect(pulumi.RunError.isInstance(err)).toBe(true);
    expect((err as Error).message).toBe(
      `getOrganization: the apiKey of domino.Provider "b-bad-key" was refused by ${b.url} (HTTP 401: Invalid API key or token); ` +
        'check the key, or set authStyle "bearer" if it is an access token',
    );
  });

  it("says whose setting is bad", async () => {
    const provider = new Provider("b-bad-host", { host: "domino.example.com", apiKey: B_KEY });
    await expect(getUser({ userName: "alice" }, { provider })).rejects.toThrow(/^getUser: domino.Provider "b-bad-host": domino:host must be an absolute URL with its scheme/);
  });

  it("refuses an empty host or key rather than take the environment's (another deployment's)", () => {
    expect(process.env.DOMINO_API_HOST).toBe(a.url);
    expect(() => new Provider("b-empty", { host: " ", apiKey: B_KEY })).toThrow('domino.Provider "b-empty": host is required and must not be empty');
    expect(() => new Provider("b-no-key", { host: b.url, apiKey: "" })).toThrow('domino.Provider "b-no-key": apiKey is required and must not be empty');
  });
});

describe("domino.Provider in preview, with settings not known yet", () => {
  beforeAll(async () => {
    await pulumi.runtime.setMocks({ newResource: () => ({ id: undefined, state: {} }), call: () => ({}) }, "project", "stack", true);
  });

  it("leaves the Output form unknown and fails the Promise form, saying to use the Output form", async () => {
    class Host extends pulumi.CustomResource {
      constructor() {
        super("test:index:Host", "host", {});
      }
    }
    // In preview, the id of a resource still to be created is unknown.
    const host = new Host().id as pulumi.Output<string>;
    const provider = new Provider("later", { host, apiKey: "k" });
    expect(await isKnown(getUserOutput({ userName: "alice" }, { provider }))).toBe(false);
    await expect(getUser({ userName: "alice" }, { provider })).rejects.toThrow(
      'getUser: the settings of domino.Provider "later" are not known yet (they come from a resource that is still to be created); ' +
        "use the lookup's Output form, which waits for them",
    );
  });
});
