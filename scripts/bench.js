#!/usr/bin/env node
/**
 * API-call benchmark: how many Domino API requests each provider operation costs.
 *
 * Drives the built providers the way the engine does (check, create, read for
 * refresh, update, delete) for a typical stack, against the emulator on both API
 * surfaces, and reads the request counts the emulator keeps per route. Counts, not
 * timings: the figures repeat exactly from run to run.
 *
 *     npm run bench            # both surfaces
 *     npm run bench -- 5.3     # one surface
 *     npm run bench -- --scale # the scale benchmark under the real CLI (scripts/bench-scale.js)
 *
 * Both build the package and the emulator first (`npm run build`); `--no-build` uses
 * provider/dist and emulator/dist as they are.
 */
const { execFileSync } = require("child_process");
const path = require("path");

const load = (name) => require(`pulumi-domino/dist/resources/${name}`).provider;

async function counts(url) {
  const res = await fetch(`${url}/__emulator/requests`);
  const body = await res.json();
  await fetch(`${url}/__emulator/requests`, { method: "DELETE" });
  return body;
}

async function checked(provider, news) {
  const res = await provider.check({}, news);
  if (res.failures && res.failures.length) throw new Error(res.failures.map((f) => f.reason).join("; "));
  return res.inputs;
}

async function run(version) {
  const { startEmulator } = require(path.join(__dirname, "../emulator/dist"));
  const emulator = await startEmulator({ dominoVersion: version, buildDurationMs: 50, snapshotDurationMs: 20 });
  process.env.DOMINO_API_HOST = emulator.url;
  process.env.DOMINO_USER_API_KEY = emulator.users.admin.apiKey;
  // The capability probe is cached per process; a fresh module registry per surface keeps runs independent.
  for (const key of Object.keys(require.cache)) if (key.includes(`${path.sep}provider${path.sep}dist${path.sep}`)) delete require.cache[key];
  const rows = [];
  const step = async (label, fn) => {
    await counts(emulator.url);
    const value = await fn();
    const c = await counts(emulator.url);
    rows.push({ step: label, calls: c.total, routes: c.byRoute });
    return value;
  };

  const project = load("project");
  const collaborator = load("collaborator");
  const goal = load("goal");
  const repo = load("git-repository");
  const dataset = load("dataset");
  const snapshot = load("dataset-snapshot");
  const tag = load("snapshot-tag");
  const link = load("shared-dataset-link");
  const environment = load("environment");
  const revision = load("environment-revision");
  const organization = load("organization");
  const member = load("organization-member");

  const p = await step("Project create", async () => project.create(await checked(project, { name: "bench", visibility: "Private", status: "active" })));
  const pid = p.id;
  const c = await step("Collaborator create", async () =>
    collaborator.create(await checked(collaborator, { projectId: pid, userId: emulator.users.alice.id, role: "contributor" })),
  );
  const g = await step("Goal create", async () => goal.create(await checked(goal, { projectId: pid, title: "first model" })));
  const r = await step("GitRepository create", async () =>
    repo.create(await checked(repo, { projectId: pid, uri: "https://github.com/example/bench.git", serviceProvider: "github" })),
  );
  const d = await step("Dataset create", async () => dataset.create(await checked(dataset, { projectId: pid, name: "bench-data" })));
  const s = await step("DatasetSnapshot create (waits for active)", async () =>
    snapshot.create(await checked(snapshot, { datasetId: d.id, relativeFilePaths: ["data"] })),
  );
  const t = await step("SnapshotTag create", async () =>
    tag.create(await checked(tag, { datasetId: d.id, snapshotId: s.outs.snapshotId, tagName: "v1" })),
  );

  const other = await project.create(await checked(project, { name: "bench-consumer", visibility: "Private" }));
  const l = await step("SharedDatasetLink create", async () =>
    link.create(await checked(link, { projectId: other.id, datasetId: d.id })),
  );
  const e = await step("Environment create", async () =>
    environment.create(await checked(environment, { name: "bench-env", image: "quay.io/domino/standard:latest" })),
  );
  const v = await step("EnvironmentRevision create (waits for build)", async () =>
    revision.create(await checked(revision, { environmentId: e.id, image: "quay.io/domino/standard:next" })),
  );
  const o = await step("Organization create", async () => organization.create(await checked(organization, { name: "bench-org" })));
  const m = await step("OrganizationMember create", async () =>
    member.create(await checked(member, { organizationId: o.id, userId: emulator.users.bob.id, organizationRole: "Member" })),
  );

  await step("refresh: Project read", () => project.read(p.id, p.outs));
  await step("refresh: Collaborator read", () => collaborator.read(c.id, c.outs));
  await step("refresh: Goal read", () => goal.read(g.id, g.outs));
  await step("refresh: GitRepository read", () => repo.read(r.id, r.outs));
  await step("refresh: Dataset read", () => dataset.read(d.id, d.outs));
  await step("refresh: DatasetSnapshot read", () => snapshot.read(s.id, s.outs));
  await step("refresh: SnapshotTag read", () => tag.read(t.id, t.outs));
  await step("refresh: SharedDatasetLink read", () => link.read(l.id, l.outs));
  await step("refresh: Environment read", () => environment.read(e.id, e.outs));
  await step("refresh: EnvironmentRevision read", () => revision.read(v.id, v.outs));
  await step("refresh: Organization read", () => organization.read(o.id, o.outs));
  await step("refresh: OrganizationMember read", () => member.read(m.id, m.outs));

  const gNews = await checked(goal, { projectId: pid, title: "first model", isComplete: true });
  await step("update: Goal complete", () => goal.update(g.id, g.outs, gNews));
  const cNews = await checked(collaborator, { projectId: pid, userId: emulator.users.alice.id, role: "resultsConsumer" });
  await step("update: Collaborator role", () => collaborator.update(c.id, c.outs, cNews));
  const dNews = await checked(dataset, { projectId: pid, name: "bench-data", description: "curated" });
  await step("update: Dataset description", () => dataset.update(d.id, d.outs, dNews));

  const mNews = await checked(member, { organizationId: o.id, userId: emulator.users.bob.id, organizationRole: "Admin" });
  await step("update: OrganizationMember role", () => member.update(m.id, m.outs, mNews));

  await step("delete: OrganizationMember", () => member.delete(m.id, m.outs));
  await step("delete: Organization (forget)", () => organization.delete(o.id, o.outs));
  await step("delete: EnvironmentRevision (forget)", () => revision.delete(v.id, v.outs));
  await step("delete: Environment (archive)", () => environment.delete(e.id, e.outs));
  await step("delete: SharedDatasetLink", () => link.delete(l.id, l.outs));
  await step("delete: SnapshotTag", () => tag.delete(t.id, t.outs));
  await step("delete: Dataset", () => dataset.delete(d.id, d.outs));
  await step("delete: GitRepository", () => repo.delete(r.id, r.outs));
  await step("delete: Goal", () => goal.delete(g.id, g.outs));
  await step("delete: Collaborator", () => collaborator.delete(c.id, c.outs));
  await step("delete: Project (archive)", () => project.delete(p.id, p.outs));

  await emulator.stop();
  return rows;
}

(async () => {
  const args = process.argv.slice(2);
  if (!args.includes("--no-build")) execFileSync("npm", ["run", "build", "--silent"], { cwd: path.join(__dirname, ".."), stdio: "inherit" });
  if (args.includes("--scale")) return require("./bench-scale").main(args);
  const given = args.filter((a) => a !== "--no-build");
  const versions = given.length ? given : ["6.3", "5.3"];
  for (const version of versions) {
    const rows = await run(version);
    console.log(`\nDomino API surface ${version}: API requests per provider operation`);
    for (const row of rows) {
      const detail = Object.entries(row.routes)
        .map(([route, n]) => `${n}x ${route}`)
        .join(", ");
      console.log(`  ${row.step.padEnd(44)} ${String(row.calls).padStart(3)}  ${detail}`);
    }
    console.log(`  ${"total".padEnd(44)} ${String(rows.reduce((a, r) => a + r.calls, 0)).padStart(3)}`);
  }
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
