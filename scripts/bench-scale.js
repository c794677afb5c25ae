#!/usr/bin/env node
/**
 * Scale benchmark: what pulumi-domino costs under the real Pulumi CLI, next to what the
 * engine itself needs (issue "No more engine time than the engine itself needs").
 *
 *     npm run bench -- --scale               # N = 10, 50, 150
 *     npm run bench -- --scale --large       # also N = 300
 *     npm run bench -- --scale --quick       # N = 10 only (well under 3 minutes)
 *     npm run bench -- --scale --sizes 50    # chosen sizes
 *     npm run bench -- --scale --profile     # CPU profiles of one N=50 no-op up (see below)
 *
 * Options: --no-build (use provider/dist and emulator/dist as they are), --latency-ms 20,
 * --keep (keep the temporary programs and backends), --out bench/results.json.
 *
 * For each N, two stacks of 5N resources run the same phases, interleaved phase by phase
 * so that a change in the machine's load hits both alike:
 *   - "domino": N projects, each with a collaborator, a goal, a git repository and a
 *     dataset, against the emulator (in this process) with +20 ms latency per answer;
 *     pulumi-domino is installed into the program's node_modules as a real copy of
 *     provider/dist + package.json (what `npm install` lays out), so `__provider` is the
 *     small `require("pulumi-domino/dist/shims/<module>.js")` users get;
 *   - "floor": the same resource count and dependency shape made of a no-op
 *     `pulumi.dynamic.ResourceProvider` (create returns a random id and echoes the inputs):
 *     the engine's, the SDK's and Node's own cost, with no provider code and no API.
 * Phases: up (create all), no-op up, refresh, update of 10% (N/10 goals get
 * isComplete: true, an in-place update), destroy. After the refresh, one extra `up -v=9`
 * of the unchanged program counts the engine's checkpoint writes ("Saved stack ...") and
 * why each "same" step had to write (SnapshotManager "mustWrite() true because of X").
 *
 * CPU by process: every `node` the CLI starts, the language host and `pulumi` itself run
 * under GNU time (/usr/bin/time), through wrapper scripts first on the CLI's PATH; each
 * writes the child's rusage (user + system, from wait4) when it exits. The engine kills
 * plugins with SIGINT to their process group, which GNU time ignores while it waits, so
 * the figures of killed plugins are recorded too. pulumi's own rusage includes every
 * process it waited for, so engine = pulumi - language host - provider - launcher.
 */
const { execFileSync, spawn } = require("child_process");
const crypto = require("crypto");
const fs = require("fs");
const os = require("os");
const path = require("path");

const REPO = path.resolve(__dirname, "..");
const PINNED = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")).pulumiCli.version;
const PHASES = ["up", "noop", "refresh", "update10", "destroy"];
const PHASE_LABEL = { up: "up", noop: "no-op up", refresh: "refresh", update10: "update 10%", destroy: "destroy" };
const COMMAND_TIMEOUT_MS = 30 * 60_000;
const PASSPHRASE = "bench-passphrase";

// ---------------------------------------------------------------------------------------
// Arguments

function parseArgs(argv) {
  const opts = { sizes: [10, 50, 150], latencyMs: 20, keep: false, profile: false, out: path.join(REPO, "bench/results.json") };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--scale" || a === "--no-build") continue;
    else if (a === "--quick") opts.sizes = [10];
    else if (a === "--large") opts.sizes = [...new Set([...opts.sizes, 300])];
    else if (a === "--sizes") opts.sizes = argv[++i].split(",").map(Number);
    else if (a === "--latency-ms") opts.latencyMs = Number(argv[++i]);
    else if (a === "--keep") opts.keep = true;
    else if (a === "--profile") opts.profile = true;
    else if (a === "--out") opts.out = path.resolve(argv[++i]);
    else throw new Error(`unknown argument ${a} (see scripts/bench-scale.js)`);
  }
  if (opts.profile && !argv.includes("--sizes")) opts.sizes = [50];
  if (opts.sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--sizes must be positive integers, got ${opts.sizes}`);
  return opts;
}

// ---------------------------------------------------------------------------------------
// The CLI

function pulumiBinDir() {
  let dir = process.env.PULUMI_BIN_DIR;
  if (!dir) {
    const out = execFileSync("bash", [path.join(REPO, "scripts/ensure-pulumi.sh")], { cwd: REPO, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    dir = out.trim().split("\n").pop();
  }
  for (const f of ["pulumi", "pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"]) {
    if (!fs.existsSync(path.join(dir, f))) throw new Error(`${f} not found in ${dir}`);
  }
  const version = execFileSync(path.join(dir, "pulumi"), ["version"], { encoding: "utf8" }).trim();
  if (version !== PINNED) throw new Error(`pulumi in ${dir} is ${version}, the project pins ${PINNED}`);
  return dir;
}

/** Wrapper scripts that run node and the language host under GNU time, one record per process. */
function writeWrappers(dir, binDir) {
  fs.mkdirSync(dir, { recursive: true });
  const wrap = (name, real, tag) => {
    const file = path.join(dir, name);
    fs.writeFileSync(
      file,
      [
        "#!/bin/sh",
        `# Runs ${real} under GNU time; the record (wall, user, system; command line) goes to $BENCH_CPU_DIR.`,
        `if [ -z "$BENCH_CPU_DIR" ]; then exec ${JSON.stringify(real)} "$@"; fi`,
        // $BENCH_NODE_ARGS (node only, unquoted: several options): e.g. --cpu-prof, which
        // NODE_OPTIONS does not accept.
        `exec /usr/bin/time -q -f '%e %U %S\\n%C' -o "$BENCH_CPU_DIR/${tag}.$$" ${JSON.stringify(real)}${tag === "node" ? " $BENCH_NODE_ARGS" : ""} "$@"`,
        "",
      ].join("\n"),
    );
    fs.chmodSync(file, 0o755);
  };
  wrap("node", process.execPath, "node");
  wrap("pulumi-language-nodejs", path.join(binDir, "pulumi-language-nodejs"), "langhost");
}

