/**
 * The reliability suite's machinery: the emulator (in process, with its control API), the
 * reference stack copied into a temporary directory (tests/e2e/helpers/pulumi.ts, with
 * node_modules linked so that the program imports pulumi-domino as a user's does), the
 * real Pulumi CLI spawned in its own process group so that it can be killed as a whole,
 * `pulumi-domino recover` as `npx pulumi-domino recover` runs it, and the census.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { ObjectCensus } from "../../emulator/control";
import { E2eEmulator, startE2eEmulator } from "../e2e/helpers/domino";
import { pulumiBinDir, PulumiProject, REPO_ROOT, StateDeployment } from "../e2e/helpers/pulumi";
import { compare, CensusReport } from "./census";

export const STACK_DIR = path.join(REPO_ROOT, "tests/reliability/stack");
/**
 * Another build of the package to run the suite against (a directory with its package.json
 * and dist/, e.g. a candidate fix built elsewhere); default the repository's provider/.
 */
export const PACKAGE_DIR = process.env.PULUMI_DOMINO_RELIABILITY_PACKAGE ? path.resolve(process.env.PULUMI_DOMINO_RELIABILITY_PACKAGE) : path.join(REPO_ROOT, "provider");
export const RECOVER_CLI = path.join(PACKAGE_DIR, "dist/cli/main.js");
/** A hang guard for one CLI command; the scenarios' own bounds are far below it. */
export const CLI_TIMEOUT_MS = 10 * 60_000;

export interface FaultSettings {
  latencyMs?: number;
  faultRate?: number;
  faultStatuses?: number[];
  rateLimit?: number;
  retryAfterSeconds?: number;
  dropResponseRate?: number;
  seed?: number;
}

/** The faults of scenario 1: 5xx on a fifth of all requests, a rate limit, latency, lost create answers. */
export function faultsFor(seed: number): FaultSettings {
  return {
    latencyMs: 100,
    faultRate: 0.2,
    faultStatuses: [500, 502, 503, 504],
    rateLimit: 20,
    retryAfterSeconds: 1,
    dropResponseRate: 0.2,
    seed,
  };
}

