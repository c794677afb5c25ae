/**
 * Drives the real Pulumi CLI for the end-to-end tests.
 *
 * The CLI comes from `PULUMI_BIN_DIR` when set (CI runs scripts/ensure-pulumi.sh first),
 * otherwise from scripts/ensure-pulumi.sh itself, which builds it on a cold machine. A
 * missing or wrong CLI fails the tests: they never skip.
 *
 * Each `PulumiProject` is a copy of one example in a temporary directory, with its own
 * file backend and PULUMI_HOME, and `node_modules` linked to the repository's, so the
 * program imports `pulumi-domino` through node_modules exactly as a user's program does.
 */
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const REPO_ROOT = path.resolve(__dirname, "../../..");
export const PINNED_VERSION: string = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).pulumiCli.version;

/** Long enough for ensure-pulumi.sh to build the CLI on a cold machine. */
export const CLI_SETUP_TIMEOUT_MS = 45 * 60_000;
/** One CLI command (an `up` of an example takes seconds; this is a hang guard). */
export const COMMAND_TIMEOUT_MS = 5 * 60_000;

let binDir: string | undefined;

/** The directory holding `pulumi` and its plugins, checked to be the pinned version. */
export function pulumiBinDir(): string {
  if (binDir) return binDir;
  let dir = process.env.PULUMI_BIN_DIR;
  if (!dir) {
    const out = execFileSync("bash", [path.join(REPO_ROOT, "scripts/ensure-pulumi.sh")], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      timeout: CLI_SETUP_TIMEOUT_MS,
    });
    dir = out.trim().split("\n").pop() ?? "";
  }
  for (const file of ["pulumi", "pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"]) {
    if (!fs.existsSync(path.join(dir, file))) {
      throw new Error(`${file} not found in ${dir} (PULUMI_BIN_DIR or scripts/ensure-pulumi.sh); the end-to-end tests need the real CLI`);
    }
  }
  const version = execFileSync(path.join(dir, "pulumi"), ["version"], { encoding: "utf8" }).trim();
  if (version !== PINNED_VERSION) {
    throw new Error(`pulumi in ${dir} is ${version}, the project pins ${PINNED_VERSION}`);
  }
  binDir = dir;
  return dir;
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class CommandError extends Error {
  constructor(
    readonly args: string[],
    readonly result: CommandResult,
  ) {
    super(`pulumi ${args.join(" ")} exited with ${result.code}\n${describeFailure(result)}`);
  }
}

/**
 * The engine's error diagnostics when the output is a JSON event stream (the stream's
 * debug events are left out: they can carry decrypted config), else the output's tail.
 */
function describeFailure(result: CommandResult): string {
  const errors = parseEvents(result.stdout).diagnostics.filter((d) => d.severity === "error");
  const stdout = errors.length ? errors.map((d) => `${d.urn ? `${resourceName(d.urn)}: ` : ""}${d.message.trim()}`).join("\n") : tail(result.stdout);
  return `--- ${errors.length ? "errors" : "stdout (tail)"}\n${stdout}\n--- stderr (tail)\n${tail(result.stderr)}`;
}

function tail(text: string, lines = 40): string {
  const all = text.split("\n");
  return all.filter((l) => !l.includes('"severity":"debug"')).slice(-lines).join("\n");
}

/** One step of a `pulumi preview --json` plan. */
export interface PlanStep {
  op: string;
  urn: string;
  replaceReasons?: string[];
  diffReasons?: string[];
  detailedDiff?: Record<string, unknown> | null;
  newState?: { inputs?: Record<string, unknown> };
}

export interface Plan {
  steps: PlanStep[];
  changeSummary: Record<string, number>;
  diagnostics?: Array<{ message: string; severity: string }>;
}

