/**
 * The emulator's one store: plain records in insertion-ordered maps (list order is creation
 * order, as in Domino's Mongo collections). Seeded users are rebuilt from options on every
 * start and reset, so they are not persisted; everything else is.
 *
 * With a state file, each mutating request waits until a snapshot containing its change is
 * on disk before it is answered. Writes go to a temporary file that is fsynced and renamed
 * over the state file, so a killed emulator leaves either the old or the new state, never a
 * torn one. Concurrent requests share writes: while one write is running, later changes
 * wait for the next write, which covers all of them.
 */
import { randomBytes } from "node:crypto";
import { promises as fsp, readFileSync, readdirSync, unlinkSync } from "node:fs";
import path from "node:path";

export interface UserRecord {
  id: string;
  userName: string;
  firstName: string;
  lastName: string;
  fullName: string;
  email: string;
  avatarUrl: string;
  roles: string[];
  isAdmin: boolean;
  /** Accepted only in X-Domino-Api-Key. */
  apiKey: string;
  /** Accepted only as Authorization: Bearer. */
  accessToken: string;
}

export type ProjectVisibility = "Public" | "Searchable" | "Private";
export type CollaboratorRole = "contributor" | "launcherUser" | "resultsConsumer" | "projectImporter";
export type GitServiceProvider =
  | "Bitbucket"
  | "BitbucketServer"
  | "Github"
  | "GithubEnterprise"
  | "GitLab"
  | "GitLabEnterprise"
  | "Unknown";
export type GitReferenceType = "Head" | "Branch" | "Tag" | "Commit";

export interface GitReference {
  refType: GitReferenceType;
  value?: string;
}

export interface GitRepository {
  id: string;
  name: string;
  uri: string;
  defaultRef: GitReference;
  serviceProvider: GitServiceProvider;
}

export interface ProjectStatus {
  status: "active" | "complete";
  isBlocked: boolean;
  blockedReason?: string;
  completedMessage?: string;
}

export interface ProjectRecord {
  id: string;
  name: string;
  description: string;
  visibility: ProjectVisibility;
  ownerId: string;
  collaborators: Array<{ id: string; role: CollaboratorRole }>;
  mainRepository?: GitRepository;
  isRestricted: boolean;
  billingTag?: { tag: string };
  templateDetails?: Record<string, unknown>;
  internalTags: string[];
  resultsBranch: "isolated" | "main";
  status: ProjectStatus;
  sharedDatasetIds: string[];
  createdAt: number;
  archivedAt?: number;
}

export interface GoalRecord {
  id: string;
  projectId: string;
  title: string;
  description?: string;
  isComplete: boolean;
  creatorId: string;
  assigneeId?: string;
  stageId?: string;
  createdAt: number;
}

export interface RepositoryRecord extends GitRepository {
  projectId: string;
  createdAt: number;
}

export type ClusterType = "Dask" | "Mpi" | "Ray" | "Spark";

export interface EnvironmentTool {
  name: string;
  title: string;
  startScripts: string[];
  iconUrl?: string;
  proxyConfig?: Record<string, unknown>;
  supportedFileExtensions?: string[];
}

/** The fields of NewEnvironmentRevisionV1, as sent. */
export interface RevisionDefinition {
  image?: string;
  dockerfileInstructions?: string;
  environmentVariables?: Array<{ key: string; value: string }>;
  preSetupScript?: string;
  postSetupScript?: string;
  preRunScript?: string;
  postRunScript?: string;
  skipCache?: boolean;
  summary?: string;
  supportedClusters?: ClusterType[];
  tags?: string[];
  useVpn?: boolean;
  workspaceTools?: EnvironmentTool[];
}

export interface RevisionRecord {
  id: string;
  environmentId: string;
  number: number;
  definition: RevisionDefinition;
  isRestricted: boolean;
  creatorId: string;
  createdAt: number;
}

export interface EnvironmentRecord {
  id: string;
  name: string;
  description?: string;
  visibility: "Global" | "Private" | "Organization";
  ownerId: string;
  ownerType: "Individual" | "Organization";
  addBaseDependencies: boolean;
  isCurated: boolean;
  rebuildOnBaseChanges?: "never" | "followActive";
  revisionIds: string[];
  archived: boolean;
  createdAt: number;
}

export type DatasetRole = "DatasetRwOwner" | "DatasetRwEditor" | "DatasetRwReader";

export interface DatasetRecord {
  id: string;
  projectId: string;
  name: string;
  description?: string;
  creatorId: string;
  grants: Array<{ targetId: string; targetRole: DatasetRole }>;
  snapshotIds: string[];
  tags: Record<string, string>;
  sourceSnapshotId?: string;
  createdAt: number;
  deletedAt?: number;
}

export interface SnapshotRecord {
  id: string;
  datasetId: string;
  creatorId: string;
  relativeFilePaths: string[];
  createdAt: number;
}

export type OrganizationRole = "Member" | "Admin";

export interface OrganizationRecord {
  id: string;
  name: string;
  members: Array<{ userId: string; organizationRole: OrganizationRole }>;
  creatorId: string;
  createdAt: number;
}

interface Collections {
  projects: ProjectRecord[];
  goals: GoalRecord[];
  repositories: RepositoryRecord[];
  environments: EnvironmentRecord[];
  revisions: RevisionRecord[];
  datasets: DatasetRecord[];
  snapshots: SnapshotRecord[];
  organizations: OrganizationRecord[];
}

const COLLECTION_NAMES: ReadonlyArray<keyof Collections> = [
  "projects",
  "goals",
  "repositories",
  "environments",
  "revisions",
  "datasets",
  "snapshots",
  "organizations",
];

