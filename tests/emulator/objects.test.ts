/** GET /__emulator/objects: the read-only census of every object, live or hidden. */
import { createProject, useEmulator } from "./support";

describe("GET /__emulator/objects", () => {
  const env = useEmulator();

  beforeEach(async () => {
    await env.api.control("POST", "/reset");
  });

  async function ok<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await env.api.call<T>(method, path, { body });
    if (res.status !== 200) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  test("lists every kind with its parents, marks hidden objects, and is neither counted nor faulted", async () => {
    const { api } = env;
    const users = api.emulator.users;
    const org = (await ok("POST", "/api/organizations/v1/organizations", { name: "census-org", members: [{ userId: users.bob.id, organizationRole: "Member" }] })).org;
    const project = await createProject(api, "admin");
    const p = `/api/projects/v1/projects/${project.id}`;
    await ok("POST", `${p}/collaborators`, { id: users.alice.id, role: "contributor" });
    const goal = (await ok("POST", `${p}/goals`, { title: "Ship" })).goal;
    const repo = (await ok("POST", `${p}/repositories`, { uri: "https://github.com/acme/etl.git" })).repository;
    const dataset = (await ok("POST", "/api/datasetrw/v1/datasets", { name: "features", projectId: project.id })).dataset;
    const snapshot = (await ok("POST", `/api/datasetrw/v1/datasets/${dataset.id}/snapshots`, { relativeFilePaths: ["tables"] })).snapshot;
    await ok("POST", `/api/datasetrw/v1/datasets/${dataset.id}/tags`, { tagName: "stable", snapshotId: snapshot.id });
    const other = await createProject(api, "admin");
    await ok("POST", `/api/projects/v1/projects/${other.id}/shared-datasets`, { datasetId: dataset.id });
    const environment = (await ok("POST", "/api/environments/beta/environments", { name: "py", image: "python:3.11", visibility: "Private", addBaseDependencies: false })).environment;
    await ok("POST", `/api/environments/beta/environments/${environment.id}/revisions`, { image: "python:3.12", summary: "newer", dockerfileInstructions: "RUN true" });
    await api.control("DELETE", "/requests");
    await api.control("PUT", "/faults", { faultRate: 1 });

    const census = (await api.control("GET", "/objects")).body;
    expect(census.organizations).toEqual([{ id: org.id, name: "census-org", creatorId: users.admin.id, live: true }]);
    expect(census.organizationMembers).toEqual([
      { organizationId: org.id, userId: users.bob.id, organizationRole: "Member", isCreator: false, live: true },
      { organizationId: org.id, userId: users.admin.id, organizationRole: "Admin", isCreator: true, live: true },
    ]);
    expect(census.projects).toEqual([
      { id: project.id, name: project.name, ownerId: users.admin.id, live: true },
      { id: other.id, name: other.name, ownerId: users.admin.id, live: true },
    ]);
    expect(census.collaborators).toEqual([{ projectId: project.id, collaboratorId: users.alice.id, role: "contributor", live: true }]);
    expect(census.goals).toEqual([{ id: goal.id, projectId: project.id, title: "Ship", live: true }]);
    expect(census.repositories).toEqual([{ id: repo.id, projectId: project.id, uri: "https://github.com/acme/etl.git", live: true }]);
    // The caller's owner grant is what every dataset has.
    expect(census.datasets).toEqual([
      { id: dataset.id, projectId: project.id, name: "features", grants: [{ targetId: users.admin.id, targetRole: "DatasetRwOwner" }], live: true },
    ]);
    expect(census.snapshots).toEqual([{ id: snapshot.id, datasetId: dataset.id, relativeFilePaths: ["tables"], live: true }]);
    expect(census.snapshotTags).toEqual([{ datasetId: dataset.id, tagName: "stable", snapshotId: snapshot.id, live: true }]);
    expect(census.sharedDatasets).toEqual([{ projectId: other.id, datasetId: dataset.id, live: true }]);
    expect(census.environments).toEqual([{ id: environment.id, name: "py", live: true }]);
    expect(census.revisions).toEqual([
      expect.objectContaining({ environmentId: environment.id, number: 1, live: true }),
      expect.objectContaining({ environmentId: environment.id, number: 2, summary: "newer", dockerfileInstructions: "RUN true", live: true }),
    ]);
    expect((await api.control("GET", "/requests")).body.total).toBe(0);

    // Archiving the project hides it and everything reached through it, the dataset's link included.
    await api.control("PUT", "/faults", {});
    await ok("DELETE", `/api/projects/beta/projects/${project.id}`);
    await ok("DELETE", `/api/environments/v1/environments/${environment.id}`);
    const after = (await api.control("GET", "/objects")).body;
    const live = (items: Array<{ live: boolean }>) => items.map((i) => i.live);
    expect(live(after.projects)).toEqual([false, true]);
    for (const kind of ["collaborators", "goals", "repositories", "datasets", "snapshots", "snapshotTags", "sharedDatasets", "environments"]) {
      expect({ kind, live: live(after[kind]) }).toEqual({ kind, live: [false] });
    }
    expect(live(after.revisions)).toEqual([false, false]);
  });
});
