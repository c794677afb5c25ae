import { ResourceInitError } from "../../provider/kit/init-error";
import { UNKNOWN } from "../../provider/kit/schema";
import { DatasetSnapshotInputs, DatasetSnapshotOutputs, provider as snapshotProvider } from "../../provider/resources/dataset-snapshot";
import { EmulatorFixture, useEmulator } from "../helpers/emulator";

type CheckedSnapshot = Required<DatasetSnapshotInputs>;
/** These resources change in place, so `update` is defined. */
const provider = snapshotProvider as Required<typeof snapshotProvider>;

const DATASET = "65f0d0000000000000000001";
const POST_SNAPSHOT = "POST /api/datasetrw/v1/datasets/{datasetId}/snapshots";
const GET_SNAPSHOT = "GET /api/datasetrw/v1/snapshots/{snapshotId}";
const LIST_SNAPSHOTS = "GET /api/datasetrw/v1/datasets/{datasetId}/snapshots";

async function check(news: Record<string, unknown>) {
  return provider.check({}, news);
}

async function checked(news: Record<string, unknown>): Promise<CheckedSnapshot> {
  const result = await check(news);
  expect(result.failures).toEqual([]);
  return result.inputs as CheckedSnapshot;
}

async function snapshotIdsOf(env: EmulatorFixture, datasetId: string): Promise<string[]> {
  return (await env.api<{ dataset: { snapshotIds: string[] } }>("GET", `/api/datasetrw/v1/datasets/${datasetId}`)).body.dataset.snapshotIds;
}

async function makeDataset(env: EmulatorFixture, name: string): Promise<string> {
  const project = await env.api<{ project: { id: string } }>("POST", "/api/projects/beta/projects", { name, description: "", visibility: "Private" });
  const dataset = await env.api<{ dataset: { id: string } }>("POST", "/api/datasetrw/v1/datasets", { name: "raw", projectId: project.body.project.id });
  expect(dataset.status).toBe(200);
  return dataset.body.dataset.id;
}

describe("DatasetSnapshot check and diff", () => {
  it("fills defaults and names the field and the rule", async () => {
    expect(await checked({ datasetId: DATASET, relativeFilePaths: ["data"] })).toEqual({
      datasetId: DATASET,
      relativeFilePaths: ["data"],
      snapshotTimeoutMinutes: 30,
    });
    const result = await check({ datasetId: DATASET, relativeFilePaths: ["/etc"], snapshotTimeoutMinutes: "soon" });
    expect(result.failures?.map((f) => f.reason)).toEqual([
      "DatasetSnapshot.relativeFilePaths must hold paths relative to the dataset root (no leading /)",
      'DatasetSnapshot.snapshotTimeoutMinutes must be a number, got "soon"',
    ]);
    expect((await check({ datasetId: DATASET })).failures?.map((f) => f.reason)).toEqual(["DatasetSnapshot.relativeFilePaths is required"]);
    expect((await check({ datasetId: UNKNOWN, relativeFilePaths: UNKNOWN })).failures).toEqual([]);
  });

  it("replaces on any change but the timeout, and replaces a failed snapshot", async () => {
    const inputs = await checked({ datasetId: DATASET, relativeFilePaths: ["data"] });
    const olds: DatasetSnapshotOutputs = { ...inputs, snapshotId: "65f0d0000000000000000002", status: "active", createdAt: "", creatorId: "" };
    expect(await provider.diff("", olds, inputs)).toEqual({ changes: false });
    expect(await provider.diff("", olds, { ...inputs, snapshotTimeoutMinutes: 1 })).toEqual({ changes: false });
    expect(await provider.diff("", olds, { ...inputs, relativeFilePaths: ["data", "more"] })).toEqual({ changes: true, replaces: ["relativeFilePaths"] });
    expect(await provider.diff("", olds, { ...inputs, datasetId: UNKNOWN })).toEqual({ changes: true, replaces: ["datasetId"] });
    expect(await provider.diff("", { ...olds, status: "failed" }, inputs)).toEqual({ changes: true, replaces: ["status"] });
  });
});

