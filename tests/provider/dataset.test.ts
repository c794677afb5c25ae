import { UNKNOWN } from "../../provider/kit/schema";
import { DatasetInputs, DatasetOutputs, provider as datasetProvider } from "../../provider/resources/dataset";
import { EmulatorFixture, useEmulator } from "../helpers/emulator";

type CheckedDataset = Required<DatasetInputs>;

/** Outputs as a `get` (or a locate) reads them: Domino never returns the grants. */
function unrecordedGrants(outs: DatasetOutputs): DatasetOutputs {
  const { grants: _grants, ...rest } = outs;
  return rest;
}
/** These resources change in place, so `update` is defined. */
const provider = datasetProvider as Required<typeof datasetProvider>;

const PROJECT = "65f0b0000000000000000001";
const POST_DATASET = "POST /api/datasetrw/v1/datasets";
const LIST_V2 = "GET /api/datasetrw/v2/datasets";
const LIST_V1 = "GET /api/datasetrw/v1/datasets";
const DATASET = "/api/datasetrw/v1/datasets/{datasetId}";

async function check(news: Record<string, unknown>, olds: Record<string, unknown> = {}) {
  return provider.check(olds, news);
}

async function checked(news: Record<string, unknown>, olds: Record<string, unknown> = {}): Promise<CheckedDataset> {
  const result = await check(news, olds);
  expect(result.failures).toEqual([]);
  return result.inputs as CheckedDataset;
}

async function makeProject(env: EmulatorFixture, name: string): Promise<string> {
  const res = await env.api<{ project: { id: string } }>("POST", "/api/projects/beta/projects", { name, description: "", visibility: "Private" });
  expect(res.status).toBe(200);
  return res.body.project.id;
}

/** Captures what the provider tells the user on stderr. */
function captureWarnings(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const spy = jest.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  return { lines, restore: () => spy.mockRestore() };
}

describe("Dataset check and diff", () => {
  it("fills defaults and names the field and the rule", async () => {
    expect(await checked({ projectId: PROJECT, name: "raw" })).toEqual({ projectId: PROJECT, name: "raw", description: "", grants: [] });
    const result = await check({ projectId: "p", name: "" });
    expect(result.failures?.map((f) => f.reason)).toEqual([
      'Dataset.projectId must be a Domino id (24 hexadecimal characters), got "p"',
      "Dataset.name must not be empty",
    ]);
    expect((await check({ projectId: UNKNOWN, name: UNKNOWN, description: UNKNOWN })).failures).toEqual([]);
  });

  it("updates name and description in place and replaces for another project", async () => {
    const olds: DatasetOutputs = { projectId: PROJECT, name: "raw", description: "", createdAt: "2024-01-01T00:00:00Z", snapshotIds: [], tags: {} };
    const same = { projectId: PROJECT, name: "raw", description: "", grants: [] };
    expect(await provider.diff("", olds, same)).toEqual({ changes: false });
    expect(await provider.diff("", olds, { ...same, name: "clean" })).toEqual({ changes: true });
    expect(await provider.diff("", olds, { ...same, description: "d" })).toEqual({ changes: true });
    expect(await provider.diff("", olds, { ...same, projectId: "65f0b0000000000000000002" })).toEqual({ changes: true, replaces: ["projectId"] });
  });
});

