/**
 * Bad input and bad settings through the real Pulumi CLI: for each case, the exact first
 * error line that `pulumi preview` (or, for what only Domino knows, `pulumi up`) shows,
 * with no stack trace anywhere in the output, a non-zero exit, nothing written to Domino,
 * and, for a broken connection, a failure within 15 s.
 *
 * One program serves every case: its stack config `bad-input:case` says which resource
 * (or lookup) to declare with which inputs. Each case writes its own stack config file
 * (`--config-file`: the settings under test, the API key encrypted once at setup) and runs
 * the CLI once. The CLI's node processes run with a guard (`NODE_OPTIONS=--require`)
 * that refuses, and records, any DNS lookup or connection that is not to loopback; the
 * log must stay empty (`domino.invalid` is never resolved or connected to).
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { makeCertificates, startTlsDomino, TestCertificates, TlsServer } from "../helpers/tls";
import { Census, E2eEmulator, startE2eEmulator } from "./helpers/domino";
import { CLI_SETUP_TIMEOUT_MS, CommandResult, PulumiProject } from "./helpers/pulumi";

const CASE_TIMEOUT_MS = 240_000;
/** Static cases previewed at once (BAD_INPUT_CONCURRENCY overrides). */
const STATIC_CONCURRENCY = Number(process.env.BAD_INPUT_CONCURRENCY ?? 2);
/** A broken connection must fail `preview` within this. */
const BROKEN_CONNECTION_BOUND_S = 15;
const ID = "65f0a0000000000000000001";
const ID2 = "65f0a0000000000000000002";
const PASSWORD = "hunter2-s3cr3t";
const VARIABLE_VALUE = "variable-s3cr3t-value";

const PROGRAM = {
  "Pulumi.yaml": "name: bad-input\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n",
  "package.json": JSON.stringify({ name: "bad-input", private: true }),
  "index.js": `
const pulumi = require("@pulumi/pulumi");
const domino = require("pulumi-domino");
const spec = JSON.parse(new pulumi.Config().require("case"));
if (spec.lookup === "getUser") {
  // The Output form, as programs use it: the lookup's result feeds a resource.
  const user = domino.getUserOutput(spec.args);
  new domino.Collaborator("subject", { projectId: ${JSON.stringify(ID)}, userId: user.id, role: "contributor" });
} else {
  new domino[spec.kind]("subject", spec.args);
}
`,
};

/** Loaded into every node process of the CLI: no DNS lookup or connection except to loopback. */
const GUARD = `
const fs = require("fs");
const net = require("net");
const dns = require("dns");
const log = process.env.BAD_INPUT_GUARD_LOG;
const loopback = (h) => !h || h === "localhost" || h === "::1" || /^127\\./.test(h) || /^::ffff:127\\./.test(h);
const record = (what) => fs.appendFileSync(log, process.pid + " " + what + "\\n");
fs.appendFileSync(log + ".loaded", process.pid + " " + process.argv.slice(1, 2).join(" ") + "\\n");
const lookup = dns.lookup;
dns.lookup = function (hostname, options, callback) {
  if (loopback(hostname)) return lookup.apply(this, arguments);
  record("dns.lookup " + hostname);
  const cb = typeof options === "function" ? options : callback;
  const err = Object.assign(new Error("getaddrinfo ENOTFOUND " + hostname + " (refused by the test's loopback guard)"), { code: "ENOTFOUND", hostname });
  process.nextTick(() => cb(err));
};
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  let options = args[0];
  if (Array.isArray(options)) options = options[0];
  const host = options && typeof options === "object" ? options.host : typeof args[1] === "string" ? args[1] : undefined;
  const ipc = options && typeof options === "object" && options.path;
  if (!ipc && host && net.isIP(host) && !loopback(host)) {
    record("connect " + host);
    process.nextTick(() => this.destroy(new Error("connection to " + host + " refused by the test's loopback guard")));
    return this;
  }
  return connect.apply(this, args);
};
`;

type Group = "settings" | "credentials" | "reachability" | "static" | "domino";

