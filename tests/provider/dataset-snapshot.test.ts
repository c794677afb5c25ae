import * as datasetsClient from "../../provider/client/datasets";
import { ResourceInitError, UNKNOWN } from "../../provider/resources/common";
import { DatasetSnapshotInputs, DatasetSnapshotOutputs, provider } from "../../provider/resources/dataset-snapshot";
import { EmulatorFixture, useEmulator } from "../helpers/emulator";

const DATASET = "65f0d0000000000000000001";
const POST_SNAPSHOT = "POST /api/datasetrw/v1/datasets/{datasetId}/snapshots";
const GET_SNAPSHOT = "GET /api/datasetrw/v1/snapshots/{snapshotId}";
const LIST_SNAPSHOTS = "GET /api/datasetrw/v1/datasets/{datasetId}/snapshots";

async function checked(news: Record<string, unknown>): Promise<DatasetSnapshotInputs> {
  const result = await provider.check({}, news);
  expect(result.failures).toEqual([]);
  return result.inputs as DatasetSnapshotInputs;
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
    const result = await provider.check({}, { datasetId: DATASET, relativeFilePaths: ["/etc"], snapshotTimeoutMinutes: "soon" });
    expect(result.failures?.map((f) => f.reason)).toEqual([
      "DatasetSnapshot.relativeFilePaths must hold paths relative to the dataset root (no leading /)",
      'DatasetSnapshot.snapshotTimeoutMinutes must be a number, got "soon"',
    ]);
    expect((await provider.check({}, { datasetId: DATASET })).failures?.map((f) => f.reason)).toEqual(["DatasetSnapshot.relativeFilePaths is required"]);
    expect((await provider.check({}, { datasetId: UNKNOWN, relativeFilePaths: UNKNOWN })).failures).toEqual([]);
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
    // POST, the version probe (snapshot reads differ by version) and one poll.
    expect(await env.requestCounts()).toEqual({ total: 3, byRoute: { [POST_SNAPSHOT]: 1, "GET /api/users/v1/self": 1, [GET_SNAPSHOT]: 1 } });
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
      /create dataset snapshot failed: POST \/api\/datasetrw\/v1\/datasets\/65f0d00000000000000000ff\/snapshots answered HTTP 404/,
    );
  });

  it("records the snapshot when its progress cannot be followed, instead of leaking it", async () => {
    const datasetId = await makeDataset(env, "unfollowed");
    const inputs = await checked({ datasetId, relativeFilePaths: ["data"] });
    const spy = jest.spyOn(datasetsClient, "getSnapshot").mockRejectedValue(new Error("connection reset"));
    let err: ResourceInitError;
    try {
      err = (await provider.create({ ...inputs, __provider: "shim" }).catch((e: unknown) => e)) as ResourceInitError;
    } finally {
      spy.mockRestore();
    }
    expect(err).toBeInstanceOf(ResourceInitError);
    expect(err.reasons[0]).toMatch(/^snapshot [0-9a-f]{24} of dataset [0-9a-f]{24} was created, but its progress could not be followed: connection reset$/);
    expect(err.properties).toMatchObject({ status: "pending", __provider: "shim" });
    const { outs } = await provider.update(err.id, err.properties as unknown as DatasetSnapshotOutputs, { ...inputs, __provider: "shim" });
    expect(outs).toMatchObject({ snapshotId: err.id.split("/")[1], status: "active" });
    const dataset = await env.api<{ dataset: { snapshotIds: string[] } }>("GET", `/api/datasetrw/v1/datasets/${datasetId}`);
    expect(dataset.body.dataset.snapshotIds).toEqual([outs.snapshotId]);
  });

  it("never duplicates a create whose answer was lost", async () => {
    const datasetId = await makeDataset(env, "lost");
    await env.api("PUT", "/__emulator/faults", { dropResponseRate: 1 });
    const { outs } = await provider.create(await checked({ datasetId, relativeFilePaths: ["data"] }));
    await env.api("PUT", "/__emulator/faults", { dropResponseRate: 0 });
    const dataset = await env.api<{ dataset: { snapshotIds: string[] } }>("GET", `/api/datasetrw/v1/datasets/${datasetId}`);
    expect(dataset.body.dataset.snapshotIds).toEqual([outs.snapshotId]);
  });
});

describe("DatasetSnapshot with slow snapshots", () => {
  const env = useEmulator({ dominoVersion: "6.3", snapshotDurationMs: 1200 });

  it("records a snapshot not ready at the deadline, and the next update waits for it", async () => {
    const datasetId = await makeDataset(env, "slow");
    const inputs = await checked({ datasetId, relativeFilePaths: ["data"], snapshotTimeoutMinutes: 0.005 });
    const err = (await provider.create({ ...inputs, __provider: "shim" }).catch((e: unknown) => e)) as ResourceInitError;
    expect(err).toBeInstanceOf(ResourceInitError);
    expect(err.reasons[0]).toMatch(/^snapshot [0-9a-f]{24} of dataset [0-9a-f]{24} was still pending after 0\.005 minutes; the next `pulumi up` waits for it again/);
    const recorded = err.properties as unknown as DatasetSnapshotOutputs;
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
    expect(await env.requestCounts()).toEqual({ total: 3, byRoute: { [POST_SNAPSHOT]: 1, "GET /api/users/v1/self": 1, [LIST_SNAPSHOTS]: 1 } });
    expect(outs.status).toBe("active");

    await env.resetRequestCounts();
    expect((await provider.read(id, outs)).props).toEqual(outs);
    expect(await env.requestCounts()).toEqual({ total: 1, byRoute: { [LIST_SNAPSHOTS]: 1 } });
    expect(await provider.read(`${datasetId}/65f0d00000000000000000ff`, outs)).toEqual({ id: "" });
  });
});