/** What an `up`, `refresh` or `destroy` did, from the engine's JSON event stream. */
export interface Outcome {
  /** Engine summary counts, e.g. { create: 4, same: 1 }. */
  changes: Record<string, number>;
  /** Operations per resource name (the last URN segment), in order: "same", "create", "update", "replace"... */
  ops: Record<string, string[]>;
  /** `ops` without the resources that stayed the same. */
  changed: Record<string, string[]>;
  /** Error and warning diagnostics. */
  diagnostics: Array<{ severity: string; message: string; urn?: string }>;
}

export function resourceName(urn: string): string {
  return urn.split("::").pop() ?? urn;
}

/** Ops per resource name of a preview plan (which lists only resources with changes), without the stack. */
export function planOps(plan: Plan): Record<string, string> {
  const ops: Record<string, string> = {};
  for (const step of plan.steps) {
    if (step.urn.includes("::pulumi:pulumi:Stack::")) continue;
    ops[resourceName(step.urn)] = step.op;
  }
  return ops;
}

function parseEvents(stdout: string): Outcome {
  const outcome: Outcome = { changes: {}, ops: {}, changed: {}, diagnostics: [] };
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    let event: Record<string, any>;
    try {
      event = JSON.parse(line);
    } catch {
      continue;
    }
    if (event.resOutputsEvent) {
      const meta = event.resOutputsEvent.metadata;
      if (meta.urn.includes("::pulumi:pulumi:Stack::")) continue;
      (outcome.ops[resourceName(meta.urn)] ??= []).push(meta.op);
    } else if (event.resOpFailedEvent) {
      const meta = event.resOpFailedEvent.metadata;
      (outcome.ops[resourceName(meta.urn)] ??= []).push(`${meta.op}-failed`);
    } else if (event.summaryEvent) {
      outcome.changes = event.summaryEvent.resourceChanges ?? {};
    } else if (event.diagnosticEvent) {
      const d = event.diagnosticEvent;
      if (d.severity === "error" || d.severity === "warning") {
        outcome.diagnostics.push({ severity: d.severity, message: d.message, urn: d.urn });
      }
    }
  }
  for (const [name, ops] of Object.entries(outcome.ops)) {
    if (ops.some((op) => op !== "same")) outcome.changed[name] = ops;
  }
  return outcome;
}

export interface ProjectOptions {
  /** Directory under examples/ (also names the temporary directory). */
  example: string;
  /** A program directory elsewhere to copy instead of examples/<example> (e.g. tests/reliability/stack). */
  sourceDir?: string;
  stack?: string;
  /** Stack config to set; `secret: true` sets it with --secret. */
  config?: Record<string, string | { value: string; secret: true }>;
  /** Files (relative to the example) to leave out of the copy, e.g. a stack's config file. */
  exclude?: string[];
}

/** Environment variables every CLI call gets: offline, local file backend, no prompts. */
function cliEnvironment(binDir: string, backendDir: string, homeDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // The provider must get its settings from the stack, not from the test's environment.
    if (k.startsWith("DOMINO_") || k.startsWith("PULUMI_")) continue;
    env[k] = v;
  }
  return {
    ...env,
    PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ""}`,
    PULUMI_BACKEND_URL: `file://${backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
    PULUMI_HOME: homeDir,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_DISABLE_REGISTRY_RESOLVE: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    // The examples are type-checked by `npm run typecheck`; here ts-node only transpiles.
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    NO_COLOR: "1",
  };
}

function copyDir(from: string, to: string, exclude: Set<string>, rel = ""): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const relPath = path.posix.join(rel, entry.name);
    if (entry.name === "node_modules" || exclude.has(relPath)) continue;
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) copyDir(src, dst, exclude, relPath);
    else fs.copyFileSync(src, dst);
  }
}

/** A copy of an example with its own backend; several stacks may be used on it. */
export class PulumiProject {
  readonly root: string;
  readonly programDir: string;
  readonly backendDir: string;
  readonly homeDir: string;
  readonly env: NodeJS.ProcessEnv;
  stack: string;

  private constructor(root: string, stack: string, env: NodeJS.ProcessEnv) {
    this.root = root;
    this.programDir = path.join(root, "program");
    this.backendDir = path.join(root, "backend");
    this.homeDir = path.join(root, "home");
    this.stack = stack;
    this.env = env;
  }