describe("DatasetSnapshot against Domino 6.3", () => {
  const env = useEmulator({ dominoVersion: "6.3" });

  it("creates, waits until active, and reads back by id", async () => {
    const datasetId = await makeDataset(env, "snaps");
    const inputs = await checked({ datasetId, relativeFilePaths: ["data", "models"] });
    await env.resetRequestCounts();
    const { id, outs } = await provider.create(inputs);
    // The version probe (it also says who the caller is), the dataset's snapshots before the
    // create (what a lost answer could have made), the POST and one poll.
    expect(await env.requestCounts()).toEqual({
      total: 4,
      byRoute: { "GET /api/users/v1/self": 1, [LIST_SNAPSHOTS]: 1, [POST_SNAPSHOT]: 1, [GET_SNAPSHOT]: 1 },
    });
    expect(outs).toEqual({
      ...inputs,
      snapshotId: expect.stringMatching(/^[0-9a-f]{24}$/),
      status: "active",
      createdAt: expect.any(String),
      creatorId: env.emulator.users.admin.id,
    });
    expect(id).toBe(`${datasetId}/${outs.snapshotId}`);

    await env.resetRequestCounts();
    const read = await provider.read(id);
    expect(await env.requestCounts()).toEqual({ total: 1, byRoute: { [GET_SNAPSHOT]: 1 } });
    expect(read.props).toEqual({ datasetId, snapshotId: outs.snapshotId, status: "active", createdAt: outs.createdAt, creatorId: outs.creatorId });
    expect((await provider.read(id, outs)).props).toEqual(outs);
  });

  it("records a failed snapshot with an error", async () => {
    const datasetId = await makeDataset(env, "broken");
    const inputs = await checked({ datasetId, relativeFilePaths: ["will-fail"] });
    const err = await provider.create({ ...inputs, __provider: "shim" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResourceInitError);
    const init = err as ResourceInitError;
    expect(init.reasons).toEqual([
      expect.stringMatching(/^snapshot [0-9a-f]{24} of dataset [0-9a-f]{24} failed in Domino; the next `pulumi up` makes a new snapshot$/),
    ]);
    expect(init.properties).toMatchObject({ status: "failed", __provider: "shim" });
    expect(await provider.diff(init.id, init.properties as unknown as DatasetSnapshotOutputs, inputs)).toEqual({ changes: true, replaces: ["status"] });
  });

  it("sees the snapshot gone with its dataset, and forgets on delete without calling Domino", async () => {
    const datasetId = await makeDataset(env, "gone");
    const { id, outs } = await provider.create(await checked({ datasetId, relativeFilePaths: ["data"] }));
    await env.resetRequestCounts();
    const lines: string[] = [];
    const spy = jest.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
    try {
      await provider.delete(id, outs);
    } finally {
      spy.mockRestore();
    }
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^warning: pulumi-domino: DatasetSnapshot ${id} was removed from the stack but still exists in Domino`))]);
    expect((await env.requestCounts()).total).toBe(0);
    await env.api("DELETE", `/api/datasetrw/v1/datasets/${datasetId}`);
    expect(await provider.read(id, outs)).toEqual({ id: "" });
  });

  it("reports an unknown dataset with Domino's words", async () => {
    await expect(provider.create(await checked({ datasetId: "65f0d00000000000000000ff", relativeFilePaths: ["x"] }))).rejects.toThrow(
      /^DatasetSnapshot create: list dataset snapshots failed: GET \/api\/datasetrw\/v1\/datasets\/65f0d00000000000000000ff\/snapshots answered HTTP 404/,
    );
  });

  it("records the snapshot when its progress cannot be followed, instead of leaking it", async () => {
    const datasetId = await makeDataset(env, "unfollowed");
    const inputs = await checked({ datasetId, relativeFilePaths: ["data"] });
    await env.api("POST", "/__emulator/faults/rules", { method: "GET", route: "/api/datasetrw/v1/snapshots/{snapshotId}", status: 403 });
    const err = (await provider.create({ ...inputs, __provider: "shim" }).catch((e: unknown) => e)) as ResourceInitError;
    expect(err).toBeInstanceOf(ResourceInitError);
    expect(err.reasons[0]).toMatch(
      /^snapshot [0-9a-f]{24} of dataset [0-9a-f]{24} was created, but its progress could not be followed: read dataset snapshot failed: GET .* answered HTTP 403/,
    );
    expect(err.properties).toMatchObject({ status: "pending", __provider: "shim" });
    const { outs } = await provider.update(err.id, err.properties as unknown as DatasetSnapshotOutputs, { ...inputs, __provider: "shim" });
    expect(outs).toMatchObject({ snapshotId: err.id.split("/")[1], status: "active" });
    expect(await snapshotIdsOf(env, datasetId)).toEqual([outs.snapshotId]);
  });

  it("never duplicates a create whose answer was lost", async () => {
    const datasetId = await makeDataset(env, "lost");
    await env.api("PUT", "/__emulator/faults", { dropResponseRate: 1 });
    const { outs } = await provider.create(await checked({ datasetId, relativeFilePaths: ["data"] }));
    await env.api("PUT", "/__emulator/faults", { dropResponseRate: 0 });
    expect(await snapshotIdsOf(env, datasetId)).toEqual([outs.snapshotId]);
  });

  it("after a lost answer takes the snapshot it made, not a sibling made a moment earlier", async () => {
    const datasetId = await makeDataset(env, "sibling");
    const sibling = await env.api<{ snapshot: { id: string } }>("POST", `/api/datasetrw/v1/datasets/${datasetId}/snapshots`, { relativeFilePaths: ["data"] });
    // The create is committed, then its connection dropped without an answer.
    await env.api("POST", "/__emulator/faults/rules", { method: "POST", route: "/api/datasetrw/v1/datasets/{datasetId}/snapshots", when: "after", action: "drop" });
    const inputs = await checked({ datasetId, relativeFilePaths: ["data"] });
    await env.resetRequestCounts();
    const { outs } = await provider.create(inputs);
    expect(outs.snapshotId).not.toBe(sibling.body.snapshot.id);
    expect(await snapshotIdsOf(env, datasetId)).toEqual([sibling.body.snapshot.id, outs.snapshotId]);
    // Not sent again: the list after the lost answer showed what it made.
    expect((await env.requestCounts()).byRoute[POST_SNAPSHOT]).toBe(1);
  });

  it("keeps parallel snapshots of one dataset apart when their answers are lost", async () => {
    const datasetId = await makeDataset(env, "parallel");
    // Two creates are committed and then answered 502; a third goes through. Sent side by
    // side, two lost answers would each find two new snapshots and could not tell which
    // is theirs: creates of one dataset go out one at a time.
    await env.api("POST", "/__emulator/faults/rules", {
      method: "POST",
      route: "/api/datasetrw/v1/datasets/{datasetId}/snapshots",
      when: "after",
      status: 502,
      count: 2,
    });
    const inputs = await Promise.all(["a", "b", "c"].map((path) => checked({ datasetId, relativeFilePaths: [path] })));
    const made = await Promise.all(inputs.map(async (i) => (await provider.create(i)).outs.snapshotId));
    expect(new Set(made).size).toBe(3);
    expect([...(await snapshotIdsOf(env, datasetId))].sort()).toEqual([...made].sort());
  });

  it("locates what an interrupted create made: the caller's snapshots of the dataset", async () => {
    const datasetId = await makeDataset(env, "locate");
    const inputs = await checked({ datasetId, relativeFilePaths: ["data"] });
    expect(await provider.locate(inputs)).toEqual([]);
    // Someone else's snapshot is not a candidate.
    const dataset = await env.api<{ dataset: { projectId: string } }>("GET", `/api/datasetrw/v1/datasets/${datasetId}`);
    const alice = env.emulator.users.alice;
    await env.api("POST", `/api/projects/v1/projects/${dataset.body.dataset.projectId}/collaborators`, { id: alice.id, role: "contributor" });
    const theirs = await env.api("POST", `/api/datasetrw/v1/datasets/${datasetId}/snapshots`, { relativeFilePaths: ["data"] }, alice.apiKey);
    expect(theirs.status).toBe(200);
    const mine = await env.api<{ snapshot: { id: string } }>("POST", `/api/datasetrw/v1/datasets/${datasetId}/snapshots`, { relativeFilePaths: ["data"] });
    expect((await provider.locate(inputs)).map((l) => l.id)).toEqual([`${datasetId}/${mine.body.snapshot.id}`]);
  });
});

describe("DatasetSnapshot with snapshots that take a minute", () => {
  const env = useEmulator({ dominoVersion: "6.3", snapshotDurationMs: 60_000 });

  it("prints the status of a long wait about every 15 s", async () => {
    const datasetId = await makeDataset(env, "progress");
    // Below the 1 minute that check allows, to keep the test short.
    const inputs = { ...(await checked({ datasetId, relativeFilePaths: ["data"] })), snapshotTimeoutMinutes: 0.3 };
    const lines: string[] = [];
    const stderr = jest.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
    // Once the wait has begun, the clock jumps 16 s ahead (for the emulator too, which still
    // has 44 s to go): the next poll reports, and the one after that meets the deadline.
    const realNow = Date.now.bind(Date);
    let shift = 0;
    const clock = jest.spyOn(Date, "now").mockImplementation(() => realNow() + shift);
    let err: unknown;
    try {
      const pending = provider.create({ ...inputs, __provider: "shim" }).catch((e: unknown) => e);
      while (((await env.requestCounts()).byRoute[GET_SNAPSHOT] ?? 0) === 0) await new Promise((r) => setTimeout(r, 20));
      shift = 16_000;
      err = await pending;
    } finally {
      clock.mockRestore();
      stderr.mockRestore();
    }
    const progress = lines.filter((l) => l.includes("; waited "));
    expect(progress).toEqual([
      expect.stringMatching(
        /^pulumi-domino: create DatasetSnapshot of dataset [0-9a-f]{24}: snapshot [0-9a-f]{24} of dataset [0-9a-f]{24} is pending; waited 1[67] s of at most 18 s\n$/,
      ),
    ]);
    expect(err).toBeInstanceOf(ResourceInitError);
    expect((err as ResourceInitError).reasons[0]).toMatch(/was still pending after 0\.3 minutes; the next `pulumi up` waits for it again/);
  });
});

describe("DatasetSnapshot with slow snapshots", () => {
  const env = useEmulator({ dominoVersion: "6.3", snapshotDurationMs: 1200 });

  it("records a snapshot not ready at the deadline, and the next update waits for it", async () => {
    const datasetId = await makeDataset(env, "slow");
    // Below the 1 minute that check allows, to keep the test short.
    const inputs = { ...(await checked({ datasetId, relativeFilePaths: ["data"] })), snapshotTimeoutMinutes: 0.005 };
    const err = (await provider.create({ ...inputs, __provider: "shim" }).catch((e: unknown) => e)) as ResourceInitError;
    expect(err).toBeInstanceOf(ResourceInitError);
    expect(err.reasons[0]).toMatch(/^snapshot [0-9a-f]{24} of dataset [0-9a-f]{24} was still pending after 0\.005 minutes; the next `pulumi up` waits for it again/);
    const recorded = err.properties as unknown as DatasetSnapshotOutputs;
    // An update that runs out of time too is recorded the same way, keeping the provider.
    const again = (await provider.update(err.id, recorded, { ...inputs, snapshotTimeoutMinutes: 0.001, __provider: "shim" }).catch((e: unknown) => e)) as ResourceInitError;
    expect(again).toBeInstanceOf(ResourceInitError);
    expect(again.properties).toMatchObject({ status: "pending", snapshotTimeoutMinutes: 0.001, __provider: "shim" });
    const news = { ...inputs, snapshotTimeoutMinutes: 1 };
    expect(await provider.diff(err.id, recorded, news)).toEqual({ changes: false });
    const { outs } = await provider.update(err.id, recorded, news);
    const { __provider: _shim, ...recordedOuts } = err.properties;
    expect(outs).toEqual({ ...recordedOuts, snapshotTimeoutMinutes: 1, status: "active" });
  });
});

describe("DatasetSnapshot against Domino 5.3", () => {
  const env = useEmulator({ dominoVersion: "5.3" });

  it("waits and reads through the dataset's snapshot list", async () => {
    const datasetId = await makeDataset(env, "old-snaps");
    const inputs = await checked({ datasetId, relativeFilePaths: ["data"] });
    await env.resetRequestCounts();
    const { id, outs } = await provider.create(inputs);
    // The version probe, the snapshots before the create, the POST, and one poll through the list.
    expect(await env.requestCounts()).toEqual({ total: 4, byRoute: { "GET /api/users/v1/self": 1, [LIST_SNAPSHOTS]: 2, [POST_SNAPSHOT]: 1 } });
    expect(outs.status).toBe("active");

    await env.resetRequestCounts();
    expect((await provider.read(id, outs)).props).toEqual(outs);
    expect(await env.requestCounts()).toEqual({ total: 1, byRoute: { [LIST_SNAPSHOTS]: 1 } });
    expect(await provider.read(`${datasetId}/65f0d00000000000000000ff`, outs)).toEqual({ id: "" });
  });
});
