/**
 * `pulumi-domino export`: reads a Domino deployment with the user's host and key and writes
 * a Pulumi TypeScript project that declares what it found, every resource with its
 * `adoptId`, so that the first `pulumi up` takes the objects over instead of creating them.
 *
 * This file reads; `export-program.ts` writes the program. Reading costs the list pages of
 * each kind plus, per object, only what no list holds: a project's goals, imported
 * repositories and shared datasets (and its results branch, where the program can declare
 * it), a dataset's snapshots. Nothing is written to Domino.
 */
import * as fs from "fs";
import * as path from "path";
import { Capabilities, DominoClient } from "../client/client";
import { EnvironmentV1 } from "../client/environments";
import { DatasetRwV1, SnapshotV1 } from "../client/datasets";
import { isNotFound, isStatus } from "../client/errors";
import { OrganizationV1 } from "../client/organizations";
import { collectPages, PageFetcher } from "../client/pagination";
import { GoalV1, ProjectGitRepositoryV1, ProjectV1 } from "../client/projects";
import { UserV1 } from "../client/users";
import { clientForValues } from "../config";
import { isArchived } from "../kit/projects";
import { ConfigSource } from "../settings";
import { ExportedFiles, Note, renderProgram, RenderOptions } from "./export-program";
import { stackConfig, StackOptions } from "./stack";

/** Which objects to export; empty lists everywhere mean everything the key can see. The selections add up. */
export interface ExportScope {
  /** User names: the projects and environments these users own. */
  owners: string[];
  /** Organization names: the organization with its members, and the projects and environments it owns. */
  organizations: string[];
  /** `NAME` or `OWNER/NAME`: these projects. */
  projects: string[];
}

/** A project as read: the project (from the list) and what only calls of its own return. */
export interface ProjectRead {
  project: ProjectV1;
  /** Absent where the API cannot list goals (Domino 5.3). */
  goals?: GoalV1[];
  repositories: ProjectGitRepositoryV1[];
  sharedDatasetIds: string[];
  /** The results branch, where the API can read it and the program can declare it. */
  resultsBranch?: string;
}

export interface DatasetRead {
  dataset: DatasetRwV1;
  snapshots: SnapshotV1[];
}

/** What the export read, already narrowed to the scope. */
export interface DeploymentRead {
  host: string;
  surface: Capabilities["surface"];
  /** Every user the key can see (for lookups by user name). */
  users: UserV1[];
  /** The organizations to export. */
  organizations: OrganizationV1[];
  /** Every organization the key can see (objects may refer to one outside the scope). */
  visibleOrganizations: OrganizationV1[];
  environments: EnvironmentV1[];
  projects: ProjectRead[];
  datasets: DatasetRead[];
  /** What could not be read, and why. */
  notes: Note[];
}

/** How many requests of each sort a read took. */
export interface RequestTally {
  /** Every HTTP request sent, retries included. */
  sent: number;
  /** Pages of lists (the lists of every kind, and per project or dataset the lists of its parts). */
  listPages: number;
  /** Reads of one object, for what no list holds. */
  objectReads: number;
  /** The API version probe (`GET /api/users/v1/self`). */
  probes: number;
}

/** Reports progress: objects read of the total known so far. */
export interface ProgressSink {
  listing(what: string): void;
  start(total: number): void;
  tick(): void;
  finish(): void;
}

const BAR_WIDTH = 30;

/**
 * A progress bar on a stream: redrawn in place on a terminal; elsewhere (CI logs) a line
 * each tenth of the way, so that a long export shows it is alive without flooding the log.
 */
export function progressBar(out: NodeJS.WritableStream & { isTTY?: boolean }): ProgressSink {
  let total = 0;
  let done = 0;
  let lastTenth = -1;
  let lastDraw = 0;
  const line = () => {
    const filled = total === 0 ? BAR_WIDTH : Math.round((done / total) * BAR_WIDTH);
    return `reading Domino [${"#".repeat(filled)}${".".repeat(BAR_WIDTH - filled)}] ${done}/${total} objects`;
  };
  const draw = (force: boolean) => {
    if (out.isTTY) {
      const now = Date.now();
      if (!force && now - lastDraw < 100) return;
      lastDraw = now;
      out.write(`\r\x1b[K${line()}`);
      return;
    }
    const tenth = total === 0 ? 10 : Math.floor((done / total) * 10);
    if (force || tenth !== lastTenth) {
      lastTenth = tenth;
      out.write(`${line()}\n`);
    }
  };
  return {
    listing: (what) => out.write(`reading Domino: listing ${what}\n`),
    start(n) {
      total = n;
      done = 0;
      draw(true);
    },
    tick() {
      done++;
      draw(done === total);
    },
    finish() {
      if (out.isTTY) out.write("\n");
    },
  };
}

