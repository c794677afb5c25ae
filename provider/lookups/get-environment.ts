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
import { EnvironmentFacts, environmentFacts } from "../kit/builds";
import { lookupError, lookupOutput, runLookup } from "./settings";

export interface GetEnvironmentArgs {
  /** The environment's exact name. */
  name: string;
}

export interface GetEnvironmentOutputArgs {
  name: pulumi.Input<string>;
}

/** The environment, with its owner and latest revision (`EnvironmentFacts`). */
export interface GetEnvironmentResult extends EnvironmentFacts {
  /** The environment id, as `environmentId` inputs expect it. */
  id: string;
  name: string;
  /** Global, Private or Organization. */
  visibility: string;
  supportedClusters: string[];
  /** The revision runs use, when one is selected in Domino; otherwise the latest. */
  selectedRevisionId: string;
}

/** The one environment named `name` that the caller can see. Fails when there is none, or more than one. */
export async function getEnvironment(args: GetEnvironmentArgs, opts?: pulumi.InvokeOptions): Promise<GetEnvironmentResult> {
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
  }, opts);
}

function toResult(e: EnvironmentV1): GetEnvironmentResult {
  return {
    id: e.id,
    name: e.name,
    visibility: e.visibility,
    ...environmentFacts(e),
    supportedClusters: e.supportedClusters ?? [],
    selectedRevisionId: e.selectedRevision?.id ?? e.latestRevision?.id ?? "",
  };
}

/** `getEnvironment` for inputs that are Outputs; `opts` as for Pulumi's invokes (`provider`, `parent`, `dependsOn`). */
export function getEnvironmentOutput(args: GetEnvironmentOutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<GetEnvironmentResult> {
  return lookupOutput(args, opts, (a, o) => getEnvironment(a, o));
}
