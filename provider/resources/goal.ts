/**
 * Goal: a project goal. Only `isComplete` can change in place; Domino has no call to
 * edit a goal's title or description, so changing them replaces the goal.
 *
 * Reads need Domino 5.9.1 or later (the goal list). On Domino 5.3 there is no way to
 * read a goal back: refresh keeps the recorded state and cannot see drift.
 */
import * as pulumi from "@pulumi/pulumi";
import { capabilities } from "../client/capabilities";
import { isNotFound } from "../client/errors";
import { plainOutputs } from "../client/outputs";
import { createGoal, deleteGoal, GoalV1, listGoals, setGoalComplete } from "../client/projects";
import {
  checkInputs,
  diffInputs,
  inputsFromOutputs,
  joinId,
  outputSlots,
  partialCreate,
  Schema,
  splitId,
} from "./common";
import { providerShim } from "./shim";

export interface GoalArgs {
  /** The project the goal belongs to. */
  projectId: pulumi.Input<string>;
  /** Changing it replaces the goal. */
  title: pulumi.Input<string>;
  /** Changing it replaces the goal. */
  description?: pulumi.Input<string>;
  /** Whether the goal is done. Updated in place. Default false. */
  isComplete?: pulumi.Input<boolean>;
}

export interface GoalInputs {
  projectId: string;
  title: string;
  description: string;
  isComplete: boolean;
}

export interface GoalOutputs extends GoalInputs {
  goalId: string;
  createdAt: string;
  creatorId: string;
}

export const goalSchema: Schema = {
  projectId: { kind: "string", required: true, dominoId: true, onChange: "replace" },
  title: { kind: "string", required: true, nonEmpty: true, onChange: "replace" },
  description: { kind: "string", default: "", onChange: "replace" },
  isComplete: { kind: "boolean", default: false, onChange: "update" },
};

const ID_PARTS = ["projectId", "goalId"] as const;

function toOutputs(goal: GoalV1, projectId: string): GoalOutputs {
  return plainOutputs({
    projectId,
    goalId: goal.id,
    title: goal.title,
    description: goal.description ?? "",
    isComplete: goal.isComplete,
    createdAt: goal.createdAt,
    creatorId: goal.creatorId,
  });
}

async function findGoal(projectId: string, goalId: string): Promise<GoalV1 | undefined> {
  try {
    return (await listGoals(projectId)).find((g) => g.id === goalId);
  } catch (err) {
    // The project itself is gone (or archived): so is the goal.
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export const provider = {
  async check(_olds: unknown, news: Record<string, unknown>) {
    return checkInputs<GoalInputs>("Goal", goalSchema, news);
  },

  async diff(_id: string, olds: GoalOutputs, news: GoalInputs) {
    return diffInputs(goalSchema, { ...olds }, { ...news });
  },

  async create(inputs: GoalInputs & { __provider?: string }) {
    const started = Date.now();
    // Goals have no natural key, so a lost create is recognised by its content and by
    // having been made after this attempt began. Domino 5.3 cannot list goals: there the
    // create is not retried after an ambiguous failure. The version is only asked for
    // when a lost answer makes it matter.
    const findExisting = async () => {
      if (!(await capabilities()).goalList) throw new Error("goals cannot be listed on this Domino");
      return (await listGoals(inputs.projectId)).find(
        (g) => g.title === inputs.title && (g.description ?? "") === inputs.description && Date.parse(g.createdAt) >= started - 60_000,
      );
    };
    const goal = await createGoal(
      inputs.projectId,
      { title: inputs.title, ...(inputs.description ? { description: inputs.description } : {}) },
      findExisting,
    );
    const id = joinId(inputs.projectId, goal.id);
    let outs = toOutputs(goal, inputs.projectId);
    if (inputs.isComplete && !goal.isComplete) {
      try {
        outs = toOutputs(await setGoalComplete(inputs.projectId, goal.id, true), inputs.projectId);
      } catch (err) {
        throw partialCreate(inputs, id, outs, `goal ${goal.id} was created but could not be marked complete: ${(err as Error).message}`);
      }
    }
    return { id, outs };
  },

  async read(id: string, props?: Partial<GoalOutputs>) {
    const { projectId, goalId } = splitId("Goal", id, ID_PARTS);
    if (!(await capabilities()).goalList) {
      // Domino 5.3 cannot list goals: keep what was recorded.
      if (!props || props.goalId === undefined) {
        throw new Error(`Goal ${id} cannot be read: this Domino API (5.3) has no call that reads goals`);
      }
      return { id, props, inputs: inputsFromOutputs<GoalInputs>(goalSchema, props) };
    }
    const goal = await findGoal(projectId, goalId);
    if (!goal) return { id: "" };
    const outs = toOutputs(goal, projectId);
    return { id, props: outs, inputs: inputsFromOutputs<GoalInputs>(goalSchema, { ...outs }) };
  },

  async update(_id: string, olds: GoalOutputs, news: GoalInputs) {
    const goal = await setGoalComplete(olds.projectId, olds.goalId, news.isComplete);
    return { outs: toOutputs(goal, olds.projectId) };
  },

  async delete(id: string, props: GoalOutputs) {
    const { projectId, goalId } = props.goalId ? props : splitId("Goal", id, ID_PARTS);
    try {
      await deleteGoal(projectId, goalId);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  },
};

const OUTPUTS = ["projectId", "goalId", "title", "description", "isComplete", "createdAt", "creatorId"] as const;

/** A goal of a Domino project. Import id: `<projectId>/<goalId>`. */
export class Goal extends pulumi.dynamic.Resource {
  declare readonly projectId: pulumi.Output<string>;
  declare readonly goalId: pulumi.Output<string>;
  declare readonly title: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string>;
  declare readonly isComplete: pulumi.Output<boolean>;
  declare readonly createdAt: pulumi.Output<string>;
  declare readonly creatorId: pulumi.Output<string>;

  constructor(name: string, args: GoalArgs, opts?: pulumi.CustomResourceOptions) {
    super(providerShim("goal"), name, { ...outputSlots(OUTPUTS), ...args }, opts, "domino", "Goal");
  }

  /** Looks up an existing goal by its id, `<projectId>/<goalId>`. */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): Goal {
    return new Goal(name, {} as GoalArgs, { ...opts, id });
  }
}
