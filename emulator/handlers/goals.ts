/** Project goals: created, marked complete or not, and hard-deleted. */
import { notFound } from "../errors";
import { GoalRecord, newId } from "../store";
import { loadVisibleProject, requireProjectAccess, requireUser } from "./access";
import { deleted, envelope, HandlerContext, isoTime, OperationHandlers, requireId } from "./context";

interface NewGoalBody {
  title: string;
  description?: string;
  assigneeId?: string;
  stageId?: string;
}

function goalWire(goal: GoalRecord): Record<string, unknown> {
  return {
    id: goal.id,
    title: goal.title,
    ...(goal.description !== undefined ? { description: goal.description } : {}),
    isComplete: goal.isComplete,
    projectId: goal.projectId,
    createdAt: isoTime(goal.createdAt),
    creatorId: goal.creatorId,
  };
}

function loadGoal(ctx: HandlerContext, projectId: string): GoalRecord {
  const goalId = requireId(ctx.params.goalId);
  const goal = ctx.store.goals.get(goalId);
  if (!goal || goal.projectId !== projectId) throw notFound(`Goal ${goalId} not found in project ${projectId}`);
  return goal;
}

export const goalHandlers: OperationHandlers = {
  getProjectGoals(ctx) {
    const project = loadVisibleProject(ctx, ctx.params.projectId);
    const goals = [...ctx.store.goals.values()].filter((g) => g.projectId === project.id);
    return { body: envelope(ctx, { goals: goals.map(goalWire) }) };
  },

  addGoalToProject(ctx) {
    const project = loadVisibleProject(ctx, ctx.params.projectId);
    requireProjectAccess(ctx, project, "edit", "Edit");
    const body = ctx.body as NewGoalBody;
    const assignee = body.assigneeId !== undefined ? requireUser(ctx, body.assigneeId) : undefined;
    const goal: GoalRecord = {
      id: newId(),
      projectId: project.id,
      title: body.title,
      ...(body.description !== undefined ? { description: body.description } : {}),
      isComplete: false,
      creatorId: ctx.caller.id,
      ...(assignee ? { assigneeId: assignee.id } : {}),
      ...(body.stageId !== undefined ? { stageId: body.stageId } : {}),
      createdAt: ctx.now,
    };
    ctx.store.goals.set(goal.id, goal);
    return { body: envelope(ctx, { goal: goalWire(goal) }) };
  },

  updateProjectGoal(ctx) {
    const project = loadVisibleProject(ctx, ctx.params.projectId);
    const goal = loadGoal(ctx, project.id);
    requireProjectAccess(ctx, project, "edit", "Edit");
    goal.isComplete = (ctx.body as { isComplete: boolean }).isComplete;
    return { body: envelope(ctx, { goal: goalWire(goal) }) };
  },

  deleteProjectGoal(ctx) {
    const project = loadVisibleProject(ctx, ctx.params.projectId);
    const goal = loadGoal(ctx, project.id);
    requireProjectAccess(ctx, project, "edit", "Edit");
    ctx.store.goals.delete(goal.id);
    return deleted(ctx);
  },
};
