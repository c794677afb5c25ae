/**
 * `pulumi-domino export` against the emulator: what it reads (and what that costs), the
 * program it writes, its scopes, and the command line. The round trip through the real
 * CLI (adoption with no creates, then no changes) is tests/e2e/export.test.ts.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DominoClient } from "../../provider/client/client";
import { exportDeployment, ExportScope, formatExport, progressBar, readDeployment } from "../../provider/cli/export";
import { KINDS, renderProgram, slug, uniqueNames } from "../../provider/cli/export-program";
import { main } from "../../provider/cli/main";
import { collectSettings, parseSettings } from "../../provider/settings";
import { useEmulator } from "../helpers/emulator";
import { Seeded, seedDeployment, settled } from "../helpers/seed";

const EVERYTHING: ExportScope = { owners: [], organizations: [], projects: [] };
const RENDER = { projectName: "adopted", packageVersion: "0.2.0", sdkVersion: "3.248.0" };
const BUILD_MS = 100;
const SNAPSHOT_MS = 50;

/** A client of its own: nothing learnt about the server (its version) carries over between tests. */
const freshClient = () => new DominoClient(parseSettings(collectSettings(undefined)));

const declarations = (index: string) => [...index.matchAll(/new domino\.(\w+)\("([^"]+)"/g)].map((m) => `${m[1]} ${m[2]}`);

/** The block declaring one resource. */
function block(index: string, kind: string, name: string): string {
  const start = index.indexOf(`new domino.${kind}(${JSON.stringify(name)}, {`);
  if (start < 0) throw new Error(`no ${kind} "${name}" in:\n${index}`);
  return index.slice(start, index.indexOf("\n});", start) + 4);
}

describe("names", () => {
  test("slugs are lower-case words joined by single dashes", () => {
    expect(slug("Data quality review")).toBe("data-quality-review");
    expect(slug("python-3.11")).toBe("python-3-11");
    expect(slug("  Ünïcode / Names  ")).toBe("unicode-names");
    expect(slug("!!!")).toBe("unnamed");
  });

  test("a shared name takes the qualified form, then the end of the id, whatever the order", () => {
    const items = [
      { base: "scratch", qualified: "alice-scratch", id: "65f0000000000000000000a1" },
      { base: "scratch", qualified: "bob-scratch", id: "65f0000000000000000000b2" },
      { base: "churn", id: "65f0000000000000000000c3" },
      { base: "review", id: "65f0000000000000001234d4" },
      { base: "review", id: "65f0000000000000005678d4" },
    ];
    const names = uniqueNames(items);
    expect(names).toEqual(["alice-scratch", "bob-scratch", "churn", "review-1234d4", "review-5678d4"]);
    const reversed = uniqueNames([...items].reverse());
    expect(reversed).toEqual([...names].reverse());
  });
});

describe("pulumi-domino export on Domino 6.3", () => {
  const env = useEmulator({ buildDurationMs: BUILD_MS, snapshotDurationMs: SNAPSHOT_MS });
  let seeded: Seeded;

  beforeEach(async () => {
    seeded = await seedDeployment(env.emulator);
    await settled(BUILD_MS);
    await env.resetRequestCounts();
  });

  test("reads only, within the list pages plus what no list holds, and counts what it sent", async () => {
    const client = freshClient();
    const { read, requests } = await readDeployment(client, EVERYTHING, { resultsBranch: true });
    const counts = await env.requestCounts();
    expect(Object.keys(counts.byRoute).filter((r) => !r.startsWith("GET "))).toEqual([]);
    expect(requests.sent).toBe(counts.total);
    // One page per list (under 999 of each); per project its goals, repositories, shared
    // datasets and results branch; per dataset with snapshots its snapshots.
    expect(requests).toEqual({ sent: 78, listPages: 5 + 3 * 12 + 24, objectReads: 12, probes: 1 });
    expect(counts.byRoute["GET /api/projects/beta/projects/{projectId}/results-settings"]).toBe(12);
    expect(read.projects).toHaveLength(seeded.counts.Project);
    expect(read.datasets).toHaveLength(seeded.counts.Dataset);
    expect(read.notes).toEqual([]);
  });

  test("writes every object with its adoptId, references as program references and users as lookups", async () => {
    const { read } = await readDeployment(freshClient(), EVERYTHING, { resultsBranch: true });
    const { files, declared, notes } = renderProgram(read, RENDER);
    const index = files["index.ts"];

    // All but the failed snapshot, gpu-training's failed latest revision and python-3.11's older one.
    expect(Object.values(declared).reduce((a, b) => a + b, 0)).toBe(seeded.total - 3);
    expect(declared).toEqual({ ...seeded.counts, DatasetSnapshot: seeded.counts.DatasetSnapshot - 1, EnvironmentRevision: seeded.counts.EnvironmentRevision - 2 });
    expect(Object.keys(declared)).toEqual([...KINDS]);
    const all = declarations(index);
    expect(all).toHaveLength(seeded.total - 3);
    expect(new Set(all).size).toBe(all.length);
    expect(index.match(/^ {2}adoptId: "[0-9a-f]{24}(\/[^"]+)?",$/gm)).toHaveLength(all.length);

    const churn = seeded.projects.find((p) => p.name === "churn")!;
    expect(block(index, "Project", "churn")).toBe(
      [
        'new domino.Project("churn", {',
        `  adoptId: "${churn.id}",`,
        '  name: "churn",',
        '  description: "The churn work of alice",',
        '  visibility: "Searchable",',
        "  ownerId: users.alice.id,",
        "  mainRepository: {",
        '    uri: "https://github.com/acme/churn.git",',
        '    defaultRef: { refType: "Branch", value: "main" },',
        '    serviceProvider: "Github",',
        "  },",
        '  resultsBranch: "main",',
        "});",
      ].join("\n"),
    );
    expect(index).toContain("const churn = new domino.Project(");
    expect(index).toContain('  alice: domino.getUserOutput({ userName: "alice" }),');
    expect(block(index, "Collaborator", "churn-data-science")).toContain("  userId: dataScience.id,");
    expect(block(index, "Collaborator", "churn-bob")).toMatch(/projectId: churn\.id,\n {2}userId: users\.bob\.id,\n {2}role: "launcherUser",/);
    expect(block(index, "GitRepository", "churn-repo-models")).toContain('defaultRef: { refType: "Branch", value: "develop" },');
    expect(block(index, "Dataset", "churn-features")).toContain("  projectId: churn.id,");
    expect(block(index, "SnapshotTag", "churn-features-tag-latest")).toMatch(/snapshotId: churnFeaturesSnapshot[0-9A-Za-z]{6}\.snapshotId,/);
    expect(block(index, "Environment", "spark-ml")).toContain("  orgOwnerId: dataScience.id,");
    // A global environment is used beyond the program: destroying the stack must not archive it unasked.
    expect(block(index, "Environment", "admin-python-3-11")).toMatch(/\n\}, \{\n {2}\/\/ A global environment[^\n]*\n {2}protect: true,\n\}\);$/);
    expect(block(index, "Environment", "spark-ml")).not.toContain("protect");
    expect(block(index, "EnvironmentRevision", "admin-python-3-11-revision-3")).toContain("  environmentId: adminPython311.id,\n");
    expect(index).toMatch(/new domino\.SharedDatasetLink\("[a-z0-9-]+-link-[a-z0-9-]+", \{\n {2}adoptId: "[0-9a-f/]+",\n {2}projectId: \w+\.id,\n {2}datasetId: \w+\.id,\n\}\);/);

    // Names from natural keys; the owner tells apart projects of the same name, the id's end goals of the same title.
    expect(all).toEqual(expect.arrayContaining(["Project alice-scratch", "Project bob-scratch", "Environment admin-python-3-11", "Environment bob-python-3-11"]));
    expect(all.filter((d) => d.startsWith("Goal churn-goal-data-quality-review-"))).toHaveLength(2);
    const churnGoals = seeded.goals.filter((g) => g.projectId === churn.id);
    const done = churnGoals.find((g) => g.isComplete)!;
    expect(block(index, "Goal", "churn-goal-baseline-model")).toBe(
      ['new domino.Goal("churn-goal-baseline-model", {', `  adoptId: "${churn.id}/${done.id}",`, "  projectId: churn.id,", '  title: "Baseline model",', "  isComplete: true,", "});"].join("\n"),
    );
    // A variable is declared only for what something refers to.
    expect(index).not.toMatch(/const \w+ = new domino\.(Goal|Collaborator|GitRepository|SnapshotTag|SharedDatasetLink|OrganizationMember)\(/);

    expect(notes.map((n) => n.what)).toEqual(
      expect.arrayContaining([
        "the status of 12 projects (active or complete, blocked)",
        "latest revisions whose build failed (gpu-training revision 2)",
        "1 revision other than each environment's first and latest",
      ]),
    );
    expect(files["README.md"]).toContain("- **the status of 12 projects (active or complete, blocked)**: Domino's API has no call that reads a project's status");
    expect(JSON.parse(files["package.json"]).dependencies).toEqual({ "@pulumi/pulumi": "^3.248.0", "pulumi-domino": "0.2.0" });
    expect(files["Pulumi.yaml"]).toMatch(/^name: adopted\n/);
    for (const text of Object.values(files)) expect(text).not.toContain(env.emulator.users.admin.apiKey);
  });

  test("the program does not depend on the order Domino lists things in", async () => {
    const { read } = await readDeployment(freshClient(), EVERYTHING, { resultsBranch: true });
    const reversed = {
      ...read,
      users: [...read.users].reverse(),
      organizations: [...read.organizations].reverse().map((o) => ({ ...o, members: [...o.members].reverse() })),
      environments: [...read.environments].reverse(),
      projects: [...read.projects].reverse().map((p) => ({
        ...p,
        project: { ...p.project, collaborators: [...p.project.collaborators].reverse() },
        goals: [...(p.goals ?? [])].reverse(),
        repositories: [...p.repositories].reverse(),
        sharedDatasetIds: [...p.sharedDatasetIds].reverse(),
      })),
      datasets: [...read.datasets].reverse().map((d) => ({ ...d, snapshots: [...d.snapshots].reverse() })),
    };
    expect(renderProgram(reversed, RENDER).files["index.ts"]).toBe(renderProgram(read, RENDER).files["index.ts"]);
  });

  test("--owner selects the user's projects and environments; an organization outside the export is a lookup", async () => {
    const { read } = await readDeployment(freshClient(), { ...EVERYTHING, owners: ["BOB"] }, { resultsBranch: false });
    expect(read.projects.map((p) => p.project.name).sort()).toEqual(["marketing-mix", "pricing", "scratch", "supply-chain"]);
    expect(read.environments.map((e) => e.name).sort()).toEqual(["gpu-training", "python-3.11"]);
    expect(read.organizations).toEqual([]);
    const index = renderProgram(read, RENDER).files["index.ts"];
    expect(index).toContain('  "data-science": domino.getOrganizationOutput({ name: "data-science" }),');
    expect(index).toContain('  userId: organizations["data-science"].id,');
    expect(declarations(index).filter((d) => d.startsWith("Organization"))).toEqual([]);
    // The project of the same name of another owner is not taken for bob's.
    expect(declarations(index)).toContain("Project scratch");
  });

  test("--organization selects the organization with its members and what it owns", async () => {
    const { read } = await readDeployment(freshClient(), { ...EVERYTHING, organizations: ["data-science"] }, { resultsBranch: false });
    const index = renderProgram(read, RENDER).files["index.ts"];
    expect(declarations(index).sort()).toEqual([
      "Environment spark-ml",
      "EnvironmentRevision spark-ml-revision-2",
      "Organization data-science",
      "OrganizationMember data-science-admin",
      "OrganizationMember data-science-alice",
      "OrganizationMember data-science-bob",
    ]);
  });

  test("--project selects projects by name or owner/name; links to datasets outside the export keep their ids", async () => {
    const { read, requests } = await readDeployment(freshClient(), { ...EVERYTHING, projects: ["churn", "bob/scratch"] }, { resultsBranch: false });
    expect(read.projects.map((p) => `${p.project.ownerUsername}/${p.project.name}`).sort()).toEqual(["alice/churn", "bob/scratch"]);
    expect(requests.listPages).toBe(5 + 3 * 2 + 4);
    const { files, notes } = renderProgram(read, RENDER);
    const index = files["index.ts"];
    expect(declarations(index).filter((d) => d.startsWith("Project")).sort()).toEqual(["Project churn", "Project scratch"]);
    const outside = notes.find((n) => n.what.startsWith("objects outside the export"));
    expect(outside?.what).toMatch(/dataset [0-9a-f]{24} \(shared into churn\)/);
    expect(index).toMatch(/new domino\.SharedDatasetLink\("churn-link-[0-9a-f]{6}", \{\n {2}adoptId: "[0-9a-f/]+",\n {2}projectId: churn\.id,\n {2}datasetId: "[0-9a-f]{24}",/);

    await expect(readDeployment(freshClient(), { ...EVERYTHING, projects: ["nowhere"] }, { resultsBranch: false })).rejects.toThrow(
      "--project nowhere: no such project is visible to the API key",
    );
    await expect(readDeployment(freshClient(), { ...EVERYTHING, owners: ["carol"] }, { resultsBranch: false })).rejects.toThrow("--owner carol");
  });

  test("a key that is not an administrator's exports what its user sees, and says what it cannot see", async () => {
    env.actAs("bob");
    const { read } = await readDeployment(freshClient(), EVERYTHING, { resultsBranch: false });
    expect(read.organizations.map((o) => o.name).sort()).toEqual(["analytics", "data-science"]);
    expect(read.notes.map((n) => n.what)).toEqual(["organizations the API key's user is not a member of", "private projects, datasets and environments of other users"]);
    const { notes } = renderProgram(read, RENDER);
    expect(notes.slice(0, 2)).toEqual(read.notes);
  });

  test("a value Domino holds that the inputs refuse is written as it is, and named", async () => {
    const churn = seeded.projects.find((p) => p.name === "churn")!;
    await env.api("POST", `/api/projects/v1/projects/${churn.id}/goals`, { title: "Trailing space " });
    const { read } = await readDeployment(freshClient(), { ...EVERYTHING, projects: ["churn"] }, { resultsBranch: false });
    const { files, notes } = renderProgram(read, RENDER);
    expect(files["index.ts"]).toContain('  title: "Trailing space ",');
    expect(notes).toContainEqual({
      what: 'Goal "churn-goal-trailing-space"',
      why: 'Goal.title must not start or end with whitespace, got "Trailing space ": Domino has a value this package\'s inputs refuse; fix it in index.ts before `pulumi up`',
    });
  });

  test("the command writes the project, prints what it left out and its request count, and never the key", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "export-test-"));
    const stdout = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
    const stderr = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      expect(await main(["export", "--out", out, "--project", "churn", "--name", "team"])).toBe(0);
      const printed = stdout.mock.calls.map((c) => String(c[0])).join("");
      const progress = stderr.mock.calls.map((c) => String(c[0])).join("");
      expect(printed).toMatch(/^Exported \d+ objects from http:\/\/127\.0\.0\.1:\d+ \(Domino API 5\.9\+\) to /);
      expect(printed).toMatch(/Requests: 12 \(10 list pages, 1 read of one object, 1 version probe\)\./);
      expect(progress).toContain("reading Domino [##############################] 3/3 objects\n");
      expect(fs.readdirSync(out).sort()).toEqual(["Pulumi.yaml", "README.md", "index.ts", "package.json", "tsconfig.json"]);
      for (const file of fs.readdirSync(out)) expect(fs.readFileSync(path.join(out, file), "utf8")).not.toContain(env.emulator.users.admin.apiKey);
      expect(fs.readFileSync(path.join(out, "README.md"), "utf8")).toContain("pulumi config set --secret domino:apiKey <your API key>");

      await expect(main(["export", "--out", out, "--everything"])).rejects.toThrow("export: unknown option --everything");
      await expect(main(["export", "--owner", "alice"])).rejects.toThrow("export needs --out <dir>");
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  test("exportDeployment's result is what formatExport prints", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "export-test-"));
    try {
      const result = await exportDeployment({ out, scope: { ...EVERYTHING, owners: ["alice"] } });
      const text = formatExport(result);
      expect(text).toContain(`to ${out}: 1 Environment, 1 EnvironmentRevision, 5 Project,`);
      for (const note of result.notes) expect(text).toContain(`  - ${note.what}: ${note.why}`);
      expect(fs.readFileSync(path.join(out, "index.ts"), "utf8")).toBe(result.files["index.ts"]);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});

describe("pulumi-domino export on Domino 5.3", () => {
  const env = useEmulator({ dominoVersion: "5.3", buildDurationMs: BUILD_MS, snapshotDurationMs: SNAPSHOT_MS });

  test("lists what the 5.3 API has and says that goals cannot be exported", async () => {
    const seeded = await seedDeployment(env.emulator);
    await settled(BUILD_MS);
    await env.resetRequestCounts();
    const { read, requests } = await readDeployment(freshClient(), EVERYTHING, { resultsBranch: true });
    expect(requests).toEqual({ sent: 54, listPages: 5 + 2 * 12 + 24, objectReads: 0, probes: 1 });
    expect((await env.requestCounts()).byRoute["GET /api/datasetrw/v1/datasets"]).toBe(1);
    const { files, declared, notes } = renderProgram(read, RENDER);
    expect(declared.Goal).toBe(0);
    expect(Object.values(declared).reduce((a, b) => a + b, 0)).toBe(seeded.total - seeded.counts.Goal - 3);
    expect(notes.map((n) => n.what)).toEqual(expect.arrayContaining(["goals", "the results branch of projects"]));
    expect(files["index.ts"]).toContain("(API 5.3)");
    expect(files["index.ts"]).not.toContain("resultsBranch");
  });
});

describe("the progress bar", () => {
  const stream = (isTTY: boolean) => {
    const written: string[] = [];
    return { written, out: { isTTY, write: (s: string) => written.push(s) > 0 } as unknown as NodeJS.WritableStream & { isTTY: boolean } };
  };

  test("writes a line each tenth of the way where it cannot redraw", () => {
    const { written, out } = stream(false);
    const bar = progressBar(out);
    bar.start(40);
    for (let i = 0; i < 40; i++) bar.tick();
    bar.finish();
    expect(written).toHaveLength(11);
    expect(written[0]).toBe(`reading Domino [${".".repeat(30)}] 0/40 objects\n`);
    expect(written[10]).toBe(`reading Domino [${"#".repeat(30)}] 40/40 objects\n`);
  });

  test("redraws in place on a terminal and ends the line when done", () => {
    const { written, out } = stream(true);
    const bar = progressBar(out);
    bar.start(2);
    bar.tick();
    bar.tick();
    bar.finish();
    expect(written[0]).toBe(`\r\x1b[Kreading Domino [${".".repeat(30)}] 0/2 objects`);
    expect(written[written.length - 2]).toBe(`\r\x1b[Kreading Domino [${"#".repeat(30)}] 2/2 objects`);
    expect(written[written.length - 1]).toBe("\n");
  });
});
