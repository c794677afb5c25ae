/**
 * The reliability scenarios, shared by the runner (tests/reliability/run.ts, `npm run
 * reliability`) and the sample in `npm test` (tests/e2e/reliability.test.ts). Each one
 * returns a row of its table, with `ok` and, when not ok, the evidence (CLI lines, census).
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as path from "node:path";
import { CensusReport, DECLARED_TOTAL, ok as censusOk } from "./census";
import { CliRun, failureLines, faultsFor, Lab, table } from "./harness";

/** What `preview` may take to fail on a host that does not answer: the connection check's bound (README, "Use it in your program"). */
export const CHECK_BOUND_S = 10;
/** Slack over the check's bound plus a healthy command's own time, for a loaded 2-core machine. */
export const HANG_SLACK_S = 10;

function censusCells(c: CensusReport): { duplicates: number; orphans: number; missing: number; problems: number } {
  return { duplicates: c.duplicates.length, orphans: c.orphans.length, missing: c.missing.length, problems: c.problems.length };
}

function censusEvidence(c: CensusReport): string[] {
  return [
    ...c.missing.map((m) => `missing: ${m}`),
    ...c.duplicates.map((m) => `duplicate: ${m}`),
    ...c.orphans.map((m) => `orphan: ${m}`),
    ...c.problems.map((m) => `problem: ${m}`),
  ];
}

/** Distinct lines of a run's output matching `pattern` (the CLI prints each diagnostic inline and again in its summary). */
function distinct(run: CliRun, pattern: RegExp): number {
  return new Set((run.stdout + "\n" + run.stderr).split("\n").filter((l) => pattern.test(l)).map((l) => l.trim())).size;
}

// ------------------------------------------------------------------ clean run

export interface CleanRow {
  upExit: number | null;
  upSeconds: number;
  writes: number;
  requests: number;
  previewExit: number | null;
  previewSeconds: number;
  census: CensusReport;
  ok: boolean;
  evidence: string[];
}

/** A `pulumi up` without faults: the number of writes it makes (the kill sweep's range) and a healthy command's time. */
export async function cleanRun(lab: Lab): Promise<CleanRow> {
  await lab.freshStack();
  const up = await lab.cli(["up", "--yes", "--skip-preview"]);
  const byRoute = await lab.requests();
  const writes = Object.entries(byRoute)
    .filter(([r]) => /^(POST|PUT|PATCH|DELETE) /.test(r))
    .reduce((n, [, c]) => n + c, 0);
  const requests = Object.values(byRoute).reduce((a, b) => a + b, 0);
  const preview = await lab.cli(["preview", "--expect-no-changes"]);
  const census = await lab.census();
  const ok = up.code === 0 && preview.code === 0 && censusOk(census) && census.held === DECLARED_TOTAL;
  const evidence = ok ? [] : [...(up.code ? failureLines(up) : []), ...(preview.code ? failureLines(preview) : []), ...censusEvidence(census)];
  return { upExit: up.code, upSeconds: up.seconds, writes, requests, previewExit: preview.code, previewSeconds: preview.seconds, census, ok, evidence };
}

export function cleanTable(row: CleanRow): string {
  return table(
    `Clean run (no faults): ${row.census.held} resources held, ${row.census.objects} objects in the emulator`,
    ["up exit", "seconds", "writes", "requests", "duplicates", "orphans", "missing", "preview exit", "preview s", "result"],
    [[String(row.upExit), row.upSeconds.toFixed(1), row.writes, row.requests, row.census.duplicates.length, row.census.orphans.length, row.census.missing.length, String(row.previewExit), row.previewSeconds.toFixed(1), row.ok ? "ok" : "FAIL"]],
  );
}

// ------------------------------------------------------------------ 1. faults

export interface FaultRow {
  seed: number;
  parallel: string;
  upExit: number | null;
  upSeconds: number;
  requests: number;
  /** Retries the provider reported (distinct progress lines), by cause. */
  retried5xx: number;
  retried429: number;
  lostAnswers: number;
  duplicates: number;
  orphans: number;
  missing: number;
  problems: number;
  previewExit: number | null;
  previewSeconds: number;
  ok: boolean;
  evidence: string[];
}

/**
 * One `pulumi up --yes` (with its preview) of the reference stack under random faults,
 * then `pulumi preview --expect-no-changes` with the faults still on, then the census
 * (faults off; the census endpoint is never faulted anyway).
 */