function cliEnv(binDir, wrapDir, root) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith("DOMINO_") || k.startsWith("PULUMI_") || k === "NODE_OPTIONS") continue;
    env[k] = v;
  }
  return {
    ...env,
    PATH: [wrapDir, binDir, process.env.PATH ?? ""].join(path.delimiter),
    PULUMI_BACKEND_URL: `file://${path.join(root, "backend")}`,
    PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
    PULUMI_HOME: path.join(root, "home"),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_DISABLE_REGISTRY_RESOLVE: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    NO_COLOR: "1",
  };
}

function parseTimeRecord(file) {
  const lines = fs.readFileSync(file, "utf8").trim().split("\n");
  // A first line like "Command exited with non-zero status 1" precedes the figures.
  const idx = lines.findIndex((l) => /^[\d.]+ [\d.]+ [\d.]+$/.test(l.trim()));
  if (idx < 0) return undefined;
  const [wall, user, sys] = lines[idx].trim().split(" ").map(Number);
  return { wall, cpu: user + sys, command: lines.slice(idx + 1).join("\n") };
}

/**
 * CPU seconds of one CLI command by process: program (node running the user's program),
 * provider (the dynamic-provider node process), langhost (the Go language host itself),
 * engine (pulumi itself), launcher (the `node -p require.resolve` of the provider plugin
 * script and the language host's `node -e`/`--version` helpers).
 */
function cpuBreakdown(dir) {
  const out = { program: 0, provider: 0, langhost: 0, engine: 0, launcher: 0, total: 0, processes: 0, missing: [] };
  let langhostTotal = 0;
  let pulumiTotal;
  let langhostHelpers = 0;
  for (const f of fs.readdirSync(dir)) {
    const rec = parseTimeRecord(path.join(dir, f));
    if (!rec) {
      out.missing.push(f);
      continue;
    }
    out.processes++;
    if (f === "pulumi") pulumiTotal = rec.cpu;
    else if (f.startsWith("langhost.")) langhostTotal += rec.cpu;
    else if (rec.command.includes("cmd/dynamic-provider")) out.provider += rec.cpu;
    else if (rec.command.includes("cmd/run")) out.program += rec.cpu;
    else {
      // The provider plugin script's `node -p` runs under the engine; the language host's
      // `node -e require.resolve` and `node --version` run under the language host.
      out.launcher += rec.cpu;
      if (!/ -p /.test(` ${rec.command} `)) langhostHelpers += rec.cpu;
    }
  }
  if (pulumiTotal === undefined) throw new Error(`no rusage record of pulumi in ${dir}`);
  out.total = pulumiTotal;
  out.langhost = Math.max(0, langhostTotal - out.program - langhostHelpers);
  out.engine = Math.max(0, pulumiTotal - langhostTotal - out.provider - (out.launcher - langhostHelpers));
  for (const k of ["program", "provider", "langhost", "engine", "launcher", "total"]) out[k] = round(out[k], 2);
  return out;
}

function round(x, digits = 2) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** One `pulumi` command under GNU time; resolves with its output, wall seconds and CPU by process. */
function runPulumi(stack, args, { verboseCounter, extraEnv } = {}) {
  const cpuDir = fs.mkdtempSync(path.join(stack.root, "cpu-"));
  const env = { ...stack.env, BENCH_CPU_DIR: cpuDir, ...(extraEnv ?? {}) };
  const started = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  return new Promise((resolve, reject) => {
    const child = spawn(
      "/usr/bin/time",
      ["-q", "-f", "%e %U %S\n%C", "-o", path.join(cpuDir, "pulumi"), path.join(stack.binDir, "pulumi"), ...args, "--non-interactive"],
      { cwd: stack.programDir, env, stdio: ["ignore", "pipe", "pipe"] },
    );
    const stdout = [];
    let stderrTail = "";
    let pending = "";
    child.stdout.on("data", (d) => stdout.push(d));
    child.stderr.on("data", (d) => {
      const text = d.toString();
      if (verboseCounter) {
        // -v=9 logs can run to hundreds of MB: counted line by line, never kept.
        pending += text;
        const lines = pending.split("\n");
        pending = lines.pop();
        for (const l of lines) verboseCounter(l);
      }
      stderrTail = (stderrTail + text).slice(-8000);
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), COMMAND_TIMEOUT_MS);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (verboseCounter && pending) verboseCounter(pending);
      const wall = Number(process.hrtime.bigint() - started) / 1e9;
      const emulatorCpu = process.cpuUsage(cpuBefore);
      const out = Buffer.concat(stdout).toString();
      if (code !== 0) {
        reject(new Error(`pulumi ${args.join(" ")} (${stack.kind}) exited with ${code}\n${failureText(out, stderrTail)}`));
        return;
      }
      let cpu;
      try {
        cpu = cpuBreakdown(cpuDir);
      } catch (err) {
        reject(err);
        return;
      }
      fs.rmSync(cpuDir, { recursive: true, force: true });
      resolve({ stdout: out, wall: round(wall, 2), cpu, benchCpu: round((emulatorCpu.user + emulatorCpu.system) / 1e6, 2) });
    });
  });
}

