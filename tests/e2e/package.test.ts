/**
 * The package as npm ships it, installed the way a user installs it.
 *
 * provider/ (the repository's files under git, tracked or new, never build output) and
 * tsconfig.base.json are copied into a temporary directory, with the repository's
 * node_modules linked for the compiler, and `npm pack` runs there: `prepack` builds the
 * package from clean. The tarball's file list is checked, then the tarball is installed
 * from the npm registry's view of the world (`npm install <tarball> @pulumi/pulumi@<version>
 * typescript ts-node`) into a fresh TypeScript program, once for the oldest @pulumi/pulumi
 * the peer range admits and once for the pinned one. Each program is compiled with
 * `tsc --strict` without `skipLibCheck`, so the package's declarations are checked against
 * that SDK's, and runs `pulumi up` and `pulumi destroy` against the emulator through that
 * SDK (its language runtime and its dynamic-provider host both come from the program's
 * node_modules).
 *
 * The installs are made once per run, in the run's temporary directory, in parallel; npm's
 * own cache makes them fast on a warm machine.
 */
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { E2eEmulator, startE2eEmulator } from "./helpers/domino";
import { CLI_SETUP_TIMEOUT_MS, dynamicResources, pulumiBinDir, PulumiProject, REPO_ROOT } from "./helpers/pulumi";

const STEP_TIMEOUT_MS = 180_000;

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"));
const rootPackage = readJson(path.join(REPO_ROOT, "package.json"));
const providerPackage = readJson(path.join(REPO_ROOT, "provider/package.json"));

/** The peer range is `>=<floor> <4.0.0`: the floor is the oldest SDK tested. */
const PEER_RANGE: string = providerPackage.peerDependencies["@pulumi/pulumi"];
const FLOOR = /^>=(\d+\.\d+\.\d+) <4\.0\.0$/.exec(PEER_RANGE)?.[1];
const PINNED_SDK: string = rootPackage.devDependencies["@pulumi/pulumi"];
const SDK_VERSIONS: Array<[string, string]> = [
  ["the oldest supported", FLOOR ?? `(peer range ${PEER_RANGE} has no floor)`],
  ["the pinned", PINNED_SDK],
];

interface Run {
  code: number;
  stdout: string;
  /** stdout and stderr as they came. */
  output: string;
}

/** Runs a command to its end; never throws, so a failure can be shown with its output. */
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env, timeoutMs = STEP_TIMEOUT_MS): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let output = "";
    child.stdout.on("data", (d: Buffer) => ((stdout += d.toString()), (output += d.toString())));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, output });
    });
  });
}

/** Runs a command; its stdout, or an error with the output's tail. */
async function runOrThrow(command: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<string> {
  const result = await run(command, args, cwd, env);
  if (result.code !== 0) throw new Error(`${command} ${args.join(" ")} (in ${cwd}) exited with ${result.code}:\n${result.output.slice(-4000)}`);
  return result.stdout;
}

/**
 * The environment for a nested npm: `npm test` passes its own package's location and
 * lifecycle to its scripts, which must not make the nested npm act on the repository.
 */
function npmEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_(package_|lifecycle_|config_(local_prefix|prefix|workspaces?|include_workspace_root)$)/i.test(k)) continue;
    env[k] = v;
  }
  return env;
}

/** provider/ and tsconfig.base.json as git sees them (tracked or new, not ignored), copied to `dir`. */
function copySources(dir: string): void {
  const listing = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--deduplicate", "--", "provider", "tsconfig.base.json"], {
    cwd: REPO_ROOT,
    encoding: "utf8",
  });
  const files = listing.split("\0").filter(Boolean);
  if (!files.includes("provider/package.json")) throw new Error(`git ls-files lists no provider/package.json in ${REPO_ROOT}`);
  for (const file of files) {
    const from = path.join(REPO_ROOT, file);
    if (!fs.existsSync(from)) continue; // deleted in the working tree
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(from, path.join(dir, file));
  }
  // The build's compiler and types (@pulumi/pulumi, @types/node) come from the repository.
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
}

/** The program each SDK version runs: enums, the config helper, isInstance, lookups and an explicit provider. */
const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import * as domino from "pulumi-domino";

const config = new pulumi.Config();
// A config value is a string: enumValue checks it (in any letter case) and gives the enum's type.
const visibility = domino.enumValue(domino.ProjectVisibility, config.require("visibility"), "visibility");

const project = new domino.Project("project", {
  name: "packed",
  description: "Made by the installed tarball",
  visibility,
  status: domino.ProjectStatus.Active,
});
const alice = domino.getUserOutput({ userName: "alice" });
const collaborator = new domino.Collaborator("collaborator", { projectId: project.id, userId: alice.id, role: domino.CollaboratorRole.Contributor });
const goal = new domino.Goal("goal", { projectId: project.id, title: "Installed from the tarball" });

