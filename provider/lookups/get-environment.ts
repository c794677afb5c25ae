/**
 * getEnvironment: finds a Domino compute environment by name.
 *
 * Domino's environment list has no name filter, so the lookup pages through the
 * environments visible to the caller and matches here. Archived environments are not
 * listed.
 */
import * as pulumi from "@pulumi/pulumi";
import { EnvironmentV1 } from "../client/environments";
import { collectPages } from "../client/pagination";
import { canonicalStatus } from "../kit/builds";
import { lookupError, runLookup } from "./settings";

export interface GetEnvironmentArgs {
  /** The environment's exact name. */
  name: string;
}

export interface GetEnvironmentOutputArgs {
  name: pulumi.Input<string>;
}

export interface GetEnvironmentResult {
  /** The environment id, as `environmentId` inputs expect it. */
  id: string;
  name: string;
  /** Global, Private or Organization. */
  visibility: string;
  ownerId: string;
  ownerUsername: string;
  /** Individual or Organization. */
  ownerType: string;
  supportedClusters: string[];
  latestRevisionId: string;
  latestRevisionNumber: number;
  latestRevisionStatus: string;
  /** The revision runs use, when one is selected in Domino; otherwise the latest. */
  selectedRevisionId: string;
}

/** The one environment named `name` that the caller can see. Fails when there is none, or more than one. */
export async function getEnvironment(args: GetEnvironmentArgs): Promise<GetEnvironmentResult> {
  const name = args?.name;
  if (typeof name !== "string" || name === "") throw lookupError("getEnvironment", "name must not be empty: pass the environment's exact name");
  return runLookup("getEnvironment", async (client) => {
    // Names need not be unique, so every page is read to rule out a second match.
    const all = await collectPages((offset, limit) => client.environments.listEnvironmentsPage(offset, limit));
    const matches = all.filter((e) => e.name === name);
    if (matches.length === 0) {
      throw new Error(`no environment named "${name}" is visible to the caller (archived environments are not listed)`);
    }
    if (matches.length > 1) {
      const which = matches.map((e) => `${e.id} (owner ${e.owner?.username ?? "unknown"}, ${e.visibility})`).join(", ");
      throw new Error(`${matches.length} environments are named "${name}": ${which}; use Environment.get with the id instead`);
    }
    return toResult(matches[0]);
  });
}

function toResult(e: EnvironmentV1): GetEnvironmentResult {
  const latest = e.latestRevision;
  return {
    id: e.id,
    name: e.name,
    visibility: e.visibility,
    ownerId: e.owner?.id ?? "",
    ownerUsername: e.owner?.username ?? "",
    ownerType: e.owner?.ownerType ?? "",
    supportedClusters: e.supportedClusters ?? [],
    latestRevisionId: latest?.id ?? "",
    latestRevisionNumber: latest?.number ?? 0,
    latestRevisionStatus: latest ? canonicalStatus(latest.status) : "",
    selectedRevisionId: e.selectedRevision?.id ?? latest?.id ?? "",
  };
}

/** `getEnvironment` for inputs that are Outputs. */
export function getEnvironmentOutput(args: GetEnvironmentOutputArgs): pulumi.Output<GetEnvironmentResult> {
  return pulumi.output(args).apply((a) => getEnvironment(a));
}