export interface CliRun {
  args: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  seconds: number;
  stdout: string;
  stderr: string;
  /** For a killed run: the committed writes the emulator had counted when the kill was sent. */
  writesAtKill?: number;
  /** Processes of the killed group (or working in the program directory) still alive after the kill. */
  survivors?: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The lines of a CLI run worth showing when it failed: the diagnostics, without debug noise. */
export function failureLines(run: Pick<CliRun, "stdout" | "stderr">, max = 30): string[] {
  const out = run.stdout.split("\n");
  const start = out.findIndex((l) => /^Diagnostics:/.test(l));
  const lines = (start >= 0 ? out.slice(start) : out.filter((l) => /error|fail|warning/i.test(l)))
    .filter((l) => l.trim() !== "" && !/"severity":"debug"/.test(l))
    .concat(run.stderr.split("\n").filter((l) => /error|fail|lock/i.test(l)));
  return lines.slice(0, max).map((l) => l.trimEnd());
}

/** Pids (with their command lines) whose process group is `pgid`, or whose cwd is under `dir`. */
export function processesOf(pgid: number, dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const state = fields[0];
      if (state === "Z") continue;
      const group = Number(fields[2]);
      // The killed CLI itself, not reaped yet.
      if (Number(entry) === pgid) continue;
      let cwd = "";
      try {
        cwd = fs.readlinkSync(`/proc/${entry}/cwd`);
      } catch {
        // Not ours to read.
      }
      if (group === pgid || cwd === dir || cwd.startsWith(dir + path.sep)) {
        const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ").trim();
        found.push(`${entry} (pgid ${group}${group === pgid ? "" : `, not ${pgid}`}): ${cmd.slice(0, 160)}`);
      }
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

/** Gives the program the repository's node_modules, with `pulumi-domino` from `dir`. */
function usePackage(programDir: string, dir: string): void {
  const modules = path.join(programDir, "node_modules");
  fs.rmSync(modules, { recursive: true, force: true });
  fs.mkdirSync(modules);
  const root = path.join(REPO_ROOT, "node_modules");
  for (const entry of fs.readdirSync(root)) {
    if (entry !== "pulumi-domino") fs.symlinkSync(path.join(root, entry), path.join(modules, entry));
  }
  fs.symlinkSync(dir, path.join(modules, "pulumi-domino"), "dir");
}

/** One emulator and one copy of the reference stack; each scenario run gets a fresh stack on an empty emulator. */
export class Lab {
  private stacks = 0;

  private constructor(
    readonly domino: E2eEmulator,
    readonly project: PulumiProject,
  ) {}

  static async create(name = "reliability"): Promise<Lab> {
    const domino = await startE2eEmulator();
    const project = await PulumiProject.create({ example: name, sourceDir: STACK_DIR, stack: "s0", config: Lab.config(domino) });
    if (PACKAGE_DIR !== path.join(REPO_ROOT, "provider")) usePackage(project.programDir, PACKAGE_DIR);
    return new Lab(domino, project);
  }

  static config(domino: E2eEmulator, host = domino.url): Record<string, string | { value: string; secret: true }> {
    return { "domino:host": host, "domino:apiKey": { value: domino.adminKey, secret: true } };
  }

  async dispose(): Promise<void> {
    this.project.dispose();
    await this.domino.stop();
  }

  get stack(): string {
    return this.project.stack;
  }

  /** An empty emulator (no faults, counts zeroed) and a new stack (own state) of the reference program. */
  async freshStack(host?: string): Promise<string> {
    await this.control("POST", "/reset");
    await this.project.initStack(`s${++this.stacks}`, Lab.config(this.domino, host));
    return this.project.stack;
  }

  async control<T = any>(method: string, route: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.domino.url}/__emulator${route}`, {
      method,
      headers: body !== undefined ? { "Content-Type": "application/json" } : {},
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} /__emulator${route} -> ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  }

  setFaults(settings: FaultSettings): Promise<unknown> {
    return this.control("PUT", "/faults", settings);
  }

  /** Requests by "METHOD /template" since the last reset. */
  async requests(): Promise<Record<string, number>> {
    return (await this.control<{ byRoute: Record<string, number> }>("GET", "/requests")).byRoute;
  }

  /** POST/PUT/PATCH/DELETE requests since the last reset (every one that reached the emulator). */
  async writes(): Promise<number> {
    return countWrites(await this.requests());
  }

  objects(): Promise<ObjectCensus> {
    return this.control<ObjectCensus>("GET", "/objects");
  }

  /**
   * `pulumi <args> --stack <current> --non-interactive`, spawned in its own process group.
   * With `killAfterWrites`, the emulator's write count is polled every few milliseconds and
   * the whole group is killed with SIGKILL as soon as it reaches that many.
   */
  async cli(args: string[], opts: { killAfterWrites?: number; timeoutMs?: number } = {}): Promise<CliRun> {
    const full = [...args, "--stack", this.stack, "--non-interactive"];
    const started = Date.now();
    const child = spawn(path.join(pulumiBinDir(), "pulumi"), full, {
      cwd: this.project.programDir,
      env: this.project.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const pid = child.pid!;
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    let exited = false;
    const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code, signal) => {
        exited = true;
        resolve({ code, signal });
      });
    });
    const killGroup = () => {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(killGroup, opts.timeoutMs ?? CLI_TIMEOUT_MS);
    let writesAtKill: number | undefined;
    let survivors: string[] | undefined;
    if (opts.killAfterWrites !== undefined) {
      while (!exited) {
        const seen = await this.writes();
        if (seen >= opts.killAfterWrites) {
          killGroup();
          writesAtKill = seen;
          survivors = await this.stopStrays(pid);
          break;
        }
        await sleep(3);
      }
    }
    const { code, signal } = await done;
    clearTimeout(timer);
    const run: CliRun = { args: full, code, signal, seconds: (Date.now() - started) / 1000, stdout, stderr, writesAtKill };
    run.survivors = survivors;
    return run;
  }

  /**
   * The engine starts the language host and the dynamic provider in process groups of their
   * own, so they outlive the CLI's group. A lost runner takes them with it: they are stopped
   * (by pid) at once, and reported.
   */
  private async stopStrays(pgid: number): Promise<string[]> {
    const strays = new Map<string, string>();
    for (let pass = 0; pass < 3; pass++) {
      for (const line of processesOf(pgid, this.project.root)) {
        const pid = line.split(" ")[0];
        strays.set(pid, line);
        try {
          process.kill(Number(pid), "SIGKILL");
        } catch {
          // Gone meanwhile.
        }
      }
      await sleep(pass === 0 ? 20 : 100);
    }
    return [...strays.values()];
  }

  /** `node provider/dist/cli/main.js recover`, as `npx pulumi-domino recover` runs it, in the program's directory. */
  recover(extra: string[] = []): Promise<CliRun> {
    const args = [RECOVER_CLI, "recover", "--stack", this.stack, ...extra];
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, args, {
        cwd: this.project.programDir,
        env: { ...this.project.env, PULUMI_DOMINO_PULUMI: path.join(pulumiBinDir(), "pulumi") },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill("SIGKILL"), CLI_TIMEOUT_MS);
      child.on("error", reject);
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        resolve({ args: ["pulumi-domino", ...args.slice(1)], code, signal, seconds: (Date.now() - started) / 1000, stdout, stderr });
      });
    });
  }

  async exportDeployment(): Promise<StateDeployment & { pending_operations?: Array<{ type: string; resource: { urn: string } }> }> {
    const run = await this.cli(["stack", "export"]);
    if (run.code !== 0) throw new Error(`pulumi stack export exited ${run.code}: ${run.stderr.trim()}`);
    return JSON.parse(run.stdout).deployment;
  }

  /** The emulator against the stack. */
  async census(): Promise<CensusReport> {
    return compare(await this.objects(), await this.exportDeployment());
  }
}

export function countWrites(byRoute: Record<string, number>): number {
  let n = 0;
  for (const [route, count] of Object.entries(byRoute)) if (/^(POST|PUT|PATCH|DELETE) /.test(route)) n += count;
  return n;
}

// ------------------------------------------------------------------ tables

export function table(title: string, header: string[], rows: Array<Array<string | number>>): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [title, line(header), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}
