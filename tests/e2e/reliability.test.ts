/**
 * A sample of the reliability suite (`npm run reliability`, tests/reliability/) in
 * `npm test`: the reference stack of every resource kind under the real Pulumi CLI, one
 * fault seed, and three kill points (early, middle, late) of the kill sweep. The full
 * suite runs five seeds at two parallelisms, every kill point, and hosts that never answer.
 */
import { CLI_SETUP_TIMEOUT_MS } from "./helpers/pulumi";
import { Lab } from "../reliability/harness";
import { cleanRun, cleanTable, faultRun, faultTable, killRun, KillRow, killTable } from "../reliability/scenarios";

const STEP_TIMEOUT_MS = 240_000;
/** The sample's fault seed (the suite runs 1 to 5). */
const SEED = 3;

describe("reliability sample: every kind under faults and kills", () => {
  let lab: Lab;
  let writes = 0;
  const kills: KillRow[] = [];

  beforeAll(async () => {
    lab = await Lab.create("reliability-sample");
  }, CLI_SETUP_TIMEOUT_MS);

  afterAll(async () => {
    if (kills.length) console.info(killTable(kills, writes));
    await lab?.dispose();
  });

  test(
    "a clean up holds every declared object exactly once and converges",
    async () => {
      const row = await cleanRun(lab);
      console.info(cleanTable(row));
      expect(row.evidence).toEqual([]);
      expect(row.ok).toBe(true);
      // Every resource makes at least one write: the kill points below are within the up.
      expect(row.writes).toBeGreaterThanOrEqual(row.census.held);
      writes = row.writes;
    },
    STEP_TIMEOUT_MS,
  );

  test(
    `one up --yes under 5xx, 429, latency and dropped create answers (seed ${SEED}, --parallel 32)`,
    async () => {
      const row = await faultRun(lab, SEED, 32);
      console.info(faultTable([row]));
      expect(row.evidence).toEqual([]);
      expect(row).toMatchObject({ upExit: 0, previewExit: 0, duplicates: 0, orphans: 0, missing: 0, problems: 0 });
      // The faults happened: retries and lost answers were reported.
      expect(row.retried5xx + row.lostAnswers).toBeGreaterThan(0);
    },
    STEP_TIMEOUT_MS,
  );

  // Early (the first creates in flight), middle, late (the last children).
  const points: Array<[string, (writes: number) => number]> = [
    ["early", () => 2],
    ["middle", (n) => Math.round(n / 2)],
    ["late", (n) => n - 2],
  ];
  test.each(points)(
    "killed %s in the up: cancel, recover and one up leave every object exactly once",
    async (point, at) => {
      expect(writes).toBeGreaterThan(4);
      const row = await killRun(lab, at(writes), { checkLock: point === "early" });
      kills.push(row);
      expect(row.evidence).toEqual([]);
      expect(row).toMatchObject({ recoverExit: 0, upExit: 0, duplicates: 0, orphans: 0, missing: 0, problems: 0 });
      expect(row.seen).toBeGreaterThanOrEqual(at(writes));
      if (point === "early") {
        // The file backend keeps the update lock of a killed run: `pulumi up` refuses until `pulumi cancel`.
        expect(row.locked).toBe(true);
        expect(row.lockedUp).toMatch(/^exit [1-9]\d*: .*currently locked/);
        expect(row.cancelExit).toBe(0);
      }
    },
    STEP_TIMEOUT_MS,
  );
});
