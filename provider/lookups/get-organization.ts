/**
 * getOrganization: finds a Domino organization by name.
 *
 * Looks among the caller's organizations first (Domino filters them by exact name); an
 * administrator who is not a member finds it through the list of all organizations.
 */
import * as pulumi from "@pulumi/pulumi";
import { isStatus } from "../client/errors";
import { OrganizationV1 } from "../client/organizations";
import type { OrganizationRole } from "../kit/enums";
import { canonicalRole, organizationsNamed } from "../kit/organizations";
import { lookupError, lookupOutput, runLookup } from "./settings";

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
  organizationRole: OrganizationRole;
}

export interface GetOrganizationResult {
  /** The organization id, as `organizationId` and collaborator ids expect it. */
  id: string;
  name: string;
  defaultEnvironmentId: string;
  members: GetOrganizationMember[];
}

/** The one organization named `name`. Fails when there is none the caller can see, or more than one. */
export async function getOrganization(args: GetOrganizationArgs, opts?: pulumi.InvokeOptions): Promise<GetOrganizationResult> {
  const name = args?.name;
  if (typeof name !== "string" || name === "") throw lookupError("getOrganization", "name must not be empty: pass the organization's exact name");
  return runLookup("getOrganization", async (client) => {
    let matches = await organizationsNamed(client, name);
    let searched = "the caller's organizations";
    if (matches.length === 0) {
      try {
        matches = await organizationsNamed(client, name, "all");
        searched = "every organization";
      } catch (err) {
        // Only administrators may list every organization.
        if (!isStatus(err, 403)) throw err;
        searched = "the caller's organizations (only administrators can search every organization)";
      }
    }
    if (matches.length === 0) {
      throw new Error(
        `no organization named "${name}" is visible to the caller (searched ${searched}); ` +
          "check the name (exact and case-sensitive), or use the API key of a member of the organization or of an administrator",
      );
    }
    if (matches.length > 1) {
      throw new Error(
        `${matches.length} organizations are named "${name}": ${matches.map((o) => o.id).join(", ")}; use Organization.get with the id instead`,
      );
    }
    return toResult(matches[0]);
  }, opts);
}

function toResult(org: OrganizationV1): GetOrganizationResult {
  return {
    id: org.id,
    name: org.name,
    defaultEnvironmentId: org.defaultEnvironmentId ?? "",
    members: (org.members ?? []).map((m) => ({ userId: m.userId, organizationRole: canonicalRole(m.organizationRole) })),
  };
}

/** `getOrganization` for inputs that are Outputs; `opts` as for Pulumi's invokes (`provider`, `parent`, `dependsOn`). */
export function getOrganizationOutput(args: GetOrganizationOutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<GetOrganizationResult> {
  return lookupOutput(args, opts, (a, o) => getOrganization(a, o));
}