const environment = new domino.Environment("environment", {
  name: "packed-python",
  image: "python:3.11",
  visibility: domino.EnvironmentVisibility.Private,
  supportedClusters: [domino.ClusterType.Spark],
});
const revision = new domino.EnvironmentRevision("revision", {
  environmentId: environment.id,
  image: "python:3.12",
  supportedClusters: [domino.enumValue(domino.ClusterType, "ray")],
  buildTimeoutMinutes: 5,
});

const org = new domino.Organization("org", { name: "packed-org" });
const bob = domino.getUserOutput({ userName: "bob" });
const member = new domino.OrganizationMember("member", { organizationId: org.id, userId: bob.id, organizationRole: domino.OrganizationRole.Admin });

// An explicit provider: the same deployment with another user's key.
const asAlice = new domino.Provider("as-alice", { host: new pulumi.Config("domino").require("host"), apiKey: config.requireSecret("aliceApiKey") });
const aliceProject = new domino.Project("alice-project", { name: "packed-by-alice" }, { provider: asAlice });
const aliceSelf = domino.getUserOutput({ userName: "alice" }, { provider: asAlice });

export const projectVisibility: pulumi.Output<domino.ProjectVisibility> = project.visibility;
export const collaboratorRole: pulumi.Output<domino.CollaboratorRole> = collaborator.role;
export const goalTitle = goal.title;
export const revisionStatus: pulumi.Output<domino.BuildStatus> = revision.status;
export const clusters: pulumi.Output<domino.ClusterType[]> = revision.supportedClusters;
export const memberRole: pulumi.Output<domino.OrganizationRole> = member.organizationRole;
export const aliceProjectOwner = aliceProject.ownerUsername;
export const aliceUserName = aliceSelf.userName;
export const isInstance = domino.Project.isInstance(project) && domino.Goal.isInstance(goal) && !domino.Goal.isInstance(project);
`;

/** Strict, and the libraries' declarations checked too (no skipLibCheck). */
const TSCONFIG = JSON.stringify(
  { compilerOptions: { target: "ES2022", module: "commonjs", moduleResolution: "node", strict: true, noEmit: true }, files: ["index.ts"] },
  null,
  2,
);

const RESOURCES = ["alice-project", "as-alice", "collaborator", "environment", "goal", "member", "org", "project", "revision"];

describe("the packed package", () => {
  let work: string;
  let tarball: string;
  let packedFiles: string[];
  let unpacked: string;
  /** Per SDK version: the directory the tarball was installed into. */
  const installs = new Map<string, Promise<string>>();

  beforeAll(async () => {
    pulumiBinDir();
    if (!FLOOR) throw new Error(`provider/package.json: peerDependencies["@pulumi/pulumi"] must be ">=<oldest supported> <4.0.0", is ${PEER_RANGE}`);
    work = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-domino-e2e-package-"));
    const repo = path.join(work, "repo");
    copySources(repo);

    // prepack builds from clean (its output goes to stderr with --json).
    const packJson = await runOrThrow("npm", ["pack", "--json", "--pack-destination", work], path.join(repo, "provider"), npmEnvironment());
    const [packed] = JSON.parse(packJson) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = path.join(work, packed.filename);
    packedFiles = packed.files.map((f) => f.path).sort();
    unpacked = path.join(work, "unpacked");
    fs.mkdirSync(unpacked);
    await runOrThrow("tar", ["-xzf", tarball, "-C", unpacked], work);

    // Both installs at once; each test waits for its own.
    for (const [, version] of SDK_VERSIONS) {
      const dir = path.join(work, `sdk-${version}`);
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "packed-program", version: "1.0.0", private: true, main: "index.ts" }));
      fs.writeFileSync(path.join(dir, "index.ts"), PROGRAM);
      fs.writeFileSync(path.join(dir, "tsconfig.json"), TSCONFIG);
      const install = runOrThrow(
        "npm",
        [
          "install",
          "--no-audit",
          "--no-fund",
          "--prefer-offline",
          tarball,
          `@pulumi/pulumi@${version}`,
          `typescript@${rootPackage.devDependencies.typescript}`,
          `ts-node@${rootPackage.devDependencies["ts-node"]}`,
        ],
        dir,
        npmEnvironment(),
      ).then(() => dir);
      install.catch(() => undefined); // awaited by its tests
      installs.set(version, install);
    }
  }, CLI_SETUP_TIMEOUT_MS);

  afterAll(async () => {
    // Let an install still running finish before its directory goes.
    await Promise.allSettled(installs.values());
    if (work && !process.env.PULUMI_DOMINO_E2E_KEEP) fs.rmSync(work, { recursive: true, force: true });
  });

  test("npm pack ships the README, LICENSE, CHANGELOG, package.json and the built JavaScript, declarations and maps only", () => {
    for (const file of ["README.md", "LICENSE", "CHANGELOG.md", "package.json", "dist/index.js", "dist/index.d.ts", "dist/cli/main.js"]) {
      expect(packedFiles).toContain(file);
    }
    // One shim per kind, each the module a stored provider requires.
    const shims = fs.readdirSync(path.join(REPO_ROOT, "provider/shims")).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"));
    expect(shims.length).toBeGreaterThanOrEqual(12);
    for (const shim of shims) expect(packedFiles).toContain(`dist/shims/${shim.replace(/\.ts$/, ".js")}`);

    const unexpected = packedFiles.filter(
      (f) => !["README.md", "LICENSE", "CHANGELOG.md", "package.json"].includes(f) && !/^dist\/.+\.(js|d\.ts|js\.map)$/.test(f),
    );
    expect(unexpected).toEqual([]);
    expect(packedFiles.filter((f) => f.endsWith(".tsbuildinfo"))).toEqual([]);
    expect(packedFiles.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);

    // Every module has its declarations and its map, and every map carries its sources.
    const modules = packedFiles.filter((f) => f.endsWith(".js"));
    for (const js of modules) {
      expect(packedFiles).toContain(js.replace(/\.js$/, ".d.ts"));
      expect(packedFiles).toContain(`${js}.map`);
    }
    const withoutSources = packedFiles
      .filter((f) => f.endsWith(".js.map"))
      .filter((map) => {
        const { sources, sourcesContent } = readJson(path.join(unpacked, "package", map)) as { sources: string[]; sourcesContent?: unknown[] };
        return !Array.isArray(sourcesContent) || sourcesContent.length !== sources.length || sourcesContent.some((s) => typeof s !== "string" || s === "");
      });
    expect(withoutSources).toEqual([]);

    const manifest = readJson(path.join(unpacked, "package", "package.json"));
    expect(manifest.peerDependencies).toEqual({ "@pulumi/pulumi": PEER_RANGE });
    expect(packedFiles).toContain(manifest.bin["pulumi-domino"].replace(/^\.\//, ""));
    expect(fs.readFileSync(path.join(unpacked, "package", "dist/cli/main.js"), "utf8")).toMatch(/^#!\/usr\/bin\/env node\n/);
    console.info(`${path.basename(tarball)}: ${packedFiles.length} files`);
  });

  describe.each(SDK_VERSIONS)("installed with %s @pulumi/pulumi (%s)", (_label, version) => {
    let domino: E2eEmulator;
    let stack: PulumiProject;
    let installDir: string;

    beforeAll(async () => {
      installDir = await installs.get(version)!;
      domino = await startE2eEmulator();
    }, STEP_TIMEOUT_MS);

    afterAll(async () => {
      stack?.dispose();
      await domino?.stop();
    });

    test(
      "compiles with tsc --strict, the package's and the SDK's declarations included",
      async () => {
        expect(readJson(path.join(installDir, "node_modules/@pulumi/pulumi/package.json")).version).toBe(version);
        const tsc = await run(process.execPath, [path.join(installDir, "node_modules/typescript/bin/tsc"), "-p", installDir], installDir);
        expect(tsc.output).toBe("");
        expect(tsc.code).toBe(0);
      },
      STEP_TIMEOUT_MS,
    );

    test(
      "pulumi up creates every resource, and pulumi destroy removes them",
      async () => {
        stack = await PulumiProject.createFromFiles(
          `package-${version}`,
          {
            "Pulumi.yaml": "name: domino-packed\nruntime: nodejs\n",
            "package.json": fs.readFileSync(path.join(installDir, "package.json"), "utf8"),
            "index.ts": PROGRAM,
            "tsconfig.json": TSCONFIG,
          },
          (nodeModules) => {
            fs.rmdirSync(nodeModules);
            fs.symlinkSync(path.join(installDir, "node_modules"), nodeModules, "dir");
          },
        );
        await stack.setConfig({
          "domino:host": domino.url,
          "domino:apiKey": { value: domino.adminKey, secret: true },
          visibility: "searchable",
          aliceApiKey: { value: domino.emulator.users.alice.apiKey, secret: true },
        });

        const up = await stack.up();
        expect(Object.keys(up.changed).sort()).toEqual(RESOURCES);
        expect(Object.values(up.changed).every((ops) => ops.join() === "create")).toBe(true);
        expect(await stack.outputs()).toEqual({
          projectVisibility: "Searchable",
          collaboratorRole: "contributor",
          goalTitle: "Installed from the tarball",
          revisionStatus: "Succeeded",
          clusters: ["Ray"],
          memberRole: "Admin",
          aliceProjectOwner: "alice",
          aliceUserName: "alice",
          isInstance: true,
        });
        // The stored provider requires the installed package's shim: no code of its own.
        const stored = dynamicResources(await stack.exportState());
        expect(stored).toHaveLength(RESOURCES.length - 1);
        for (const r of stored) expect(r.inputs!.__provider).toMatch(/require\("pulumi-domino\/dist\/shims\/[a-z-]+\.js"\)/);

        const destroyed = await stack.destroy();
        expect(Object.keys(destroyed.changed).sort()).toEqual(RESOURCES);
        expect(Object.values(destroyed.changed).every((ops) => ops.join() === "delete")).toBe(true);
        expect((await stack.exportState()).resources ?? []).toEqual([]);
        const left = await domino.census();
        expect(left.projects).toEqual([]);
        expect(left.environments).toEqual([]);
      },
      STEP_TIMEOUT_MS,
    );
  });
});
