/**
 * Goal: a project goal. Only `isComplete` changes in place; Domino has no call to edit a
 * goal's title, description, assignee or stage, so changing them replaces the goal.
 * Domino never returns a goal's assignee or stage: the outputs keep the values given, and
 * refresh cannot see them changed elsewhere.
 *
 * Reads need Domino 5.9.1 or later (the goal list). On Domino 5.3 there is no way to read
 * a goal back: refresh keeps the recorded state and cannot see drift, and a create whose
 * answer is lost cannot be recovered (it fails, saying so).
 */
import { DominoClient } from "../client/client";
import { GoalV1 } from "../client/projects";
import { compositeId, joinId, sameId } from "../kit/ids";
import { finishCreate } from "../kit/init-error";
import { defineProvider, recordedOutputs } from "../kit/lifecycle";
import { Candidates, createOnce, locateWith } from "../kit/recovery";
import { Args, resourceClass, ResourceArgs } from "../kit/resource";
import { displayName, MAX_DESCRIPTION, REPLACING_ID, SchemaFor } from "../kit/schema";

export interface GoalInputs {
  /** The project the goal belongs to. Changing it replaces the goal. */
  projectId: string;
  /** Changing it replaces the goal. At most 255 characters, no line breaks, no whitespace at either end. */
  title: string;
  /** Changing it replaces the goal. At most 10,000 characters. Default "". */
  description?: string;
  /** Whether the goal is done. Updated in place. Default false. */
  isComplete?: boolean;
  /**
   * User id of the person the goal is assigned to. Changing it replaces the goal. Domino
   * never returns it: the outputs keep the value given.
   */
  assigneeId?: string;
  /**
   * Id of the project stage the goal is in. Changing it replaces the goal. Domino never
   * returns it: the outputs keep the value given.
   */
  stageId?: string;
}

export interface GoalComputed {
  goalId: string;
  createdAt: string;
  creatorId: string;
}

export const goalSchema: SchemaFor<GoalInputs> = {
  projectId: REPLACING_ID,
  title: { kind: "string", required: true, nonEmpty: true, max: 255, validate: displayName, onChange: "replace" },
  description: { kind: "string", default: "", max: MAX_DESCRIPTION, onChange: "replace" },
  isComplete: { kind: "boolean", default: false, onChange: "update" },
  assigneeId: { kind: "string", dominoId: true, onChange: "replace" },
  stageId: { kind: "string", nonEmpty: true, onChange: "replace" },
};

/** Inputs after `check`: defaults filled in. */
type CheckedGoal = Required<Pick<GoalInputs, "projectId" | "title" | "description" | "isComplete">> & Pick<GoalInputs, "assigneeId" | "stageId">;
export type GoalOutputs = CheckedGoal & GoalComputed;
export type GoalArgs = ResourceArgs<GoalInputs>;
export type GoalState = Partial<Args<GoalOutputs>>;

const ids = compositeId("Goal", "projectId", "goalId");

/** Domino's goal as outputs; `declared` supplies the assignee and stage, which Domino never returns. */
function toOutputs(goal: GoalV1, projectId: string, declared: Pick<GoalOutputs, "assigneeId" | "stageId">): GoalOutputs {
  return {
    projectId,
    assigneeId: declared.assigneeId,
    stageId: declared.stageId,
    goalId: goal.id,
    title: goal.title,
    description: goal.description ?? "",
    isComplete: goal.isComplete,
    createdAt: goal.createdAt,
    creatorId: goal.creatorId,
  };
}

/**
 * Goals have no natural key (titles repeat): what a create made is recognised only by a
 * goal with the whole requested content (and, in create recovery, one that was not there
 * before). Domino 5.3 cannot list goals.
 */
async function candidates(client: DominoClient, inputs: CheckedGoal): Promise<Candidates<GoalV1>> {
  const goalList = (await client.capabilities()).goalList;
  return {
    what: `goal "${inputs.title}" of project ${inputs.projectId}`,
    kind: "goal",
    settings: client.settings,
    list: goalList ? () => client.projects.listGoals(inputs.projectId) : undefined,
    idOf: (g) => g.id,
    // Goals of one title in one project cannot be told apart: their creates go one at a time.
    lane: `${inputs.projectId}/${inputs.title}`,
    matches: (g) => g.title === inputs.title && (g.description ?? "") === inputs.description,
  };
}

export const provider = defineProvider<CheckedGoal, GoalOutputs>({
  kind: "Goal",
  schema: goalSchema,
  computed: { goalId: true, createdAt: true, creatorId: true },
  describe: (g) => `"${g.title}"`,
  // Titles repeat: the project is all that names a goal.
  adoption: { key: ["projectId"], id: ids },

  async create({ client }, inputs) {
    const goal = await createOnce<GoalV1>({
      ...(await candidates(client, inputs)),
      send: () =>
        client.projects.createGoal(inputs.projectId, {
          title: inputs.title,
          ...(inputs.description ? { description: inputs.description } : {}),
          ...(inputs.assigneeId !== undefined ? { assigneeId: inputs.assigneeId } : {}),
          ...(inputs.stageId !== undefined ? { stageId: inputs.stageId } : {}),
        }),
    });
    const id = joinId(inputs.projectId, goal.id);
    const outs = toOutputs(goal, inputs.projectId, inputs);
    if (!inputs.isComplete || goal.isComplete) return { id, outs };
    return finishCreate(
      id,
      outs,
      async () => toOutputs(await client.projects.setGoalComplete(inputs.projectId, goal.id, true), inputs.projectId, inputs),
      (message) => `goal ${goal.id} was created but could not be marked complete: ${message}`,
    );
  },

  async read({ client }, id, recorded) {
    const { projectId, goalId } = ids.split(id);
    if (!(await client.capabilities()).goalList) {
      // Domino 5.3 cannot list goals: keep what was recorded.
      if (recorded.goalId === undefined) throw new Error(`Goal ${id} cannot be read: this Domino API (5.3) has no call that reads goals`);
      return recordedOutputs(recorded);
    }
    // A project that is gone (or archived) answers 404: so is the goal.
    const goal = (await client.projects.listGoals(projectId)).find((g) => sameId(g.id, goalId));
    return goal && toOutputs(goal, projectId, recorded);
  },

  async update({ client }, _id, olds, news) {
    return toOutputs(await client.projects.setGoalComplete(olds.projectId, olds.goalId, news.isComplete), olds.projectId, olds);
  },

  async delete({ client }, id, props) {
    const { projectId, goalId } = ids.of(id, props);
    await client.projects.deleteGoal(projectId, goalId);
  },

  locate: async ({ client }, inputs) => locateWith(await candidates(client, inputs), (g) => joinId(inputs.projectId, g.id)),
});

/** A goal of a Domino project. Id for `get`: `<projectId>/<goalId>`. */
export class Goal extends resourceClass<GoalArgs, GoalOutputs>("goal", provider) {}
