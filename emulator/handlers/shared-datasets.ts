/**
 * Datasets of other projects linked into a project. Linking is a set operation: linking an
 * already linked dataset changes nothing and answers 200.
 */
import { badRequest, notFound } from "../errors";
import type { ProjectRecord } from "../store";
import { isDatasetLive, loadVisibleDataset, loadVisibleProject, requireProjectAccess } from "./access";
import { deleted, envelope, HandlerContext, OperationHandlers, requireId } from "./context";

function sharedDatasetsBody(ctx: HandlerContext, project: ProjectRecord) {
  const live = project.sharedDatasetIds.filter((id) => {
    const dataset = ctx.store.datasets.get(id);
    return dataset !== undefined && isDatasetLive(ctx.store, dataset);
  });
  return { body: envelope(ctx, { dataset: { projectId: project.id, sharedDatasetIds: live } }) };
}

export const sharedDatasetHandlers: OperationHandlers = {
  listProjectSharedDatasets(ctx) {
    const project = loadVisibleProject(ctx, ctx.params.projectId);
    return sharedDatasetsBody(ctx, project);
  },

  linkProjectToDataset(ctx) {
    const project = loadVisibleProject(ctx, ctx.params.projectId);
    requireProjectAccess(ctx, project, "edit", "ManageDatasetsRw");
    // Reading the dataset is all linking needs, so a visible one is enough.
    const dataset = loadVisibleDataset(ctx, (ctx.body as { datasetId: string }).datasetId);
    if (dataset.projectId === project.id) {
      throw badRequest(`Dataset ${dataset.id} belongs to project ${project.id} and cannot be shared with it`);
    }
    if (!project.sharedDatasetIds.includes(dataset.id)) project.sharedDatasetIds.push(dataset.id);
    return sharedDatasetsBody(ctx, project);
  },

  unlinkDatasetFromProject(ctx) {
    const project = loadVisibleProject(ctx, ctx.params.projectId);
    const datasetId = requireId(ctx.params.datasetId);
    requireProjectAccess(ctx, project, "edit", "ManageDatasetsRw");
    const index = project.sharedDatasetIds.indexOf(datasetId);
    if (index < 0) throw notFound(`Dataset ${datasetId} is not shared with project ${project.id}`);
    project.sharedDatasetIds.splice(index, 1);
    return deleted(ctx);
  },
};