  /** Copies the example, links node_modules, creates the stack and sets its config. */
  static async create(options: ProjectOptions): Promise<PulumiProject> {
    const project = PulumiProject.prepare(options.example, (programDir) => {
      copyDir(options.sourceDir ?? path.join(REPO_ROOT, "examples", options.example), programDir, new Set(options.exclude ?? []));
      fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(programDir, "node_modules"), "dir");
    });
    await project.initStack(options.stack ?? "e2e", options.config);
    return project;
  }

  /**
   * A program made of `files`, whose node_modules directory `fillNodeModules` fills;
   * the stack "e2e" is created without config.
   */
  static async createFromFiles(name: string, files: Record<string, string>, fillNodeModules: (nodeModules: string) => void): Promise<PulumiProject> {
    const project = PulumiProject.prepare(name, (programDir) => {
      fs.mkdirSync(programDir, { recursive: true });
      for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(programDir, file), text);
      fs.mkdirSync(path.join(programDir, "node_modules"));
      fillNodeModules(path.join(programDir, "node_modules"));
    });
    await project.initStack("e2e");
    return project;
  }

  private static prepare(name: string, populate: (programDir: string) => void): PulumiProject {
    const bin = pulumiBinDir();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), `pulumi-domino-e2e-${name.replace(/\W+/g, "-")}-`));
    populate(path.join(root, "program"));
    fs.mkdirSync(path.join(root, "backend"));
    fs.mkdirSync(path.join(root, "home"));
    return new PulumiProject(root, "e2e", cliEnvironment(bin, path.join(root, "backend"), path.join(root, "home")));
  }

  /** Runs `pulumi <args>` in the program directory; throws unless it exits 0 (or `allowFailure`). */
  async cli(args: string[], opts: { allowFailure?: boolean; cwd?: string } = {}): Promise<CommandResult> {
    const result = await new Promise<CommandResult>((resolve, reject) => {
      const child = spawn(path.join(pulumiBinDir(), "pulumi"), [...args, "--non-interactive"], {
        cwd: opts.cwd ?? this.programDir,
        env: this.env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill("SIGKILL"), COMMAND_TIMEOUT_MS);
      child.on("error", reject);
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout, stderr });
      });
    });
    if (result.code !== 0 && !opts.allowFailure) throw new CommandError(args, result);
    return result;
  }

  /** Creates another stack of the same program, with its config, and makes it the current one. */
  async initStack(stack: string, config: Record<string, string | { value: string; secret: true }> = {}): Promise<void> {
    this.stack = stack;
    await this.cli(["stack", "init", stack]);
    await this.setConfig(config);
  }

  /** Makes `stack` the one the following commands act on. */
  select(stack: string): this {
    this.stack = stack;
    return this;
  }

  private stackArgs(): string[] {
    return ["--stack", this.stack];
  }

  async setConfig(config: Record<string, string | { value: string; secret: true }>): Promise<void> {
    for (const [key, value] of Object.entries(config)) {
      if (typeof value === "string") await this.cli(["config", "set", ...this.stackArgs(), key, value]);
      else await this.cli(["config", "set", ...this.stackArgs(), "--secret", key, value.value]);
    }
  }

  /** `pulumi preview --json`: the engine's plan. */
  async preview(extra: string[] = []): Promise<Plan> {
    const { stdout } = await this.cli(["preview", ...this.stackArgs(), "--json", ...extra]);
    return JSON.parse(stdout) as Plan;
  }

  /** `pulumi up`, no separate preview; the engine's events summarised. */
  async up(extra: string[] = []): Promise<Outcome> {
    const { stdout } = await this.cli(["up", ...this.stackArgs(), "--yes", "--skip-preview", "--json", ...extra]);
    return parseEvents(stdout);
  }

  /** `pulumi up` that fails; returns what the engine reported. */
  async upFailing(extra: string[] = []): Promise<Outcome & CommandResult> {
    const result = await this.cli(["up", ...this.stackArgs(), "--yes", "--skip-preview", "--json", ...extra], { allowFailure: true });
    if (result.code === 0) throw new Error(`pulumi up was expected to fail but succeeded:\n${tail(result.stdout)}`);
    return { ...parseEvents(result.stdout), ...result };
  }

  async refresh(extra: string[] = []): Promise<Outcome> {
    const { stdout } = await this.cli(["refresh", ...this.stackArgs(), "--yes", "--skip-preview", "--json", ...extra]);
    return parseEvents(stdout);
  }

  async destroy(extra: string[] = []): Promise<Outcome> {
    const { stdout } = await this.cli(["destroy", ...this.stackArgs(), "--yes", "--skip-preview", "--json", ...extra]);
    return parseEvents(stdout);
  }

  /** Stack outputs; secrets stay masked as "[secret]". */
  async outputs(): Promise<Record<string, unknown>> {
    const { stdout } = await this.cli(["stack", "output", ...this.stackArgs(), "--json"]);
    return JSON.parse(stdout) as Record<string, unknown>;
  }

  /** `pulumi stack export` (secrets encrypted, as stored). */
  async exportText(): Promise<string> {
    return (await this.cli(["stack", "export", ...this.stackArgs()])).stdout;
  }

  async exportState(): Promise<StateDeployment> {
    return (JSON.parse(await this.exportText()) as { deployment: StateDeployment }).deployment;
  }

  /** The checkpoint file the file backend writes, byte for byte. */
  rawStateFile(): string {
    const stacks = path.join(this.backendDir, ".pulumi", "stacks");
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name === `${this.stack}.json`) found.push(p);
      }
    };
    walk(stacks);
    if (found.length !== 1) throw new Error(`expected one state file for stack ${this.stack} under ${stacks}, found ${found.length}`);
    return fs.readFileSync(found[0], "utf8");
  }

  /** Rewrites the program: each [from, to] must match exactly once. */
  editProgram(edits: Array<[string, string]>, file = "index.ts"): void {
    const p = path.join(this.programDir, file);
    let text = fs.readFileSync(p, "utf8");
    for (const [from, to] of edits) {
      const count = text.split(from).length - 1;
      if (count !== 1) throw new Error(`edit of ${file}: expected one occurrence of ${JSON.stringify(from)}, found ${count}`);
      text = text.replace(from, to);
    }
    fs.writeFileSync(p, text);
  }

  writeProgram(text: string, file = "index.ts"): void {
    fs.writeFileSync(path.join(this.programDir, file), text);
  }

  /** Removes the temporary directory (kept when PULUMI_DOMINO_E2E_KEEP is set, for debugging). */
  dispose(): void {
    if (process.env.PULUMI_DOMINO_E2E_KEEP) {
      console.info(`kept ${this.root} (program, backend, PULUMI_HOME; passphrase "e2e-passphrase")`);
      return;
    }
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

export interface StateResource {
  urn: string;
  type: string;
  id?: string;
  custom?: boolean;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  initErrors?: string[];
}

export interface StateDeployment {
  resources?: StateResource[];
}

/** The dynamic resources of a state (those carrying `__provider`). */
export function dynamicResources(deployment: StateDeployment): StateResource[] {
  return (deployment.resources ?? []).filter((r) => typeof r.inputs?.__provider === "string");
}

/** Bytes of the serialized provider stored with each dynamic resource, by resource name. */
export function providerBytes(deployment: StateDeployment): Record<string, number> {
  const sizes: Record<string, number> = {};
  for (const r of dynamicResources(deployment)) {
    sizes[resourceName(r.urn)] = Buffer.byteLength(r.inputs!.__provider as string, "utf8");
  }
  return sizes;
}

/** Where each needle occurs in the haystack (empty when nowhere). */
export function plaintextHits(haystack: string, needles: string[]): string[] {
  return needles.filter((n) => n.length > 0 && haystack.includes(n));
}
