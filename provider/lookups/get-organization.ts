/**
 * getOrganization: finds a Domino organization by name.
 *
 * Looks among the caller's organizations first (Domino filters them by exact name); an
 * administrator who is not a member finds it through the list of all organizations.
 */
import * as pulumi from "@pulumi/pulumi";
import { DominoApiError } from "../client/errors";
import { listAllOrganizationsPage, listOrganizationsPage, OrganizationV1 } from "../client/organizations";
import { collectPages } from "../client/pagination";
import { useProgramConfiguration } from "./settings";

export interface GetOrganizationArgs {
  /** The organization's exact name. */
  name: string;
}

export interface GetOrganizationOutputArgs {
  name: pulumi.Input<string>;
}

export interface GetOrganizationMember {
  userId: string;
  /** Member or Admin. */
  organizationRole: string;
}

export interface GetOrganizationResult {
  /** The organization id, as `organizationId` and collaborator ids expect it. */
  id: string;
  name: string;
  defaultEnvironmentId: string;
  members: GetOrganizationMember[];
}

async function named(list: typeof listOrganizationsPage, name: string): Promise<OrganizationV1[]> {
  const orgs = await collectPages((offset, limit) => list(offset, limit, name));
  // The filter is documented as exact; matching here too guards against a looser server.
  return orgs.filter((o) => o.name === name);
}

/** The one organization named `name`. Fails when there is none the caller can see, or more than one. */
export async function getOrganization(args: GetOrganizationArgs): Promise<GetOrganizationResult> {
  if (!args.name) throw new Error("getOrganization: name must not be empty");
  useProgramConfiguration();
  let matches = await named(listOrganizationsPage, args.name);
  if (matches.length === 0) {
    try {
      matches = await named(listAllOrganizationsPage, args.name);
    } catch (err) {
      // Only administrators may list every organization.
      if (!(err instanceof DominoApiError && (err.status === 401 || err.status === 403))) throw err;
    }
  }
  if (matches.length === 0) {
    throw new Error(`getOrganization: no organization named "${args.name}" is visible to the caller`);
  }
  if (matches.length > 1) {
    throw new Error(`getOrganization: ${matches.length} organizations are named "${args.name}": ${matches.map((o) => o.id).join(", ")}; use Organization.get with the id instead`);
  }
  const org = matches[0];
  return {
    id: org.id,
    name: org.name,
    defaultEnvironmentId: org.defaultEnvironmentId ?? "",
    members: (org.members ?? []).map((m) => ({ userId: m.userId, organizationRole: m.organizationRole })),
  };
}

/** `getOrganization` for inputs that are Outputs. */
export function getOrganizationOutput(args: GetOrganizationOutputArgs): pulumi.Output<GetOrganizationResult> {
  return pulumi.output(args).apply((a) => getOrganization(a));
}
