/**
 * pulumi-domino: Domino Data Lab as Pulumi resources.
 *
 *     import * as domino from "pulumi-domino";
 *     const project = new domino.Project("analytics", { name: "analytics", visibility: "Private" });
 */
export { Goal, GoalArgs, GoalOutputs } from "./resources/goal";
export { DominoApiError, DominoNetworkError } from "./client/errors";
export { DominoConfigError } from "./config";
