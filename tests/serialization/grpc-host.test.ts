/**
 * Each provider goes the way `pulumi up` takes it: serialized with the SDK's closure
 * serializer, then loaded and called by the SDK's own dynamic-provider gRPC host
 * (`@pulumi/pulumi/cmd/dynamic-provider`), configured through `Configure` with the
 * stack's config. The host's environment holds no Domino settings, so everything
 * the provider knows of host and key arrives through `configure`.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import * as pulumi from "@pulumi/pulumi";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { useEmulator } from "../helpers/emulator";

const REPO = path.resolve(__dirname, "../..");
const DIST_RESOURCES = path.join(REPO, "provider/dist/resources");
/** Every resource module the package ships; each must load and answer in the host. */
const RESOURCE_MODULES = [
  "project",
  "collaborator",
  "git-repository",
  "goal",
  "environment",
  "environment-revision",
  "dataset",
  "dataset-snapshot",
  "snapshot-tag",
  "shared-dataset-link",
  "organization",
  "organization-member",
];
/** The serialized provider is stored twice in every resource's state: keep it small. */
const MAX_SERIALIZED_BYTES = 4096;
/** Installed under node_modules, the shim is stored as a reference to its module. */
const MAX_INSTALLED_BYTES = 1024;

type Client = InstanceType<typeof provrpc.ResourceProviderClient>;

function unary<Req, Res>(client: Client, method: string, req: Req): Promise<Res> {
  return new Promise((resolve, reject) => {
    const fn = (client as unknown as Record<string, (r: Req, cb: (e: grpc.ServiceError | null, v: Res) => void) => void>)[method];
    fn.call(client, req, (err, value) => (err ? reject(err) : resolve(value)));
  });
}

/** The serialized provider, as the SDK makes it from the package found under `from`. */
async function serializedProvider(moduleName: string, from = "pulumi-domino"): Promise<string> {
  // Loaded from the built package, exactly as a user's program loads it.
  const { providerShim } = require(`${from}/dist/shim`) as typeof import("../../provider/shim");
  const provider = providerShim(moduleName);
  const fn = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: false });
  return fn.text;
}

/** A copy of the built package installed under a node_modules folder, as `npm install` lays it out. */
function installedCopy(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-domino-installed-"));
  const pkg = path.join(root, "node_modules", "pulumi-domino");
  fs.mkdirSync(pkg, { recursive: true });
  fs.cpSync(path.join(REPO, "provider/dist"), path.join(pkg, "dist"), { recursive: true });
  fs.copyFileSync(path.join(REPO, "provider/package.json"), path.join(pkg, "package.json"));
  // Its dependencies resolve to this repository's copies, as they would to the program's.
  for (const dep of ["@pulumi", "node-fetch"]) fs.symlinkSync(path.join(REPO, "node_modules", dep), path.join(root, "node_modules", dep));
  return pkg;
}

