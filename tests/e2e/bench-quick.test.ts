/**
 * The scale benchmark's quick run (`npm run bench -- --scale --quick`, N = 10: 50 resources
 * beside the no-op floor) under the real CLI, checked on what does not depend on the
 * machine: requests against the contract's minimum, route by route; the size of the stored
 * provider; the engine's change summary of each phase; and the checkpoint writes of an `up`
 * right after a refresh of the unchanged stack. Wall and CPU seconds are recorded, never
 * asserted (README, "Benchmarks").
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const REPO = path.resolve(__dirname, "../..");
const RUN_TIMEOUT_MS = 8 * 60_000;

interface PhaseRow {
  phase: string;
  api: number;
  apiMin: number;
  apiByRoute: Record<string, number>;
  apiExcess: Record<string, number>;
  changes: Record<string, number>;
  providerBytes?: { min: number; max: number };
  wall: number;
  floorWall: number;
}

interface Run {
  n: number;
  phases: PhaseRow[];
  checkpointWritesAfterRefresh: { domino: { saved: number; api: number; mustWrite: Record<string, number> }; floor: { saved: number } };
}

describe("scale benchmark, quick run", () => {
  let run: Run;
  let output = "";

  beforeAll(async () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bench-quick-")), "results.json");
    output = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        [path.join(REPO, "scripts/bench-scale.js"), "--quick", "--no-build", "--out", out],
        { cwd: REPO, timeout: RUN_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
        (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stdout}\n${stderr}`)) : resolve(stdout)),
      );
    });
    const results = JSON.parse(fs.readFileSync(out, "utf8")) as { runs: Run[] };
    run = results.runs.find((r) => r.n === 10)!;
  }, RUN_TIMEOUT_MS);

  const phase = (name: string): PhaseRow => {
    const row = run.phases.find((p) => p.phase === name);
    if (!row) throw new Error(`no ${name} row in\n${output}`);
    return row;
  };

  it("runs every phase, and the engine reports the expected changes", () => {
    expect(run.phases.map((p) => p.phase)).toEqual(["up", "noop", "refresh", "update10", "destroy"]);
    expect(phase("up").changes).toEqual({ create: 51 });
    expect(phase("noop").changes).toEqual({ same: 51 });
    expect(phase("refresh").changes).toEqual({ same: 51 });
    expect(phase("update10").changes).toEqual({ same: 50, update: 1 });
    expect(phase("destroy").changes).toEqual({ delete: 51 });
  });

  it("makes no request beyond the minimum on any route", () => {
    for (const row of run.phases) {
      // Below the minimum on a route only where concurrent requests shared one in flight.
      const over = Object.entries(row.apiExcess).filter(([, d]) => d > 0);
      expect({ phase: row.phase, over }).toEqual({ phase: row.phase, over: [] });
      expect(row.api).toBeLessThanOrEqual(row.apiMin);
    }
    // Those with nothing to share make exactly the minimum.
    expect(phase("noop").apiByRoute).toEqual({ "GET /api/users/v1/self": 1 });
    expect(phase("update10").apiByRoute).toEqual({ "GET /api/users/v1/self": 1, "PATCH /api/projects/v1/projects/{projectId}/goals/{goalId}": 1 });
    expect(phase("destroy").api).toBe(phase("destroy").apiMin);
    // Every create's POST is sent once.
    const up = phase("up").apiByRoute;
    for (const route of ["POST /api/projects/beta/projects", "POST /api/projects/v1/projects/{projectId}/goals", "POST /api/datasetrw/v1/datasets"]) {
      expect({ route, count: up[route] }).toEqual({ route, count: 10 });
    }
  });

  it("stores a provider of at most 1 KB per resource", () => {
    const sizes = phase("up").providerBytes!;
    expect(sizes.max).toBeLessThanOrEqual(1024);
    expect(sizes.min).toBeGreaterThan(0);
  });

  it("an up right after a refresh of the unchanged stack writes no more checkpoints than the floor, and calls only the connection check", () => {
    const writes = run.checkpointWritesAfterRefresh;
    expect(writes.domino.saved).toBeLessThanOrEqual(writes.floor.saved);
    expect(writes.domino.mustWrite).toEqual({});
    expect(writes.domino.api).toBe(1);
  });
});