describe("Dataset against Domino 6.3", () => {
  const env = useEmulator({ dominoVersion: "6.3" });

  it("creates with a list and one call, renames in place and reads back", async () => {
    const projectId = await makeProject(env, "data");
    const inputs = await checked({ projectId, name: "raw", description: "landing zone" });
    await env.resetRequestCounts();
    const { id, outs } = await provider.create(inputs);
    // The project's datasets before the create (a taken name, and what a lost answer
    // could have made), then the create. The version was detected at check.
    expect(await env.requestCounts()).toEqual({ total: 2, byRoute: { [LIST_V2]: 1, [POST_DATASET]: 1 } });
    expect(outs).toEqual({ ...inputs, createdAt: expect.any(String), snapshotIds: [], tags: {} });

    const news = await checked({ projectId, name: "clean", description: "landing zone" });
    await env.resetRequestCounts();
    const { outs: renamed } = await provider.update(id, outs, news);
    expect(await env.requestCounts()).toEqual({ total: 1, byRoute: { [`PATCH ${DATASET}`]: 1 } });
    expect(renamed).toEqual({ ...outs, name: "clean" });

    const { outs: described } = await provider.update(id, renamed, { ...news, description: "" });
    expect(described.description).toBe("");

    await env.resetRequestCounts();
    const read = await provider.read(id);
    expect(await env.requestCounts()).toEqual({ total: 1, byRoute: { [`GET ${DATASET}`]: 1 } });
    expect(read).toEqual({ id, props: unrecordedGrants(described), inputs: { projectId, name: "clean", description: "" } });
  });

  it("refresh follows an out-of-band rename, snapshot and deletion", async () => {
    const projectId = await makeProject(env, "drift");
    const { id, outs } = await provider.create(await checked({ projectId, name: "raw" }));
    await env.api("PATCH", `/api/datasetrw/v1/datasets/${id}`, { name: "renamed" });
    const snap = await env.api<{ snapshot: { id: string } }>("POST", `/api/datasetrw/v1/datasets/${id}/snapshots`, { relativeFilePaths: ["a"] });
    const read = await provider.read(id, outs);
    expect(read.props).toEqual({ ...outs, name: "renamed", snapshotIds: [snap.body.snapshot.id] });
    expect(await provider.diff(id, read.props as DatasetOutputs, await checked({ projectId, name: "raw" }))).toEqual({ changes: true });

    await env.api("DELETE", `/api/datasetrw/v1/datasets/${id}`);
    expect(await provider.read(id, outs)).toEqual({ id: "" });
  });

  it("deletes with one call; a second delete is fine", async () => {
    const projectId = await makeProject(env, "bye");
    const { id, outs } = await provider.create(await checked({ projectId, name: "raw" }));
    await env.resetRequestCounts();
    await provider.delete(id, outs);
    // Dataset delete exists from 5.9.1 only; the version was detected once, at check.
    expect(await env.requestCounts()).toEqual({ total: 1, byRoute: { [`DELETE ${DATASET}`]: 1 } });
    expect((await env.api("GET", `/api/datasetrw/v1/datasets/${id}`)).status).toBe(404);
    await expect(provider.delete(id, outs)).resolves.toBeUndefined();
  });

  it("prints no warning on a server that can delete datasets", async () => {
    const projectId = await makeProject(env, "quiet");
    const captured = captureWarnings();
    try {
      await checked({ projectId, name: "raw" });
    } finally {
      captured.restore();
    }
    expect(captured.lines).toEqual([]);
  });

  it("refuses a name the project already uses, in any case, before sending anything", async () => {
    const projectId = await makeProject(env, "dupes");
    const { id } = await provider.create(await checked({ projectId, name: "raw" }));
    await env.resetRequestCounts();
    for (const name of ["raw", "RAW"]) {
      await expect(provider.create({ projectId, name, description: "", grants: [] })).rejects.toThrow(
        `Dataset create: dataset "${name}" of project ${projectId} already exists in Domino (id ${id}); adopt it with \`adoptId\`, or choose another name`,
      );
    }
    expect((await env.requestCounts()).byRoute).toEqual({ [LIST_V2]: 2 });
  });

  it("recognises the dataset a lost attempt made, without sending the create again", async () => {
    const projectId = await makeProject(env, "dropped");
    await env.api("POST", "/api/datasetrw/v1/datasets", { name: "other", projectId });
    // The create is committed, then its connection dropped without an answer.
    await env.api("POST", "/__emulator/faults/rules", { method: "POST", route: "/api/datasetrw/v1/datasets", when: "after", action: "drop" });
    const inputs = await checked({ projectId, name: "once", description: "mine" });
    await env.resetRequestCounts();
    const { id, outs } = await provider.create(inputs);
    expect(await env.requestCounts()).toEqual({ total: 3, byRoute: { [LIST_V2]: 2, [POST_DATASET]: 1 } });
    expect(outs).toMatchObject({ name: "once", description: "mine" });
    const list = await env.api<{ datasets: { dataset: { id: string; name: string } }[] }>("GET", `/api/datasetrw/v2/datasets?projectIdsToInclude=${projectId}`);
    expect(list.body.datasets.map((d) => d.dataset.name)).toEqual(["other", "once"]);
    expect(list.body.datasets[1].dataset.id).toBe(id);
  });

  it("never duplicates a create whose answer was lost", async () => {
    const projectId = await makeProject(env, "lost");
    await env.api("PUT", "/__emulator/faults", { dropResponseRate: 1 });
    const { id } = await provider.create(await checked({ projectId, name: "once" }));
    await env.api("PUT", "/__emulator/faults", { dropResponseRate: 0 });
    const list = await env.api<{ datasets: { dataset: { id: string } }[] }>("GET", `/api/datasetrw/v2/datasets?projectIdsToInclude=${projectId}`);
    expect(list.body.datasets.map((d) => d.dataset.id)).toEqual([id]);
  });

  it("locates what an interrupted create made: the dataset of that name and description", async () => {
    const projectId = await makeProject(env, "locate");
    const inputs = await checked({ projectId, name: "raw", description: "landing zone" });
    expect(await provider.locate(inputs)).toEqual([]);
    const { id, outs } = await provider.create(inputs);
    expect(await provider.locate(inputs)).toEqual([{ id, outs: unrecordedGrants(outs) }]);
    expect(await provider.locate({ ...inputs, description: "other" })).toEqual([]);
  });
});