function failureText(stdout, stderr) {
  const errors = events(stdout)
    .filter((e) => e.diagnosticEvent && e.diagnosticEvent.severity === "error")
    .map((e) => e.diagnosticEvent.message.trim());
  const tail = (t) => t.split("\n").filter((l) => !l.includes('"severity":"debug"')).slice(-30).join("\n");
  return `--- ${errors.length ? "errors" : "stdout (tail)"}\n${errors.length ? errors.join("\n") : tail(stdout)}\n--- stderr (tail)\n${tail(stderr)}`;
}

function events(stdout) {
  const out = [];
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      // not an event
    }
  }
  return out;
}

function summaryOf(stdout) {
  const summary = events(stdout).find((e) => e.summaryEvent);
  return summary ? summary.summaryEvent.resourceChanges ?? {} : {};
}

// ---------------------------------------------------------------------------------------
// The two programs

const PULUMI_YAML = (name, description) =>
  `name: ${name}\ndescription: ${description}\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n`;

const DOMINO_PROGRAM = `// N projects, each with a collaborator, a goal, a git repository and a dataset (5N resources).
const pulumi = require("@pulumi/pulumi");
const domino = require("pulumi-domino");

const config = new pulumi.Config();
const n = config.requireNumber("n");
const completed = config.getNumber("completed") || 0;
const userId = config.require("userId");

for (let i = 0; i < n; i++) {
  const project = new domino.Project(\`p\${i}\`, { name: \`bench-p\${i}\`, description: \`Scale benchmark project \${i}\` });
  new domino.Collaborator(\`c\${i}\`, { projectId: project.id, userId, role: "contributor" });
  new domino.Goal(\`g\${i}\`, { projectId: project.id, title: \`Goal \${i}\`, isComplete: i < completed });
  new domino.GitRepository(\`r\${i}\`, { projectId: project.id, uri: \`https://github.com/example/bench-\${i}.git\` });
  new domino.Dataset(\`d\${i}\`, { projectId: project.id, name: \`data-\${i}\` });
}
`;

const FLOOR_PROGRAM = `// The engine's floor: the same 5N resources and dependency shape as the domino program,
// made of a no-op dynamic provider (create returns a random id and echoes the inputs).
const pulumi = require("@pulumi/pulumi");

const config = new pulumi.Config();
const n = config.requireNumber("n");
const completed = config.getNumber("completed") || 0;
const userId = config.require("userId");

// One provider object per kind, as pulumi-domino has one shim per kind.
function noopProvider() {
  return {
    async create(inputs) {
      return { id: require("crypto").randomBytes(12).toString("hex"), outs: inputs };
    },
  };
}
function kind(type) {
  const provider = noopProvider();
  return class extends pulumi.dynamic.Resource {
    constructor(name, args, opts) {
      super(provider, name, args, opts, "floor", type);
    }
  };
}
const Project = kind("Project");
const Collaborator = kind("Collaborator");
const Goal = kind("Goal");
const GitRepository = kind("GitRepository");
const Dataset = kind("Dataset");

for (let i = 0; i < n; i++) {
  const project = new Project(\`p\${i}\`, { name: \`bench-p\${i}\`, description: \`Scale benchmark project \${i}\` });
  new Collaborator(\`c\${i}\`, { projectId: project.id, userId, role: "contributor" });
  new Goal(\`g\${i}\`, { projectId: project.id, title: \`Goal \${i}\`, isComplete: i < completed });
  new GitRepository(\`r\${i}\`, { projectId: project.id, uri: \`https://github.com/example/bench-\${i}.git\` });
  new Dataset(\`d\${i}\`, { projectId: project.id, name: \`data-\${i}\` });
}
`;

/**
 * pulumi-domino as `npm install` lays it out: a real copy of the built package under the
 * program's node_modules (a symlink would resolve outside node_modules and make the SDK
 * store the shims by value). Its dependencies resolve to this repository's copies.
 */
function installPackage(nodeModules, distSnapshot) {
  const pkg = path.join(nodeModules, "pulumi-domino");
  fs.mkdirSync(pkg, { recursive: true });
  fs.cpSync(distSnapshot, path.join(pkg, "dist"), { recursive: true });
  fs.copyFileSync(path.join(REPO, "provider/package.json"), path.join(pkg, "package.json"));
}

function linkDependencies(nodeModules) {
  fs.mkdirSync(nodeModules, { recursive: true });
  for (const dep of ["@pulumi", "node-fetch"]) fs.symlinkSync(path.join(REPO, "node_modules", dep), path.join(nodeModules, dep), "dir");
}

async function makeStack(kind, ctx, n) {
  const root = fs.mkdtempSync(path.join(ctx.tmp, `${kind}-${n}-`));
  const programDir = path.join(root, "program");
  fs.mkdirSync(programDir, { recursive: true });
  fs.mkdirSync(path.join(root, "backend"));
  fs.mkdirSync(path.join(root, "home"));
  const projectName = kind === "domino" ? "domino-scale" : "floor-scale";
  fs.writeFileSync(path.join(programDir, "Pulumi.yaml"), PULUMI_YAML(projectName, `Scale benchmark (${kind})`));
  fs.writeFileSync(path.join(programDir, "package.json"), JSON.stringify({ name: projectName, version: "0.0.0", private: true, main: "index.js" }, null, 2));
  fs.writeFileSync(path.join(programDir, "index.js"), kind === "domino" ? DOMINO_PROGRAM : FLOOR_PROGRAM);
  const nodeModules = path.join(programDir, "node_modules");
  linkDependencies(nodeModules);
  if (kind === "domino") installPackage(nodeModules, ctx.distSnapshot);
  const stack = { kind, n, root, programDir, binDir: ctx.binDir, env: cliEnv(ctx.binDir, ctx.wrapDir, root), name: "bench", projectName };
  await runPulumi(stack, ["stack", "init", stack.name]);
  const config = ["--plaintext", `n=${n}`, "--plaintext", `userId=${ctx.emulator.users.alice.id}`];
  if (kind === "domino") {
    config.push("--plaintext", `domino:host=${ctx.emulator.url}`, "--secret", `domino:apiKey=${ctx.emulator.users.admin.apiKey}`);
  }
  await runPulumi(stack, ["config", "set-all", "--stack", stack.name, ...config]);
  return stack;
}