export async function faultRun(lab: Lab, seed: number, parallel?: number): Promise<FaultRow> {
  await lab.freshStack();
  await lab.setFaults(faultsFor(seed));
  const up = await lab.cli(["up", "--yes", ...(parallel ? ["--parallel", String(parallel)] : [])]);
  const requests = Object.values(await lab.requests()).reduce((a, b) => a + b, 0);
  const preview = await lab.cli(["preview", "--expect-no-changes"]);
  await lab.setFaults({});
  const census = await lab.census();
  const cells = censusCells(census);
  const ok = up.code === 0 && preview.code === 0 && censusOk(census);
  const evidence = ok
    ? []
    : [
        ...(up.code !== 0 ? ["pulumi up:", ...failureLines(up)] : []),
        ...(preview.code !== 0 ? ["pulumi preview --expect-no-changes:", ...failureLines(preview)] : []),
        ...censusEvidence(census),
      ];
  return {
    seed,
    parallel: parallel ? String(parallel) : "default",
    upExit: up.code,
    upSeconds: up.seconds,
    requests,
    retried5xx: distinct(up, /got HTTP 5\d\d; retrying/),
    retried429: distinct(up, /got HTTP 429; retrying/),
    lostAnswers: distinct(up, /the answer to creating .* was lost/),
    ...cells,
    previewExit: preview.code,
    previewSeconds: preview.seconds,
    ok,
    evidence,
  };
}

export function faultTable(rows: FaultRow[]): string {
  const f = faultsFor(0);
  return table(
    `1. Faults: ${f.faultRate! * 100}% of requests ${f.faultStatuses!.join("/")}, rate limit ${f.rateLimit}/s (429, Retry-After ${f.retryAfterSeconds} s), ` +
      `${f.latencyMs} ms latency, ${f.dropResponseRate! * 100}% of committed creates' answers dropped; one \`pulumi up --yes\` each; ` +
      "preview --expect-no-changes with the faults still on; provider settings at their defaults",
    ["seed", "parallel", "up exit", "seconds", "requests", "5xx retried", "429 retried", "lost answers", "duplicates", "orphans", "missing", "preview exit", "result"],
    rows.map((r) => [
      r.seed,
      r.parallel,
      String(r.upExit),
      r.upSeconds.toFixed(1),
      r.requests,
      r.retried5xx,
      r.retried429,
      r.lostAnswers,
      r.duplicates,
      r.orphans,
      r.missing + r.problems ? `${r.missing} (+${r.problems} problems)` : 0,
      String(r.previewExit),
      r.ok ? "ok" : "FAIL",
    ]),
  );
}

// ------------------------------------------------------------------ 2. kill sweep

export interface KillRow {
  k: number;
  /** Writes the emulator had counted when the kill was sent. */
  seen: number | undefined;
  killedAfter: number;
  /** Plugin processes outside the killed group that were still alive (stopped by pid). */
  strays: number;
  /** Pending operations in the stack after the kill. */
  pending: number;
  /** Empty checkpoint sidecars removed after the kill (file backend). */
  repaired: number;
  /** Whether the file backend still held the update lock. */
  locked: boolean;
  /** When checked: what `pulumi up` said before `pulumi cancel`. */
  lockedUp?: string;
  cancelExit?: number | null;
  recoverExit: number | null;
  recovered: string;
  upExit: number | null;
  /** Resources the up after recover replaced (a recorded object it did not accept). */
  replaced: number;
  upSeconds: number;
  duplicates: number;
  orphans: number;
  missing: number;
  problems: number;
  ok: boolean;
  evidence: string[];
}

function lockFiles(lab: Lab): string[] {
  const dir = path.join(lab.project.backendDir, ".pulumi", "locks");
  const out: string[] = [];
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.includes(`${path.sep}${lab.stack}${path.sep}`) && p.endsWith(".json")) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Empty `.attrs` sidecars of the stack's checkpoint files in the file backend. */
function tornSidecars(lab: Lab): string[] {
  const dir = path.join(lab.project.backendDir, ".pulumi", "stacks");
  const out: string[] = [];
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.startsWith(`${lab.stack}.json`) && e.name.endsWith(".attrs") && fs.statSync(p).size === 0) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/**
 * `pulumi up` of a new stack killed (SIGKILL, its whole process group) after `k` writes,
 * then the README's procedure: `pulumi cancel --yes` if the backend kept the lock,
 * `pulumi-domino recover`, one `pulumi up --yes`; then the census. With `checkLock`, a
 * `pulumi up` is tried first to show what the lock does.
 */