const STATE_FORMAT = "domino-emulator-state";
const STATE_FORMAT_VERSION = 1;

interface StateFile {
  format: typeof STATE_FORMAT;
  formatVersion: number;
  savedAt: string;
  collections: Collections;
}

// ObjectId layout (seconds, per-process random, counter) so ids sort roughly by creation
// and never repeat across restarts that share a state file.
const processPart = randomBytes(5).toString("hex");
let idCounter = randomBytes(3).readUIntBE(0, 3);

export function newId(): string {
  const seconds = Math.floor(Date.now() / 1000).toString(16).padStart(8, "0").slice(-8);
  idCounter = (idCounter + 1) % 0x1000000;
  return seconds + processPart + idCounter.toString(16).padStart(6, "0");
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export const ID_PATTERN = /^[0-9a-fA-F]{24}$/;

export class Store {
  users = new Map<string, UserRecord>();
  projects = new Map<string, ProjectRecord>();
  goals = new Map<string, GoalRecord>();
  repositories = new Map<string, RepositoryRecord>();
  environments = new Map<string, EnvironmentRecord>();
  revisions = new Map<string, RevisionRecord>();
  datasets = new Map<string, DatasetRecord>();
  snapshots = new Map<string, SnapshotRecord>();
  organizations = new Map<string, OrganizationRecord>();

  private readonly statePath?: string;
  private changes = 0;
  private savedChanges = 0;
  private writeInFlight?: Promise<void>;
  private tempCounter = 0;

  constructor(seedUsers: UserRecord[], statePath?: string) {
    this.statePath = statePath ? path.resolve(statePath) : undefined;
    this.seedUsers(seedUsers);
    if (this.statePath) this.loadFromDisk(this.statePath);
  }

  /** Empties every collection and re-seeds the users. */
  reset(seedUsers: UserRecord[]): void {
    for (const name of COLLECTION_NAMES) this[name].clear();
    this.users.clear();
    this.seedUsers(seedUsers);
  }

  private seedUsers(users: UserRecord[]): void {
    for (const user of users) this.users.set(user.id, { ...user });
  }

  /** Resolves once the current state (including every change made so far) is on disk. */
  async commit(): Promise<void> {
    if (!this.statePath) return;
    const target = ++this.changes;
    while (this.savedChanges < target) {
      if (this.writeInFlight) {
        await this.writeInFlight.catch(() => undefined);
        continue;
      }
      const covers = this.changes;
      const write = this.writeAtomically(this.statePath, this.serialize());
      this.writeInFlight = write.finally(() => {
        this.writeInFlight = undefined;
      });
      await write;
      this.savedChanges = Math.max(this.savedChanges, covers);
    }
  }

  /** Waits for a write in progress (used when stopping). */
  async settle(): Promise<void> {
    while (this.writeInFlight) await this.writeInFlight.catch(() => undefined);
  }

  private serialize(): string {
    const collections = {} as Collections;
    for (const name of COLLECTION_NAMES) {
      (collections as unknown as Record<string, unknown[]>)[name] = [...this[name].values()];
    }
    const file: StateFile = {
      format: STATE_FORMAT,
      formatVersion: STATE_FORMAT_VERSION,
      savedAt: new Date().toISOString(),
      collections,
    };
    return JSON.stringify(file);
  }

  private async writeAtomically(target: string, contents: string): Promise<void> {
    const dir = path.dirname(target);
    await fsp.mkdir(dir, { recursive: true });
    const temp = `${target}.${process.pid}.${++this.tempCounter}.tmp`;
    const handle = await fsp.open(temp, "w", 0o600);
    try {
      await handle.writeFile(contents, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await fsp.rename(temp, target);
    } catch (err) {
      await fsp.unlink(temp).catch(() => undefined);
      throw err;
    }
    // The rename is durable only once the directory entry is flushed too.
    const dirHandle = await fsp.open(dir, "r").catch(() => undefined);
    if (dirHandle) {
      await dirHandle.sync().catch(() => undefined);
      await dirHandle.close();
    }
  }

  private loadFromDisk(file: string): void {
    this.removeStaleTempFiles(file);
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
      throw err;
    }
    let parsed: StateFile;
    try {
      parsed = JSON.parse(text) as StateFile;
    } catch (err) {
      throw new Error(`State file ${file} is not valid JSON (${(err as Error).message}); move it away to start empty`);
    }
    if (parsed?.format !== STATE_FORMAT || parsed.formatVersion !== STATE_FORMAT_VERSION || !parsed.collections) {
      throw new Error(`State file ${file} is not a Domino emulator state file (format ${STATE_FORMAT} v${STATE_FORMAT_VERSION})`);
    }
    for (const name of COLLECTION_NAMES) {
      const records = (parsed.collections[name] ?? []) as Array<{ id: string }>;
      const map = this[name] as Map<string, { id: string }>;
      for (const record of records) map.set(record.id, record);
    }
  }

  /** Temporary files of a process that was killed mid-write are garbage, never state. */
  private removeStaleTempFiles(file: string): void {
    const dir = path.dirname(file);
    const prefix = `${path.basename(file)}.`;
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const entry of entries) {
      const match = /\.(\d+)\.\d+\.tmp$/.exec(entry);
      if (entry.startsWith(prefix) && match && !isProcessAlive(Number(match[1]))) {
        try {
          unlinkSync(path.join(dir, entry));
        } catch {
          // Another process may own it or have removed it already.
        }
      }
    }
  }
}
