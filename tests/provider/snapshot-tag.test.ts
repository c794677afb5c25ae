import { UNKNOWN } from "../../provider/kit/schema";
import { provider as tagProvider, SnapshotTagInputs, SnapshotTagOutputs } from "../../provider/resources/snapshot-tag";
import { EmulatorFixture, useEmulator } from "../helpers/emulator";

/** These resources change in place, so `update` is defined. */
const provider = tagProvider as Required<typeof tagProvider>;

const DATASET = "65f0d0000000000000000001";
const SNAPSHOT = "65f0d0000000000000000002";
const TAGS = "/api/datasetrw/v1/datasets/{datasetId}/tags";
const GET_DATASET = "GET /api/datasetrw/v1/datasets/{datasetId}";

async function check(news: Record<string, unknown>) {
  return provider.check({}, news);
}

async function checked(news: Record<string, unknown>): Promise<SnapshotTagInputs> {
  const result = await check(news);
  expect(result.failures).toEqual([]);
  return result.inputs as SnapshotTagInputs;
}

async function makeDataset(env: EmulatorFixture, name: string): Promise<{ datasetId: string; snapshots: string[] }> {
  const project = await env.api<{ project: { id: string } }>("POST", "/api/projects/beta/projects", { name, description: "", visibility: "Private" });
  const dataset = await env.api<{ dataset: { id: string } }>("POST", "/api/datasetrw/v1/datasets", { name: "raw", projectId: project.body.project.id });
  const datasetId = dataset.body.dataset.id;
  const snapshots: string[] = [];
  for (const path of ["v1", "v2"]) {
    const snap = await env.api<{ snapshot: { id: string } }>("POST", `/api/datasetrw/v1/datasets/${datasetId}/snapshots`, { relativeFilePaths: [path] });
    snapshots.push(snap.body.snapshot.id);
  }
  return { datasetId, snapshots };
}

async function tagsOf(env: EmulatorFixture, datasetId: string): Promise<Record<string, string>> {
  return (await env.api<{ dataset: { tags: Record<string, string> } }>("GET", `/api/datasetrw/v1/datasets/${datasetId}`)).body.dataset.tags;
}

describe("SnapshotTag check and diff", () => {
  it("names the field and the rule", async () => {
    expect(await checked({ datasetId: DATASET, snapshotId: SNAPSHOT, tagName: "prod" })).toEqual({ datasetId: DATASET, snapshotId: SNAPSHOT, tagName: "prod" });
    const result = await check({ datasetId: DATASET, snapshotId: "latest", tagName: " " });
    expect(result.failures?.map((f) => f.reason)).toEqual([
      'SnapshotTag.snapshotId must be a Domino id (24 hexadecimal characters), got "latest"',
      "SnapshotTag.tagName must not be empty",
    ]);
    expect((await check({ datasetId: UNKNOWN, snapshotId: UNKNOWN, tagName: UNKNOWN })).failures).toEqual([]);
  });

  it("moves in place to another snapshot and replaces for a new name or dataset", async () => {
    const olds: SnapshotTagOutputs = { datasetId: DATASET, snapshotId: SNAPSHOT, tagName: "prod" };
    expect(await provider.diff("", olds, { ...olds })).toEqual({ changes: false });
    expect(await provider.diff("", olds, { ...olds, snapshotId: "65f0d0000000000000000003" })).toEqual({ changes: true });
    expect(await provider.diff("", olds, { ...olds, tagName: "staging" })).toEqual({ changes: true, replaces: ["tagName"] });
    expect(await provider.diff("", olds, { ...olds, datasetId: "65f0d0000000000000000009" })).toEqual({ changes: true, replaces: ["datasetId"] });
  });
});