interface Case {
  name: string;
  group: Group;
  /** Settings that differ from the good ones; null leaves the setting out. */
  settings?: Record<string, string | null>;
  /** The program's case; default a valid project. */
  spec?: { kind?: string; lookup?: string; args: Record<string, unknown> };
  /** `up` for what only Domino knows; `preview` otherwise. */
  command?: "preview" | "up";
  /** The first error line, exactly; `{host}` and friends are filled in at run time. */
  expected: string;
  /** A broken connection: must fail within BROKEN_CONNECTION_BOUND_S. */
  connection?: boolean;
  /** Strings that must appear nowhere in the output. */
  absent?: string[];
}

const OK_PROJECT = { kind: "Project", args: { name: "bad-input-ok" } };
const T = (kind: string) => `pulumi-nodejs:dynamic/domino:${kind}`;
/** The engine's line for a check failure. */
const failure = (kind: string, property: string, shown: string, reason: string) =>
  `${T(kind)} resource 'subject': property ${property} value {${shown}} has a problem: ${kind}.${reason}`;
const missing = (kind: string, property: string) => `${T(kind)} resource 'subject': property ${property} value {<nil>} has a problem: ${kind}.${property} is required`;
const spec = (kind: string, args: Record<string, unknown>) => ({ kind, args });
const long = (n: number) => "a".repeat(n);

const HOST_HINT = "set it to the deployment's address, e.g. `pulumi config set domino:host https://domino.example.com`";
const REFUSED_KEY_HINT = "check the key, or set domino:authStyle bearer if it is an access token";