function stateFile(stack) {
  return path.join(stack.root, "backend", ".pulumi", "stacks", stack.projectName, `${stack.name}.json`);
}

/** Checkpoint size, and `__provider` bytes per dynamic resource (one copy; the state holds it in inputs and outputs). */
function stateFigures(stack) {
  const file = stateFile(stack);
  if (!fs.existsSync(file)) return { stateBytes: 0 };
  const text = fs.readFileSync(file, "utf8");
  const resources = (JSON.parse(text).checkpoint?.latest?.resources ?? []).filter((r) => typeof r.inputs?.__provider === "string");
  const sizes = resources.map((r) => Buffer.byteLength(r.inputs.__provider, "utf8"));
  const byType = {};
  for (const r of resources) byType[r.type.split(":").pop()] = Buffer.byteLength(r.inputs.__provider, "utf8");
  return {
    stateBytes: Buffer.byteLength(text),
    resources: resources.length,
    providerBytes: sizes.length ? { min: Math.min(...sizes), max: Math.max(...sizes), byType } : undefined,
    sample: resources[0]?.inputs.__provider,
  };
}

// ---------------------------------------------------------------------------------------
// API requests: measured, and the contract's minimum

async function requestCounts(url, reset = true) {
  const body = await (await fetch(`${url}/__emulator/requests`)).json();
  if (reset) await fetch(`${url}/__emulator/requests`, { method: "DELETE" });
  return body;
}

const R = {
  self: "GET /api/users/v1/self",
  listProjects: "GET /api/projects/beta/projects",
  createProject: "POST /api/projects/beta/projects",
  archiveProject: "DELETE /api/projects/beta/projects/{projectId}",
  getProject: "GET /api/projects/v1/projects/{projectId}",
  addCollaborator: "POST /api/projects/v1/projects/{projectId}/collaborators",
  removeCollaborator: "DELETE /api/projects/v1/projects/{projectId}/collaborators/{collaboratorId}",
  listGoals: "GET /api/projects/v1/projects/{projectId}/goals",
  createGoal: "POST /api/projects/v1/projects/{projectId}/goals",
  patchGoal: "PATCH /api/projects/v1/projects/{projectId}/goals/{goalId}",
  deleteGoal: "DELETE /api/projects/v1/projects/{projectId}/goals/{goalId}",
  listRepositories: "GET /api/projects/v1/projects/{projectId}/repositories",
  addRepository: "POST /api/projects/v1/projects/{projectId}/repositories",
  removeRepository: "DELETE /api/projects/v1/projects/{projectId}/repositories/{repositoryId}",
  listDatasets: "GET /api/datasetrw/v2/datasets",
  createDataset: "POST /api/datasetrw/v1/datasets",
  getDataset: "GET /api/datasetrw/v1/datasets/{datasetId}",
  deleteDataset: "DELETE /api/datasetrw/v1/datasets/{datasetId}",
};

/**
 * The fewest requests each phase can make under the contract (README, "Benchmarks"):
 * - one connection check per provider process, `GET /api/users/v1/self` (it is also the
 *   version probe, needed before the first create or read; the engine starts one
 *   dynamic-provider process per CLI command);
 * - a create is one list of what exists (create recovery: after a lost answer, only an
 *   object that was not there before may be taken) + one POST. The lists: the owner's
 *   projects (the contract's project list has no name filter; one page of up to 999),
 *   the project (its collaborators come with it), the project's goals, its repositories,
 *   its datasets (v2 list, projectIdsToInclude). Creates under one parent that run at once
 *   share a list in flight, so `up` can send fewer lists than this (never more);
 * - a read for refresh is one GET: the project, the project again for the collaborator
 *   (there is no collaborator GET), the goal list (no goal GET), the repository list (no
 *   repository GET), the dataset; reads of one object that overlap share a request, so a
 *   refresh can send fewer;
 * - an in-place update of isComplete is one PATCH of the goal;
 * - a delete is one DELETE (a project is archived; children go first);
 * - a no-op up needs nothing beyond the connection check: check and diff are local.
 */
function minimum(phase, n) {
  const tenth = Math.round(n / 10);
  const routes = { [R.self]: 1 };
  const add = (route, k) => (routes[route] = (routes[route] ?? 0) + k);
  if (phase === "up") {
    for (const r of [R.listProjects, R.createProject, R.getProject, R.addCollaborator, R.listGoals, R.createGoal, R.listRepositories, R.addRepository, R.listDatasets, R.createDataset]) add(r, n);
  } else if (phase === "refresh") {
    add(R.getProject, 2 * n);
    for (const r of [R.listGoals, R.listRepositories, R.getDataset]) add(r, n);
  } else if (phase === "update10") {
    add(R.patchGoal, tenth);
  } else if (phase === "destroy") {
    for (const r of [R.removeCollaborator, R.deleteGoal, R.removeRepository, R.deleteDataset, R.archiveProject]) add(r, n);
  }
  return { total: Object.values(routes).reduce((a, b) => a + b, 0), routes };
}