describe.each(["6.3", "5.3"] as const)("SnapshotTag against Domino %s", (dominoVersion) => {
  const env = useEmulator({ dominoVersion });

  it("tags with a read and one call, moves the tag with two, and reads it back", async () => {
    const { datasetId, snapshots } = await makeDataset(env, "tags");
    const inputs = await checked({ datasetId, snapshotId: snapshots[0], tagName: "release/2024" });
    await env.resetRequestCounts();
    const { id, outs } = await provider.create(inputs);
    // The dataset's tags before the create (a taken name, and what a lost answer could
    // have made), then the create.
    expect(await env.requestCounts()).toEqual({ total: 2, byRoute: { [GET_DATASET]: 1, [`POST ${TAGS}`]: 1 } });
    expect(id).toBe(`${datasetId}/release/2024`);
    expect(outs).toEqual(inputs);
    expect(await tagsOf(env, datasetId)).toEqual({ "release/2024": snapshots[0] });

    await env.resetRequestCounts();
    const { outs: moved } = await provider.update(id, outs, { ...inputs, snapshotId: snapshots[1] });
    // The remove answers with the dataset's tags: that is the list the add starts from.
    expect(await env.requestCounts()).toEqual({ total: 2, byRoute: { [`DELETE ${TAGS}/{tagName}`]: 1, [`POST ${TAGS}`]: 1 } });
    expect(moved).toEqual({ ...inputs, snapshotId: snapshots[1] });
    expect(await tagsOf(env, datasetId)).toEqual({ "release/2024": snapshots[1] });

    await env.resetRequestCounts();
    expect(await provider.read(id)).toEqual({ id, props: moved, inputs: moved });
    expect(await env.requestCounts()).toEqual({ total: 1, byRoute: { [GET_DATASET]: 1 } });
  });

  it("refresh follows out-of-band moves and removal, and an unknown dataset", async () => {
    const { datasetId, snapshots } = await makeDataset(env, "drift");
    const { id, outs } = await provider.create(await checked({ datasetId, snapshotId: snapshots[0], tagName: "prod" }));
    await env.api("DELETE", `/api/datasetrw/v1/datasets/${datasetId}/tags/prod`);
    await env.api("POST", `/api/datasetrw/v1/datasets/${datasetId}/tags`, { tagName: "prod", snapshotId: snapshots[1] });
    const read = await provider.read(id, outs);
    expect(read.props).toEqual({ ...outs, snapshotId: snapshots[1] });
    expect(await provider.diff(id, read.props as SnapshotTagOutputs, outs)).toEqual({ changes: true });

    await env.api("DELETE", `/api/datasetrw/v1/datasets/${datasetId}/tags/prod`);
    expect(await provider.read(id, outs)).toEqual({ id: "" });
    expect(await provider.read(`65f0d00000000000000000ff/prod`, outs)).toEqual({ id: "" });
  });

  it("deletes the tag (URL-encoded), and a second delete is fine", async () => {
    const { datasetId, snapshots } = await makeDataset(env, "untag");
    const { id, outs } = await provider.create(await checked({ datasetId, snapshotId: snapshots[0], tagName: "a b/c?" }));
    await provider.delete(id, outs);
    expect(await tagsOf(env, datasetId)).toEqual({});
    await expect(provider.delete(id, {} as SnapshotTagOutputs)).resolves.toBeUndefined();
  });

  it("reads tag names that are also names of object members", async () => {
    const { datasetId, snapshots } = await makeDataset(env, "members");
    expect(await provider.read(`${datasetId}/constructor`, { datasetId, tagName: "constructor", snapshotId: snapshots[0] })).toEqual({ id: "" });
    const { id, outs } = await provider.create(await checked({ datasetId, snapshotId: snapshots[0], tagName: "constructor" }));
    expect((await provider.read(id, outs)).props).toEqual(outs);
  });

  it("an update after a failed add starts again from the missing tag", async () => {
    const { datasetId, snapshots } = await makeDataset(env, "retry");
    const { id, outs } = await provider.create(await checked({ datasetId, snapshotId: snapshots[0], tagName: "prod" }));
    await env.api("DELETE", `/api/datasetrw/v1/datasets/${datasetId}/tags/prod`);
    const { outs: moved } = await provider.update(id, outs, { ...outs, snapshotId: snapshots[1] });
    expect(moved.snapshotId).toBe(snapshots[1]);
    expect(await tagsOf(env, datasetId)).toEqual({ prod: snapshots[1] });
  });

  it("refuses a name already in use before sending anything, and a snapshot of another dataset with Domino's words", async () => {
    const { datasetId, snapshots } = await makeDataset(env, "taken");
    await env.api("POST", `/api/datasetrw/v1/datasets/${datasetId}/tags`, { tagName: "prod", snapshotId: snapshots[0] });
    // Even a tag that points where asked: it is not this resource's.
    for (const snapshotId of snapshots) {
      const inputs = await checked({ datasetId, snapshotId, tagName: "prod" });
      await env.resetRequestCounts();
      await expect(provider.create(inputs)).rejects.toThrow(
        `SnapshotTag create: tag "prod" of dataset ${datasetId} already exists in Domino (id ${datasetId}/prod); adopt it with \`adoptId\`, or choose another name`,
      );
      expect((await env.requestCounts()).byRoute).toEqual({ [GET_DATASET]: 1 });
    }
    const other = await makeDataset(env, "other");
    await expect(provider.create(await checked({ datasetId, snapshotId: other.snapshots[0], tagName: "x" }))).rejects.toThrow(/is not a snapshot of dataset/);
  });

  it("never duplicates a tag whose answer was lost", async () => {
    const { datasetId, snapshots } = await makeDataset(env, "lost");
    await env.api("PUT", "/__emulator/faults", { dropResponseRate: 1 });
    const { outs } = await provider.create(await checked({ datasetId, snapshotId: snapshots[0], tagName: "prod" }));
    await env.api("PUT", "/__emulator/faults", { dropResponseRate: 0 });
    expect(outs.snapshotId).toBe(snapshots[0]);
    expect(await tagsOf(env, datasetId)).toEqual({ prod: snapshots[0] });
  });

  it("locates what an interrupted create made: the name pointing at the snapshot", async () => {
    const { datasetId, snapshots } = await makeDataset(env, "locate");
    const inputs = await checked({ datasetId, snapshotId: snapshots[0], tagName: "prod" });
    expect(await provider.locate(inputs)).toEqual([]);
    const { id, outs } = await provider.create(inputs);
    expect(await provider.locate(inputs)).toEqual([{ id, outs }]);
    expect(await provider.locate({ ...inputs, snapshotId: snapshots[1] })).toEqual([]);
  });

  it("a move whose add lost its answer finds the tag moved", async () => {
    const { datasetId, snapshots } = await makeDataset(env, "lost-move");
    const { id, outs } = await provider.create(await checked({ datasetId, snapshotId: snapshots[0], tagName: "prod" }));
    // The add is committed, then its connection dropped without an answer.
    await env.api("POST", "/__emulator/faults/rules", { method: "POST", route: TAGS, when: "after", action: "drop" });
    await env.resetRequestCounts();
    const { outs: moved } = await provider.update(id, outs, { ...outs, snapshotId: snapshots[1] });
    // Not sent again: the dataset read after the lost answer showed the tag.
    expect(await env.requestCounts()).toEqual({ total: 3, byRoute: { [`DELETE ${TAGS}/{tagName}`]: 1, [`POST ${TAGS}`]: 1, [GET_DATASET]: 1 } });
    expect(moved.snapshotId).toBe(snapshots[1]);
    expect(await tagsOf(env, datasetId)).toEqual({ prod: snapshots[1] });
  });
});
