/**
 * Typed calls for compute environments and their revisions. Nothing but the calls: no
 * decisions.
 */
import { callFor, RequestCore, seg } from "./http";
import { listPage, Page } from "./pagination";

const ENVIRONMENTS = "/api/environments/beta/environments";
const environmentPath = (id: string) => `/api/environments/v1/environments/${seg(id)}`;

export type ClusterType = "Dask" | "Mpi" | "Ray" | "Spark";

export interface EnvironmentVariableV1 {
  key: string;
  value: string;
}

export interface ProxyConfigV1 {
  internalPath: string;
  port: number;
  requireSubdomain?: boolean;
  rewrite?: boolean;
}

export interface EnvironmentToolV1 {
  name: string;
  title: string;
  startScripts: string[];
  iconUrl?: string;
  proxyConfig?: ProxyConfigV1;
  supportedFileExtensions?: string[];
}

/** The fields of a revision, as sent (NewEnvironmentRevisionV1). */
export interface NewEnvironmentRevisionV1 {
  image?: string;
  dockerfileInstructions?: string;
  environmentVariables?: EnvironmentVariableV1[];
  preSetupScript?: string;
  postSetupScript?: string;
  preRunScript?: string;
  postRunScript?: string;
  skipCache?: boolean;
  summary?: string;
  supportedClusters?: ClusterType[];
  /** Domino 5.9.1+. */
  tags?: string[];
  useVpn?: boolean;
  workspaceTools?: EnvironmentToolV1[];
}

export interface NewEnvironmentV1 extends NewEnvironmentRevisionV1 {
  name: string;
  description?: string;
  visibility: "Global" | "Private";
  addBaseDependencies: boolean;
  orgOwnerId?: string;
}

export interface EnvironmentRevisionV1 {
  id: string;
  number: number;
  /** Queued, Starting, Pulling, Building, Pushing, Succeeded, Failed, Killed (any casing). */
  status?: string;
  /** The revision's workspace tools: all a revision shows of its definition. */
  availableTools?: EnvironmentToolV1[];
}

export interface EnvironmentV1 {
  id: string;
  name: string;
  /** Global, Private or Organization (any casing). */
  visibility: string;
  owner?: { id: string; username: string; ownerType: string };
  archived: boolean;
  supportedClusters?: string[];
  latestRevision?: EnvironmentRevisionV1;
  selectedRevision?: EnvironmentRevisionV1;
  restrictedRevision?: EnvironmentRevisionV1;
}

export async function createEnvironment(core: RequestCore, body: NewEnvironmentV1): Promise<EnvironmentV1> {
  return callFor(core, "environment", { operation: "create environment", method: "POST", path: ENVIRONMENTS, body });
}

export async function getEnvironment(core: RequestCore, environmentId: string): Promise<EnvironmentV1> {
  return callFor(core, "environment", { operation: "read environment", method: "GET", path: environmentPath(environmentId) });
}

/** Archives (soft-deletes) the environment. */
export async function archiveEnvironment(core: RequestCore, environmentId: string): Promise<void> {
  await core.call({ operation: "archive environment", method: "DELETE", path: environmentPath(environmentId) });
}

/** One page of the environments the caller can see (archived ones are left out). */
export async function listEnvironmentsPage(core: RequestCore, offset: number, limit: number): Promise<Page<EnvironmentV1>> {
  return listPage(core, "environments", { operation: "list environments", path: ENVIRONMENTS }, offset, limit);
}

export async function createEnvironmentRevision(
  core: RequestCore,
  environmentId: string,
  body: NewEnvironmentRevisionV1,
): Promise<EnvironmentRevisionV1> {
  const path = `${ENVIRONMENTS}/${seg(environmentId)}/revisions`;
  return callFor(core, "environmentRevision", { operation: "create environment revision", method: "POST", path, body });
}

/** Flags a revision as restricted or not: the only change a revision takes. Domino 5.9.1+ only. */
export async function setRevisionRestricted(core: RequestCore, environmentId: string, revisionId: string, isRestricted: boolean): Promise<void> {
  const path = `${ENVIRONMENTS}/${seg(environmentId)}/revisions/${seg(revisionId)}`;
  await core.call({ operation: "set environment revision restriction", method: "PATCH", path, body: { isRestricted } });
}

/** The calls of this area, for `DominoClient`. */
export const environmentsCalls = { createEnvironment, getEnvironment, archiveEnvironment, listEnvironmentsPage, createEnvironmentRevision, setRevisionRestricted };
