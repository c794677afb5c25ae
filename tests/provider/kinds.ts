/**
 * One row per resource kind, for the table-driven tests in every-kind.test.ts: the
 * provider, the request that creates an object of the kind (and the one that deletes it,
 * where Domino has one), how to make its parents and a pre-existing look-alike with raw
 * calls, and how to list (with raw calls) the objects of the kind in its parent.
 */
import * as pulumi from "@pulumi/pulumi";
import { DominoProvider } from "../../provider/kit/lifecycle";
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
import { EmulatorFixture } from "../helpers/emulator";

export type Bag = Record<string, unknown>;

/** A provider with its input and output types left open, so that one table holds every kind. */
export interface KindProvider {
  check(olds: Bag, news: Bag): Promise<pulumi.dynamic.CheckResult<Bag>>;
  create(inputs: Bag): Promise<{ id: string; outs: Bag }>;
  read(id: string, props?: Bag): Promise<pulumi.dynamic.ReadResult<Bag>>;
  delete(id: string, props: Bag): Promise<void>;
}

function open<I, O>(provider: DominoProvider<I, O>): KindProvider {
  // The table feeds each provider only the inputs its own row's setup made.
  return provider as unknown as KindProvider;
}

/** A request as the emulator's request counter and fault rules spell it. */
export interface Route {
  method: "POST" | "PUT" | "DELETE";
  /** The contract's path template. */
  route: string;
}

/** The ids of the parents a row's setup made, by name. */
export type Parents = Record<string, string>;

/** The objects of a kind in the created object's parent. */
export interface Census {
  /** Their ids (as the kind's raw calls name them). */
  ids: string[];
  /**
   * How many there are. Equal to `ids.length`, except for revisions: Domino has no list of
   * an environment's revisions, so only the latest one's id is known, and its number is the count.
   */
  total: number;
  /** Whether `ids` holds every one of them. */
  complete: boolean;
}

/** A pre-existing object that looks like the one the test creates. */
export interface LookAlike {
  /** Its id in the kind's resource-id form (e.g. `<projectId>/<goalId>`). */
  id: string;
  /** What Domino shows of it now (raw calls); undefined when it is gone. */
  read(): Promise<unknown>;
}

export interface KindRow {
  kind: string;
  provider: KindProvider;
  create: Route;
  /** The delete request; absent for kinds Domino cannot delete (their delete only forgets). */
  delete?: Route;
  /** Makes the parents with raw calls; the inputs of the create, before `check`. */
  setup(env: EmulatorFixture): Promise<{ parents: Parents; inputs: Bag }>;
  /** Makes the look-alike, before the create. */
  lookAlike(env: EmulatorFixture, parents: Parents): Promise<LookAlike>;
  census(env: EmulatorFixture, parents: Parents): Promise<Census>;
  /** The created object's id as the census names it; checks that its resource id and outputs agree. */
  objectOf(env: EmulatorFixture, created: { id: string; outs: Bag }, parents: Parents): string;
}

// ------------------------------------------------------------------ raw calls