export async function killRun(lab: Lab, k: number, opts: { checkLock?: boolean } = {}): Promise<KillRow> {
  await lab.freshStack();
  const killed = await lab.cli(["up", "--yes", "--skip-preview"], { killAfterWrites: k });
  const evidence: string[] = [];
  if (killed.writesAtKill === undefined) evidence.push(`the up ended by itself (exit ${killed.code}) before ${k} writes`);
  if (killed.survivors?.length) evidence.push(...killed.survivors.map((s) => `stray after the kill (stopped): ${s}`));
  // A kill while the file backend commits a checkpoint can leave its metadata sidecar
  // (`<stack>.json.attrs`) empty: every command then fails with "failed to load
  // checkpoint: EOF". The checkpoint itself is written to a temporary file and renamed, so
  // it is whole; the README's step is to delete the empty sidecar.
  const torn = tornSidecars(lab);
  for (const file of torn) fs.rmSync(file);
  if (torn.length) evidence.push(...torn.map((f) => `removed the empty ${path.basename(f)} (the README's step for "failed to load checkpoint: EOF")`));
  const locked = lockFiles(lab).length > 0;
  let lockedUp: string | undefined;
  if (opts.checkLock) {
    const blocked = await lab.cli(["up", "--yes", "--skip-preview"]);
    const said = (blocked.stdout + blocked.stderr).split("\n").find((l) => /locked/.test(l))?.trim();
    lockedUp = `exit ${blocked.code}${said ? `: ${said}` : ""}`;
  }
  let cancelExit: number | null | undefined;
  if (locked) cancelExit = (await lab.cli(["cancel", "--yes"])).code;
  const pending = ((await lab.exportDeployment()).pending_operations ?? []).length;
  const recover = await lab.recover();
  const lines = recover.stdout.split("\n");
  const count = (re: RegExp) => lines.filter((l) => re.test(l)).length;
  const recovered = `${count(/^recorded /)} recorded, ${count(/^cleared /)} cleared${count(/^UNRESOLVED /) ? `, ${count(/^UNRESOLVED /)} UNRESOLVED` : ""}${count(/^left /) ? `, ${count(/^left /)} left` : ""}`;
  if (recover.code !== 0) evidence.push(`pulumi-domino recover exited ${recover.code}:`, ...recover.stdout.trim().split("\n"), ...recover.stderr.trim().split("\n").filter(Boolean));
  const up = await lab.cli(["up", "--yes", "--skip-preview"]);
  if (up.code !== 0) evidence.push("pulumi up:", ...failureLines(up));
  const replaced = Number(/(\d+) replaced/.exec(up.stdout)?.[1] ?? 0);
  const census = await lab.census();
  evidence.push(...censusEvidence(census));
  if (censusEvidence(census).length) evidence.push("recover said:", ...recover.stdout.trim().split("\n"));
  const ok = killed.writesAtKill !== undefined && recover.code === 0 && up.code === 0 && censusOk(census);
  return {
    k,
    seen: killed.writesAtKill,
    killedAfter: killed.seconds,
    strays: killed.survivors?.length ?? 0,
    pending,
    repaired: torn.length,
    locked,
    lockedUp,
    cancelExit,
    recoverExit: recover.code,
    recovered,
    upExit: up.code,
    replaced,
    upSeconds: up.seconds,
    ...censusCells(census),
    ok,
    evidence: ok ? [] : evidence,
  };
}

export function killTable(rows: KillRow[], writes: number): string {
  return table(
    `2. Kill sweep: \`pulumi up\` SIGKILLed (process group) after k of the ${writes} writes of a clean up; ` +
      "`pulumi cancel --yes` when the lock stayed, `pulumi-domino recover`, one `pulumi up --yes`",
    ["k", "seen", "killed at s", "strays", "torn", "pending", "lock", "recover exit", "recover", "up exit", "replaced", "up s", "duplicates", "orphans", "missing", "result"],
    rows.map((r) => [
      r.k,
      String(r.seen ?? "-"),
      r.killedAfter.toFixed(1),
      r.strays,
      r.repaired,
      r.pending,
      r.locked ? `held; cancel ${r.cancelExit}` : "none",
      String(r.recoverExit),
      r.recovered,
      String(r.upExit),
      r.replaced,
      r.upSeconds.toFixed(1),
      r.duplicates,
      r.orphans,
      r.missing + r.problems ? `${r.missing} (+${r.problems} problems)` : 0,
      r.ok ? "ok" : "FAIL",
    ]),
  );
}

