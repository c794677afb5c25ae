/**
 * Typed calls for the projects area of the API (projects, status, collaborators,
 * goals, imported git repositories). Nothing but the calls: no decisions.
 */
import { call, seg } from "./http";

// ---------------------------------------------------------------- goals

export interface GoalV1 {
  id: string;
  title: string;
  description?: string;
  isComplete: boolean;
  projectId: string;
  createdAt: string;
  creatorId: string;
}

export interface NewGoalV1 {
  title: string;
  description?: string;
  assigneeId?: string;
  stageId?: string;
}

const goalsPath = (projectId: string) => `/api/projects/v1/projects/${seg(projectId)}/goals`;

/** All goals of a project (unpaged). Domino 5.9.1+ only. */
export async function listGoals(projectId: string): Promise<GoalV1[]> {
  const res = await call<{ goals: GoalV1[] }>({ operation: "list project goals", method: "GET", path: goalsPath(projectId) });
  return res.goals ?? [];
}

export async function createGoal(
  projectId: string,
  body: NewGoalV1,
  findExisting?: () => Promise<GoalV1 | undefined>,
): Promise<GoalV1> {
  const res = await call<{ goal: GoalV1 }>({
    operation: "create project goal",
    method: "POST",
    path: goalsPath(projectId),
    body,
    retry: "create",
    findExisting:
      findExisting &&
      (async () => {
        const goal = await findExisting();
        return goal && { goal };
      }),
  });
  return res.goal;
}

export async function setGoalComplete(projectId: string, goalId: string, isComplete: boolean): Promise<GoalV1> {
  const res = await call<{ goal: GoalV1 }>({
    operation: "update project goal",
    method: "PATCH",
    path: `${goalsPath(projectId)}/${seg(goalId)}`,
    body: { isComplete },
  });
  return res.goal;
}

export async function deleteGoal(projectId: string, goalId: string): Promise<void> {
  await call({ operation: "delete project goal", method: "DELETE", path: `${goalsPath(projectId)}/${seg(goalId)}` });
}
