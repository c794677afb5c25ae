/**
 * getProject: finds a project by name (and owner) among the projects the caller can
 * see. Domino's project list has no filter, so the list is paged and matched here.
 */
import * as pulumi from "@pulumi/pulumi";
import { collectPages, findInPages } from "../client/pagination";
import { COLLABORATOR_ROLES, ProjectV1 } from "../client/projects";
import { sameId } from "../kit/ids";
import { plainOutputs } from "../kit/outputs";
import { canonical, CollaboratorRole, isArchived, ProjectFields, projectFields } from "../kit/projects";
import { lookupError, lookupOutput, runLookup } from "./settings";

export interface GetProjectArgs {
  /** The project's name (exact). */
  name: string;
  /** The owner's user name (case-insensitive). Names are unique per owner only. */
  ownerUserName?: string;
  /** The owner's user id. */
  ownerId?: string;
}

export interface GetProjectOutputArgs {
  name: pulumi.Input<string>;
  ownerUserName?: pulumi.Input<string>;
  ownerId?: pulumi.Input<string>;
}

export interface ProjectCollaborator {
  /** User (or organization) id. */
  userId: string;
  role: CollaboratorRole;
}

/** The project as Domino reports it (`ProjectFields`: ids, name, description, visibility, owner, main repository). */
export interface GetProjectResult extends ProjectFields {
  /** The project id. */
  id: string;
  /** Collaborators other than the owner. */
  collaborators: ProjectCollaborator[];
}

function describeOwner(args: GetProjectArgs): string {
  const parts = [args.ownerUserName && `user name ${args.ownerUserName}`, args.ownerId && `id ${args.ownerId}`].filter(Boolean);
  return parts.length ? ` owned by ${parts.join(" and ")}` : "";
}

function toResult(project: ProjectV1): GetProjectResult {
  const fields = projectFields(project);
  // Plain JSON: a field Domino did not report is left out rather than undefined.
  return plainOutputs({
    id: fields.projectId,
    ...fields,
    collaborators: (project.collaborators ?? []).map((c) => ({ userId: c.id, role: canonical(COLLABORATOR_ROLES, c.role) })),
  });
}

/** Finds one project by name, and by owner when names repeat across owners. */
export async function getProject(args: GetProjectArgs, opts?: pulumi.InvokeOptions): Promise<GetProjectResult> {
  if (!args || typeof args.name !== "string" || args.name.trim() === "") {
    throw lookupError("getProject", "name is required and must be a non-empty string");
  }
  return runLookup("getProject", async (client) => {
    const ownerGiven = args.ownerId !== undefined || args.ownerUserName !== undefined;
    const matches = (p: ProjectV1) =>
      p.name === args.name &&
      !isArchived(p) &&
      (args.ownerId === undefined || sameId(p.ownerId, args.ownerId)) &&
      (args.ownerUserName === undefined || (p.ownerUsername ?? "").toLowerCase() === args.ownerUserName.toLowerCase());

    let found: ProjectV1[];
    if (ownerGiven) {
      // Names are unique per owner: the first match is the only one.
      const project = await findInPages(client.projects.listProjectsPage, matches);
      found = project ? [project] : [];
    } else {
      found = (await collectPages(client.projects.listProjectsPage)).filter(matches);
    }

    if (found.length === 0) {
      throw new Error(`no project named "${args.name}"${describeOwner(args)} is visible to the caller`);
    }
    if (found.length > 1) {
      const owners = found.map((p) => `${p.ownerUsername} (${p.ownerId})`).join(", ");
      throw new Error(`${found.length} projects named "${args.name}" are visible, owned by ${owners}; pass ownerUserName or ownerId to pick one`);
    }
    return toResult(found[0]);
  }, opts);
}

/** `getProject` for inputs that are Outputs; `opts` as for Pulumi's invokes (`provider`, `parent`, `dependsOn`). */
export function getProjectOutput(args: GetProjectOutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<GetProjectResult> {
  return lookupOutput(args, opts, (a, o) => getProject(a, o));
}
