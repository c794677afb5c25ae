/**
 * Test fixture: a Domino that a platform team has used for a while, made through the
 * emulator's API as its users would make it in the UI (so nothing of it is in any Pulumi
 * state): organizations with members, environments with several revisions, projects of
 * three owners with collaborators (users and organizations), imported repositories, goals,
 * datasets with snapshots and tags, and datasets shared between projects. Over 200 objects.
 *
 * It holds what an export must cope with: two projects of the same name (other owners),
 * two goals of the same title in one project, an organization as a collaborator and as an
 * environment's owner, a failed snapshot and an environment whose latest build failed.
 *
 *     const seeded = await seedDeployment(emulator);   // then count requests from zero
 */
import type { RunningEmulator } from "../../emulator";

export interface Seeded {
  /** Objects made, by kind (revisions counted beyond each environment's first). */
  counts: Record<string, number>;
  /** Every object made. */
  total: number;
  projects: Array<{ id: string; name: string; owner: string }>;
  goals: Array<{ id: string; projectId: string; title: string; isComplete: boolean }>;
  organizations: Array<{ id: string; name: string }>;
}

type Who = "admin" | "alice" | "bob";

const OWNERS: Record<Who, string[]> = {
  alice: ["churn", "fraud-detection", "forecasting", "nlp-sentiment", "scratch"],
  bob: ["pricing", "supply-chain", "marketing-mix", "scratch"],
  admin: ["platform-tools", "shared-data", "onboarding"],
};

const ROLES = ["contributor", "launcherUser", "resultsConsumer", "projectImporter"] as const;