/** Routes where the measured count differs from the minimum: +k over it, -k under it. */
function routeExcess(measured, min) {
  const diff = {};
  for (const route of new Set([...Object.keys(measured), ...Object.keys(min)])) {
    const d = (measured[route] ?? 0) - (min[route] ?? 0);
    if (d !== 0) diff[route] = d;
  }
  return diff;
}

// ---------------------------------------------------------------------------------------
// Phases

function phaseCommand(phase, stack) {
  const s = ["--stack", stack.name];
  switch (phase) {
    case "up":
    case "noop":
      return ["up", ...s, "--yes", "--skip-preview", "--json"];
    case "refresh":
      return ["refresh", ...s, "--yes", "--skip-preview", "--json"];
    case "update10":
      return ["up", ...s, "--yes", "--skip-preview", "--json"];
    case "destroy":
      return ["destroy", ...s, "--yes", "--skip-preview", "--json"];
  }
  throw new Error(phase);
}

/** What the engine must report for each phase: proof that the phase did what it says. */
function expectedChanges(phase, n) {
  const all = 5 * n + 1;
  switch (phase) {
    case "up":
      return { create: all };
    case "noop":
      return { same: all };
    case "refresh":
      return { same: all };
    case "update10":
      return { update: Math.round(n / 10), same: all - Math.round(n / 10) };
    case "destroy":
      return { delete: all };
  }
}

function sameChanges(actual, expected) {
  const keys = new Set([...Object.keys(actual), ...Object.keys(expected)]);
  for (const k of keys) if ((actual[k] ?? 0) !== (expected[k] ?? 0)) return false;
  return true;
}

async function runPhase(phase, stack, ctx) {
  if (phase === "update10") await runPulumi(stack, ["config", "set", "--stack", stack.name, "completed", String(Math.round(stack.n / 10))]);
  if (stack.kind === "domino") await requestCounts(ctx.emulator.url);
  const res = await runPulumi(stack, phaseCommand(phase, stack));
  const api = stack.kind === "domino" ? await requestCounts(ctx.emulator.url) : { total: 0, byRoute: {} };
  const changes = summaryOf(res.stdout);
  const expected = expectedChanges(phase, stack.n);
  const as = sameChanges(changes, expected);
  if (!as) {
    const what = `${stack.kind} ${phase} (N=${stack.n}): the engine reported ${JSON.stringify(changes)}, expected ${JSON.stringify(expected)}`;
    // A create or delete that did not happen makes every later figure meaningless; other
    // differences (a refresh that changed outputs, say) are findings, reported as such.
    if (phase === "up" || phase === "destroy") throw new Error(what);
    console.log(`  WARNING: ${what}`);
  }
  return { wall: res.wall, cpu: res.cpu, benchCpu: res.benchCpu, api, changes, changesAsExpected: as, state: stateFigures(stack) };
}

/** `up -v=9` of the unchanged program: checkpoint writes and why "same" steps wrote. */
async function checkpointWrites(stack, ctx) {
  const counts = { saved: 0, sameSteps: 0, mustWrite: {}, elidedOutputs: 0 };
  const counter = (line) => {
    if (line.includes("Saved stack") && line.includes("checkpoint to")) counts.saved++;
    else if (line.includes("SnapshotManager: Beginning mutation for step `same`")) counts.sameSteps++;
    else if (line.includes("eliding RegisterResourceOutputs")) counts.elidedOutputs++;
    else {
      const m = /mustWrite\(\) true because of (\w+)/.exec(line);
      if (m) counts.mustWrite[m[1]] = (counts.mustWrite[m[1]] ?? 0) + 1;
    }
  };
  if (stack.kind === "domino") await requestCounts(ctx.emulator.url);
  const res = await runPulumi(stack, [...phaseCommand("noop", stack), "--logtostderr", "-v=9"], { verboseCounter: counter });
  if (stack.kind === "domino") counts.api = (await requestCounts(ctx.emulator.url)).total;
  counts.changes = summaryOf(res.stdout);
  return counts;
}

function loadAverage() {
  const [one, five, fifteen] = os.loadavg();
  return { one: round(one), five: round(five), fifteen: round(fifteen), uptime: execFileSync("uptime", { encoding: "utf8" }).trim() };
}

async function startEmulatorWithLatency(latencyMs) {
  const { startEmulator } = require(path.join(REPO, "emulator/dist"));
  const emulator = await startEmulator({ buildDurationMs: 50, snapshotDurationMs: 20 });
  const res = await fetch(`${emulator.url}/__emulator/faults`, {
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ latencyMs }),
  });
  if (!res.ok) throw new Error(`PUT /__emulator/faults answered ${res.status}: ${await res.text()}`);
  return emulator;
}

