/**
 * A private CA and a server certificate for 127.0.0.1 signed by it, made with the
 * `openssl` command in a temporary directory (nothing is downloaded). Tests that need
 * them fail, rather than skip, when `openssl` is missing.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";

export interface TestCertificates {
  dir: string;
  /** The CA certificate (PEM), as NODE_EXTRA_CA_CERTS takes it. */
  caFile: string;
  key: Buffer;
  cert: Buffer;
  dispose(): void;
}

export function makeCertificates(): TestCertificates {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-domino-tls-"));
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl("req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=pulumi-domino test CA",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
  openssl("req", ...ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1");
  fs.writeFileSync(path.join(dir, "ext.cnf"), "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
  openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "2",
    "-extfile", "ext.cnf");
  return {
    dir,
    caFile: path.join(dir, "ca.pem"),
    key: fs.readFileSync(path.join(dir, "server.key")),
    cert: fs.readFileSync(path.join(dir, "server.pem")),
    dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

export interface TlsServer {
  url: string;
  /** Requests that reached the handler (after a successful handshake), as "METHOD /path". */
  seen: string[];
  /** The X-Domino-Api-Key header of each of them. */
  keys: Array<string | undefined>;
  close(): Promise<void>;
}

/** A loopback https server with the certificate above that answers `GET /api/users/v1/self` like Domino. */
export async function startTlsDomino(certs: TestCertificates): Promise<TlsServer> {
  const seen: string[] = [];
  const keys: Array<string | undefined> = [];
  const server = https.createServer({ key: certs.key, cert: certs.cert }, (req, res) => {
    seen.push(`${req.method} ${req.url}`);
    keys.push(req.headers["x-domino-api-key"] as string | undefined);
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ user: { id: "65f0a0000000000000000001", userName: "admin" }, metadata: { requestId: "r", notices: [] } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    seen,
    keys,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