const silent: ProgressSink = { listing: () => undefined, start: () => undefined, tick: () => undefined, finish: () => undefined };

/** Runs `fn` on every item, at most `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Per-object reads in flight at once: enough to hide latency, few enough not to burden Domino. */
const CONCURRENCY = 8;

/** Selects what the scope names; fails naming a selection that matches nothing. */
function selectByScope(
  scope: ExportScope,
  users: UserV1[],
  organizations: OrganizationV1[],
  projects: ProjectV1[],
  environments: EnvironmentV1[],
): { organizations: OrganizationV1[]; projects: ProjectV1[]; environments: EnvironmentV1[] } {
  const everything = scope.owners.length === 0 && scope.organizations.length === 0 && scope.projects.length === 0;
  if (everything) return { organizations, projects, environments };
  const ownerIds = new Set<string>();
  for (const name of scope.owners) {
    const user = users.find((u) => u.userName.toLowerCase() === name.toLowerCase());
    if (!user) throw new Error(`--owner ${name}: no user with this user name is visible to the API key`);
    ownerIds.add(user.id.toLowerCase());
  }
  const orgs: OrganizationV1[] = [];
  for (const name of scope.organizations) {
    const org = organizations.find((o) => o.name === name);
    if (!org) throw new Error(`--organization ${name}: no organization with this exact name is visible to the API key`);
    orgs.push(org);
    ownerIds.add(org.id.toLowerCase());
  }
  const chosen = new Set<ProjectV1>(projects.filter((p) => ownerIds.has(p.ownerId.toLowerCase())));
  for (const wanted of scope.projects) {
    const slash = wanted.indexOf("/");
    const owner = slash >= 0 ? wanted.slice(0, slash).toLowerCase() : undefined;
    const name = (slash >= 0 ? wanted.slice(slash + 1) : wanted).toLowerCase();
    const found = projects.filter((p) => p.name.toLowerCase() === name && (owner === undefined || p.ownerUsername.toLowerCase() === owner));
    if (found.length === 0) throw new Error(`--project ${wanted}: no such project is visible to the API key`);
    for (const p of found) chosen.add(p);
  }
  return {
    organizations: orgs,
    projects: projects.filter((p) => chosen.has(p)),
    environments: environments.filter((e) => e.owner !== undefined && ownerIds.has(e.owner.id.toLowerCase())),
  };
}