async function runSize(n, ctx, log) {
  const loadBefore = loadAverage();
  log(`\nN=${n} (${5 * n} resources per stack); ${loadBefore.uptime}`);
  const domino = await makeStack("domino", ctx, n);
  const floor = await makeStack("floor", ctx, n);
  const phases = [];
  let writes;
  let sampleProvider;
  for (const phase of PHASES) {
    const d = await runPhase(phase, domino, ctx);
    const f = await runPhase(phase, floor, ctx);
    const min = minimum(phase, n);
    const row = {
      phase,
      api: d.api.total,
      apiMin: min.total,
      apiRatio: round(d.api.total / min.total, 2),
      apiByRoute: d.api.byRoute,
      apiExcess: routeExcess(d.api.byRoute, min.routes),
      wall: d.wall,
      floorWall: f.wall,
      wallRatio: round(d.wall / f.wall, 2),
      cpu: d.cpu,
      floorCpu: f.cpu,
      emulatorAndBenchCpu: d.benchCpu,
      stateBytes: d.state.stateBytes,
      floorStateBytes: f.state.stateBytes,
      providerBytes: d.state.providerBytes,
      floorProviderBytes: f.state.providerBytes,
      changes: d.changes,
      load: os.loadavg().map((x) => round(x)),
    };
    phases.push(row);
    if (phase === "up") sampleProvider = { domino: d.state.sample, floor: f.state.sample };
    log(
      `  ${PHASE_LABEL[phase].padEnd(11)} API ${row.api}/${row.apiMin}  wall ${row.wall}s vs floor ${row.floorWall}s (x${row.wallRatio})  ` +
        `CPU prog/eng/prov ${row.cpu.program}/${row.cpu.engine}/${row.cpu.provider} vs ${row.floorCpu.program}/${row.floorCpu.engine}/${row.floorCpu.provider}` +
        (Object.keys(row.apiExcess).length ? `  excess ${JSON.stringify(row.apiExcess)}` : ""),
    );
    if (phase === "refresh") {
      writes = { domino: await checkpointWrites(domino, ctx), floor: await checkpointWrites(floor, ctx) };
      log(
        `  up after refresh, -v=9: checkpoint writes ${writes.domino.saved} (domino) vs ${writes.floor.saved} (floor), ` +
          `over ${writes.domino.sameSteps} vs ${writes.floor.sameSteps} "same" steps; mustWrite ${JSON.stringify(writes.domino.mustWrite)} vs ${JSON.stringify(writes.floor.mustWrite)}`,
      );
    }
  }
  if (!ctx.keep) {
    fs.rmSync(domino.root, { recursive: true, force: true });
    fs.rmSync(floor.root, { recursive: true, force: true });
  } else log(`  kept ${domino.root} and ${floor.root} (passphrase "${PASSPHRASE}")`);
  return { n, resources: 5 * n, measuredAt: new Date().toISOString(), loadBefore, loadAfter: loadAverage(), phases, checkpointWritesAfterRefresh: writes, sampleProvider };
}

// ---------------------------------------------------------------------------------------
// Output