// ------------------------------------------------------------------ 3. hanging servers

/** A loopback server that misbehaves; `close` drops every connection it holds. */
export interface BadServer {
  kind: string;
  host: string;
  close(): Promise<void>;
}

/** Accepts connections and never answers. */
export async function silentServer(): Promise<BadServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    kind: "accepts, never answers",
    host: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: () => closeServer(server, sockets),
  };
}

/** Answers 200 with its headers and the start of a JSON body, then stalls. */
export async function stallingServer(): Promise<BadServer> {
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    res.writeHead(200, { "Content-Type": "application/json", "Content-Length": "4096" });
    res.write('{"user": {"id": "65f0a0000000000000000001", "userName": "adm');
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    kind: "headers, then stalls mid-body",
    host: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: () => closeServer(server, sockets),
  };
}

function closeServer(server: net.Server, sockets: Set<net.Socket>): Promise<void> {
  for (const s of sockets) s.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

export interface HangRow {
  server: string;
  command: string;
  exit: number | null;
  seconds: number;
  bound: number;
  namesHost: boolean;
  namesWait: boolean;
  namesAttempts: boolean;
  message: string;
  ok: boolean;
  evidence: string[];
}

/**
 * `pulumi preview` and `pulumi up --yes` of a new stack whose domino:host is `server`:
 * both must fail within the connection check's bound (plus a healthy command's own time)
 * with a message naming the host, the wait and the attempts.
 */
export async function hangRuns(lab: Lab, server: BadServer, healthySeconds: number): Promise<HangRow[]> {
  await lab.freshStack(server.host);
  const rows: HangRow[] = [];
  const bound = CHECK_BOUND_S + healthySeconds + HANG_SLACK_S;
  for (const args of [["preview"], ["up", "--yes"]]) {
    const run = await lab.cli(args);
    const lines = failureLines(run, 60);
    const message = lines.find((l) => /error: /.test(l) && l.includes(server.host))?.replace(/^\s*error:\s*/, "") ?? lines.find((l) => /error: /.test(l))?.trim() ?? "";
    const row: HangRow = {
      server: server.kind,
      command: `pulumi ${args.join(" ")}`,
      exit: run.code,
      seconds: run.seconds,
      bound,
      namesHost: message.includes(server.host),
      namesWait: /within \d+(\.\d+)? s/.test(message),
      namesAttempts: /\d+ attempts?/.test(message),
      message,
      ok: false,
      evidence: [],
    };
    row.ok = run.code !== 0 && run.seconds <= bound && row.namesHost && row.namesWait && row.namesAttempts;
    if (!row.ok) row.evidence = lines;
    rows.push(row);
  }
  return rows;
}

export function hangTable(rows: HangRow[]): string {
  return table(
    `3. A host that does not answer: fails within the connection check's ${CHECK_BOUND_S} s + a healthy command's time + ${HANG_SLACK_S} s slack`,
    ["server", "command", "exit", "seconds", "bound s", "host", "wait", "attempts", "result"],
    rows.map((r) => [
      r.server,
      r.command,
      String(r.exit),
      r.seconds.toFixed(1),
      r.bound.toFixed(0),
      r.namesHost ? "yes" : "NO",
      r.namesWait ? "yes" : "NO",
      r.namesAttempts ? "yes" : "NO",
      r.ok ? "ok" : "FAIL",
    ]),
  ) + (rows.length ? `\nmessage: ${rows[0].message}` : "");
}

/** The evidence of failed rows, for the report. */
export function evidenceOf(title: string, rows: Array<{ ok: boolean; evidence: string[] }>, label: (i: number) => string): string {
  const parts: string[] = [];
  rows.forEach((r, i) => {
    if (!r.ok && r.evidence.length) parts.push(`${title} ${label(i)}:\n${r.evidence.map((l) => `  ${l}`).join("\n")}`);
  });
  return parts.join("\n");
}
