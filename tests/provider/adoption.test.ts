/**
 * Adoption (`adoptId`) for every kind, against Domino 6.3: a matching object is taken over
 * without a create; one that is another object (its key differs) is refused, naming the
 * declared and the found values, and nothing changes in Domino; a field that changes in
 * place is brought to the declared value with the kind's own update; a field only a
 * replacement could change is refused, naming it. `check` (what a preview runs) says the
 * same before anything is sent, and once the object is the resource's, `adoptId` is
 * dropped: adding, changing or removing it changes nothing.
 */
import * as pulumi from "@pulumi/pulumi";
import { DominoProvider } from "../../provider/kit/lifecycle";
import { REVISION_FIELDS } from "../../provider/kit/revisions";
import { Schema } from "../../provider/kit/schema";
import * as collaborator from "../../provider/resources/collaborator";
import * as dataset from "../../provider/resources/dataset";
import * as datasetSnapshot from "../../provider/resources/dataset-snapshot";
import * as environment from "../../provider/resources/environment";
import * as environmentRevision from "../../provider/resources/environment-revision";
import * as gitRepository from "../../provider/resources/git-repository";
import * as goal from "../../provider/resources/goal";
import * as organization from "../../provider/resources/organization";
import * as organizationMember from "../../provider/resources/organization-member";
import * as project from "../../provider/resources/project";
import * as sharedDatasetLink from "../../provider/resources/shared-dataset-link";
import * as snapshotTag from "../../provider/resources/snapshot-tag";
import { EmulatorFixture, useEmulator } from "../helpers/emulator";

type Bag = Record<string, unknown>;

/** A provider with its types left open, so that one table holds every kind. */
interface OpenProvider {
  readonly adoptionKey: readonly string[];
  check(olds: Bag, news: Bag): Promise<pulumi.dynamic.CheckResult<Bag>>;
  diff(id: string, olds: Bag, news: Bag): Promise<pulumi.dynamic.DiffResult>;
  create(inputs: Bag): Promise<{ id: string; outs: Bag }>;
}

function open<I, O>(provider: DominoProvider<I, O>): OpenProvider {
  // Each row feeds its provider only inputs of its own kind.
  return provider as unknown as OpenProvider;
}

/** An object made with raw calls, before the adoption. */
interface Existing {
  /** Its id, as `get` (and `adoptId`) takes it. */
  id: string;
  /** Inputs that declare it as it is. */
  inputs: Bag;
  /** What Domino shows of it (raw calls), to see that a refused adoption changed nothing. */
  read(): Promise<unknown>;
}

/** A declaration that differs from the object in one field. */
interface Difference {
  change: Bag;
  /** The message's part naming the field, its value in Domino and the declared one. */
  says: string;
}

interface InPlace {
  change: Bag;
  /** What the check reports, after `adopting <Kind> <id>: `. */
  plan: string;
  /** The requests the update sends, by route, besides reads. */
  writes: Record<string, number>;
  /** Checks in Domino that the field now has the declared value. */
  applied(env: EmulatorFixture, existing: Existing): Promise<void>;
}

interface Row {
  kind: string;
  provider: OpenProvider;
  schema: Schema;
  existing(env: EmulatorFixture): Promise<Existing>;
  /** The key differs: another object. */
  mismatch(env: EmulatorFixture, existing: Existing): Promise<Difference>;
  /** Absent for kinds where nothing but the key changes in place. */
  inPlace?: InPlace;
  /** Absent for kinds where only the key could need a replacement. */
  replaceOnly?: Difference;
  /** Inputs that only a replacement changes but that Domino never shows: taken as declared, so they never differ. */
  unseen?: readonly string[];
}

// ------------------------------------------------------------------ raw calls