const CASES: Case[] = [
  // Settings: refused before anything is sent.
  {
    name: "no host",
    group: "settings",
    settings: { "domino:host": null },
    expected: "Project check: domino:host is not set: set it with `pulumi config set domino:host https://domino.example.com` (or the environment variable DOMINO_API_HOST)",
  },
  {
    name: "no API key",
    group: "settings",
    settings: { "domino:apiKey": null },
    expected: "Project check: domino:apiKey is not set: set it with `pulumi config set --secret domino:apiKey <key>` (or the environment variable DOMINO_USER_API_KEY)",
  },
  {
    name: "host is not a URL",
    group: "settings",
    settings: { "domino:host": "not a url" },
    expected: `Project check: domino:host must be an absolute URL with its scheme (https://...), got "not a url": ${HOST_HINT}`,
  },
  {
    name: "host without a scheme",
    group: "settings",
    settings: { "domino:host": "127.0.0.1:8443" },
    expected: `Project check: domino:host must be an absolute URL with its scheme (https://...), got "127.0.0.1:8443": ${HOST_HINT}`,
  },
  {
    name: "host with an ftp scheme",
    group: "settings",
    settings: { "domino:host": "ftp://127.0.0.1/domino" },
    expected: `Project check: domino:host must use https:// (or http:// for a local emulator), got "ftp://": ${HOST_HINT}`,
  },
  {
    name: "host with a query",
    group: "settings",
    settings: { "domino:host": "https://127.0.0.1:8443/?tenant=a" },
    expected: 'Project check: domino:host must not contain a query string ("?tenant=a"): every API path is appended to it',
  },
  {
    name: "host with a fragment",
    group: "settings",
    settings: { "domino:host": "https://127.0.0.1:8443/#main" },
    expected: 'Project check: domino:host must not contain a fragment ("#main")',
  },
  {
    name: "host with a user and password",
    group: "settings",
    settings: { "domino:host": `https://alice:${PASSWORD}@127.0.0.1:8443` },
    expected:
      'Project check: domino:host must not contain a user name or password (found in "https://***@127.0.0.1:8443"); remove them and put the API key in domino:apiKey (`pulumi config set --secret domino:apiKey <key>`)',
    absent: [PASSWORD],
  },
  {
    name: "plain http to domino.invalid",
    group: "settings",
    settings: { "domino:host": "http://domino.invalid" },
    expected:
      "Project check: domino:host uses plain http to domino.invalid, which would send the API key unencrypted; use https://, or set `pulumi config set domino:insecureHttp true` if this network is trusted",
  },
  {
    name: "insecureHttp not a boolean",
    group: "settings",
    settings: { "domino:insecureHttp": "maybe" },
    expected: 'Project check: domino:insecureHttp must be true or false, got "maybe"',
  },
  {
    name: "requestTimeoutMs not a number",
    group: "settings",
    settings: { "domino:requestTimeoutMs": "soon" },
    expected: 'Project check: domino:requestTimeoutMs must be a whole number from 100 to 3600000, got "soon"',
  },
  {
    name: "maxRetries above its range",
    group: "settings",
    settings: { "domino:maxRetries": "21" },
    expected: 'Project check: domino:maxRetries must be a whole number from 0 to 20, got "21"',
  },
  {
    name: "retryBaseDelayMs negative",
    group: "settings",
    settings: { "domino:retryBaseDelayMs": "-1" },
    expected: 'Project check: domino:retryBaseDelayMs must be a whole number from 0 to 60000, got "-1"',
  },
  {
    name: "operationTimeoutMs under requestTimeoutMs",
    group: "settings",
    settings: { "domino:operationTimeoutMs": "2000", "domino:requestTimeoutMs": "5000" },
    expected: "Project check: domino:operationTimeoutMs (2000 ms) must be at least domino:requestTimeoutMs (5000 ms)",
  },
  {
    name: "authStyle unknown",
    group: "settings",
    settings: { "domino:authStyle": "basic" },
    expected:
      'Project check: domino:authStyle must be "apiKey" (an account API key, sent as X-Domino-Api-Key) or "bearer" (an access token, sent as Authorization: Bearer), got "basic"',
  },
  // Credentials: the connection check's one authenticated call.
  {
    name: "wrong API key (401)",
    group: "credentials",
    settings: { "domino:apiKey": "wrong" },
    expected: `Project check: domino:apiKey was refused by {emulator} (HTTP 401: Invalid API key or token); ${REFUSED_KEY_HINT}`,
    connection: true,
  },
  {
    name: "an API key sent as a bearer token (403)",
    group: "credentials",
    settings: { "domino:authStyle": "bearer" },
    expected:
      "Project check: domino:apiKey was refused by {emulator} (HTTP 403: No current user in request); check the token, or set domino:authStyle apiKey if it is an account API key",
    connection: true,
  },
  {
    name: "wrong API key, through a lookup",
    group: "credentials",
    settings: { "domino:apiKey": "wrong" },
    spec: { lookup: "getUser", args: { userName: "alice" } },
    expected: `getUser: domino:apiKey was refused by {emulator} (HTTP 401: Invalid API key or token); ${REFUSED_KEY_HINT}`,
    connection: true,
  },
  // Reachability.
  {
    name: "refused port",
    group: "reachability",
    settings: { "domino:host": "{closed}" },
    expected: "Project check: {closed} refused the connection (3 attempts; connect ECONNREFUSED {closedAddress}); check domino:host, its port included, and that Domino is running",
    connection: true,
  },
  {
    name: "a host that never answers",
    group: "reachability",
    settings: { "domino:host": "{silent}" },
    expected:
      "Project check: {silent} did not answer within 8 s (3 attempts; last: no answer within 2.0 s); check domino:host and the network (a proxy or firewall may drop the traffic)",
    connection: true,
  },
  {
    name: "a certificate from an unknown CA",
    group: "reachability",
    settings: { "domino:host": "{tls}" },
    expected:
      "Project check: {tls} presented a TLS certificate that is not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate); if Domino's certificate comes from a private CA, run pulumi with NODE_EXTRA_CA_CERTS=/path/to/ca.pem (the CA certificate in PEM form)",
    connection: true,
  },
  {
    name: "a redirect",
    group: "reachability",
    settings: { "domino:host": "{redirect}" },
    expected:
      "Project check: {redirect} answered HTTP 302 to GET /api/users/v1/self: the server redirects to https://sso.domino.invalid/login, which is not followed (the API key is never sent to another address); set domino:host to the address Domino answers on",
    connection: true,
  },
  {
    name: "a server that is not Domino",
    group: "reachability",
    settings: { "domino:host": "{notDomino}" },
    expected: "Project check: {notDomino} does not answer like a Domino API (HTTP 404 from GET /api/projects/beta/projects: (empty response body)); check domino:host",
    connection: true,
  },
  // Static rules of every kind.
  { name: "Project.name with a space", group: "static", spec: spec("Project", { name: "my project" }),
    expected: failure("Project", "name", "my project", 'name must not contain whitespace (Domino project names are part of URLs), got "my project"') },
  { name: "Project.name with a slash", group: "static", spec: spec("Project", { name: "team/churn" }),
    expected: failure("Project", "name", "team/churn", 'name must contain only letters, digits, "-", "_" and "." (Domino project names are part of URLs), got "team/churn"') },
  { name: "Project.name of 101 characters", group: "static", spec: spec("Project", { name: long(101) }),
    expected: failure("Project", "name", long(101), "name must be at most 100 characters long, got 101") },
  { name: "Project.visibility unknown", group: "static", spec: spec("Project", { name: "p", visibility: "Secret" }),
    expected: failure("Project", "visibility", "Secret", 'visibility must be one of Public, Searchable, Private (case-insensitive), got "Secret"') },
  { name: "Project.ownerId not an id", group: "static", spec: spec("Project", { name: "p", ownerId: "alice" }),
    expected: failure("Project", "ownerId", "alice", 'ownerId must be a Domino id (24 hexadecimal characters), got "alice"') },
  { name: "Project with an unknown input", group: "static", spec: spec("Project", { name: "p", colour: "blue" }),
    expected: failure("Project", "colour", "blue", "colour is not a known input (known: name, description, visibility, ownerId, mainRepository, status, isBlocked, blockedReason, completedMessage, resultsBranch, isRestricted, billingTag, templateDetails, repoToCreate, adoptId)") },
  { name: "Collaborator.role unknown", group: "static", spec: spec("Collaborator", { projectId: ID, userId: ID2, role: "owner" }),
    expected: failure("Collaborator", "role", "owner", 'role must be one of contributor, launcherUser, resultsConsumer, projectImporter (case-insensitive), got "owner"') },
  { name: "Collaborator without userId", group: "static", spec: spec("Collaborator", { projectId: ID, role: "contributor" }),
    expected: missing("Collaborator", "userId") },
  { name: "GitRepository.uri not a git URL", group: "static", spec: spec("GitRepository", { projectId: ID, uri: "github.com/acme/etl" }),
    expected: failure("GitRepository", "uri", "github.com/acme/etl", 'uri must be a git URL (https://, ssh://, git:// or user@host:path), got "github.com/acme/etl"') },
  { name: "GitRepository.name with a slash", group: "static", spec: spec("GitRepository", { projectId: ID, uri: "https://github.com/acme/etl.git", name: "acme/etl" }),
    expected: failure("GitRepository", "name", "acme/etl", 'name must contain only letters, digits, "-", "_" and "." (the name is the directory the repository is cloned into), got "acme/etl"') },
  { name: "Goal.title blank", group: "static", spec: spec("Goal", { projectId: ID, title: " " }),
    expected: failure("Goal", "title", " ", "title must not be empty") },
  { name: "Goal.title of 256 characters", group: "static", spec: spec("Goal", { projectId: ID, title: long(256) }),
    expected: failure("Goal", "title", long(256), "title must be at most 255 characters long, got 256") },
  { name: "Goal.title with a control character", group: "static", spec: spec("Goal", { projectId: ID, title: "Ship\tv1" }),
    expected: failure("Goal", "title", "Ship\tv1", 'title must not contain line breaks or other control characters, got "Ship\\tv1"') },
  { name: "Environment without image", group: "static", spec: spec("Environment", { name: "py" }),
    expected: missing("Environment", "image") },
  { name: "Environment.name of 256 characters", group: "static", spec: spec("Environment", { name: long(256), image: "python:3.11" }),
    expected: failure("Environment", "name", long(256), "name must be at most 255 characters long, got 256") },
  { name: "Environment.orgOwnerId on a Global environment", group: "static", spec: spec("Environment", { name: "py", image: "python:3.11", visibility: "Global", orgOwnerId: ID }),
    expected: failure("Environment", "orgOwnerId", ID, "orgOwnerId applies only to Private environments (Domino ignores it for Global ones)") },
  { name: "Environment variable with a bad key (the value is never shown)", group: "static",
    spec: spec("Environment", { name: "py", image: "python:3.11", environmentVariables: [{ key: "1TOKEN", value: VARIABLE_VALUE }] }),
    expected: `${T("Environment")} resource 'subject' has a problem: Environment.environmentVariables[0].key must be a variable name (letters, digits, underscores; not starting with a digit), got "1TOKEN"`,
    absent: [VARIABLE_VALUE] },
  { name: "Environment variable set twice (the values are never shown)", group: "static",
    spec: spec("Environment", { name: "py", image: "python:3.11", environmentVariables: [{ key: "TOKEN", value: VARIABLE_VALUE }, { key: "TOKEN", value: "b" }] }),
    expected: `${T("Environment")} resource 'subject' has a problem: Environment.environmentVariables must not set "TOKEN" twice`,
    absent: [VARIABLE_VALUE] },
  { name: "EnvironmentRevision.buildTimeoutMinutes 0", group: "static", spec: spec("EnvironmentRevision", { environmentId: ID, image: "python:3.11", buildTimeoutMinutes: 0 }),
    expected: failure("EnvironmentRevision", "buildTimeoutMinutes", "0", "buildTimeoutMinutes must be at least 1 (minutes), got 0") },
  { name: "EnvironmentRevision.buildTimeoutMinutes over a day", group: "static", spec: spec("EnvironmentRevision", { environmentId: ID, image: "python:3.11", buildTimeoutMinutes: 2000 }),
    expected: failure("EnvironmentRevision", "buildTimeoutMinutes", "2000", "buildTimeoutMinutes must be at most 1440 (minutes, one day), got 2000") },
  { name: "EnvironmentRevision.supportedClusters unknown", group: "static", spec: spec("EnvironmentRevision", { environmentId: ID, image: "python:3.11", supportedClusters: ["Hadoop"] }),
    expected: `${T("EnvironmentRevision")} resource 'subject': property supportedClusters[0] value {<nil>} has a problem: EnvironmentRevision.supportedClusters[0] must be one of Dask, Mpi, Ray, Spark (case-insensitive), got "Hadoop"` },
  { name: "Dataset.name with a space", group: "static", spec: spec("Dataset", { projectId: ID, name: "raw data" }),
    expected: failure("Dataset", "name", "raw data", 'name must contain only letters, digits, "-", "_" and "." (the name is the dataset\'s directory, /domino/datasets/local/<name>), got "raw data"') },
  { name: "Dataset.name ..", group: "static", spec: spec("Dataset", { projectId: ID, name: ".." }),
    expected: failure("Dataset", "name", "..", 'name must not be ".." (the name is the dataset\'s directory, /domino/datasets/local/<name>)') },
  { name: "Dataset without projectId", group: "static", spec: spec("Dataset", { name: "raw" }),
    expected: missing("Dataset", "projectId") },
  { name: "DatasetSnapshot path with a leading slash", group: "static", spec: spec("DatasetSnapshot", { datasetId: ID, relativeFilePaths: ["/etc"] }),
    expected: failure("DatasetSnapshot", "relativeFilePaths", "[{/etc}]", "relativeFilePaths must hold paths relative to the dataset root (no leading /)") },
  { name: "DatasetSnapshot.snapshotTimeoutMinutes 0", group: "static", spec: spec("DatasetSnapshot", { datasetId: ID, relativeFilePaths: ["data"], snapshotTimeoutMinutes: 0 }),
    expected: failure("DatasetSnapshot", "snapshotTimeoutMinutes", "0", "snapshotTimeoutMinutes must be at least 1 (minutes), got 0") },
  { name: "SnapshotTag.tagName ..", group: "static", spec: spec("SnapshotTag", { datasetId: ID, snapshotId: ID2, tagName: ".." }),
    expected: failure("SnapshotTag", "tagName", "..", 'tagName must not be ".." (the tag name is a segment of the API path .../tags/{tagName})') },
  { name: "SnapshotTag.snapshotId not an id", group: "static", spec: spec("SnapshotTag", { datasetId: ID, snapshotId: "latest", tagName: "prod" }),
    expected: failure("SnapshotTag", "snapshotId", "latest", 'snapshotId must be a Domino id (24 hexadecimal characters), got "latest"') },
  { name: "SharedDatasetLink.datasetId not an id", group: "static", spec: spec("SharedDatasetLink", { projectId: ID, datasetId: "raw" }),
    expected: failure("SharedDatasetLink", "datasetId", "raw", 'datasetId must be a Domino id (24 hexadecimal characters), got "raw"') },
  { name: "SharedDatasetLink without projectId", group: "static", spec: spec("SharedDatasetLink", { datasetId: ID }),
    expected: missing("SharedDatasetLink", "projectId") },
  { name: "Organization.name with a space", group: "static", spec: spec("Organization", { name: "data team" }),
    expected: failure("Organization", "name", "data team", 'name must contain only letters, digits, "-", "_" and "." (organization names share the namespace of user names, which are part of URLs), got "data team"') },
  { name: "Organization.name empty", group: "static", spec: spec("Organization", { name: "" }),
    expected: failure("Organization", "name", "", "name must not be empty") },
  { name: "OrganizationMember.organizationRole unknown", group: "static", spec: spec("OrganizationMember", { organizationId: ID, userId: ID2, organizationRole: "Owner" }),
    expected: failure("OrganizationMember", "organizationRole", "Owner", 'organizationRole must be one of Member, Admin (case-insensitive), got "Owner"') },
  { name: "OrganizationMember.userId not an id", group: "static", spec: spec("OrganizationMember", { organizationId: ID, userId: "bob" }),
    expected: failure("OrganizationMember", "userId", "bob", 'userId must be a Domino id (24 hexadecimal characters), got "bob"') },
  // What only Domino knows: a lookup fails preview; the rest fail `up` before anything is made.
  { name: "a lookup of a user who does not exist", group: "domino", spec: { lookup: "getUser", args: { userName: "nobody" } },
    expected: 'getUser: no user has the user name or email address "nobody" (3 users visible to the caller were checked); check the spelling, or use an API key whose user can see that user (Domino may show only the users of the caller\'s organizations)' },
  { name: "a project name already taken", group: "domino", command: "up", spec: spec("Project", { name: "taken" }),
    expected: 'Project create: project "taken" already exists in Domino (id {takenProjectId}); adopt it with `adoptId`, or choose another name' },
  { name: "a dataset name already taken in the project", group: "domino", command: "up", spec: spec("Dataset", { projectId: "{takenProjectId}", name: "raw" }),
    expected: 'Dataset create: dataset "raw" of project {takenProjectId} already exists in Domino (id {takenDatasetId}); adopt it with `adoptId`, or choose another name' },
  { name: "an organization name taken by a user", group: "domino", command: "up", spec: spec("Organization", { name: "alice" }),
    expected:
      "Organization create: create organization failed: POST /api/organizations/v1/organizations answered HTTP 400: The name alice is already taken by a user or organization (request id <id>)" },
  { name: "a goal of a project that does not exist", group: "domino", command: "up", spec: spec("Goal", { projectId: ID, title: "Ship" }),
    expected: `Goal create: list project goals failed: GET /api/projects/v1/projects/${ID}/goals answered HTTP 404: Project ${ID} not found (request id <id>)` },
];

