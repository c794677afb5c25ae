/** Settings: validated once, with messages that name the setting, the problem and the fix. */
import { collectSettings, DominoConfigError, isInsecureRemote, parseSettings } from "../../provider/settings";

function parse(values: Record<string, string>, env: NodeJS.ProcessEnv = {}) {
  return parseSettings(collectSettings({ get: (k) => values[k] }, env));
}
const KEY = { "domino:apiKey": "k" };

describe("settings", () => {
  it("reads stack config first, then the environment, then defaults", () => {
    const s = parse({ "domino:host": "https://d.example.com/" }, { DOMINO_USER_API_KEY: "from-env", DOMINO_MAX_RETRIES: "2" });
    expect(s).toEqual({
      host: "https://d.example.com",
      apiKey: "from-env",
      authStyle: "apiKey",
      requestTimeoutMs: 30_000,
      operationTimeoutMs: 300_000,
      maxRetries: 2,
      retryBaseDelayMs: 500,
      retryMaxDelayMs: 30_000,
      insecureHttp: false,
    });
  });

  it("keeps a path prefix and drops a trailing /api", () => {
    expect(parse({ ...KEY, "domino:host": "https://d.example.com/domino/api/" }).host).toBe("https://d.example.com/domino");
  });

  const cases: Array<[string, Record<string, string>, string]> = [
    ["no host", { ...KEY }, "domino:host is not set: set it with `pulumi config set domino:host https://domino.example.com`"],
    ["no key", { "domino:host": "https://d.example.com" }, "domino:apiKey is not set: set it with `pulumi config set --secret domino:apiKey <key>`"],
    ["no scheme", { ...KEY, "domino:host": "domino.example.com" }, 'domino:host must be an absolute URL with its scheme (https://...), got "domino.example.com"'],
    ["not a URL", { ...KEY, "domino:host": "https://exa mple.com" }, 'domino:host is not a valid URL: "https://exa mple.com"'],
    ["other scheme", { ...KEY, "domino:host": "ftp://d.example.com" }, 'domino:host must use https:// (or http:// for a local emulator), got "ftp://"'],
    ["query", { ...KEY, "domino:host": "https://d.example.com/?x=1" }, 'domino:host must not contain a query string ("?x=1")'],
    ["fragment", { ...KEY, "domino:host": "https://d.example.com/#top" }, 'domino:host must not contain a fragment ("#top")'],
    ["plain http far away", { ...KEY, "domino:host": "http://domino.invalid" }, "domino:host uses plain http to domino.invalid, which would send the API key unencrypted"],
    ["bad number", { ...KEY, "domino:host": "https://d.example.com", "domino:maxRetries": "many" }, 'domino:maxRetries must be a whole number from 0 to 20, got "many"'],
    ["too short timeout", { ...KEY, "domino:host": "https://d.example.com", "domino:requestTimeoutMs": "5" }, 'domino:requestTimeoutMs must be a whole number from 100 to 3600000, got "5"'],
    ["deadline under a request", { ...KEY, "domino:host": "https://d.example.com", "domino:operationTimeoutMs": "2000" }, "domino:operationTimeoutMs (2000 ms) must be at least domino:requestTimeoutMs (30000 ms)"],
    ["auth style", { ...KEY, "domino:host": "https://d.example.com", "domino:authStyle": "token" }, 'domino:authStyle must be "apiKey"'],
    ["insecure flag", { ...KEY, "domino:host": "https://d.example.com", "domino:insecureHttp": "maybe" }, 'domino:insecureHttp must be true or false, got "maybe"'],
  ];
  it.each(cases)("refuses %s, naming the setting", (_name, values, message) => {
    const run = () => parse(values);
    expect(run).toThrow(DominoConfigError);
    expect(run).toThrow(message);
  });

  it("never echoes a password given in the host", () => {
    const run = () => parse({ ...KEY, "domino:host": "https://me:s3cret@d.example.com" });
    expect(run).toThrow('domino:host must not contain a user name or password (found in "https://***@d.example.com")');
    try {
      run();
    } catch (err) {
      expect((err as Error).message).not.toContain("s3cret");
    }
  });

  it("allows plain http to loopback, and elsewhere only when asked", () => {
    for (const host of ["http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:2", "http://127.0.0.9"]) {
      expect(isInsecureRemote(parse({ ...KEY, "domino:host": host }))).toBe(false);
    }
    const s = parse({ ...KEY, "domino:host": "http://domino.invalid", "domino:insecureHttp": "true" });
    expect(isInsecureRemote(s)).toBe(true);
  });

  it("names the environment variable when the value came from one", () => {
    expect(() => parse({ ...KEY }, { DOMINO_API_HOST: "nowhere" })).toThrow('environment variable DOMINO_API_HOST must be an absolute URL');
  });
});
