/** Datasets, snapshots, tags and the v1/v2 lists. */
import { createProject, eventually, expectForbidden, expectHidden, sleep, UNKNOWN_ID, useEmulator } from "./support";

const SNAPSHOT_MS = 250;

describe("datasets", () => {
  const env = useEmulator({ snapshotDurationMs: SNAPSHOT_MS });

  async function createDataset(projectId: string, name: string, as: "admin" | "alice" | "bob" = "alice") {
    const res = await env.api.call("POST", "/api/datasetrw/v1/datasets", { as, body: { name, projectId, description: "d" } });
    if (res.status !== 200) throw new Error(`dataset create failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.dataset;
  }

  test("create, read, rename, delete (then 404 and gone from lists)", async () => {
    const { api } = env;
    const project = await createProject(api, "alice");
    const created = await api.call("POST", "/api/datasetrw/v1/datasets", {
      as: "alice",
      body: { name: "raw", projectId: project.id, description: "raw data", grants: [{ targetId: api.emulator.users.bob.id, targetRole: "DatasetRwReader" }] },
    });
    expect(created.status).toBe(200);
    expect(created.body.dataset).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      name: "raw",
      description: "raw data",
      projectId: project.id,
      createdAt: expect.any(String),
      snapshotIds: [],
      tags: {},
    });
    const id = created.body.dataset.id;
    expect((await api.call("GET", `/api/datasetrw/v1/datasets/${id}`, { as: "bob" })).status).toBe(200);
    // Bob reads through his grant, so he sees the dataset: changing it is 403, not 404.
    expectForbidden(await api.call("PATCH", `/api/datasetrw/v1/datasets/${id}`, { as: "bob", body: { name: "x" } }), "UpdateDatasetRw");
    expectForbidden(
      await api.call("POST", `/api/datasetrw/v1/datasets/${id}/snapshots`, { as: "bob", body: { relativeFilePaths: [] } }),
      "UpdateDatasetRw",
    );
    // The project itself stays private to him, but filtering by it shows what he may read.
    const bobsView = await api.call("GET", `/api/datasetrw/v1/datasets?projectId=${project.id}`, { as: "bob" });
    expect(bobsView.status).toBe(200);
    expect(bobsView.body.datasets.map((d: { id: string }) => d.id)).toEqual([id]);
    expectHidden(await api.call("GET", `/api/projects/v1/projects/${project.id}`, { as: "bob" }), "Project", project.id);

    const renamed = await api.call("PATCH", `/api/datasetrw/v1/datasets/${id}`, { as: "alice", body: { name: "raw2", description: "new" } });
    expect(renamed.status).toBe(200);
    expect(renamed.body.dataset).toMatchObject({ name: "raw2", description: "new" });
    expect((await api.call("PATCH", `/api/datasetrw/v1/datasets/${id}`, { as: "alice", body: { name: 3 } })).status).toBe(400);

    expectForbidden(await api.call("DELETE", `/api/datasetrw/v1/datasets/${id}`, { as: "bob" }), "PermanentDeleteDatasetRw");
    const removed = await api.call("DELETE", `/api/datasetrw/v1/datasets/${id}`, { as: "alice" });
    expect(removed.status).toBe(200);
    expect(removed.body.dataset.id).toBe(id);
    expect((await api.call("GET", `/api/datasetrw/v1/datasets/${id}`, { as: "alice" })).status).toBe(404);
    expect((await api.call("DELETE", `/api/datasetrw/v1/datasets/${id}`, { as: "alice" })).status).toBe(404);
    const list = await api.call("GET", `/api/datasetrw/v1/datasets?projectId=${project.id}`, { as: "alice" });
    expect(list.body.datasets).toEqual([]);
    // The name is free again once deleted.
    expect((await createDataset(project.id, "raw2")).name).toBe("raw2");
  });

  test("names are unique per project; projectId xor snapshotId; permissions and unknown ids", async () => {
    const { api } = env;
    const project = await createProject(api, "alice");
    const other = await createProject(api, "alice");
    await createDataset(project.id, "same");
    const dup = await api.call("POST", "/api/datasetrw/v1/datasets", { as: "alice", body: { name: "SAME", projectId: project.id } });
    expect(dup.status).toBe(400);
    expect(dup.body.errors[0]).toMatch(/already exists/);
    expect((await createDataset(other.id, "same")).projectId).toBe(other.id);

    const neither = await api.call("POST", "/api/datasetrw/v1/datasets", { as: "alice", body: { name: "n" } });
    expect(neither.status).toBe(400);
    expect(neither.body.message).toMatch(/projectId/);
    const both = await api.call("POST", "/api/datasetrw/v1/datasets", { as: "alice", body: { name: "n", projectId: project.id, snapshotId: UNKNOWN_ID } });
    expect(both.status).toBe(400);
    expect((await api.call("POST", "/api/datasetrw/v1/datasets", { as: "alice", body: { projectId: project.id } })).status).toBe(400);
    expectHidden(await api.call("POST", "/api/datasetrw/v1/datasets", { as: "bob", body: { name: "n", projectId: project.id } }), "Project", project.id);
    expectHidden(await api.call("GET", `/api/datasetrw/v1/datasets?projectId=${project.id}`, { as: "bob" }), "Project", project.id);
    await api.call("POST", `/api/projects/v1/projects/${project.id}/collaborators`, {
      as: "alice",
      body: { id: api.emulator.users.bob.id, role: "launcherUser" },
    });
    expectForbidden(await api.call("POST", "/api/datasetrw/v1/datasets", { as: "bob", body: { name: "n", projectId: project.id } }), "ManageDatasetsRw");
    expect((await api.call("POST", "/api/datasetrw/v1/datasets", { as: "alice", body: { name: "n", projectId: UNKNOWN_ID } })).status).toBe(404);
    const badGrant = await api.call("POST", "/api/datasetrw/v1/datasets", {
      as: "alice",
      body: { name: "g", projectId: project.id, grants: [{ targetId: api.emulator.users.bob.id, targetRole: "Boss" }] },
    });
    expect(badGrant.status).toBe(400);
  });

  test("snapshots: pending then active, failed when a path contains 'fail'; list paged; GET by id", async () => {
    const { api } = env;
    const project = await createProject(api, "alice");
    const dataset = await createDataset(project.id, "snaps");
    const base = `/api/datasetrw/v1/datasets/${dataset.id}/snapshots`;
    const snap = await api.call("POST", base, { as: "alice", body: { relativeFilePaths: ["data/a.csv"] } });
    expect(snap.status).toBe(200);
    expect(snap.body.snapshot).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      datasetId: dataset.id,
      creatorId: api.emulator.users.alice.id,
      createdAt: expect.any(String),
      status: "pending",
    });
    const failing = await api.call("POST", base, { as: "alice", body: { relativeFilePaths: ["ok.csv", "will_fail.csv"] } });
    expect(failing.body.snapshot.status).toBe("pending");
    await eventually(async () => {
      const res = await api.call("GET", `/api/datasetrw/v1/snapshots/${snap.body.snapshot.id}`, { as: "alice" });
      return res.body.snapshot.status === "active" ? true : undefined;
    });
    // Each snapshot settles on its own timer; wait for this one to leave "pending" rather than
    // assume it settled together with the first.
    const failedStatus = await eventually(async () => {
      const res = await api.call("GET", `/api/datasetrw/v1/snapshots/${failing.body.snapshot.id}`, { as: "alice" });
      return res.body.snapshot.status === "pending" ? undefined : res.body.snapshot.status;
    });
    expect(failedStatus).toBe("failed");

    for (let i = 0; i < 10; i++) await api.call("POST", base, { as: "alice", body: { relativeFilePaths: [] } });
    const page1 = await api.call("GET", base, { as: "alice" });
    expect(page1.body.snapshots).toHaveLength(10);
    expect(page1.body.metadata).toMatchObject({ offset: 0, limit: 10, totalCount: 12 });
    expect((await api.call("GET", `${base}?offset=10`, { as: "alice" })).body.snapshots).toHaveLength(2);
    const read = await api.call("GET", `/api/datasetrw/v1/datasets/${dataset.id}`, { as: "alice" });
    expect(read.body.dataset.snapshotIds).toHaveLength(12);

    expect((await api.call("POST", base, { as: "alice", body: { relativeFilePaths: "a" } })).status).toBe(400);
    expectHidden(await api.call("POST", base, { as: "bob", body: { relativeFilePaths: [] } }), "Dataset", dataset.id);
    expectHidden(await api.call("GET", base, { as: "bob" }), "Dataset", dataset.id);
    expectHidden(await api.call("GET", `/api/datasetrw/v1/snapshots/${UNKNOWN_ID}`, { as: "alice" }), "Snapshot", UNKNOWN_ID);
    expectHidden(await api.call("GET", `/api/datasetrw/v1/snapshots/${snap.body.snapshot.id}`, { as: "bob" }), "Snapshot", snap.body.snapshot.id);
  });

  test("a dataset from an active snapshot lands in the snapshot's project; a pending one is refused", async () => {
    const { api } = env;
    const project = await createProject(api, "alice");
    const dataset = await createDataset(project.id, "origin");
    const snap = await api.call("POST", `/api/datasetrw/v1/datasets/${dataset.id}/snapshots`, { as: "alice", body: { relativeFilePaths: ["x"] } });
    const early = await api.call("POST", "/api/datasetrw/v1/datasets", { as: "alice", body: { name: "copy", snapshotId: snap.body.snapshot.id } });
    expect(early.status).toBe(400);
    expect(early.body.errors[0]).toMatch(/pending/);
    await sleep(SNAPSHOT_MS + 20);
    const copy = await api.call("POST", "/api/datasetrw/v1/datasets", { as: "alice", body: { name: "copy", snapshotId: snap.body.snapshot.id } });
    expect(copy.status).toBe(200);
    expect(copy.body.dataset.projectId).toBe(project.id);

    // A stranger cannot see the snapshot: 404 as for an unknown one.
    const snapshotId = snap.body.snapshot.id;
    expectHidden(await api.call("POST", "/api/datasetrw/v1/datasets", { as: "bob", body: { name: "c2", snapshotId } }), "Snapshot", snapshotId);
    // A grantee sees the snapshot but not its (private) project, where the copy would land:
    // he named only the snapshot, so the refusal is 403, not "not found".
    const granted = await api.call("POST", "/api/datasetrw/v1/datasets", {
      as: "alice",
      body: { name: "granted", projectId: project.id, grants: [{ targetId: api.emulator.users.bob.id, targetRole: "DatasetRwReader" }] },
    });
    const grantedSnap = await api.call("POST", `/api/datasetrw/v1/datasets/${granted.body.dataset.id}/snapshots`, {
      as: "alice",
      body: { relativeFilePaths: ["y"] },
    });
    await sleep(SNAPSHOT_MS + 20);
    const viaGrant = await api.call("POST", "/api/datasetrw/v1/datasets", {
      as: "bob",
      body: { name: "c3", snapshotId: grantedSnap.body.snapshot.id },
    });
    expectForbidden(viaGrant, "ManageDatasetsRw");
  });

  test("tags: add, unique per dataset, snapshot must belong to it, remove (URL-encoded)", async () => {
    const { api } = env;
    const project = await createProject(api, "alice");
    const dataset = await createDataset(project.id, "tagged");
    const other = await createDataset(project.id, "other");
    const snap = await api.call("POST", `/api/datasetrw/v1/datasets/${dataset.id}/snapshots`, { as: "alice", body: { relativeFilePaths: [] } });
    const otherSnap = await api.call("POST", `/api/datasetrw/v1/datasets/${other.id}/snapshots`, { as: "alice", body: { relativeFilePaths: [] } });
    const snapshotId = snap.body.snapshot.id;
    const base = `/api/datasetrw/v1/datasets/${dataset.id}/tags`;
    const tag = "release/v1 final";
    const added = await api.call("POST", base, { as: "alice", body: { tagName: tag, snapshotId } });
    expect(added.status).toBe(200);
    expect(added.body.dataset.tags).toEqual({ [tag]: snapshotId });
    const dup = await api.call("POST", base, { as: "alice", body: { tagName: tag, snapshotId } });
    expect(dup.status).toBe(400);
    expect(dup.body.errors[0]).toMatch(/already exists/);
    const foreign = await api.call("POST", base, { as: "alice", body: { tagName: "x", snapshotId: otherSnap.body.snapshot.id } });
    expect(foreign.status).toBe(400);
    expect((await api.call("POST", base, { as: "alice", body: { tagName: "x", snapshotId: UNKNOWN_ID } })).status).toBe(404);
    expect((await api.call("POST", base, { as: "alice", body: { tagName: "x" } })).status).toBe(400);
    expect((await api.call("POST", base, { as: "alice", body: { tagName: "__proto__", snapshotId } })).status).toBe(200);
    expectHidden(await api.call("POST", base, { as: "bob", body: { tagName: "y", snapshotId } }), "Dataset", dataset.id);
    expectHidden(await api.call("DELETE", `${base}/${encodeURIComponent(tag)}`, { as: "bob" }), "Dataset", dataset.id);

    const removed = await api.call("DELETE", `${base}/${encodeURIComponent(tag)}`, { as: "alice" });
    expect(removed.status).toBe(200);
    expect(Object.keys(removed.body.dataset.tags)).toEqual(["__proto__"]);
    expect((await api.call("DELETE", `${base}/${encodeURIComponent(tag)}`, { as: "alice" })).status).toBe(404);
  });

  test("datasets of an archived project answer 404 and leave the lists", async () => {
    const { api } = env;
    const project = await createProject(api, "alice");
    const dataset = await createDataset(project.id, "orphan");
    const snap = await api.call("POST", `/api/datasetrw/v1/datasets/${dataset.id}/snapshots`, { as: "alice", body: { relativeFilePaths: [] } });
    expect((await api.call("DELETE", `/api/projects/beta/projects/${project.id}`, { as: "alice" })).status).toBe(200);
    expect((await api.call("GET", `/api/datasetrw/v1/datasets/${dataset.id}`, { as: "alice" })).status).toBe(404);
    expect((await api.call("GET", `/api/datasetrw/v1/snapshots/${snap.body.snapshot.id}`, { as: "alice" })).status).toBe(404);
    const all = await api.call("GET", "/api/datasetrw/v1/datasets?limit=1000", { as: "alice" });
    expect(all.body.datasets.map((d: { id: string }) => d.id)).not.toContain(dataset.id);
  });

  test("v1 list filters by project; v2 list wraps items, filters by projects and permission, adds projectInfo", async () => {
    const { api } = env;
    await api.control("POST", "/reset");
    const p1 = await createProject(api, "alice");
    const p2 = await createProject(api, "alice");
    for (let i = 0; i < 12; i++) await createDataset(p1.id, `d${i}`);
    await createDataset(p2.id, "elsewhere");
    const v1 = await api.call("GET", `/api/datasetrw/v1/datasets?projectId=${p1.id}`, { as: "alice" });
    expect(v1.body.datasets).toHaveLength(10);
    expect(v1.body.metadata).toMatchObject({ offset: 0, limit: 10, totalCount: 12 });
    expect((await api.call("GET", `/api/datasetrw/v1/datasets?projectId=${UNKNOWN_ID}`, { as: "alice" })).status).toBe(404);
    expect((await api.call("GET", "/api/datasetrw/v1/datasets", { as: "bob" })).body.datasets).toEqual([]);

    const v2 = await api.call("GET", `/api/datasetrw/v2/datasets?projectIdsToInclude=${p2.id}&includeProjectInfo=true`, { as: "alice" });
    expect(v2.status).toBe(200);
    expect(v2.body.datasets).toEqual([
      {
        dataset: expect.objectContaining({ name: "elsewhere", projectId: p2.id }),
        projectInfo: { projectId: p2.id, projectName: p2.name, projectOwnerUsername: "alice" },
      },
    ]);
    const both = await api.call("GET", `/api/datasetrw/v2/datasets?projectIdsToInclude=${p1.id}&projectIdsToInclude=${p2.id}&limit=100`, { as: "alice" });
    expect(both.body.datasets).toHaveLength(13);
    expect(both.body.datasets[0].projectInfo).toBeUndefined();
    const excluded = await api.call("GET", `/api/datasetrw/v2/datasets?projectIdsToExclude=${p1.id}`, { as: "alice" });
    expect(excluded.body.datasets).toHaveLength(1);
    expect((await api.call("GET", `/api/datasetrw/v2/datasets?projectIdsToExclude=${p1.id}&projectIdsToInclude=${p2.id}`)).status).toBe(400);
    expect((await api.call("GET", "/api/datasetrw/v2/datasets?minimumPermission=Everything")).status).toBe(400);
    const bobEdit = await api.call("GET", "/api/datasetrw/v2/datasets?minimumPermission=updateDatasetRwV2", { as: "bob" });
    expect(bobEdit.status).toBe(200);
    expect(bobEdit.body.datasets).toEqual([]);
    expect((await api.call("GET", "/api/datasetrw/v2/datasets?includeProjectInfo=maybe")).status).toBe(400);
  });
});
