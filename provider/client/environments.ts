/**
 * Typed calls for compute environments and their revisions. Nothing but the calls: no
 * decisions.
 */
import { RequestCore, seg } from "./http";
import { Page, PageMetadata } from "./pagination";

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

const ENVIRONMENTS = "/api/environments/beta/environments";
const environmentPath = (id: string) => `/api/environments/v1/environments/${seg(id)}`;

export async function createEnvironment(
  core: RequestCore,
  body: NewEnvironmentV1,
): Promise<EnvironmentV1> {
  const res = await core.call<{ environment: EnvironmentV1 }>({
    operation: "create environment",
    method: "POST",
    path: ENVIRONMENTS,
    body,
  });
  return res.environment;
}

export async function getEnvironment(core: RequestCore, environmentId: string): Promise<EnvironmentV1> {
  const res = await core.call<{ environment: EnvironmentV1 }>({
    operation: "read environment",
    method: "GET",
    path: environmentPath(environmentId),
  });
  return res.environment;
}

/** Archives (soft-deletes) the environment. */
export async function archiveEnvironment(core: RequestCore, environmentId: string): Promise<void> {
  await core.call({ operation: "archive environment", method: "DELETE", path: environmentPath(environmentId) });
}

/** One page of the environments the caller can see (archived ones are left out). */
export async function listEnvironmentsPage(core: RequestCore, offset: number, limit: number): Promise<Page<EnvironmentV1>> {
  const res = await core.call<{ environments: EnvironmentV1[]; metadata?: PageMetadata }>({
    operation: "list environments",
    method: "GET",
    path: ENVIRONMENTS,
    query: { offset, limit },
  });
  return { items: res.environments ?? [], metadata: res.metadata };
}

export async function createEnvironmentRevision(
  core: RequestCore,
  environmentId: string,
  body: NewEnvironmentRevisionV1,
): Promise<EnvironmentRevisionV1> {
  const res = await core.call<{ environmentRevision: EnvironmentRevisionV1 }>({
    operation: "create environment revision",
    method: "POST",
    path: `${ENVIRONMENTS}/${seg(environmentId)}/revisions`,
    body,
  });
  return res.environmentRevision;
}

/** The calls of this area, for `DominoClient`. */
export const environmentsCalls = { createEnvironment, getEnvironment, archiveEnvironment, listEnvironmentsPage, createEnvironmentRevision };