describe("Dataset grants", () => {
  const env = useEmulator({ dominoVersion: "6.3" });
  const census = async () =>
    (await fetch(`${env.url}/__emulator/objects`).then((r) => r.json())) as { datasets: Array<{ id: string; live: boolean; grants: unknown[] }> };

  it("checks each grant and one grant per target", async () => {
    const bob = "65f0a0000000000000000003";
    const result = await check({ projectId: PROJECT, name: "g", grants: [{ targetId: bob, targetRole: "datasetrwreader" }] });
    expect(result.failures).toEqual([]);
    expect(result.inputs?.grants).toEqual([{ targetId: bob, targetRole: "DatasetRwReader" }]);
    const bad = await check({
      projectId: PROJECT,
      name: "g",
      grants: [
        { targetId: "bob", targetRole: "DatasetRwReader" },
        { targetId: bob, targetRole: "Boss" },
      ],
    });
    expect(bad.failures?.map((f) => f.reason)).toEqual([
      'Dataset.grants[0].targetId must be a Domino id (24 hexadecimal characters), got "bob"',
      'Dataset.grants[1].targetRole must be one of DatasetRwOwner, DatasetRwEditor, DatasetRwReader (case-insensitive), got "Boss"',
    ]);
    const twice = await check({
      projectId: PROJECT,
      name: "g",
      grants: [
        { targetId: bob, targetRole: "DatasetRwReader" },
        { targetId: bob.toUpperCase(), targetRole: "DatasetRwEditor" },
      ],
    });
    expect(twice.failures?.map((f) => f.reason)).toEqual([`Dataset.grants must give ${bob} one grant, not several (Domino keeps one role per user or organization)`]);
  });

  it("replaces on a change of grants, deleting first when the name and project stay", async () => {
    const bob = "65f0a0000000000000000003";
    const olds: DatasetOutputs = { projectId: PROJECT, name: "raw", description: "", grants: [], createdAt: "2024-01-01T00:00:00Z", snapshotIds: [], tags: {} };
    const same = { projectId: PROJECT, name: "raw", description: "", grants: [] };
    const granted = { ...same, grants: [{ targetId: bob, targetRole: "DatasetRwReader" as const }] };
    expect(await provider.diff("", olds, granted)).toEqual({ changes: true, replaces: ["grants"], deleteBeforeReplace: true });
    expect(await provider.diff("", olds, { ...granted, name: "RAW" })).toEqual({ changes: true, replaces: ["grants"], deleteBeforeReplace: true });
    // A new name: the new dataset does not collide with the old one.
    expect(await provider.diff("", olds, { ...granted, name: "raw2" })).toEqual({ changes: true, replaces: ["grants"] });
    // State written before grants existed had none.
    expect(await provider.diff("", unrecordedGrants(olds), same)).toEqual({ changes: false });
  });

  it("creates with grants in one POST: Domino records them and the grantee gets access; refresh keeps them", async () => {
    const projectId = await makeProject(env, "granted");
    const { bob, alice } = env.emulator.users;
    const inputs = await checked({ projectId, name: "shared", grants: [{ targetId: bob.id, targetRole: "DatasetRwReader" }] });
    await env.resetRequestCounts();
    const { id, outs } = await provider.create(inputs);
    expect((await env.requestCounts()).byRoute[POST_DATASET]).toBe(1);
    expect(outs.grants).toEqual([{ targetId: bob.id, targetRole: "DatasetRwReader" }]);
    expect((await census()).datasets.find((d) => d.id === id)?.grants).toEqual([
      { targetId: env.emulator.users.admin.id, targetRole: "DatasetRwOwner" },
      { targetId: bob.id, targetRole: "DatasetRwReader" },
    ]);
    // The grant is in force: Bob reads the dataset, Alice (no grant, not on the project) does not.
    expect((await env.api("GET", `/api/datasetrw/v1/datasets/${id}`, undefined, bob.apiKey)).status).toBe(200);
    expect((await env.api("GET", `/api/datasetrw/v1/datasets/${id}`, undefined, alice.apiKey)).status).toBe(404);

    const read = await provider.read(id, outs);
    expect(read.props).toEqual(outs);
    expect(read.inputs).toMatchObject({ grants: outs.grants });
    expect(await provider.diff(id, outs, inputs)).toEqual({ changes: false });
  });

  it("a replacement for other grants deletes the old dataset first, then makes the new one with the name", async () => {
    const projectId = await makeProject(env, "regrant");
    const { bob } = env.emulator.users;
    const old = await provider.create(await checked({ projectId, name: "raw" }));
    const news = await checked({ projectId, name: "raw", grants: [{ targetId: bob.id, targetRole: "DatasetRwEditor" }] });
    expect(await provider.diff(old.id, old.outs, news)).toEqual({ changes: true, replaces: ["grants"], deleteBeforeReplace: true });
    await provider.delete(old.id, old.outs);
    const replaced = await provider.create(news);
    expect(replaced.id).not.toBe(old.id);
    expect((await census()).datasets.find((d) => d.id === replaced.id)?.grants).toContainEqual({ targetId: bob.id, targetRole: "DatasetRwEditor" });
  });
});