describe("providers under the SDK's dynamic-provider gRPC host", () => {
  const env = useEmulator();
  let host: ChildProcess;
  let client: Client;
  const sizes: Record<string, number> = {};
  const installedSizes: Record<string, number> = {};
  let installed: string | undefined;

  beforeAll(async () => {
    const hostEnv: NodeJS.ProcessEnv = { ...process.env, PULUMI_NODEJS_PROJECT: "serialization-test", PULUMI_NODEJS_STACK: "test" };
    for (const k of Object.keys(hostEnv)) if (k.startsWith("DOMINO_")) delete hostEnv[k];
    host = spawn(process.execPath, [require.resolve("@pulumi/pulumi/cmd/dynamic-provider"), "127.0.0.1:1"], {
      cwd: REPO,
      env: hostEnv,
      stdio: ["ignore", "pipe", "inherit"],
    });
    const port = await new Promise<string>((resolve, reject) => {
      host.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim()));
      host.once("exit", (code) => reject(new Error(`dynamic-provider host exited with ${code}`)));
    });
    client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const configure = new provproto.ConfigureRequest();
    configure.setArgs(Struct.fromJavaScript({ "domino:host": env.url, "domino:apiKey": env.emulator.users.admin.apiKey }));
    await unary(client, "configure", configure);
  });

  afterAll(() => {
    client?.close();
    host?.kill();
    const table = Object.entries(sizes)
      .map(([m, b]) => `  ${m.padEnd(22)} ${b} bytes linked, ${installedSizes[m] ?? "?"} bytes installed`)
      .join("\n");
    if (installed) fs.rmSync(path.resolve(installed, "../.."), { recursive: true, force: true });
    // The figure the docs quote: bytes of __provider per resource type.
    console.log(`serialized __provider size per resource module:\n${table}`);
  });

  it("ships every resource module", () => {
    const shipped = fs
      .readdirSync(DIST_RESOURCES)
      .filter((f) => f.endsWith(".js"))
      .map((f) => f.replace(/\.js$/, ""))
      // A resource module is one that exports a provider for the shim to call.
      .filter((m) => typeof require(path.join(DIST_RESOURCES, m)).provider === "object");
    expect(shipped.sort()).toEqual([...RESOURCE_MODULES].sort());
  });

  it.each(RESOURCE_MODULES)("serializes %s as a small shim that holds no credential", async (moduleName) => {
    const text = await serializedProvider(moduleName);
    sizes[moduleName] = Buffer.byteLength(text);
    expect(sizes[moduleName]).toBeLessThan(MAX_SERIALIZED_BYTES);
    for (const user of Object.values(env.emulator.users)) expect(text).not.toContain(user.apiKey);
    expect(text).not.toContain(env.url);
    expect(text).toContain(`pulumi-domino/dist/resources/${moduleName}`);
  });

  it.each(RESOURCE_MODULES)("serializes %s, once installed, as a reference to its shim module under 1 KB", async (moduleName) => {
    installed ??= installedCopy();
    const text = await serializedProvider(moduleName, installed);
    installedSizes[moduleName] = Buffer.byteLength(text);
    expect(installedSizes[moduleName]).toBeLessThanOrEqual(MAX_INSTALLED_BYTES);
    expect(text).toContain(`require("pulumi-domino/dist/shims/${moduleName}.js")`);
    // The same text is what the provider host runs: it resolves the installed package.
    const req = new provproto.CheckRequest();
    req.setUrn(`urn:pulumi:test::serialization-test::pulumi-nodejs:dynamic/domino:X::x`);
    req.setOlds(Struct.fromJavaScript({}));
    req.setNews(Struct.fromJavaScript({ __provider: text }));
    const res = await unary<provproto.CheckRequest, provproto.CheckResponse>(client, "check", req);
    expect(res.getFailuresList().map((f) => f.getReason()).join("\n")).toMatch(/is required/);
  });

  it("serializes one shim object per kind, so a program pays for each kind once", async () => {
    const { providerShim } = require("pulumi-domino/dist/shim") as typeof import("../../provider/shim");
    expect(providerShim("goal")).toBe(providerShim("goal"));
    expect(providerShim("goal")).not.toBe(providerShim("project"));
  });

  it.each(RESOURCE_MODULES)("loads %s in the host and runs its check", async (moduleName) => {
    const text = await serializedProvider(moduleName);
    const req = new provproto.CheckRequest();
    req.setUrn(`urn:pulumi:test::serialization-test::pulumi-nodejs:dynamic/domino:X::x`);
    req.setOlds(Struct.fromJavaScript({}));
    // An empty input bag: every resource has required inputs, so check must name them.
    req.setNews(Struct.fromJavaScript({ __provider: text }));
    const res = await unary<provproto.CheckRequest, provproto.CheckResponse>(client, "check", req);
    const failures = res.getFailuresList().map((f) => `${f.getProperty()}: ${f.getReason()}`);
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.join("\n")).toMatch(/is required/);
  });

  it("runs a goal through create, read, update and delete with credentials from configure only", async () => {
    const text = await serializedProvider("goal");
    const project = await env.api<{ project: { id: string } }>("POST", "/api/projects/beta/projects", {
      name: "serialization-goal",
      description: "",
      visibility: "Private",
    });
    expect(project.status).toBe(200);
    const projectId = project.body.project.id;
    const urn = "urn:pulumi:test::serialization-test::pulumi-nodejs:dynamic/domino:Goal::g";

    const check = new provproto.CheckRequest();
    check.setUrn(urn);
    check.setOlds(Struct.fromJavaScript({}));
    check.setNews(Struct.fromJavaScript({ __provider: text, projectId, title: "ship it" }));
    const checked = await unary<provproto.CheckRequest, provproto.CheckResponse>(client, "check", check);
    expect(checked.getFailuresList()).toHaveLength(0);
    const inputs = checked.getInputs()!.toJavaScript();
    expect(inputs).toMatchObject({ projectId, title: "ship it", description: "", isComplete: false });

    const create = new provproto.CreateRequest();
    create.setUrn(urn);
    create.setProperties(Struct.fromJavaScript(inputs));
    const created = await unary<provproto.CreateRequest, provproto.CreateResponse>(client, "create", create);
    const id = created.getId();
    const outs = created.getProperties()!.toJavaScript();
    expect(id).toMatch(new RegExp(`^${projectId}/[0-9a-f]{24}$`));
    expect(outs).toMatchObject({ projectId, title: "ship it", isComplete: false, __provider: text });
    expect(JSON.stringify(outs)).not.toContain(env.emulator.users.admin.apiKey);

    const update = new provproto.UpdateRequest();
    update.setId(id);
    update.setUrn(urn);
    update.setOlds(Struct.fromJavaScript(outs));
    update.setNews(Struct.fromJavaScript({ ...inputs, isComplete: true }));
    const updated = await unary<provproto.UpdateRequest, provproto.UpdateResponse>(client, "update", update);
    expect(updated.getProperties()!.toJavaScript()).toMatchObject({ isComplete: true });

    const read = new provproto.ReadRequest();
    read.setId(id);
    read.setUrn(urn);
    read.setProperties(Struct.fromJavaScript({ __provider: text }));
    const readBack = await unary<provproto.ReadRequest, provproto.ReadResponse>(client, "read", read);
    expect(readBack.getId()).toBe(id);
    expect(readBack.getProperties()!.toJavaScript()).toMatchObject({ title: "ship it", isComplete: true });

    const del = new provproto.DeleteRequest();
    del.setId(id);
    del.setUrn(urn);
    del.setProperties(Struct.fromJavaScript(updated.getProperties()!.toJavaScript()));
    await unary(client, "delete", del);
    const goals = await env.api<{ goals: unknown[] }>("GET", `/api/projects/v1/projects/${projectId}/goals`);
    expect(goals.body.goals).toHaveLength(0);
  });
});
