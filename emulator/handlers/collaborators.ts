/**
 * Project collaborators. Domino has no list or role-update call: collaborators are read from
 * the project, and a role change is remove + add. Adding someone already on the project is a
 * 400 whose only marker is the text "is already a collaborator".
 */
import { badRequest, notFound } from "../errors";
import type { CollaboratorRole } from "../store";
import { findPrincipal, loadVisibleProject, requireProjectAccess } from "./access";
import { deleted, envelope, OperationHandlers, requireId } from "./context";

interface CollaboratorBody {
  id: string;
  role: CollaboratorRole;
}

export const collaboratorHandlers: OperationHandlers = {
  addCollaboratorToProject(ctx) {
    const project = loadVisibleProject(ctx, ctx.params.projectId);
    const body = ctx.body as CollaboratorBody;
    const id = requireId(body.id);
    requireProjectAccess(ctx, project, "manage", "ManageCollaborators");
    const principal = findPrincipal(ctx.store, id);
    if (!principal) throw notFound(`User or organization ${id} not found`);
    if (id === project.ownerId) {
      throw badRequest(`User ${id} is the owner of project ${project.id} and cannot be added as a collaborator`);
    }
    if (project.collaborators.some((c) => c.id === id)) {
      throw badRequest(`User ${id} is already a collaborator on project ${project.id}`);
    }
    const collaborator = { id, role: body.role };
    project.collaborators.push(collaborator);
    return { body: envelope(ctx, { collaborator: { ...collaborator } }) };
  },

  removeCollaboratorFromProject(ctx) {
    const project = loadVisibleProject(ctx, ctx.params.projectId);
    const id = requireId(ctx.params.collaboratorId);
    requireProjectAccess(ctx, project, "manage", "ManageCollaborators");
    const index = project.collaborators.findIndex((c) => c.id === id);
    if (index < 0) throw notFound(`User ${id} is not a collaborator on project ${project.id}`);
    project.collaborators.splice(index, 1);
    return deleted(ctx);
  },
};