/**
 * The first error line the user sees: the text after the first "error: " of the output
 * (a resource's progress line; the Diagnostics section repeats it, after the stack's
 * "update failed" when `up` fails).
 */
function firstErrorLine(stdout: string): string | undefined {
  for (const line of stdout.split("\n")) {
    const at = line.indexOf("error: ");
    if (at >= 0) return line.slice(at + "error: ".length);
  }
  return undefined;
}

const STACK_FRAME = /^\s+at .+\(.+:\d+:\d+\)$/;

interface Outcome {
  result: CommandResult;
  seconds: number;
  line?: string;
}

describe("bad input and bad settings fail preview (or up) with one clear line", () => {
  let domino: E2eEmulator;
  let stack: PulumiProject;
  let programDir: string;
  let certs: TestCertificates;
  let tls: TlsServer;
  const servers: Array<http.Server | net.Server> = [];
  const sockets: net.Socket[] = [];
  const hosts: Record<string, string> = {};
  let salt: string;
  let secureKey: string;
  let guardLog: string;
  let before: Census;
  const table: Array<{ name: string; line: string; seconds: number }> = [];

  const listen = async (server: http.Server | net.Server): Promise<number> => {
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return (server.address() as net.AddressInfo).port;
  };

  beforeAll(async () => {
    domino = await startE2eEmulator();
    hosts.emulator = domino.url;
    // A loopback port with nothing on it.
    const probe = net.createServer();
    const closedPort = await listen(probe);
    await new Promise((resolve) => probe.close(resolve));
    servers.splice(servers.indexOf(probe), 1);
    hosts.closed = `http://127.0.0.1:${closedPort}`;
    hosts.closedAddress = `127.0.0.1:${closedPort}`;
    // Accepts connections and never says a word.
    const silent = net.createServer((socket) => sockets.push(socket));
    hosts.silent = `http://127.0.0.1:${await listen(silent)}`;
    // Sends every request elsewhere.
    const redirect = http.createServer((_req, res) => res.writeHead(302, { Location: "https://sso.domino.invalid/login" }).end());
    hosts.redirect = `http://127.0.0.1:${await listen(redirect)}`;
    // Some other web server: 404 everywhere.
    const notDomino = http.createServer((_req, res) => res.writeHead(404).end());
    hosts.notDomino = `http://127.0.0.1:${await listen(notDomino)}`;
    // https with a certificate from a CA the CLI's processes do not know.
    certs = makeCertificates();
    tls = await startTlsDomino(certs);
    hosts.tls = tls.url;

    // Objects the "already taken" cases collide with.
    const taken = await domino.api("POST", "/api/projects/beta/projects", { name: "taken", description: "", visibility: "Private" });
    hosts.takenProjectId = taken.body.project.id;
    const dataset = await domino.api("POST", "/api/datasetrw/v1/datasets", { projectId: hosts.takenProjectId, name: "raw", description: "" });
    hosts.takenDatasetId = dataset.body.dataset.id;

    const source = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-domino-bad-input-src-"));
    for (const [file, text] of Object.entries(PROGRAM)) fs.writeFileSync(path.join(source, file), text);
    stack = await PulumiProject.create({
      example: "bad-input",
      sourceDir: source,
      config: { "domino:apiKey": { value: domino.adminKey, secret: true } },
    });
    fs.rmSync(source, { recursive: true, force: true });
    programDir = stack.programDir;
    // The passphrase's salt and the encrypted key, reused in every case's config file.
    const stackConfig = fs.readFileSync(path.join(programDir, "Pulumi.e2e.yaml"), "utf8");
    salt = /^encryptionsalt: (.+)$/m.exec(stackConfig)![1];
    secureKey = /domino:apiKey:\n\s+secure: (.+)$/m.exec(stackConfig)![1];

    fs.writeFileSync(path.join(stack.root, "guard.js"), GUARD);
    guardLog = path.join(stack.root, "guard.log");
    fs.writeFileSync(guardLog, "");
    stack.env.NODE_OPTIONS = `--require ${path.join(stack.root, "guard.js")}`;
    stack.env.BAD_INPUT_GUARD_LOG = guardLog;

    before = await domino.census();
    await domino.api("DELETE", "/__emulator/requests");
  }, CLI_SETUP_TIMEOUT_MS);

  afterAll(async () => {
    if (table.length) {
      const rows = table.map((r) => `| ${r.name} | \`${r.line.length > 160 ? `${r.line.slice(0, 157)}...` : r.line}\` | ${r.seconds.toFixed(1)} |`);
      console.info(["| Case | First error line | s |", "| --- | --- | --- |", ...rows].join("\n"));
    }
    for (const s of sockets) s.destroy();
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    await tls?.close();
    certs?.dispose();
    stack?.dispose();
    await domino?.stop();
  });

  const fill = (text: string) => text.replace(/\{(\w+)\}/g, (whole, name: string) => hosts[name] ?? whole);

  /** The stack config file of a case: the good settings, with the case's changes. */
  function configFile(c: Case): string {
    const values: Record<string, string | { secure: string } | null> = {
      "domino:host": domino.url,
      "domino:apiKey": { secure: secureKey },
    };
    for (const [key, value] of Object.entries(c.settings ?? {})) values[key] = value === null ? null : fill(value);
    const specJson = fill(JSON.stringify(c.spec ?? OK_PROJECT));
    const lines = [`encryptionsalt: ${salt}`, "config:"];
    for (const [key, value] of Object.entries(values)) {
      if (value === null) continue;
      lines.push(typeof value === "string" ? `  ${key}: ${JSON.stringify(value)}` : `  ${key}:\n    secure: ${value.secure}`);
    }
    lines.push(`  bad-input:case: ${JSON.stringify(specJson)}`);
    const file = path.join(stack.root, `case-${CASES.indexOf(c)}.yaml`);
    fs.writeFileSync(file, `${lines.join("\n")}\n`);
    return file;
  }

  async function run(c: Case): Promise<Outcome> {
    const file = configFile(c);
    const args =
      c.command === "up"
        ? ["up", "--stack", "e2e", "--config-file", file, "--yes", "--skip-preview"]
        : ["preview", "--stack", "e2e", "--config-file", file];
    const started = Date.now();
    const result = await stack.cli(args, { allowFailure: true });
    const seconds = (Date.now() - started) / 1000;
    return { result, seconds, line: firstErrorLine(result.stdout) };
  }

  const writes = async () => {
    const counts = (await domino.api<{ byRoute: Record<string, number> }>("GET", "/__emulator/requests")).body.byRoute;
    return Object.keys(counts).filter((route) => !route.startsWith("GET "));
  };

  /**
   * The static cases run in a pool of STATIC_CONCURRENCY previews at a time (they are
   * independent, write nothing and have no time bound), started by the first of them; the
   * others run alone, so that their seconds are their own.
   */
  const staticOutcomes = new Map<Case, Promise<Outcome>>();
  function outcomeOf(c: Case): Promise<Outcome> {
    if (c.group !== "static") return run(c);
    if (staticOutcomes.size === 0) {
      const queue = CASES.filter((x) => x.group === "static");
      const settle = new Map<Case, (o: Promise<Outcome>) => void>();
      for (const x of queue) staticOutcomes.set(x, new Promise((resolve) => settle.set(x, resolve)));
      const worker = async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const outcome = run(next);
          settle.get(next)!(outcome);
          await outcome.catch(() => undefined);
        }
      };
      for (let i = 0; i < STATIC_CONCURRENCY; i++) void worker();
    }
    return staticOutcomes.get(c)!;
  }

  it.each(CASES.map((c) => [`${c.group}: ${c.name}`, c] as const))(
    "%s",
    async (_label, c) => {
      // Zeroed once for the static pool (its previews overlap), else for each case.
      if (c.group !== "static" || staticOutcomes.size === 0) await domino.api("DELETE", "/__emulator/requests");
      const outcome = await outcomeOf(c);
      const { result } = outcome;
      table.push({ name: `${c.group}: ${c.name}`, line: outcome.line ?? "(none)", seconds: outcome.seconds });
      const output = `${result.stdout}\n${result.stderr}`;
      // Never accepted silently.
      expect(result.code).not.toBe(0);
      // Domino's request ids differ from run to run.
      expect(outcome.line?.replace(/\(request id [0-9a-f-]{36}\)/, "(request id <id>)")).toBe(fill(c.expected));
      // No stack frame anywhere in what the user sees.
      expect(output.split("\n").filter((l) => STACK_FRAME.test(l))).toEqual([]);
      for (const secret of c.absent ?? []) expect(output).not.toContain(secret);
      if (c.connection) expect(outcome.seconds).toBeLessThan(BROKEN_CONNECTION_BOUND_S);
      // Nothing half-made: nothing written to Domino, nothing new in it.
      if (c.command !== "up") expect(await writes()).toEqual([]);
      expect(await domino.census()).toEqual(before);
      // Only loopback was asked for: no lookup or connection elsewhere.
      expect(fs.readFileSync(guardLog, "utf8")).toBe("");
    },
    CASE_TIMEOUT_MS,
  );

  it("ran the guard in the program's and the provider's node processes", () => {
    const loaded = fs.readFileSync(`${guardLog}.loaded`, "utf8");
    expect(loaded).toMatch(/cmd\/run/);
    expect(loaded).toMatch(/dynamic-provider/);
  });

  it("covers the settings, credentials, reachability, every kind, and what only Domino knows", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    const kinds = new Set(CASES.filter((c) => c.group === "static").map((c) => c.spec?.kind));
    expect([...kinds].sort()).toEqual(
      [
        "Collaborator",
        "Dataset",
        "DatasetSnapshot",
        "Environment",
        "EnvironmentRevision",
        "GitRepository",
        "Goal",
        "Organization",
        "OrganizationMember",
        "Project",
        "SharedDatasetLink",
        "SnapshotTag",
      ].sort(),
    );
  });
});