/** A raw call that must succeed; its answer's payload. */
async function ok<T>(env: EmulatorFixture, method: string, path: string, body?: unknown, apiKey?: string): Promise<T> {
  const res = await env.api<T>(method, path, body, apiKey);
  if (res.status !== 200) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** What a raw read answers, or undefined for a 404 (the object is gone). */
async function readOrGone<T>(env: EmulatorFixture, path: string, pick: (body: T) => unknown): Promise<unknown> {
  const res = await env.api<T>("GET", path);
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return pick(res.body);
}

function listed(ids: string[]): Census {
  return { ids, total: ids.length, complete: true };
}

const PROJECTS = "/api/projects/beta/projects";
const projectPath = (projectId: string) => `/api/projects/v1/projects/${projectId}`;
const ENVIRONMENTS = "/api/environments/beta/environments";
const environmentPath = (environmentId: string) => `/api/environments/v1/environments/${environmentId}`;
const DATASETS = "/api/datasetrw/v1/datasets";
const ORGANIZATIONS = "/api/organizations/v1/organizations";

interface WireProject {
  id: string;
  collaborators: { id: string; role: string }[];
}
interface WireRevision {
  id: string;
  number: number;
}
interface WireEnvironment {
  id: string;
  name: string;
  visibility: string;
  archived: boolean;
  owner: { id: string; ownerType: string };
  latestRevision: WireRevision;
  restrictedRevision?: WireRevision;
}
interface WireSnapshot {
  id: string;
  status: string;
}
interface WireDataset {
  id: string;
  tags: Record<string, string>;
}
interface WireOrganization {
  id: string;
  name: string;
  members: { userId: string; organizationRole: string }[];
}

async function makeProject(env: EmulatorFixture, name: string, apiKey?: string): Promise<string> {
  return (await ok<{ project: { id: string } }>(env, "POST", PROJECTS, { name, description: "", visibility: "Private" }, apiKey)).project.id;
}

async function makeDataset(env: EmulatorFixture, projectId: string, name: string): Promise<string> {
  return (await ok<{ dataset: { id: string } }>(env, "POST", DATASETS, { name, projectId })).dataset.id;
}

/** A snapshot, once it is active (so that what a look-alike shows no longer changes by itself). */
async function makeSnapshot(env: EmulatorFixture, datasetId: string, relativeFilePaths: string[]): Promise<string> {
  const { id } = (await ok<{ snapshot: WireSnapshot }>(env, "POST", `${DATASETS}/${datasetId}/snapshots`, { relativeFilePaths })).snapshot;
  for (let i = 0; i < 100; i++) {
    const { status } = (await ok<{ snapshot: WireSnapshot }>(env, "GET", `/api/datasetrw/v1/snapshots/${id}`)).snapshot;
    if (status === "active") return id;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`snapshot ${id} did not become active`);
}

async function makeOrganization(env: EmulatorFixture, name: string, members: { userId: string; organizationRole: string }[] = []): Promise<string> {
  return (await ok<{ org: { id: string } }>(env, "POST", ORGANIZATIONS, { name, members })).org.id;
}

async function environmentOf(env: EmulatorFixture, environmentId: string): Promise<WireEnvironment> {
  return (await ok<{ environment: WireEnvironment }>(env, "GET", environmentPath(environmentId))).environment;
}

async function collaboratorsOf(env: EmulatorFixture, projectId: string): Promise<{ id: string; role: string }[]> {
  return (await ok<{ project: WireProject }>(env, "GET", projectPath(projectId))).project.collaborators;
}

async function tagsOf(env: EmulatorFixture, datasetId: string): Promise<Record<string, string>> {
  return (await ok<{ dataset: WireDataset }>(env, "GET", `${DATASETS}/${datasetId}`)).dataset.tags;
}

async function linkedTo(env: EmulatorFixture, projectId: string): Promise<string[]> {
  return (await ok<{ dataset: { sharedDatasetIds: string[] } }>(env, "GET", `${projectPath(projectId)}/shared-datasets`)).dataset.sharedDatasetIds;
}

async function membersOf(env: EmulatorFixture, organizationId: string): Promise<{ userId: string; organizationRole: string }[]> {
  return (await ok<{ org: WireOrganization }>(env, "GET", `${ORGANIZATIONS}/${organizationId}`)).org.members;
}

/** A string output, failing loudly when the output is missing. */
function text(outs: Bag, field: string): string {
  const value = outs[field];
  if (typeof value !== "string") throw new Error(`output ${field} is ${JSON.stringify(value)}, not a string`);
  return value;
}

/** Checks that a resource id is what the outputs say, and gives the part the census names. */
function composite(created: { id: string; outs: Bag }, parent: string, child: string): string {
  expect(created.id).toBe(`${parent}/${child}`);
  return child;
}

const IMAGE = "python:3.11";
const REPOSITORY = "https://github.com/acme/etl.git";

// ------------------------------------------------------------------ the table

export const KINDS: KindRow[] = [
  {
    kind: "Project",
    provider: open(project.provider),
    create: { method: "POST", route: PROJECTS },
    delete: { method: "DELETE", route: "/api/projects/beta/projects/{projectId}" },
    async setup(env) {
      return { parents: {}, inputs: { name: "analytics" } };
    },
    // Names are unique per owner: another owner's project of the same name is allowed.
    async lookAlike(env) {
      const id = await makeProject(env, "analytics", env.emulator.users.alice.apiKey);
      return { id, read: () => readOrGone<{ project: unknown }>(env, projectPath(id), (b) => b.project) };
    },
    async census(env) {
      return listed((await ok<{ projects: WireProject[] }>(env, "GET", `${PROJECTS}?limit=999`)).projects.map((p) => p.id));
    },
    objectOf(env, created) {
      expect(created.outs.projectId).toBe(created.id);
      expect(created.outs.ownerId).toBe(env.emulator.users.admin.id);
      return created.id;
    },
  },
  {
    kind: "Collaborator",
    provider: open(collaborator.provider),
    create: { method: "POST", route: "/api/projects/v1/projects/{projectId}/collaborators" },
    delete: { method: "DELETE", route: "/api/projects/v1/projects/{projectId}/collaborators/{collaboratorId}" },
    async setup(env) {
      const projectId = await makeProject(env, "team");
      return { parents: { projectId }, inputs: { projectId, userId: env.emulator.users.bob.id, role: "contributor" } };
    },
    async lookAlike(env) {
      const other = await makeProject(env, "other-team");
      await ok(env, "POST", `${projectPath(other)}/collaborators`, { id: env.emulator.users.bob.id, role: "contributor" });
      return { id: `${other}/${env.emulator.users.bob.id}`, read: () => readOrGone<{ project: WireProject }>(env, projectPath(other), (b) => b.project.collaborators) };
    },
    async census(env, { projectId }) {
      return listed((await collaboratorsOf(env, projectId)).map((c) => c.id));
    },
    objectOf(env, created, { projectId }) {
      expect(created.outs).toEqual({ projectId, userId: env.emulator.users.bob.id, role: "contributor" });
      return composite(created, projectId, env.emulator.users.bob.id);
    },
  },
  {
    kind: "GitRepository",
    provider: open(gitRepository.provider),
    create: { method: "POST", route: "/api/projects/v1/projects/{projectId}/repositories" },
    delete: { method: "DELETE", route: "/api/projects/v1/projects/{projectId}/repositories/{repositoryId}" },
    async setup(env) {
      const projectId = await makeProject(env, "etl");
      return { parents: { projectId }, inputs: { projectId, uri: REPOSITORY } };
    },
    async lookAlike(env) {
      const other = await makeProject(env, "other-etl");
      const repo = (await ok<{ repository: { id: string } }>(env, "POST", `${projectPath(other)}/repositories`, { uri: REPOSITORY })).repository;
      return {
        id: `${other}/${repo.id}`,
        read: () => readOrGone<{ repositories: unknown[] }>(env, `${projectPath(other)}/repositories?limit=999`, (b) => b.repositories),
      };
    },
    async census(env, { projectId }) {
      return listed((await ok<{ repositories: { id: string }[] }>(env, "GET", `${projectPath(projectId)}/repositories?limit=999`)).repositories.map((r) => r.id));
    },
    objectOf(env, created, { projectId }) {
      expect(created.outs.uri).toBe(REPOSITORY);
      return composite(created, projectId, text(created.outs, "repositoryId"));
    },
  },
  {
    kind: "Goal",
    provider: open(goal.provider),
    create: { method: "POST", route: "/api/projects/v1/projects/{projectId}/goals" },
    delete: { method: "DELETE", route: "/api/projects/v1/projects/{projectId}/goals/{goalId}" },
    async setup(env) {
      const projectId = await makeProject(env, "goals");
      return { parents: { projectId }, inputs: { projectId, title: "Ship v1" } };
    },
    // Titles repeat: the same title (and description) in the same project.
    async lookAlike(env, { projectId }) {
      const twin = (await ok<{ goal: { id: string } }>(env, "POST", `${projectPath(projectId)}/goals`, { title: "Ship v1" })).goal;
      return {
        id: `${projectId}/${twin.id}`,
        read: () => readOrGone<{ goals: { id: string }[] }>(env, `${projectPath(projectId)}/goals`, (b) => b.goals.find((g) => g.id === twin.id)),
      };
    },
    async census(env, { projectId }) {
      return listed((await ok<{ goals: { id: string }[] }>(env, "GET", `${projectPath(projectId)}/goals`)).goals.map((g) => g.id));
    },
    objectOf(env, created, { projectId }) {
      expect(created.outs.title).toBe("Ship v1");
      return composite(created, projectId, text(created.outs, "goalId"));
    },
  },
  {
    kind: "Environment",
    provider: open(environment.provider),
    create: { method: "POST", route: ENVIRONMENTS },
    delete: { method: "DELETE", route: "/api/environments/v1/environments/{environmentId}" },
    async setup(env) {
      return { parents: {}, inputs: { name: "py", image: IMAGE } };
    },
    // Environment names are not unique: the same name and the same definition.
    async lookAlike(env) {
      const { id } = (await ok<{ environment: WireEnvironment }>(env, "POST", ENVIRONMENTS, { name: "py", image: IMAGE, visibility: "Private", addBaseDependencies: false }))
        .environment;
      return {
        id,
        // Not the build status, which moves on by itself.
        read: () =>
          readOrGone<{ environment: WireEnvironment }>(env, environmentPath(id), ({ environment: e }) => ({
            id: e.id,
            name: e.name,
            visibility: e.visibility,
            archived: e.archived,
            owner: e.owner,
            latestRevision: { id: e.latestRevision.id, number: e.latestRevision.number },
          })),
      };
    },
    async census(env) {
      return listed((await ok<{ environments: WireEnvironment[] }>(env, "GET", `${ENVIRONMENTS}?limit=999`)).environments.map((e) => e.id));
    },
    objectOf(env, created) {
      expect(created.outs.name).toBe("py");
      return created.id;
    },
  },
  {
    kind: "EnvironmentRevision",
    provider: open(environmentRevision.provider),
    create: { method: "POST", route: "/api/environments/beta/environments/{environmentId}/revisions" },
    async setup(env) {
      // Made restricted, so that the environment keeps showing its first revision (the
      // look-alike) after newer ones: Domino has no other read of an older revision.
      const { id: environmentId } = (
        await ok<{ environment: WireEnvironment }>(env, "POST", ENVIRONMENTS, {
          name: "py",
          image: IMAGE,
          visibility: "Private",
          addBaseDependencies: false,
          isRestricted: true,
        })
      ).environment;
      return { parents: { environmentId }, inputs: { environmentId, image: IMAGE } };
    },
    // The environment's own first revision, of the same image.
    async lookAlike(env, { environmentId }) {
      const first = (await environmentOf(env, environmentId)).latestRevision;
      expect(first.number).toBe(1);
      return {
        id: `${environmentId}/${first.id}`,
        read: () =>
          readOrGone<{ environment: WireEnvironment }>(env, environmentPath(environmentId), ({ environment: e }) =>
            e.restrictedRevision && { id: e.restrictedRevision.id, number: e.restrictedRevision.number },
          ),
      };
    },
    async census(env, { environmentId }) {
      const latest = (await environmentOf(env, environmentId)).latestRevision;
      return { ids: [latest.id], total: latest.number, complete: false };
    },
    objectOf(env, created, { environmentId }) {
      expect(created.outs.image).toBe(IMAGE);
      return composite(created, environmentId, text(created.outs, "revisionId"));
    },
  },
  {
    kind: "Dataset",
    provider: open(dataset.provider),
    create: { method: "POST", route: DATASETS },
    delete: { method: "DELETE", route: "/api/datasetrw/v1/datasets/{datasetId}" },
    async setup(env) {
      const projectId = await makeProject(env, "data");
      return { parents: { projectId }, inputs: { projectId, name: "raw" } };
    },
    // Names are unique per project: the same name in another project.
    async lookAlike(env) {
      const other = await makeProject(env, "other-data");
      const id = await makeDataset(env, other, "raw");
      return { id, read: () => readOrGone<{ dataset: unknown }>(env, `${DATASETS}/${id}`, (b) => b.dataset) };
    },
    async census(env, { projectId }) {
      return listed((await ok<{ datasets: { id: string }[] }>(env, "GET", `${DATASETS}?projectId=${projectId}&limit=999`)).datasets.map((d) => d.id));
    },
    objectOf(env, created, { projectId }) {
      expect(created.outs.projectId).toBe(projectId);
      expect(created.outs.name).toBe("raw");
      return created.id;
    },
  },
  {
    kind: "DatasetSnapshot",
    provider: open(datasetSnapshot.provider),
    create: { method: "POST", route: "/api/datasetrw/v1/datasets/{datasetId}/snapshots" },
    async setup(env) {
      const projectId = await makeProject(env, "snapshots");
      const datasetId = await makeDataset(env, projectId, "raw");
      return { parents: { projectId, datasetId }, inputs: { datasetId, relativeFilePaths: ["data"] } };
    },
    // A sibling snapshot of the same files, by the same user, in the same dataset.
    async lookAlike(env, { datasetId }) {
      const id = await makeSnapshot(env, datasetId, ["data"]);
      return { id: `${datasetId}/${id}`, read: () => readOrGone<{ snapshot: unknown }>(env, `/api/datasetrw/v1/snapshots/${id}`, (b) => b.snapshot) };
    },
    async census(env, { datasetId }) {
      return listed((await ok<{ snapshots: WireSnapshot[] }>(env, "GET", `${DATASETS}/${datasetId}/snapshots?limit=999`)).snapshots.map((s) => s.id));
    },
    objectOf(env, created, { datasetId }) {
      expect(created.outs.status).toBe("active");
      return composite(created, datasetId, text(created.outs, "snapshotId"));
    },
  },
  {
    kind: "SnapshotTag",
    provider: open(snapshotTag.provider),
    create: { method: "POST", route: "/api/datasetrw/v1/datasets/{datasetId}/tags" },
    delete: { method: "DELETE", route: "/api/datasetrw/v1/datasets/{datasetId}/tags/{tagName}" },
    async setup(env) {
      const projectId = await makeProject(env, "tags");
      const datasetId = await makeDataset(env, projectId, "raw");
      const snapshotId = await makeSnapshot(env, datasetId, ["v1"]);
      return { parents: { projectId, datasetId, snapshotId }, inputs: { datasetId, snapshotId, tagName: "prod" } };
    },
    // Names are unique per dataset: a tag of the same name on another dataset.
    async lookAlike(env) {
      const other = await makeDataset(env, await makeProject(env, "other-tags"), "raw");
      const snapshotId = await makeSnapshot(env, other, ["v1"]);
      await ok(env, "POST", `${DATASETS}/${other}/tags`, { tagName: "prod", snapshotId });
      return { id: `${other}/prod`, read: () => readOrGone<{ dataset: WireDataset }>(env, `${DATASETS}/${other}`, (b) => b.dataset.tags) };
    },
    async census(env, { datasetId }) {
      return listed(Object.keys(await tagsOf(env, datasetId)));
    },
    objectOf(env, created, { datasetId, snapshotId }) {
      expect(created.outs).toEqual({ datasetId, snapshotId, tagName: "prod" });
      return composite(created, datasetId, "prod");
    },
  },
  {
    kind: "SharedDatasetLink",
    provider: open(sharedDatasetLink.provider),
    create: { method: "POST", route: "/api/projects/v1/projects/{projectId}/shared-datasets" },
    delete: { method: "DELETE", route: "/api/projects/v1/projects/{projectId}/shared-datasets/{datasetId}" },
    async setup(env) {
      const datasetId = await makeDataset(env, await makeProject(env, "owner"), "raw");
      const projectId = await makeProject(env, "user");
      return { parents: { projectId, datasetId }, inputs: { projectId, datasetId } };
    },
    // The same dataset, linked to another project.
    async lookAlike(env, { datasetId }) {
      const other = await makeProject(env, "other-user");
      await ok(env, "POST", `${projectPath(other)}/shared-datasets`, { datasetId });
      return {
        id: `${other}/${datasetId}`,
        read: () => readOrGone<{ dataset: { sharedDatasetIds: string[] } }>(env, `${projectPath(other)}/shared-datasets`, (b) => b.dataset.sharedDatasetIds),
      };
    },
    async census(env, { projectId }) {
      return listed(await linkedTo(env, projectId));
    },
    objectOf(env, created, { projectId, datasetId }) {
      expect(created.outs).toEqual({ projectId, datasetId });
      return composite(created, projectId, datasetId);
    },
  },
  {
    kind: "Organization",
    provider: open(organization.provider),
    create: { method: "POST", route: ORGANIZATIONS },
    async setup(env) {
      return { parents: {}, inputs: { name: "data-team" } };
    },
    // Names are unique: another organization with the same members (its creator, the admin, as Admin).
    async lookAlike(env) {
      const id = await makeOrganization(env, "data-twins");
      expect(await membersOf(env, id)).toEqual([{ userId: env.emulator.users.admin.id, organizationRole: "Admin" }]);
      return { id, read: () => readOrGone<{ org: unknown }>(env, `${ORGANIZATIONS}/${id}`, (b) => b.org) };
    },
    async census(env) {
      return listed((await ok<{ orgs: WireOrganization[] }>(env, "GET", `${ORGANIZATIONS}/all?limit=999`)).orgs.map((o) => o.id));
    },
    objectOf(env, created) {
      expect(created.outs.name).toBe("data-team");
      return created.id;
    },
  },
  {
    kind: "OrganizationMember",
    provider: open(organizationMember.provider),
    create: { method: "PUT", route: "/api/organizations/v1/organizations/{organizationId}/user" },
    delete: { method: "DELETE", route: "/api/organizations/v1/organizations/{organizationId}/user" },
    async setup(env) {
      const organizationId = await makeOrganization(env, "team");
      return { parents: { organizationId }, inputs: { organizationId, userId: env.emulator.users.alice.id } };
    },
    // The same user, with the same role, as a member of another organization.
    async lookAlike(env) {
      const other = await makeOrganization(env, "other-team", [{ userId: env.emulator.users.alice.id, organizationRole: "Member" }]);
      return {
        id: `${other}/${env.emulator.users.alice.id}`,
        read: () => readOrGone<{ org: WireOrganization }>(env, `${ORGANIZATIONS}/${other}`, (b) => b.org.members),
      };
    },
    async census(env, { organizationId }) {
      return listed((await membersOf(env, organizationId)).map((m) => m.userId));
    },
    objectOf(env, created, { organizationId }) {
      expect(created.outs).toEqual({ organizationId, userId: env.emulator.users.alice.id, organizationRole: "Member" });
      return composite(created, organizationId, env.emulator.users.alice.id);
    },
  },
];