function pluralise(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** What the reader needs to know about the program it reads for. */
export interface ReadOptions {
  /** Read each project's results branch (one call per project, where the API has it). */
  resultsBranch: boolean;
}

/**
 * Reads what the scope selects. Every list is paged in full; what no list holds is read
 * per project and per dataset, `CONCURRENCY` at a time. A part Domino refuses to show
 * (403) or that went away meanwhile (404) is left out and noted.
 */
export async function readDeployment(
  client: DominoClient,
  scope: ExportScope,
  options: ReadOptions,
  progress: ProgressSink = silent,
): Promise<{ read: DeploymentRead; requests: RequestTally }> {
  const sentBefore = client.core.requestsSent;
  const tally: RequestTally = { sent: 0, listPages: 0, objectReads: 0, probes: 0 };
  const paged = <T>(fetch: PageFetcher<T>): PageFetcher<T> => (offset, limit) => {
    tally.listPages++;
    return fetch(offset, limit);
  };
  const listCall = <T>(call: () => Promise<T>): Promise<T> => {
    tally.listPages++;
    return call();
  };
  const notes: Note[] = [];

  const beforeProbe = client.core.requestsSent;
  const caps = await client.capabilities();
  // The client may know the version already (it asks once per process).
  tally.probes = client.core.requestsSent - beforeProbe;
  const modern = caps.surface !== "5.3";

  progress.listing("users, organizations, environments, projects and datasets");
  let organizationsVisible: OrganizationV1[];
  let everyOrganization = true;
  try {
    organizationsVisible = await collectPages(paged((offset, limit) => client.organizations.listAllOrganizationsPage(offset, limit)));
  } catch (err) {
    // Only administrators may list every organization; anyone sees their own.
    if (!isStatus(err, 403)) throw err;
    everyOrganization = false;
    organizationsVisible = await collectPages(paged((offset, limit) => client.organizations.listOrganizationsPage(offset, limit)));
  }
  const [users, projectsVisible, environmentsVisible, datasetsVisible] = await Promise.all([
    collectPages(paged(client.users.listUsersPage)),
    collectPages(paged(client.projects.listProjectsPage)),
    collectPages(paged(client.environments.listEnvironmentsPage)),
    collectPages(paged((offset, limit) => (modern ? client.datasets.listDatasetsV2Page(offset, limit) : client.datasets.listDatasetsV1Page(offset, limit)))),
  ]);
  if (!everyOrganization) {
    notes.push({
      what: "organizations the API key's user is not a member of",
      why: "only administrators can list every organization; export with an administrator's key to include them",
    });
    notes.push({
      what: "private projects, datasets and environments of other users",
      why: "the API key is not an administrator's: Domino shows it only what its user may see",
    });
  }

  const live = projectsVisible.filter((p) => !isArchived(p));
  const selected = selectByScope(scope, users, organizationsVisible, live, environmentsVisible.filter((e) => !e.archived));
  const projectIds = new Set(selected.projects.map((p) => p.id.toLowerCase()));
  const datasets = datasetsVisible.filter((d) => d.projectId !== undefined && projectIds.has(d.projectId.toLowerCase()));

  progress.start(selected.projects.length + datasets.length);
  const projects: ProjectRead[] = [];
  const gone = new Set<string>();
  const refused: string[] = [];
  await eachLimited(selected.projects, CONCURRENCY, async (project) => {
    try {
      const [goals, repositories, shared, resultsBranch] = await Promise.all([
        caps.goalList ? listCall(() => client.projects.listGoals(project.id)) : Promise.resolve(undefined),
        collectPages(paged((offset, limit) => client.projects.listRepositoriesPage(project.id, offset, limit))),
        listCall(() => client.datasets.listSharedDatasets(project.id)),
        options.resultsBranch && caps.surface !== "5.3" ? readResultsBranch(client, project.id, tally) : Promise.resolve(undefined),
      ]);
      projects.push({ project, goals, repositories, sharedDatasetIds: shared.sharedDatasetIds, resultsBranch });
    } catch (err) {
      if (isNotFound(err)) gone.add(project.id.toLowerCase());
      else if (isStatus(err, 403)) refused.push(`${project.ownerUsername}/${project.name}`);
      else throw err;
    } finally {
      progress.tick();
    }
  });

  const datasetReads: DatasetRead[] = [];
  await eachLimited(datasets, CONCURRENCY, async (dataset) => {
    try {
      if (gone.has((dataset.projectId ?? "").toLowerCase())) return;
      // A dataset without snapshots needs no call: its list would be empty.
      const snapshots =
        (dataset.snapshotIds ?? []).length === 0
          ? []
          : await collectPages(paged((offset, limit) => client.datasets.listSnapshotsPage(dataset.id, offset, limit)));
      datasetReads.push({ dataset, snapshots });
    } catch (err) {
      if (isNotFound(err)) return;
      if (isStatus(err, 403)) refused.push(`dataset ${dataset.name} (${dataset.id})`);
      else throw err;
    } finally {
      progress.tick();
    }
  });
  progress.finish();

  if (gone.size > 0) notes.push({ what: pluralise(gone.size, "project"), why: "archived or deleted while the export read them" });
  if (refused.length > 0) notes.push({ what: refused.sort().join(", "), why: "Domino refused to show their parts to the API key (HTTP 403)" });

  tally.sent = client.core.requestsSent - sentBefore;
  return {
    read: {
      host: client.settings.host,
      surface: caps.surface,
      users,
      organizations: selected.organizations,
      visibleOrganizations: organizationsVisible,
      environments: selected.environments,
      projects: projects.filter((p) => !gone.has(p.project.id.toLowerCase())),
      datasets: datasetReads,
      notes,
    },
    requests: tally,
  };
}

/** The results branch, through the one call that reads it (no list has it). */
async function readResultsBranch(client: DominoClient, projectId: string, tally: RequestTally): Promise<string> {
  tally.objectReads++;
  return (await client.projects.getResultsSettings(projectId)).branch;
}

// ---------------------------------------------------------------- the command

export interface ExportOptions extends StackOptions {
  /** The directory to write the program to (created when missing). */
  out: string;
  scope: ExportScope;
  /** `domino:host` for the deployment; default from the stack (with `stack`) or the environment. */
  host?: string;
  /** Read the host and key from this stack's `domino:*` configuration (as `recover` does). */
  fromStack?: boolean;
  /** The Pulumi project's name. Default "domino". */
  projectName?: string;
  progress?: ProgressSink;
}

export interface ExportResult {
  dir: string;
  files: ExportedFiles;
  read: DeploymentRead;
  requests: RequestTally;
  /** Resources declared, by kind. */
  declared: Record<string, number>;
  notes: Note[];
}

/** The package's own version and the SDK's: the generated project depends on both. */
function versions(): Pick<RenderOptions, "packageVersion" | "sdkVersion"> {
  const own = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")) as { version: string };
  let sdk = "3.248.0";
  try {
    sdk = (JSON.parse(fs.readFileSync(require.resolve("@pulumi/pulumi/package.json"), "utf8")) as { version: string }).version;
  } catch {
    // Not installed next to this package: the version it is built and tested with.
  }
  return { packageVersion: own.version, sdkVersion: sdk };
}

/** Where the connection settings come from: flags, then the stack (if asked), then the environment. */
function settingsSource(opts: ExportOptions): ConfigSource {
  const fromStack = opts.fromStack ? stackConfig(opts) : {};
  // DOMINO_HOST is accepted as well as the provider's DOMINO_API_HOST, for a shell that has it.
  const host = opts.host ?? fromStack["domino:host"] ?? (process.env.DOMINO_API_HOST ? undefined : process.env.DOMINO_HOST);
  return { get: (key) => (key === "domino:host" && host ? host : fromStack[key]) };
}

/** Reads the deployment and writes the program; what it did not export is in the result's notes. */
export async function exportDeployment(opts: ExportOptions): Promise<ExportResult> {
  const client = clientForValues(settingsSource(opts));
  const probe = schemaProbe();
  const { read, requests } = await readDeployment(client, opts.scope, { resultsBranch: probe.resultsBranch }, opts.progress ?? silent);
  const rendered = renderProgram(read, { projectName: opts.projectName ?? "domino", ...versions() });
  // `cwd` is the stack's directory; `out` is where the user stands.
  const dir = path.resolve(opts.out);
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(rendered.files)) fs.writeFileSync(path.join(dir, file), text);
  return { dir, files: rendered.files, read, requests, declared: rendered.declared, notes: rendered.notes };
}

