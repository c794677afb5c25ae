/**
 * Collaborator: a user (or an organization) given a role on a project.
 *
 * Domino has no call that changes a collaborator's role, so a role change removes the
 * collaborator and adds it back with the new role. If the add fails, the old role is
 * added back, and the error says whether that worked. (Adding first is not possible:
 * Domino refuses to add someone who is already a collaborator.)
 */
import * as pulumi from "@pulumi/pulumi";
import { isNotFound, isStatus } from "../client/errors";
import { plainOutputs } from "../client/outputs";
import { addCollaborator, COLLABORATOR_ROLES, ProjectV1, removeCollaborator } from "../client/projects";
import { checkInputs, diffInputs, inputsFromOutputs, joinId, outputSlots, Schema, splitId } from "./common";
import { findProject } from "./project";
import { providerShim } from "./shim";

export type CollaboratorRole = (typeof COLLABORATOR_ROLES)[number];

export interface CollaboratorArgs {
  /** The project. Changing it replaces the collaborator. */
  projectId: pulumi.Input<string>;
  /** The user's id, or an organization's id. Changing it replaces the collaborator. The project owner cannot be added. */
  userId: pulumi.Input<string>;
  /** contributor, launcherUser, resultsConsumer or projectImporter (case-insensitive). Changed by remove + add. */
  role: pulumi.Input<CollaboratorRole>;
}

export interface CollaboratorInputs {
  projectId: string;
  userId: string;
  role: CollaboratorRole;
}

export type CollaboratorOutputs = CollaboratorInputs;

export const collaboratorSchema: Schema = {
  projectId: { kind: "string", required: true, dominoId: true, onChange: "replace" },
  userId: { kind: "string", required: true, dominoId: true, onChange: "replace" },
  role: { kind: "string", required: true, oneOf: COLLABORATOR_ROLES, onChange: "update" },
};

const ID_PARTS = ["projectId", "userId"] as const;

function canonicalRole(role: string): CollaboratorRole | string {
  return COLLABORATOR_ROLES.find((r) => r.toLowerCase() === role.toLowerCase()) ?? role;
}

function toOutputs(projectId: string, userId: string, role: string): CollaboratorOutputs {
  return plainOutputs({ projectId, userId, role: canonicalRole(role) as CollaboratorRole });
}

// Domino ids are hexadecimal: compare them whatever their case.
const sameId = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function membership(project: ProjectV1, userId: string): string | undefined {
  return (project.collaborators ?? []).find((c) => sameId(c.id, userId))?.role;
}

/**
 * Adds the collaborator. Domino answers 400 to a repeated add (a retry after a lost
 * answer, or someone added the user meanwhile): the project is then read, and a
 * membership with the same role counts as done.
 */
async function ensureCollaborator(projectId: string, userId: string, role: CollaboratorRole): Promise<void> {
  try {
    await addCollaborator(projectId, { id: userId, role });
    return;
  } catch (err) {
    if (!isStatus(err, 400)) throw err;
    const project = await findProject(projectId);
    if (!project) throw err;
    const existing = membership(project, userId);
    if (existing !== undefined && existing.toLowerCase() === role.toLowerCase()) return;
    if (existing !== undefined) {
      throw new Error(
        `user ${userId} is already a collaborator of project ${project.name} (${projectId}) with role ${canonicalRole(existing)}, ` +
          `not ${role}; import it with id ${joinId(projectId, userId)} or remove it first (Domino: ${err.dominoMessage})`,
      );
    }
    if (sameId(project.ownerId, userId)) {
      throw new Error(
        `user ${userId} owns project ${project.name} (${projectId}); the owner cannot be added as a collaborator (Domino: ${err.dominoMessage})`,
      );
    }
    throw err;
  }
}

async function removeIfPresent(projectId: string, userId: string): Promise<void> {
  try {
    await removeCollaborator(projectId, userId);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

export const provider = {
  async check(_olds: unknown, news: Record<string, unknown>) {
    return checkInputs<CollaboratorInputs>("Collaborator", collaboratorSchema, news);
  },

  async diff(_id: string, olds: CollaboratorOutputs, news: CollaboratorInputs) {
    return diffInputs(collaboratorSchema, { ...olds }, { ...news });
  },

  async create(inputs: CollaboratorInputs & { __provider?: string }) {
    await ensureCollaborator(inputs.projectId, inputs.userId, inputs.role);
    return { id: joinId(inputs.projectId, inputs.userId), outs: toOutputs(inputs.projectId, inputs.userId, inputs.role) };
  },

  async read(id: string, _props?: Partial<CollaboratorOutputs>) {
    const { projectId, userId } = splitId("Collaborator", id, ID_PARTS);
    const project = await findProject(projectId);
    const role = project && membership(project, userId);
    if (role === undefined) return { id: "" };
    const outs = toOutputs(projectId, userId, role);
    return { id, props: outs, inputs: inputsFromOutputs<CollaboratorInputs>(collaboratorSchema, { ...outs }) };
  },

  /** Role change: remove, then add with the new role; on failure, add the old role back. */
  async update(_id: string, olds: CollaboratorOutputs, news: CollaboratorInputs) {
    const { projectId, userId } = olds;
    await removeIfPresent(projectId, userId);
    try {
      await ensureCollaborator(projectId, userId, news.role);
    } catch (addError) {
      const what = `changing the role of user ${userId} on project ${projectId} from ${olds.role} to ${news.role} failed: ${(addError as Error).message}`;
      try {
        await ensureCollaborator(projectId, userId, olds.role);
      } catch (restoreError) {
        throw new Error(
          `${what}. Restoring the previous role ${olds.role} also failed, so the user is no longer a collaborator ` +
            `of the project: ${(restoreError as Error).message}. Run \`pulumi up\` again to add them.`,
        );
      }
      throw new Error(`${what}. The previous role ${olds.role} was restored.`);
    }
    return { outs: toOutputs(projectId, userId, news.role) };
  },

  async delete(id: string, props: Partial<CollaboratorOutputs>) {
    const { projectId, userId } = props.projectId && props.userId ? (props as CollaboratorOutputs) : splitId("Collaborator", id, ID_PARTS);
    await removeIfPresent(projectId, userId);
  },
};

const OUTPUTS = ["projectId", "userId", "role"] as const;

/**
 * A collaborator of a Domino project. Import id: `<projectId>/<userId>`.
 *
 * `userId` is the id Domino's collaborator calls name `id` (a user id or an
 * organization's id). The project owner is not a collaborator and cannot be added.
 *
 * A role change is applied as remove + add, since Domino has no role update: for a
 * moment the user has no role on the project. If the add fails, the previous role is
 * restored and the error says so; if even that fails, the error says the user was
 * removed, and the next `pulumi up` adds them again.
 */
export class Collaborator extends pulumi.dynamic.Resource {
  declare readonly projectId: pulumi.Output<string>;
  declare readonly userId: pulumi.Output<string>;
  declare readonly role: pulumi.Output<CollaboratorRole>;

  constructor(name: string, args: CollaboratorArgs, opts?: pulumi.CustomResourceOptions) {
    super(providerShim("collaborator"), name, { ...outputSlots(OUTPUTS), ...args }, opts, "domino", "Collaborator");
  }

  /** Looks up an existing collaborator by its id, `<projectId>/<userId>`. */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): Collaborator {
    return new Collaborator(name, {} as CollaboratorArgs, { ...opts, id });
  }
}
