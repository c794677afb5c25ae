/** Every operation of the contract, by operationId. */
import { collaboratorHandlers } from "./collaborators";
import type { OperationHandlers } from "./context";
import { datasetHandlers } from "./datasets";
import { environmentHandlers } from "./environments";
import { goalHandlers } from "./goals";
import { organizationHandlers } from "./organizations";
import { projectHandlers } from "./projects";
import { repositoryHandlers } from "./repositories";
import { sharedDatasetHandlers } from "./shared-datasets";
import { userHandlers } from "./users";

export const operationHandlers: OperationHandlers = {
  ...projectHandlers,
  ...collaboratorHandlers,
  ...goalHandlers,
  ...repositoryHandlers,
  ...sharedDatasetHandlers,
  ...environmentHandlers,
  ...datasetHandlers,
  ...organizationHandlers,
  ...userHandlers,
};