/** Whether the program can declare a project's results branch (an input of this package's Project). */
function schemaProbe(): { resultsBranch: boolean } {
  // Required here, not imported at the top, so that reading stays independent of the resources.
  const { projectSchema } = require("../resources/project") as { projectSchema: Record<string, unknown> };
  return { resultsBranch: "resultsBranch" in projectSchema };
}

/** The lines printed at the end of an export. */
export function formatExport(result: ExportResult): string {
  const total = Object.values(result.declared).reduce((a, b) => a + b, 0);
  const kinds = Object.entries(result.declared)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${n} ${kind}`)
    .join(", ");
  const lines = [`Exported ${total} objects from ${result.read.host} (Domino API ${result.read.surface}) to ${result.dir}: ${kinds || "nothing"}.`];
  if (result.notes.length > 0) {
    lines.push("Not exported, and why:");
    for (const note of result.notes) lines.push(`  - ${note.what}: ${note.why}`);
  }
  const r = result.requests;
  const retries = r.sent - (r.listPages + r.objectReads + r.probes);
  lines.push(
    `Requests: ${r.sent} (${pluralise(r.listPages, "list page")}, ${pluralise(r.objectReads, "read of one object", "reads of one object")}, ` +
      `${r.probes > 0 ? pluralise(r.probes, "version probe") : "the version known already"}${retries > 0 ? `, ${pluralise(retries, "retry", "retries")}` : ""}).`,
  );
  lines.push(`Next: cd ${result.dir} && npm install, then follow README.md (stack, domino:host, domino:apiKey, pulumi up).`);
  return lines.join("\n");
}