describe("Dataset against Domino 5.3", () => {
  const env = useEmulator({ dominoVersion: "5.3" });

  it("warns when a dataset is planned, since it cannot be deleted, but not for an existing one", async () => {
    const captured = captureWarnings();
    try {
      await checked({ projectId: PROJECT, name: "raw" });
      await checked({ projectId: PROJECT, name: "raw" }, { projectId: PROJECT, name: "raw" });
      await checked({ projectId: UNKNOWN, name: UNKNOWN });
    } finally {
      captured.restore();
    }
    expect(captured.lines).toEqual([
      'warning: pulumi-domino: Dataset "raw": this Domino API (5.3) has no call that deletes a dataset (it exists from Domino 5.9.1). ' +
        "`pulumi destroy` or a replacement will only remove it from the stack; delete it in the Domino UI.\n",
      // Preview: the name is not known yet, and the placeholder is no name to show.
      "warning: pulumi-domino: Dataset (name not known yet): this Domino API (5.3) has no call that deletes a dataset (it exists from Domino 5.9.1). " +
        "`pulumi destroy` or a replacement will only remove it from the stack; delete it in the Domino UI.\n",
    ]);
  });

  it("refuses grants at check, naming the version, but not an empty list", async () => {
    const grants = [{ targetId: "65f0a0000000000000000003", targetRole: "DatasetRwReader" }];
    expect((await check({ projectId: PROJECT, name: "g", grants })).failures?.map((f) => f.reason)).toEqual([
      "Dataset.grants needs Domino 5.9.1 or later; this Domino API (5.3) does not have it. Remove grants or set it to [].",
    ]);
    const captured = captureWarnings();
    try {
      expect((await check({ projectId: PROJECT, name: "g", grants: [] })).failures).toEqual([]);
    } finally {
      captured.restore();
    }
  });

  it("warns on replacement that the old dataset stays", async () => {
    const olds: DatasetOutputs = { projectId: PROJECT, name: "raw", description: "", createdAt: "2024-01-01T00:00:00Z", snapshotIds: [], tags: {} };
    const captured = captureWarnings();
    try {
      expect(await provider.diff("", olds, { projectId: "65f0b0000000000000000002", name: "raw", description: "", grants: [] })).toEqual({
        changes: true,
        replaces: ["projectId"],
      });
      expect(await provider.diff("", olds, { projectId: PROJECT, name: "new", description: "", grants: [] })).toEqual({ changes: true });
    } finally {
      captured.restore();
    }
    expect(captured.lines).toEqual([
      'warning: pulumi-domino: Dataset "raw" is being replaced, but this Domino API (5.3) has no call that deletes a dataset (it exists from Domino 5.9.1): the old dataset will stay in Domino.\n',
    ]);
  });

  it("creates, renames and reads as on 6.3; destroy forgets it and says it still exists", async () => {
    const projectId = await makeProject(env, "old-data");
    const { id, outs } = await provider.create(await checked({ projectId, name: "raw" }));
    const { outs: renamed } = await provider.update(id, outs, { projectId, name: "clean", description: "", grants: [] });
    expect((await provider.read(id, renamed)).props).toEqual(renamed);

    const captured = captureWarnings();
    await env.resetRequestCounts();
    try {
      await expect(provider.delete(id, renamed)).resolves.toBeUndefined();
    } finally {
      captured.restore();
    }
    expect((await env.requestCounts()).total).toBe(0);
    expect(captured.lines).toEqual([
      `warning: pulumi-domino: Dataset "clean" (${id}) was removed from the stack but still exists in Domino: ` +
        "this Domino API (5.3) has no call that deletes a dataset (it exists from Domino 5.9.1). Delete it in the Domino UI.\n",
    ]);
    expect((await env.api("GET", `/api/datasetrw/v1/datasets/${id}`)).status).toBe(200);
  });

  it("finds a lost create through the v1 list", async () => {
    const projectId = await makeProject(env, "old-lost");
    await env.api("PUT", "/__emulator/faults", { dropResponseRate: 1 });
    const { id } = await provider.create(await checked({ projectId, name: "once" }));
    await env.api("PUT", "/__emulator/faults", { dropResponseRate: 0 });
    const list = await env.api<{ datasets: { id: string }[] }>("GET", `/api/datasetrw/v1/datasets?projectId=${projectId}`);
    expect(list.body.datasets.map((d) => d.id)).toEqual([id]);
  });
});