async function ok<T>(env: EmulatorFixture, method: string, path: string, body?: unknown): Promise<T> {
  const res = await env.api<T>(method, path, body);
  if (res.status !== 200) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

const PROJECTS = "/api/projects/beta/projects";
const projectPath = (id: string) => `/api/projects/v1/projects/${id}`;
const ENVIRONMENTS = "/api/environments/beta/environments";
const environmentPath = (id: string) => `/api/environments/v1/environments/${id}`;
const DATASETS = "/api/datasetrw/v1/datasets";
const ORGANIZATIONS = "/api/organizations/v1/organizations";
const IMAGE = "python:3.11";
const REPOSITORY = "https://github.com/acme/etl.git";
const NOBODY = "ffffffffffffffffffffffff";

async function makeProject(env: EmulatorFixture, name: string, description = ""): Promise<string> {
  return (await ok<{ project: { id: string } }>(env, "POST", PROJECTS, { name, description, visibility: "Private" })).project.id;
}

async function makeDataset(env: EmulatorFixture, projectId: string, name: string, description?: string): Promise<string> {
  return (await ok<{ dataset: { id: string } }>(env, "POST", DATASETS, { name, projectId, ...(description ? { description } : {}) })).dataset.id;
}

async function makeEnvironment(env: EmulatorFixture, name: string): Promise<string> {
  return (await ok<{ environment: { id: string } }>(env, "POST", ENVIRONMENTS, { name, image: IMAGE, visibility: "Private", addBaseDependencies: false })).environment.id;
}

/** Polls until `done` holds for what `get` answers. */
async function until<T>(get: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await get();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not settle`);
}

async function makeSnapshot(env: EmulatorFixture, datasetId: string, relativeFilePaths: string[]): Promise<string> {
  const { id } = (await ok<{ snapshot: { id: string } }>(env, "POST", `${DATASETS}/${datasetId}/snapshots`, { relativeFilePaths })).snapshot;
  await until(
    async () => (await ok<{ snapshot: { status: string } }>(env, "GET", `/api/datasetrw/v1/snapshots/${id}`)).snapshot.status,
    (s) => s === "active" || s === "failed",
    `snapshot ${id}`,
  );
  return id;
}

/** A revision of the environment, once its build has ended. */
async function makeRevision(env: EmulatorFixture, environmentId: string, image: string): Promise<string> {
  const { id } = (await ok<{ environmentRevision: { id: string } }>(env, "POST", `${ENVIRONMENTS}/${environmentId}/revisions`, { image })).environmentRevision;
  await until(
    async () => (await ok<{ environment: { latestRevision: { id: string; status: string } } }>(env, "GET", environmentPath(environmentId))).environment.latestRevision,
    (r) => r.id === id && (r.status === "Succeeded" || r.status === "Failed"),
    `revision ${id}`,
  );
  return id;
}

async function makeOrganization(env: EmulatorFixture, name: string, members: { userId: string; organizationRole: string }[] = []): Promise<string> {
  return (await ok<{ org: { id: string } }>(env, "POST", ORGANIZATIONS, { name, members })).org.id;
}

const readProject = (env: EmulatorFixture, id: string) => async () => (await ok<{ project: unknown }>(env, "GET", projectPath(id))).project;

// ------------------------------------------------------------------ the table

const ROWS: Row[] = [
  {
    kind: "Project",
    provider: open(project.provider),
    schema: project.projectSchema as Schema,
    async existing(env) {
      const id = await makeProject(env, "churn", "churn model");
      return { id, inputs: { name: "churn", description: "churn model", ownerId: env.emulator.users.admin.id }, read: readProject(env, id) };
    },
    async mismatch(env) {
      return { change: { ownerId: env.emulator.users.alice.id }, says: `ownerId is "${env.emulator.users.admin.id}" in Domino, "${env.emulator.users.alice.id}" declared` };
    },
    inPlace: {
      change: { status: "complete" },
      plan: 'will set status to "complete", isBlocked to false',
      writes: { "PUT /api/projects/v1/projects/{projectId}/status": 1 },
      // Domino cannot read a status back: the request above is what shows it was set.
      async applied() {},
    },
    replaceOnly: { change: { visibility: "Public" }, says: 'visibility is "Private" in Domino, "Public" declared' },
  },
  {
    kind: "Collaborator",
    provider: open(collaborator.provider),
    schema: collaborator.collaboratorSchema as Schema,
    async existing(env) {
      const projectId = await makeProject(env, "team");
      const bob = env.emulator.users.bob.id;
      await ok(env, "POST", `${projectPath(projectId)}/collaborators`, { id: bob, role: "contributor" });
      return {
        id: `${projectId}/${bob}`,
        inputs: { projectId, userId: bob, role: "contributor" },
        read: async () => ((await readProject(env, projectId)()) as { collaborators: unknown }).collaborators,
      };
    },
    async mismatch(env) {
      const { alice, bob } = env.emulator.users;
      return { change: { userId: alice.id }, says: `userId is "${bob.id}" in Domino, "${alice.id}" declared` };
    },
    inPlace: {
      change: { role: "launcherUser" },
      plan: 'will set role from "contributor" to "launcherUser"',
      // Domino has no role update: the kind's update removes and adds.
      writes: {
        "DELETE /api/projects/v1/projects/{projectId}/collaborators/{collaboratorId}": 1,
        "POST /api/projects/v1/projects/{projectId}/collaborators": 1,
      },
      async applied(env, existing) {
        expect(await existing.read()).toEqual([expect.objectContaining({ id: env.emulator.users.bob.id, role: "launcherUser" })]);
      },
    },
  },
  {
    kind: "GitRepository",
    provider: open(gitRepository.provider),
    schema: gitRepository.gitRepositorySchema as Schema,
    async existing(env) {
      const projectId = await makeProject(env, "etl");
      const repo = (await ok<{ repository: { id: string } }>(env, "POST", `${projectPath(projectId)}/repositories`, { uri: REPOSITORY, name: "etl" })).repository;
      return {
        id: `${projectId}/${repo.id}`,
        inputs: { projectId, uri: REPOSITORY, name: "etl" },
        read: async () => (await ok<{ repositories: unknown[] }>(env, "GET", `${projectPath(projectId)}/repositories?limit=999`)).repositories,
      };
    },
    async mismatch() {
      return { change: { uri: "https://github.com/acme/other.git" }, says: `uri is "${REPOSITORY}" in Domino, "https://github.com/acme/other.git" declared` };
    },
    replaceOnly: { change: { name: "pipelines" }, says: 'name is "etl" in Domino, "pipelines" declared' },
  },
  {
    kind: "Goal",
    provider: open(goal.provider),
    schema: goal.goalSchema as Schema,
    async existing(env) {
      const projectId = await makeProject(env, "goals");
      const made = (await ok<{ goal: { id: string } }>(env, "POST", `${projectPath(projectId)}/goals`, { title: "Ship v1" })).goal;
      return {
        id: `${projectId}/${made.id}`,
        inputs: { projectId, title: "Ship v1" },
        read: async () => (await ok<{ goals: unknown[] }>(env, "GET", `${projectPath(projectId)}/goals`)).goals,
      };
    },
    async mismatch(env, existing) {
      const other = await makeProject(env, "other-goals");
      return { change: { projectId: other }, says: `projectId is "${existing.inputs.projectId}" in Domino, "${other}" declared` };
    },
    inPlace: {
      change: { isComplete: true },
      plan: "will set isComplete from false to true",
      writes: { "PATCH /api/projects/v1/projects/{projectId}/goals/{goalId}": 1 },
      async applied(_env, existing) {
        expect(await existing.read()).toEqual([expect.objectContaining({ title: "Ship v1", isComplete: true })]);
      },
    },
    replaceOnly: { change: { title: "Ship v2" }, says: 'title is "Ship v1" in Domino, "Ship v2" declared' },
  },
  {
    kind: "Environment",
    provider: open(environment.provider),
    schema: environment.environmentSchema as Schema,
    async existing(env) {
      const id = await makeEnvironment(env, "py");
      return {
        id,
        inputs: { name: "py", image: IMAGE },
        read: async () => {
          const e = (await ok<{ environment: Record<string, unknown> & { latestRevision: { id: string } } }>(env, "GET", environmentPath(id))).environment;
          // Not the build status, which moves on by itself.
          return { name: e.name, visibility: e.visibility, archived: e.archived, owner: e.owner, latest: e.latestRevision.id };
        },
      };
    },
    async mismatch() {
      return { change: { name: "r" }, says: 'name is "py" in Domino, "r" declared' };
    },
    replaceOnly: { change: { visibility: "Global" }, says: 'visibility is "Private" in Domino, "Global" declared' },
  },
  {
    kind: "EnvironmentRevision",
    provider: open(environmentRevision.provider),
    schema: environmentRevision.environmentRevisionSchema as Schema,
    async existing(env) {
      const environmentId = await makeEnvironment(env, "py");
      const revisionId = await makeRevision(env, environmentId, "python:3.12");
      return {
        id: `${environmentId}/${revisionId}`,
        inputs: { environmentId, image: "python:3.12" },
        read: async () => {
          const e = (await ok<{ environment: { latestRevision: { id: string }; restrictedRevision?: { id: string } } }>(env, "GET", environmentPath(environmentId))).environment;
          return { latest: e.latestRevision.id, restricted: e.restrictedRevision?.id };
        },
      };
    },
    async mismatch(env, existing) {
      const other = await makeEnvironment(env, "r");
      return { change: { environmentId: other }, says: `environmentId is "${existing.inputs.environmentId}" in Domino, "${other}" declared` };
    },
    inPlace: {
      change: { isRestricted: true },
      plan: "will set isRestricted from false to true",
      writes: { "PATCH /api/environments/beta/environments/{environmentId}/revisions/{revisionId}": 1 },
      async applied(_env, existing) {
        expect(await existing.read()).toEqual({ latest: existing.id.split("/")[1], restricted: existing.id.split("/")[1] });
      },
    },
    unseen: REVISION_FIELDS,
  },
  {
    kind: "Dataset",
    provider: open(dataset.provider),
    schema: dataset.datasetSchema as Schema,
    async existing(env) {
      const projectId = await makeProject(env, "data");
      const id = await makeDataset(env, projectId, "raw", "landing zone");
      return { id, inputs: { projectId, name: "raw", description: "landing zone" }, read: async () => (await ok<{ dataset: unknown }>(env, "GET", `${DATASETS}/${id}`)).dataset };
    },
    unseen: ["grants"],
    async mismatch() {
      return { change: { name: "clean" }, says: 'name is "raw" in Domino, "clean" declared' };
    },
    inPlace: {
      change: { description: "raw files" },
      plan: 'will set description from "landing zone" to "raw files"',
      writes: { "PATCH /api/datasetrw/v1/datasets/{datasetId}": 1 },
      async applied(_env, existing) {
        expect(await existing.read()).toMatchObject({ name: "raw", description: "raw files" });
      },
    },
  },
  {
    kind: "DatasetSnapshot",
    provider: open(datasetSnapshot.provider),
    schema: datasetSnapshot.datasetSnapshotSchema as Schema,
    async existing(env) {
      const datasetId = await makeDataset(env, await makeProject(env, "snapshots"), "raw");
      const snapshotId = await makeSnapshot(env, datasetId, ["data"]);
      return {
        id: `${datasetId}/${snapshotId}`,
        inputs: { datasetId, relativeFilePaths: ["data"] },
        read: async () => (await ok<{ snapshot: unknown }>(env, "GET", `/api/datasetrw/v1/snapshots/${snapshotId}`)).snapshot,
      };
    },
    async mismatch(env, existing) {
      const other = await makeDataset(env, await makeProject(env, "other-snapshots"), "raw");
      return { change: { datasetId: other }, says: `datasetId is "${existing.inputs.datasetId}" in Domino, "${other}" declared` };
    },
    unseen: ["relativeFilePaths"],
  },
  {
    kind: "SnapshotTag",
    provider: open(snapshotTag.provider),
    schema: snapshotTag.snapshotTagSchema as Schema,
    async existing(env) {
      const datasetId = await makeDataset(env, await makeProject(env, "tags"), "raw");
      const snapshotId = await makeSnapshot(env, datasetId, ["v1"]);
      await ok(env, "POST", `${DATASETS}/${datasetId}/tags`, { tagName: "prod", snapshotId });
      return {
        id: `${datasetId}/prod`,
        inputs: { datasetId, snapshotId, tagName: "prod" },
        read: async () => (await ok<{ dataset: { tags: unknown } }>(env, "GET", `${DATASETS}/${datasetId}`)).dataset.tags,
      };
    },
    async mismatch() {
      return { change: { tagName: "staging" }, says: 'tagName is "prod" in Domino, "staging" declared' };
    },
    inPlace: {
      // Made in the test: a second snapshot to point at (inPlaceChange).
      change: {},
      plan: "",
      // Domino has no documented re-point: the kind's update removes and adds the tag.
      writes: { "DELETE /api/datasetrw/v1/datasets/{datasetId}/tags/{tagName}": 1, "POST /api/datasetrw/v1/datasets/{datasetId}/tags": 1 },
      async applied(_env, existing) {
        expect(await existing.read()).toEqual({ prod: existing.inputs.snapshotId });
      },
    },
  },
  {
    kind: "SharedDatasetLink",
    provider: open(sharedDatasetLink.provider),
    schema: sharedDatasetLink.sharedDatasetLinkSchema as Schema,
    async existing(env) {
      const datasetId = await makeDataset(env, await makeProject(env, "owner"), "raw");
      const projectId = await makeProject(env, "user");
      await ok(env, "POST", `${projectPath(projectId)}/shared-datasets`, { datasetId });
      return {
        id: `${projectId}/${datasetId}`,
        inputs: { projectId, datasetId },
        read: async () => (await ok<{ dataset: { sharedDatasetIds: string[] } }>(env, "GET", `${projectPath(projectId)}/shared-datasets`)).dataset.sharedDatasetIds,
      };
    },
    async mismatch(env, existing) {
      const other = await makeDataset(env, await makeProject(env, "other-owner"), "raw");
      return { change: { datasetId: other }, says: `datasetId is "${existing.inputs.datasetId}" in Domino, "${other}" declared` };
    },
  },
  {
    kind: "Organization",
    provider: open(organization.provider),
    schema: organization.organizationSchema as Schema,
    async existing(env) {
      const id = await makeOrganization(env, "data-team");
      return { id, inputs: { name: "data-team" }, read: async () => (await ok<{ org: unknown }>(env, "GET", `${ORGANIZATIONS}/${id}`)).org };
    },
    async mismatch() {
      return { change: { name: "ml-team" }, says: 'name is "data-team" in Domino, "ml-team" declared' };
    },
  },
  {
    kind: "OrganizationMember",
    provider: open(organizationMember.provider),
    schema: organizationMember.organizationMemberSchema as Schema,
    async existing(env) {
      const alice = env.emulator.users.alice.id;
      const organizationId = await makeOrganization(env, "team", [{ userId: alice, organizationRole: "Member" }]);
      return {
        id: `${organizationId}/${alice}`,
        inputs: { organizationId, userId: alice, organizationRole: "Member" },
        read: async () => (await ok<{ org: { members: unknown } }>(env, "GET", `${ORGANIZATIONS}/${organizationId}`)).org.members,
      };
    },
    async mismatch(env) {
      const { alice, bob } = env.emulator.users;
      return { change: { userId: bob.id }, says: `userId is "${alice.id}" in Domino, "${bob.id}" declared` };
    },
    inPlace: {
      change: { organizationRole: "Admin" },
      plan: 'will set organizationRole from "Member" to "Admin"',
      // A second PUT is not documented to change a role: the kind's update removes and adds.
      writes: { "DELETE /api/organizations/v1/organizations/{organizationId}/user": 1, "PUT /api/organizations/v1/organizations/{organizationId}/user": 1 },
      async applied(env, existing) {
        expect(await existing.read()).toEqual(expect.arrayContaining([{ userId: env.emulator.users.alice.id, organizationRole: "Admin" }]));
      },
    },
  },
];

// ------------------------------------------------------------------ helpers

/** Captures what the provider tells the user on stderr while `fn` runs. */
async function told<T>(fn: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const spy = jest.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
  try {
    return { result: await fn(), lines };
  } finally {
    spy.mockRestore();
  }
}

/** The requests since the last reset that were not reads. */
async function writes(env: EmulatorFixture): Promise<Record<string, number>> {
  const { byRoute } = await env.requestCounts();
  return Object.fromEntries(Object.entries(byRoute).filter(([route]) => !route.startsWith("GET ")));
}

function withoutAdoptId(inputs: Bag): Bag {
  const { adoptId: _ignored, ...rest } = inputs;
  return rest;
}

/** `check` of a new resource that passes; its inputs. */
async function checkedNew(row: Row, news: Bag): Promise<{ inputs: Bag; lines: string[] }> {
  const { result, lines } = await told(() => row.provider.check({}, news));
  expect(result.failures ?? []).toEqual([]);
  if (!result.inputs) throw new Error(`${row.kind} check returned no inputs`);
  return { inputs: result.inputs, lines };
}

/** The declaration of the in-place case (SnapshotTag's needs a second snapshot). */
async function inPlaceChange(env: EmulatorFixture, row: Row, existing: Existing): Promise<{ change: Bag; plan: string }> {
  const inPlace = row.inPlace as InPlace;
  if (row.kind !== "SnapshotTag") return inPlace;
  const before = existing.inputs.snapshotId as string;
  const later = await makeSnapshot(env, existing.inputs.datasetId as string, ["v2"]);
  existing.inputs.snapshotId = later;
  return { change: {}, plan: `will set snapshotId from "${before}" to "${later}"` };
}

function rowOf(kind: string): Row {
  const row = ROWS.find((r) => r.kind === kind);
  if (!row) throw new Error(`no row for ${kind}`);
  return row;
}

const IN_PLACE = ROWS.filter((r) => r.inPlace);
const NOT_IN_PLACE = ROWS.filter((r) => !r.inPlace);
const REPLACE_ONLY = ROWS.filter((r) => r.replaceOnly);
const KEY_ONLY = ROWS.filter((r) => !r.replaceOnly);

// ------------------------------------------------------------------ the tests

describe("adoption against Domino 6.3", () => {
  const env = useEmulator({ dominoVersion: "6.3" });

  describe.each(ROWS.map((row) => [row.kind, row] as const))("%s", (_kind, row) => {
    it("adopts a matching object without a create; adoptId then changes nothing", async () => {
      const existing = await row.existing(env);
      const before = await existing.read();
      const { inputs, lines } = await checkedNew(row, { ...existing.inputs, adoptId: existing.id });
      expect(inputs.adoptId).toBe(existing.id);
      expect(lines.join("")).toContain(`pulumi-domino: adopting ${row.kind} ${existing.id}: no change in Domino\n`);

      await env.resetRequestCounts();
      const created = await row.provider.create(inputs);
      expect(await writes(env)).toEqual({});
      expect(created.id).toBe(existing.id);
      expect(created.outs).not.toHaveProperty("adoptId");
      expect(await existing.read()).toEqual(before);

      // Dropped, changed or added afterwards: no diff.
      const declared = withoutAdoptId(inputs);
      expect(await row.provider.diff(created.id, created.outs, declared)).toEqual({ changes: false });
      const recheck = await row.provider.check(inputs, { ...existing.inputs, adoptId: "not-even-an-id" });
      expect(recheck.failures ?? []).toEqual([]);
      expect(recheck.inputs).not.toHaveProperty("adoptId");
      expect(await row.provider.diff(created.id, created.outs, recheck.inputs as Bag)).toEqual({ changes: false });
    });

    it("refuses another object (the key differs), naming the declared and found values, and changes nothing", async () => {
      const existing = await row.existing(env);
      const { change, says } = await row.mismatch(env, existing);
      const before = await existing.read();
      const news = { ...existing.inputs, ...change, adoptId: existing.id };
      const checked = await row.provider.check({}, news);
      expect(checked.failures).toEqual([
        { property: "adoptId", reason: `${row.kind}.adoptId "${existing.id}" cannot be adopted: it is not the declared ${row.kind}: ${says}` },
      ]);

      await env.resetRequestCounts();
      const valid = { ...(await row.provider.check({}, withoutAdoptId(news))).inputs, adoptId: existing.id };
      await expect(row.provider.create(valid)).rejects.toThrow(
        `${row.kind} create: adoptId "${existing.id}" cannot be adopted: it is not the declared ${row.kind}: ${says}`,
      );
      expect(await writes(env)).toEqual({});
      expect(await existing.read()).toEqual(before);
    });

    it("refuses an id that names no object, and one not of the kind's form", async () => {
      const existing = await row.existing(env);
      const missing = existing.id.replace(/[^/]+$/, NOBODY);
      const checked = await row.provider.check({}, { ...existing.inputs, adoptId: missing });
      expect(checked.failures).toEqual([{ property: "adoptId", reason: expect.stringMatching(new RegExp(`^${row.kind}\\.adoptId "${missing}" cannot be adopted: `)) }]);
      expect(checked.failures?.[0].reason).toMatch(new RegExp(`no ${row.kind} with this id exists in Domino|cannot be read`));

      const malformed = await row.provider.check({}, { ...existing.inputs, adoptId: "a/b/c/d" });
      expect(malformed.failures).toEqual([
        { property: "adoptId", reason: expect.stringMatching(new RegExp(`^${row.kind}\\.adoptId must be of the form <\\w+>(/<\\w+>)? \\(the id ${row.kind}\\.get takes`)) },
      ]);
    });
  });

  describe.each(IN_PLACE.map((row) => [row.kind, row] as const))("%s in place", (_kind, row) => {
    it("the preview says what the adoption will set; the create sends only the kind's update", async () => {
      const existing = await row.existing(env);
      const { change, plan } = await inPlaceChange(env, row, existing);
      const { inputs, lines } = await checkedNew(row, { ...existing.inputs, ...change, adoptId: existing.id });
      expect(lines.join("")).toContain(`pulumi-domino: adopting ${row.kind} ${existing.id}: ${plan}`);

      await env.resetRequestCounts();
      const { result: created } = await told(() => row.provider.create(inputs));
      expect(await writes(env)).toEqual((row.inPlace as InPlace).writes);
      expect(created.id).toBe(existing.id);
      await (row.inPlace as InPlace).applied(env, existing);
      expect(await row.provider.diff(created.id, created.outs, withoutAdoptId(inputs))).toEqual({ changes: false });
    });
  });

  describe.each(NOT_IN_PLACE.map((row) => [row.kind, row] as const))("%s in place", (_kind, row) => {
    it("has nothing but its key that changes in place: an adoption never updates it", () => {
      const updatable = Object.entries(row.schema).filter(([field, rule]) => rule.onChange === "update" && !row.provider.adoptionKey.includes(field));
      expect(updatable).toEqual([]);
      expect(row.provider.adoptionKey.length).toBeGreaterThan(0);
    });
  });

  describe.each(REPLACE_ONLY.map((row) => [row.kind, row] as const))("%s replace-only", (_kind, row) => {
    it("refuses a difference only a replacement could make, naming the field with both values, and changes nothing", async () => {
      const existing = await row.existing(env);
      const { change, says } = row.replaceOnly as Difference;
      const before = await existing.read();
      const news = { ...existing.inputs, ...change, adoptId: existing.id };
      const refusal = `adoptId "${existing.id}" cannot be adopted: ${says}; only a replacement could change that`;
      expect((await row.provider.check({}, news)).failures).toEqual([{ property: "adoptId", reason: expect.stringContaining(`${row.kind}.${refusal}`) }]);

      await env.resetRequestCounts();
      const valid = { ...(await row.provider.check({}, withoutAdoptId(news))).inputs, adoptId: existing.id };
      await expect(row.provider.create(valid)).rejects.toThrow(`${row.kind} create: ${refusal}`);
      expect(await writes(env)).toEqual({});
      expect(await existing.read()).toEqual(before);
    });
  });

  describe.each(KEY_ONLY.map((row) => [row.kind, row] as const))("%s replace-only", (_kind, row) => {
    it("replaces only for a change of its key, which names another object", () => {
      const replacing = Object.entries(row.schema)
        .filter(([field, rule]) => rule.onChange === "replace" && !row.provider.adoptionKey.includes(field))
        .map(([field]) => field);
      expect(replacing.sort()).toEqual([...(row.unseen ?? [])].sort());
    });
  });

  it("refuses a revision whose build failed and a failed snapshot: only new ones could replace them", async () => {
    const environmentId = await makeEnvironment(env, "py");
    const revisionId = await makeRevision(env, environmentId, "python:fail");
    const revision = await environmentRevision.provider.check({}, { environmentId, image: "python:fail", adoptId: `${environmentId}/${revisionId}` });
    expect(revision.failures).toEqual([
      { property: "adoptId", reason: `EnvironmentRevision.adoptId "${environmentId}/${revisionId}" cannot be adopted: status is "Failed" in Domino; only a replacement could change that: leave out adoptId to make a new EnvironmentRevision` },
    ]);

    const datasetId = await makeDataset(env, await makeProject(env, "snapshots"), "raw");
    const snapshotId = await makeSnapshot(env, datasetId, ["fail"]);
    const snapshot = await datasetSnapshot.provider.check({}, { datasetId, relativeFilePaths: ["fail"], adoptId: `${datasetId}/${snapshotId}` });
    expect(snapshot.failures?.map((f) => f.reason)).toEqual([expect.stringContaining('cannot be adopted: status is "failed" in Domino; only a replacement could change that')]);
  });

  it("takes what Domino never shows as declared (an environment's description and definition)", async () => {
    const id = await makeEnvironment(env, "py");
    const { inputs } = await checkedNew(rowOf("Environment"), { name: "py", image: IMAGE, description: "never returned", dockerfileInstructions: "RUN true", adoptId: id });
    await env.resetRequestCounts();
    const created = await environment.provider.create(inputs as unknown as Parameters<typeof environment.provider.create>[0]);
    expect(await writes(env)).toEqual({});
    expect(created.outs).toMatchObject({ name: "py", description: "never returned", image: IMAGE, dockerfileInstructions: "RUN true" });
  });

  it("accepts ids in any letter case, as Domino does, and records them as Domino answers", async () => {
    const existing = await rowOf("Goal").existing(env);
    const { inputs } = await checkedNew(rowOf("Goal"), { ...existing.inputs, adoptId: existing.id.toUpperCase() });
    expect(inputs.adoptId).toBe(existing.id);
    expect((await goal.provider.create(inputs as unknown as Parameters<typeof goal.provider.create>[0])).id).toBe(existing.id);
  });

  it("in a preview, compares what is known and leaves the rest to create", async () => {
    const existing = await rowOf("Goal").existing(env);
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    const { lines } = await checkedNew(rowOf("Goal"), { ...existing.inputs, projectId: unknown, isComplete: true, adoptId: existing.id });
    expect(lines.join("")).toContain(`adopting Goal ${existing.id}: will set isComplete from false to true; projectId not known yet, compared at \`pulumi up\``);
    // An adoptId not known yet is checked by create.
    expect((await goal.provider.check({}, { ...existing.inputs, adoptId: unknown })).failures).toEqual([]);
  });

  it("records an adoption whose update failed, so that the next up updates it again", async () => {
    const existing = await rowOf("Goal").existing(env);
    const { inputs } = await checkedNew(rowOf("Goal"), { ...existing.inputs, isComplete: true, adoptId: existing.id });
    await env.failNext({ method: "PATCH", route: "/api/projects/v1/projects/{projectId}/goals/{goalId}", status: 400 });
    const err = await told(() => goal.provider.create({ ...inputs, __provider: "shim" } as unknown as Parameters<typeof goal.provider.create>[0])).catch((e: unknown) => e);
    expect(err).toMatchObject({
      name: "ResourceInitError",
      id: existing.id,
      properties: { isComplete: false, __provider: "shim" },
      reasons: [expect.stringMatching(new RegExp(`^Goal ${existing.id} was adopted, but setting isComplete to the declared values failed: .*HTTP 400`))],
    });
  });
});

describe("adoption against Domino 5.3", () => {
  const env = useEmulator({ dominoVersion: "5.3" });

  it("adopts a project and a dataset", async () => {
    for (const row of [rowOf("Project"), rowOf("Dataset")]) {
      const existing = await row.existing(env);
      const { inputs } = await checkedNew(row, { ...existing.inputs, adoptId: existing.id });
      await env.resetRequestCounts();
      expect((await told(() => row.provider.create(inputs))).result.id).toBe(existing.id);
      expect(await writes(env)).toEqual({});
    }
  });

  it("cannot adopt a goal, and says why: 5.3 has no call that reads goals", async () => {
    const projectId = await makeProject(env, "goals");
    const made = (await ok<{ goal: { id: string } }>(env, "POST", `${projectPath(projectId)}/goals`, { title: "Ship" })).goal;
    const adoptId = `${projectId}/${made.id}`;
    const checked = await goal.provider.check({}, { projectId, title: "Ship", adoptId });
    expect(checked.failures?.map((f) => f.reason)).toEqual([
      `Goal.adoptId "${adoptId}" cannot be adopted: Goal ${adoptId} cannot be read: this Domino API (5.3) has no call that reads goals`,
    ]);
  });
});