function table(runs) {
  const head = ["N", "phase", "API", "min", "API/min", "wall s", "floor s", "wall/floor", "CPU s prog/eng/prov", "floor CPU s prog/eng/prov", "state KB", "floor KB", "__provider B/res"];
  const rows = [];
  for (const run of runs) {
    for (const p of run.phases) {
      rows.push([
        String(run.n),
        PHASE_LABEL[p.phase],
        String(p.api),
        String(p.apiMin),
        p.apiRatio.toFixed(2),
        p.wall.toFixed(1),
        p.floorWall.toFixed(1),
        p.wallRatio.toFixed(2),
        `${p.cpu.program.toFixed(1)} / ${p.cpu.engine.toFixed(1)} / ${p.cpu.provider.toFixed(1)}`,
        `${p.floorCpu.program.toFixed(1)} / ${p.floorCpu.engine.toFixed(1)} / ${p.floorCpu.provider.toFixed(1)}`,
        (p.stateBytes / 1024).toFixed(0),
        (p.floorStateBytes / 1024).toFixed(0),
        p.providerBytes ? (p.providerBytes.min === p.providerBytes.max ? String(p.providerBytes.min) : `${p.providerBytes.min}-${p.providerBytes.max}`) : "-",
      ]);
    }
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [line(head), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}

function writesTable(runs) {
  const lines = ["| N | checkpoint writes, up after refresh (domino) | floor | why the domino \"same\" steps wrote | floor |", "|---|---|---|---|---|"];
  for (const run of runs) {
    const w = run.checkpointWritesAfterRefresh;
    if (!w) continue;
    const reasons = (m) => (Object.keys(m).length ? Object.entries(m).map(([k, v]) => `${k} ${v}`).join(", ") : "none");
    lines.push(`| ${run.n} | ${w.domino.saved} | ${w.floor.saved} | ${reasons(w.domino.mustWrite)} | ${reasons(w.floor.mustWrite)} |`);
  }
  return lines.join("\n");
}

function saveResults(file, runs, meta) {
  let previous = { runs: [] };
  if (fs.existsSync(file)) {
    try {
      previous = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch {
      previous = { runs: [] };
    }
  }
  // Results of other sizes from earlier runs are kept; a size measured again is replaced.
  const bySize = new Map((previous.runs ?? []).map((r) => [r.n, r]));
  for (const r of runs) bySize.set(r.n, { ...r, meta });
  const merged = [...bySize.values()].sort((a, b) => a.n - b.n);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    JSON.stringify({ description: "npm run bench -- --scale (scripts/bench-scale.js); see README, Benchmarks", updatedAt: new Date().toISOString(), runs: merged }, null, 2) + "\n",
  );
  return merged;
}

// ---------------------------------------------------------------------------------------
// Profiles (--profile): one no-op up of the domino stack (and of the floor) with
// node --cpu-prof in every node process, and the engine's own CPU profile (--profiling).

const SIGINT_EXIT = `// The engine stops plugins with SIGINT; exit normally so that --cpu-prof writes the profile.
process.once("SIGINT", () => process.exit(0));
`;

function ownerOf(url, functionName) {
  if (!url) {
    if (/^\((garbage collector|program|idle|root)\)$/.test(functionName)) return `V8 ${functionName}`;
    return "node/V8 native";
  }
  if (url.includes("/node_modules/pulumi-domino/")) return "ours (pulumi-domino)";
  // pulumi-domino's own dependency (the SDK's are under @pulumi/pulumi's tree or beside it).
  if (/\/node_modules\/(node-fetch|whatwg-url|tr46|webidl-conversions)\//.test(url)) return "ours dep (node-fetch)";
  if (url.includes("/@pulumi/pulumi/")) return "SDK (@pulumi/pulumi)";
  if (url.includes("/@grpc/")) return "SDK dep (@grpc/grpc-js)";
  if (url.includes("/google-protobuf/")) return "SDK dep (google-protobuf)";
  if (url.includes("/node_modules/")) return `SDK dep (${url.split("/node_modules/").pop().split("/").slice(0, url.includes("/node_modules/@") ? 2 : 1).join("/")})`;
  if (url.startsWith("node:")) return "node (built-in modules)";
  if (url.includes("/program/index.js")) return "user program";
  return `other (${url})`;
}

/** Owners folded into: ours, the SDK with its dependencies, node's loader and built-ins, V8, the user's program. */
function groupOwners(owners) {
  const groups = {};
  for (const [owner, ms] of owners) {
    const g = owner.startsWith("ours dep")
      ? "our deps (node-fetch)"
      : owner.startsWith("ours")
      ? "ours"
      : owner.startsWith("SDK")
        ? "SDK + deps"
        : owner.startsWith("node")
          ? "node (loader, built-ins, native)"
          : owner === "V8 (idle)"
            ? "idle"
            : owner.startsWith("V8")
              ? "V8 (GC, program)"
              : owner;
    groups[g] = (groups[g] ?? 0) + ms;
  }
  return Object.fromEntries(Object.entries(groups).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, round(v, 1)]));
}

function analyseProfile(file) {
  const prof = JSON.parse(fs.readFileSync(file, "utf8"));
  const byId = new Map(prof.nodes.map((nd) => [nd.id, nd]));
  const self = new Map();
  const deltas = prof.timeDeltas;
  for (let i = 0; i < prof.samples.length; i++) {
    const dt = deltas[i + 1] ?? 0;
    self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + dt);
  }
  const fns = new Map();
  const owners = new Map();
  let total = 0;
  let role = "other node";
  for (const nd of prof.nodes) {
    const url = nd.callFrame.url;
    if (url.includes("cmd/dynamic-provider")) role = "provider";
    else if (url.includes("cmd/run/") && role !== "provider") role = "program";
  }
  for (const [id, us] of self) {
    const cf = byId.get(id).callFrame;
    const owner = ownerOf(cf.url, cf.functionName);
    const key = `${cf.functionName || "(anonymous)"} ${cf.url ? `${cf.url.replace(/^file:\/\//, "").replace(/.*\/node_modules\//, "")}:${cf.lineNumber + 1}` : ""}`.trim();
    const f = fns.get(key) ?? { fn: key, owner, ms: 0 };
    f.ms += us / 1000;
    fns.set(key, f);
    owners.set(owner, (owners.get(owner) ?? 0) + us / 1000);
    total += us / 1000;
  }
  // Whose work the runtime's time is: each sample goes to the nearest frame (itself or a
  // caller) that belongs to a package or the user's program, so that module loading, GC-free
  // built-ins and native calls count for the code that asked for them.
  const parent = new Map();
  for (const nd of prof.nodes) for (const c of nd.children ?? []) parent.set(c, nd.id);
  const attributed = new Map();
  for (const [id, us] of self) {
    const own = ownerOf(byId.get(id).callFrame.url, byId.get(id).callFrame.functionName);
    if (own.startsWith("V8")) {
      attributed.set(own, (attributed.get(own) ?? 0) + us / 1000);
      continue;
    }
    let cur = id;
    let owner = "node (no package caller)";
    while (cur !== undefined) {
      const cf = byId.get(cur).callFrame;
      const o = ownerOf(cf.url, cf.functionName);
      if (!o.startsWith("node") && !o.startsWith("V8")) {
        owner = o.startsWith("SDK") ? "SDK + deps" : o.startsWith("ours") ? "ours + node-fetch" : o;
        break;
      }
      cur = parent.get(cur);
    }
    attributed.set(owner, (attributed.get(owner) ?? 0) + us / 1000);
  }
  const idle = owners.get("V8 (idle)") ?? 0;
  return {
    role,
    file: path.basename(file),
    sampledMs: round(total, 1),
    busyMs: round(total - idle, 1),
    byOwner: Object.fromEntries([...owners].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, round(v, 1)])),
    byGroup: groupOwners(owners),
    attributed: Object.fromEntries([...attributed].filter(([k]) => k !== "V8 (idle)").sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, round(v, 1)])),
    topOurs: [...fns.values()].filter((f) => f.owner.startsWith("ours")).sort((a, b) => b.ms - a.ms).slice(0, 10).map((f) => ({ ...f, ms: round(f.ms, 1) })),
    top: [...fns.values()].filter((f) => f.owner !== "V8 (idle)").sort((a, b) => b.ms - a.ms).slice(0, 20).map((f) => ({ ...f, ms: round(f.ms, 1) })),
  };
}