/** Makes the deployment; fails on the first call Domino refuses. */
export async function seedDeployment(emulator: Pick<RunningEmulator, "url" | "users">): Promise<Seeded> {
  const counts: Record<string, number> = {};
  const made = (kind: string, n = 1) => (counts[kind] = (counts[kind] ?? 0) + n);
  const key = (who: Who) => emulator.users[who].apiKey;
  const id = (who: Who) => emulator.users[who].id;

  async function api<T>(who: Who, method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(emulator.url + path, {
      method,
      headers: { "X-Domino-Api-Key": key(who), ...(body !== undefined ? { "Content-Type": "application/json" } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`seeding: ${method} ${path} as ${who} answered ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  }

  // ---- organizations (their creator, admin, becomes an Admin member)
  const orgs: Record<string, string> = {};
  const orgMembers: Record<string, Array<{ userId: string; organizationRole: string }>> = {
    "data-science": [
      { userId: id("alice"), organizationRole: "Admin" },
      { userId: id("bob"), organizationRole: "Member" },
    ],
    analytics: [{ userId: id("bob"), organizationRole: "Admin" }],
    platform: [],
  };
  for (const [name, members] of Object.entries(orgMembers)) {
    const res = await api<{ org: { id: string; members: unknown[] } }>("admin", "POST", "/api/organizations/v1/organizations", { name, members });
    orgs[name] = res.org.id;
    made("Organization");
    made("OrganizationMember", res.org.members.length);
  }

  // ---- environments, some with later revisions
  const environments: Array<{ who: Who; name: string; visibility: "Global" | "Private"; org?: string; images: string[] }> = [
    { who: "admin", name: "python-3.11", visibility: "Global", images: ["python:3.11", "python:3.11-slim", "python:3.11-bookworm"] },
    { who: "admin", name: "r-4.3", visibility: "Global", images: ["rocker/r-ver:4.3"] },
    { who: "alice", name: "spark-ml", visibility: "Private", org: "data-science", images: ["spark:3.5", "spark:3.5-python"] },
    { who: "alice", name: "alice-sandbox", visibility: "Private", images: ["ubuntu:22.04", "ubuntu:24.04"] },
    { who: "bob", name: "gpu-training", visibility: "Private", images: ["nvidia/cuda:12.2", "nvidia/cuda:12.4-fail"] },
    { who: "bob", name: "python-3.11", visibility: "Private", images: ["python:3.11"] },
  ];
  for (const env of environments) {
    const res = await api<{ environment: { id: string } }>(env.who, "POST", "/api/environments/beta/environments", {
      name: env.name,
      visibility: env.visibility,
      addBaseDependencies: false,
      image: env.images[0],
      ...(env.org ? { orgOwnerId: orgs[env.org] } : {}),
      workspaceTools: [{ name: "jupyter", title: "Jupyter", startScripts: ["/opt/domino/jupyter/start"] }],
    });
    made("Environment");
    for (const image of env.images.slice(1)) {
      await api(env.who, "POST", `/api/environments/beta/environments/${res.environment.id}/revisions`, {
        image,
        summary: `move to ${image}`,
        workspaceTools: [
          { name: "jupyter", title: "Jupyter", startScripts: ["/opt/domino/jupyter/start"] },
          { name: "vscode", title: "VS Code", startScripts: ["/opt/domino/vscode/start"], proxyConfig: { internalPath: "/{{ownerUsername}}/{{projectName}}/{{sessionPathComponent}}/{{runId}}/", port: 8888 } },
        ],
      });
      made("EnvironmentRevision");
    }
  }

  // ---- projects and their parts
  const projects: Seeded["projects"] = [];
  const goals: Seeded["goals"] = [];
  const datasets: Array<{ id: string; projectId: string; owner: Who }> = [];
  const people: Who[] = ["admin", "alice", "bob"];
  let n = 0;
  for (const owner of people) {
    for (const name of OWNERS[owner]) {
      n++;
      const res = await api<{ project: { id: string } }>(owner, "POST", "/api/projects/beta/projects", {
        name,
        description: n % 3 === 0 ? "" : `The ${name} work of ${owner}`,
        visibility: (["Private", "Searchable", "Public"] as const)[n % 3],
        ...(n % 4 === 0 ? { mainRepository: { uri: `https://github.com/acme/${name}.git`, defaultRef: { refType: "Branch", value: "main" } } } : {}),
      });
      const projectId = res.project.id;
      projects.push({ id: projectId, name, owner });
      made("Project");

      // The two other users, each with a role; some projects an organization too.
      let r = n;
      for (const other of people.filter((p) => p !== owner)) {
        await api(owner, "POST", `/api/projects/v1/projects/${projectId}/collaborators`, { id: id(other), role: ROLES[r++ % ROLES.length] });
        made("Collaborator");
      }
      if (n % 3 === 1) {
        await api(owner, "POST", `/api/projects/v1/projects/${projectId}/collaborators`, { id: orgs["data-science"], role: "resultsConsumer" });
        made("Collaborator");
      }

      await api(owner, "POST", `/api/projects/v1/projects/${projectId}/repositories`, { uri: `https://github.com/acme/${name}-etl.git`, serviceProvider: "Github" });
      await api(owner, "POST", `/api/projects/v1/projects/${projectId}/repositories`, {
        uri: `https://gitlab.com/acme/${name}-models.git`,
        name: `${name}-models`,
        serviceProvider: "GitLab",
        defaultRef: { refType: "Branch", value: "develop" },
      });
      made("GitRepository", 2);

      const titles = ["Baseline model", "Data quality review", n % 2 === 0 ? "Data quality review" : "Ship v1"];
      for (const [i, title] of titles.entries()) {
        const goal = await api<{ goal: { id: string } }>(owner, "POST", `/api/projects/v1/projects/${projectId}/goals`, {
          title,
          ...(i === 1 ? { description: "Checks on every source table" } : {}),
        });
        const isComplete = i === 0;
        if (isComplete) await api(owner, "PATCH", `/api/projects/v1/projects/${projectId}/goals/${goal.goal.id}`, { isComplete: true });
        goals.push({ id: goal.goal.id, projectId, title, isComplete });
        made("Goal");
      }

      for (const dname of ["raw", "features"]) {
        const ds = await api<{ dataset: { id: string } }>(owner, "POST", "/api/datasetrw/v1/datasets", {
          projectId,
          name: `${name}-${dname}`,
          ...(dname === "features" ? { description: `Features of ${name}` } : {}),
        });
        const datasetId = ds.dataset.id;
        datasets.push({ id: datasetId, projectId, owner });
        made("Dataset");
        const snapshotIds: string[] = [];
        for (const paths of [["data/2024"], ["data/2024", "data/2025"]]) {
          const snap = await api<{ snapshot: { id: string } }>(owner, "POST", `/api/datasetrw/v1/datasets/${datasetId}/snapshots`, { relativeFilePaths: paths });
          snapshotIds.push(snap.snapshot.id);
          made("DatasetSnapshot");
        }
        await api(owner, "POST", `/api/datasetrw/v1/datasets/${datasetId}/tags`, { tagName: "v1", snapshotId: snapshotIds[0] });
        await api(owner, "POST", `/api/datasetrw/v1/datasets/${datasetId}/tags`, { tagName: "latest", snapshotId: snapshotIds[1] });
        made("SnapshotTag", 2);
      }
    }
  }
  // One snapshot that fails: an export has nothing of it to adopt.
  await api(datasets[0].owner, "POST", `/api/datasetrw/v1/datasets/${datasets[0].id}/snapshots`, { relativeFilePaths: ["fail/broken"] });
  made("DatasetSnapshot");

  // ---- datasets shared into the next project of the same owner
  for (let i = 0; i < datasets.length; i += 3) {
    const source = datasets[i];
    const target = projects.find((p) => p.owner === source.owner && p.id !== source.projectId);
    if (!target) continue;
    await api(source.owner, "POST", `/api/projects/v1/projects/${target.id}/shared-datasets`, { datasetId: source.id });
    made("SharedDatasetLink");
  }

  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return { counts, total, projects, goals, organizations: Object.entries(orgs).map(([name, orgId]) => ({ id: orgId, name })) };
}

/** Waits until every snapshot and build of the seeded deployment has settled (the emulator's durations). */
export async function settled(durationMs: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, durationMs + 50));
}
