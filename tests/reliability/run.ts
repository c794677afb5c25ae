/**
 * `npm run reliability`: the reliability suite (not part of `npm test`; a sample of it is,
 * tests/e2e/reliability.test.ts). Prints one table per scenario and exits non-zero when
 * any row fails, with the evidence of each failure.
 *
 *   0. a clean `pulumi up` of the reference stack (tests/reliability/stack): its writes
 *      are the kill sweep's range, its preview the healthy time of scenario 3;
 *   1. faults: one `pulumi up --yes` per seed, at the default parallelism and at 32;
 *   2. kill sweep: `pulumi up` killed after k writes, for every k of a clean up;
 *      cancel, recover, one `pulumi up --yes`;
 *   3. hosts that never answer, or stall mid-body: preview and up fail in bounded time.
 *
 *     npm run reliability
 *     npm run reliability -- --seeds 1,2,3,4,5 --kills 1-40 --only faults,kills,hangs
 *
 * `--seeds` (default 1-5), `--kills` (default every k from 1 to the clean up's writes) and
 * `--only` narrow a run for investigation; the defaults are the suite.
 */
import { cleanRun, cleanTable, evidenceOf, faultRun, FaultRow, faultTable, hangRuns, HangRow, hangTable, killRun, KillRow, killTable, silentServer, stallingServer } from "./scenarios";
import { Lab } from "./harness";

function list(spec: string | undefined): number[] | undefined {
  if (!spec) return undefined;
  const out: number[] = [];
  for (const part of spec.split(",")) {
    const [a, b] = part.split("-").map(Number);
    if (!Number.isInteger(a) || (b !== undefined && !Number.isInteger(b))) throw new Error(`not a list of numbers: ${spec}`);
    for (let i = a; i <= (b ?? a); i++) out.push(i);
  }
  return out;
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

const minutes = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;

async function main(args: string[]): Promise<number> {
  const seeds = list(option(args, "--seeds")) ?? [1, 2, 3, 4, 5];
  const only = new Set((option(args, "--only") ?? "faults,kills,hangs").split(","));
  const started = Date.now();
  const lab = await Lab.create();
  const failures: string[] = [];
  const say = (text: string) => process.stdout.write(`${text}\n\n`);
  try {
    let t = Date.now();
    const clean = await cleanRun(lab);
    say(`${cleanTable(clean)}\n(${minutes(Date.now() - t)})`);
    if (!clean.ok) {
      say(`The clean run failed, so the other scenarios would tell nothing:\n${clean.evidence.map((l) => `  ${l}`).join("\n")}`);
      return 1;
    }

    if (only.has("faults")) {
      t = Date.now();
      const rows: FaultRow[] = [];
      for (const parallel of [undefined, 32]) {
        for (const seed of seeds) {
          const row = await faultRun(lab, seed, parallel);
          rows.push(row);
          process.stdout.write(`  faults seed ${seed} parallel ${row.parallel}: up ${row.upExit} in ${row.upSeconds.toFixed(1)} s, preview ${row.previewExit}, ${row.ok ? "ok" : "FAIL"}\n`);
        }
      }
      say(`${faultTable(rows)}\n(${minutes(Date.now() - t)})`);
      const e = evidenceOf("faults", rows, (i) => `seed ${rows[i].seed} parallel ${rows[i].parallel}`);
      if (e) failures.push(e);
    }

    if (only.has("kills")) {
      t = Date.now();
      const ks = list(option(args, "--kills")) ?? Array.from({ length: clean.writes }, (_, i) => i + 1);
      const rows: KillRow[] = [];
      for (const k of ks) {
        const row = await killRun(lab, k, { checkLock: k === ks[0] });
        rows.push(row);
        process.stdout.write(`  kill k=${k} (seen ${row.seen}): recover ${row.recoverExit} (${row.recovered}), up ${row.upExit}, ${row.ok ? "ok" : "FAIL"}\n`);
        if (row.lockedUp) process.stdout.write(`    before pulumi cancel, pulumi up: ${row.lockedUp}\n`);
      }
      say(`${killTable(rows, clean.writes)}\n(${minutes(Date.now() - t)})`);
      const e = evidenceOf("kill", rows, (i) => `k=${rows[i].k} (seen ${rows[i].seen})`);
      if (e) failures.push(e);
    }

    if (only.has("hangs")) {
      t = Date.now();
      const rows: HangRow[] = [];
      for (const make of [silentServer, stallingServer]) {
        const server = await make();
        try {
          rows.push(...(await hangRuns(lab, server, clean.previewSeconds)));
        } finally {
          await server.close();
        }
      }
      say(`${hangTable(rows)}\n(${minutes(Date.now() - t)})`);
      const e = evidenceOf("hang", rows, (i) => `${rows[i].server}, ${rows[i].command}`);
      if (e) failures.push(e);
    }
  } finally {
    await lab.dispose();
  }
  if (failures.length) {
    say(`FAILURES\n\n${failures.join("\n\n")}`);
    say(`reliability: FAILED (${minutes(Date.now() - started)})`);
    return 1;
  }
  say(`reliability: every scenario passed (${minutes(Date.now() - started)})`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`reliability: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
