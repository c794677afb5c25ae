/**
 * Collaborator: a user (or an organization) given a role on a project.
 *
 * Domino has no call that changes a collaborator's role, so a role change removes the
 * collaborator and adds it back with the new role. If the add fails, the old role is
 * added back, and the error says whether that worked. (Adding first is not possible:
 * Domino refuses to add someone who is already a collaborator.)
 */
import { DominoClient } from "../client/client";
import { isStatus, unlessNotFound } from "../client/errors";
import { COLLABORATOR_ROLES, ProjectCollaboratorV1, ProjectV1 } from "../client/projects";
import { compositeId, joinId, sameId } from "../kit/ids";
import { messageOf } from "../kit/init-error";
import { defineProvider } from "../kit/lifecycle";
import { canonical, CollaboratorRole, findProject } from "../kit/projects";
import { Candidates, createOnce, locateWith } from "../kit/recovery";
import { Args, resourceClass, ResourceArgs } from "../kit/resource";
import { REPLACING_ID, SchemaFor } from "../kit/schema";

export type { CollaboratorRole } from "../kit/projects";

export interface CollaboratorInputs {
  /** The project. Changing it replaces the collaborator. */
  projectId: string;
  /** The user's id, or an organization's id. Changing it replaces the collaborator. The project owner cannot be added. */
  userId: string;
  /** contributor, launcherUser, resultsConsumer or projectImporter (case-insensitive). Changed by remove + add. */
  role: CollaboratorRole;
}

/** Nothing: a collaborator is its project, user and role. */
export type CollaboratorComputed = Record<never, never>;

export const collaboratorSchema: SchemaFor<CollaboratorInputs> = {
  projectId: REPLACING_ID,
  userId: REPLACING_ID,
  role: { kind: "string", required: true, oneOf: COLLABORATOR_ROLES, onChange: "update" },
};

export type CollaboratorOutputs = CollaboratorInputs & CollaboratorComputed;
export type CollaboratorArgs = ResourceArgs<CollaboratorInputs>;
export type CollaboratorState = Partial<Args<CollaboratorOutputs>>;

const ids = compositeId("Collaborator", "projectId", "userId");

function toOutputs(projectId: string, userId: string, role: string): CollaboratorOutputs {
  return { projectId, userId, role: canonical(COLLABORATOR_ROLES, role) };
}

function membership(project: ProjectV1, userId: string): ProjectCollaboratorV1 | undefined {
  return (project.collaborators ?? []).find((c) => sameId(c.id, userId));
}

/**
 * The project's collaborators are the candidates, and the user is the key: a user already
 * on the project is refused before anything is sent (adopt it with `adoptId` instead). What an add
 * made is the user with the role. A project that is gone has no collaborators; the add
 * then says why it fails.
 */
function candidates(client: DominoClient, { projectId, userId, role }: CollaboratorInputs): Candidates<ProjectCollaboratorV1> {
  return {
    what: `collaborator ${userId} of project ${projectId}`,
    // A membership removed and added again (a role change) is a new object with the same
    // key: the role is part of what a claim names, so that the new membership is not
    // taken for the one an earlier create in this process made.
    kind: `collaborator ${role}`,
    settings: client.settings,
    list: async () => (await findProject(client, projectId))?.collaborators ?? [],
    // Memberships have no id of their own: the project and user are the object.
    idOf: (c) => joinId(projectId, c.id),
    sameKey: (c) => sameId(c.id, userId),
    takenHint: "adopt it with `adoptId`, or remove it from the project first",
    matches: (c) => sameId(c.id, userId) && c.role.toLowerCase() === role.toLowerCase(),
  };
}

/** Adds the collaborator, exactly once. */
async function addOnce(client: DominoClient, inputs: CollaboratorInputs): Promise<void> {
  const { projectId, userId, role } = inputs;
  await createOnce<ProjectCollaboratorV1>({
    ...candidates(client, inputs),
    send: async () => {
      try {
        return await client.projects.addCollaborator(projectId, { id: userId, role });
      } catch (err) {
        if (!isStatus(err, 400)) throw err;
        // Domino's 400 for the owner does not say that is the reason: say it.
        const project = await findProject(client, projectId).catch(() => undefined);
        if (project && sameId(project.ownerId, userId)) {
          throw new Error(
            `user ${userId} owns project ${project.name} (${projectId}); the owner cannot be added as a collaborator (Domino: ${err.dominoMessage})`,
          );
        }
        throw err;
      }
    },
  });
}

export const provider = defineProvider<CollaboratorInputs, CollaboratorOutputs>({
  kind: "Collaborator",
  schema: collaboratorSchema,
  computed: {},
  describe: (c) => `${c.userId} of project ${c.projectId}`,
  adoption: { key: ["projectId", "userId"], id: ids },

  async create({ client }, inputs) {
    await addOnce(client, inputs);
    return { id: joinId(inputs.projectId, inputs.userId), outs: toOutputs(inputs.projectId, inputs.userId, inputs.role) };
  },

  async read({ client }, id) {
    const { projectId, userId } = ids.split(id);
    const project = await findProject(client, projectId);
    const member = project && membership(project, userId);
    return member && toOutputs(projectId, userId, member.role);
  },

  /** Role change: remove, then add with the new role; on failure, add the old role back. */
  async update({ client }, _id, olds, news) {
    const { projectId, userId } = olds;
    await unlessNotFound(() => client.projects.removeCollaborator(projectId, userId));
    try {
      await addOnce(client, { projectId, userId, role: news.role });
    } catch (addError) {
      const what = `changing the role of user ${userId} on project ${projectId} from ${olds.role} to ${news.role} failed: ${messageOf(addError)}`;
      try {
        await addOnce(client, { projectId, userId, role: olds.role });
      } catch (restoreError) {
        const reason = messageOf(restoreError);
        // Say where the user is left: a failed add may still have made its membership.
        const project = await findProject(client, projectId).catch(() => undefined);
        const left = project && membership(project, userId);
        if (left) {
          throw new Error(
            `${what}. Restoring the previous role ${olds.role} also failed (${reason}); the user is a collaborator ` +
              `with role ${canonical(COLLABORATOR_ROLES, left.role)}. Run \`pulumi refresh\`, then \`pulumi up\` again.`,
          );
        }
        throw new Error(
          `${what}. Restoring the previous role ${olds.role} also failed, so the user is no longer a collaborator ` +
            `of the project: ${reason}. Run \`pulumi up\` again to add them.`,
        );
      }
      throw new Error(`${what}. The previous role ${olds.role} was restored.`);
    }
    return toOutputs(projectId, userId, news.role);
  },

  async delete({ client }, id, props) {
    const { projectId, userId } = ids.of(id, props);
    await client.projects.removeCollaborator(projectId, userId);
  },

  locate: async ({ client }, inputs) => locateWith(candidates(client, inputs), (c) => joinId(inputs.projectId, c.id)),
});

/**
 * A collaborator of a Domino project. Id for `get`: `<projectId>/<userId>`.
 *
 * `userId` is the id Domino's collaborator calls name `id` (a user id or an
 * organization's id). The project owner is not a collaborator and cannot be added. A user
 * who is already a collaborator is not taken over silently: the create fails and names
 * the id to adopt it by (`adoptId`).
 *
 * A role change is applied by remove + add, since Domino has no role update: for a
 * moment the user has no role on the project. If the add fails, the previous role is
 * restored and the error says so; if even that fails, the error says the user was
 * removed, and the next `pulumi up` adds them again.
 */
export class Collaborator extends resourceClass<CollaboratorArgs, CollaboratorOutputs>("collaborator", provider) {}
