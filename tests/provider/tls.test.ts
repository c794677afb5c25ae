/**
 * A private CA: Node trusts it only through NODE_EXTRA_CA_CERTS, which it reads once at
 * start-up, so the connection check runs in a child process, with and without it. The
 * server is a loopback https server with a certificate signed by a CA made for the test.
 */
import { execFileSync, spawn } from "node:child_process";
import * as path from "node:path";
import { makeCertificates, startTlsDomino, TestCertificates, TlsServer } from "../helpers/tls";

const REPO = path.resolve(__dirname, "../..");

/**
 * Runs the connection check against `host` in a fresh node process; resolves to OK or the
 * error's message. (Asynchronous: the server runs in this process.)
 */
async function checkInChild(host: string, extraCa: string | undefined): Promise<string> {
  const script = `
    const { DominoClient } = require(${JSON.stringify(path.join(REPO, "provider/client/client"))});
    const { collectSettings, parseSettings } = require(${JSON.stringify(path.join(REPO, "provider/settings"))});
    const values = { "domino:host": ${JSON.stringify(host)}, "domino:apiKey": "tls-test-key", "domino:retryBaseDelayMs": "1" };
    const settings = parseSettings(collectSettings({ get: (k) => values[k] }, {}));
    new DominoClient(settings).verifyConnection().then(() => console.log("OK"), (e) => console.log(e.message));
  `;
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith("DOMINO_") || k.startsWith("NODE_") || k === "SSL_CERT_FILE" || k === "SSL_CERT_DIR") continue;
    env[k] = v;
  }
  if (extraCa) env.NODE_EXTRA_CA_CERTS = extraCa;
  // The root tsconfig.json has no compiler options (ES5 would break Error subclasses): the package's.
  env.TS_NODE_PROJECT = path.join(REPO, "provider/tsconfig.json");
  const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], { cwd: REPO, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (code !== 0) throw new Error(`the child exited with ${code}: ${stderr}`);
  return stdout.trim();
}

describe("a deployment whose certificate comes from a private CA", () => {
  let certs: TestCertificates;
  let server: TlsServer;

  beforeAll(async () => {
    // openssl makes the certificates; without it this fails (no skip).
    execFileSync("openssl", ["version"]);
    certs = makeCertificates();
    server = await startTlsDomino(certs);
  });

  afterAll(async () => {
    await server?.close();
    certs?.dispose();
  });

  it("fails the connection check without NODE_EXTRA_CA_CERTS, naming the host and the fix, and sends no key", async () => {
    const message = await checkInChild(server.url, undefined);
    expect(message).toBe(
      `${server.url} presented a TLS certificate that is not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate); ` +
        "if Domino's certificate comes from a private CA, run pulumi with NODE_EXTRA_CA_CERTS=/path/to/ca.pem (the CA certificate in PEM form)",
    );
    // The handshake failed: no request, so no API key, reached the server.
    expect(server.seen).toEqual([]);
  }, 90_000);

  it("passes with NODE_EXTRA_CA_CERTS pointing at the CA", async () => {
    expect(await checkInChild(server.url, certs.caFile)).toBe("OK");
    expect(server.seen).toEqual(["GET /api/users/v1/self"]);
    expect(server.keys).toEqual(["tls-test-key"]);
  }, 90_000);
});