function goPprofTop(binDir, profile) {
  try {
    return execFileSync("go", ["tool", "pprof", "-top", "-cum", "-nodecount=30", path.join(binDir, "pulumi"), profile], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (err) {
    return `go tool pprof failed: ${err.message}`;
  }
}

async function profileRun(ctx, n, log) {
  log(`\nProfiles of a no-op up, N=${n}; ${loadAverage().uptime}`);
  const result = { n, measuredAt: new Date().toISOString(), load: loadAverage(), stacks: {} };
  for (const kind of ["domino", "floor"]) {
    const stack = await makeStack(kind, ctx, n);
    await runPulumi(stack, phaseCommand("up", stack));
    const profDir = path.join(stack.root, "cpuprof");
    fs.mkdirSync(profDir);
    const preload = path.join(stack.root, "sigint-exit.js");
    fs.writeFileSync(preload, SIGINT_EXIT);
    result.stacks[kind] = {};
    // The no-op up (the issue's case), then a refresh (where the provider works per resource).
    for (const phase of ["noop", "refresh"]) {
      const dir = path.join(profDir, phase);
      fs.mkdirSync(dir);
      const res = await runPulumi(stack, [...phaseCommand(phase, stack), "--profiling", path.join(dir, "engine")], {
        extraEnv: { BENCH_NODE_ARGS: `--cpu-prof --cpu-prof-dir=${dir} --require=${preload}` },
      });
      const profiles = fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".cpuprofile"))
        .map((f) => analyseProfile(path.join(dir, f)))
        .filter((p) => p.role !== "other node");
      const cpuFile = fs.readdirSync(dir).find((f) => f.startsWith("engine") && f.endsWith(".cpu"));
      const engineTop = cpuFile ? goPprofTop(ctx.binDir, path.join(dir, cpuFile)) : "no engine profile written";
      result.stacks[kind][phase] = { wall: res.wall, cpu: res.cpu, profiles, engineTop };
      log(`  ${kind} ${PHASE_LABEL[phase]}: wall ${res.wall}s, CPU ${JSON.stringify(res.cpu)}`);
      for (const p of profiles) {
        log(`    ${p.role} (${p.busyMs} ms busy of ${p.sampledMs} ms sampled): ${Object.entries(p.byGroup).map(([k, v]) => `${k} ${v}`).join(", ")}`);
        log(`      busy time by the package whose code asked for it: ${Object.entries(p.attributed).map(([k, v]) => `${k} ${v}`).join(", ")}`);
        for (const f of p.top.slice(0, 15)) log(`      ${f.ms.toFixed(1).padStart(7)} ms  ${f.owner.padEnd(26)} ${f.fn}`);
        if (p.topOurs.length) log(`      ours, top: ${p.topOurs.slice(0, 6).map((f) => `${f.fn} ${f.ms} ms`).join("; ")}`);
      }
      log(`    engine (pulumi --profiling), top:\n${engineTop.split("\n").slice(5, 26).map((l) => `      ${l}`).join("\n")}`);
    }
    await runPulumi(stack, phaseCommand("destroy", stack));
    if (!ctx.keep) fs.rmSync(stack.root, { recursive: true, force: true });
    else log(`  kept ${stack.root}`);
  }
  return result;
}

// ---------------------------------------------------------------------------------------

async function main(argv) {
  const opts = parseArgs(argv);
  const log = (s) => console.log(s);
  for (const dist of ["provider/dist/index.js", "provider/dist/shims/goal.js", "emulator/dist/index.js"]) {
    if (!fs.existsSync(path.join(REPO, dist))) throw new Error(`${dist} is missing: run \`npx tsc -b provider emulator\` first`);
  }
  const binDir = pulumiBinDir();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-domino-bench-scale-"));
  // A snapshot of provider/dist taken once, so that a rebuild during the run changes nothing.
  const distSnapshot = path.join(tmp, "provider-dist");
  fs.cpSync(path.join(REPO, "provider/dist"), distSnapshot, { recursive: true });
  const wrapDir = path.join(tmp, "bin");
  writeWrappers(wrapDir, binDir);
  const emulator = await startEmulatorWithLatency(opts.latencyMs);
  const ctx = { binDir, wrapDir, tmp, distSnapshot, emulator, keep: opts.keep };
  const meta = {
    pulumi: PINNED,
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    latencyMs: opts.latencyMs,
    providerDist: "provider/dist as built, copied under node_modules/pulumi-domino",
  };
  log(`Scale benchmark: pulumi ${PINNED}, node ${process.version}, ${meta.cpus} CPUs, emulator ${emulator.url} with +${opts.latencyMs} ms per answer`);
  try {
    if (opts.profile) {
      const results = [];
      for (const n of opts.sizes) results.push(await profileRun(ctx, n, log));
      const file = path.join(path.dirname(opts.out), "profile.json");
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify({ meta, results }, null, 2) + "\n");
      log(`\nwrote ${path.relative(REPO, file)}`);
      return;
    }
    const runs = [];
    for (const n of opts.sizes) {
      await fetch(`${emulator.url}/__emulator/reset`, { method: "POST" });
      await fetch(`${emulator.url}/__emulator/faults`, { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ latencyMs: opts.latencyMs }) });
      runs.push(await runSize(n, ctx, log));
    }
    const merged = saveResults(opts.out, runs, meta);
    log(`\n${table(merged)}\n`);
    log(`${writesTable(merged)}\n`);
    log(`CPU s: program = node running the user's program, eng = pulumi itself, prov = the dynamic-provider node process (GNU time rusage per process).`);
    log(`wrote ${path.relative(REPO, opts.out)}`);
  } finally {
    await emulator.stop();
    if (!opts.keep) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

module.exports = { main, minimum, parseArgs, internals: { pulumiBinDir, writeWrappers, makeStack, runPulumi, phaseCommand, stateFigures, stateFile, startEmulatorWithLatency, analyseProfile } };

if (require.main === module) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
