/**
 * The gitops-stacks example: one program, a dev and a prod stack whose settings are the
 * committed Pulumi.dev.yaml / Pulumi.prod.yaml, run the way a pipeline runs them
 * (preview both on a pull request, up stack by stack on merge). The API key is set as
 * a secret at run time, as a pipeline does from its own secret store.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { E2eEmulator, startE2eEmulator } from "./helpers/domino";
import { CLI_SETUP_TIMEOUT_MS, dynamicResources, planOps, plaintextHits, providerBytes, PulumiProject, resourceName } from "./helpers/pulumi";

const STEP_TIMEOUT_MS = 240_000;
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const STACKS = ["dev", "prod"] as const;

describe("gitops-stacks example: dev and prod stacks under the Pulumi engine", () => {
  let domino: E2eEmulator;
  let project: PulumiProject;
  let users: { alice: string; bob: string };
  const outputs: Record<string, Record<string, any>> = {};

  /** What the pipeline does before running a stack: point it at the deployment and give it the key. */
  const pipelineConfig = () => ({
    "domino:host": domino.url,
    "domino:apiKey": { value: domino.adminKey, secret: true as const },
  });

  beforeAll(async () => {
    domino = await startE2eEmulator();
    users = { alice: domino.emulator.users.alice.id, bob: domino.emulator.users.bob.id };
    project = await PulumiProject.create({ example: "gitops-stacks", stack: "dev", config: pipelineConfig() });
    await project.initStack("prod", pipelineConfig());
  }, CLI_SETUP_TIMEOUT_MS);

  afterAll(async () => {
    project?.dispose();
    await domino?.stop();
  });

  const readProject = async (id: string) => (await domino.api("GET", `/api/projects/v1/projects/${id}`)).body.project;
  const roles = (p: { collaborators: Array<{ id: string; role: string }> }) => Object.fromEntries(p.collaborators.map((c) => [c.id, c.role]));

  test(
    "pull request: preview plans each stack from its committed config, with unknown ids",
    async () => {
      const dev = await project.select("dev").preview();
      expect(planOps(dev)).toEqual({ project: "create", "collaborator-alice": "create", "collaborator-bob": "create", predictions: "create" });
      expect(dev.steps.find((s) => s.urn.endsWith("::project"))?.newState?.inputs).toMatchObject({ name: "churn-model-dev", visibility: "Private" });
      expect(dev.steps.find((s) => s.urn.endsWith("::predictions"))?.newState?.inputs?.projectId).toBe(UNKNOWN);

      const prod = await project.select("prod").preview();
      expect(planOps(prod)).toEqual({ project: "create", "collaborator-alice": "create", predictions: "create" });
      expect(prod.steps.find((s) => s.urn.endsWith("::project"))?.newState?.inputs).toMatchObject({ name: "churn-model", visibility: "Searchable" });
    },
    STEP_TIMEOUT_MS,
  );

  test(
    "merge: up dev, then prod; each stack gets its own project",
    async () => {
      for (const stack of STACKS) {
        const outcome = await project.select(stack).up();
        expect(Object.values(outcome.changed).every((ops) => ops.join() === "create")).toBe(true);
        outputs[stack] = await project.outputs();
      }
      const dev = await readProject(outputs.dev.projectId);
      const prod = await readProject(outputs.prod.projectId);
      expect(dev).toMatchObject({ name: "churn-model-dev", visibility: "Private" });
      expect(prod).toMatchObject({ name: "churn-model", visibility: "Searchable" });
      expect(roles(dev)).toEqual({ [users.alice]: "contributor", [users.bob]: "contributor" });
      expect(roles(prod)).toEqual({ [users.alice]: "resultsConsumer" });
    },
    STEP_TIMEOUT_MS,
  );

  test(
    "the states hold no secret in plaintext and only the thin provider shim",
    async () => {
      for (const stack of STACKS) {
        project.select(stack);
        expect(plaintextHits(project.rawStateFile(), [domino.adminKey])).toEqual([]);
        const exported = await project.exportText();
        expect(plaintextHits(exported, [domino.adminKey])).toEqual([]);
        const deployment = JSON.parse(exported).deployment;
        console.info(`gitops-stacks (${stack}) __provider bytes per resource: ${JSON.stringify(providerBytes(deployment))}`);
        for (const r of dynamicResources(deployment)) {
          expect(Buffer.byteLength(r.inputs!.__provider as string)).toBeLessThan(4096);
        }
      }
      // The committed config files never receive the key in plaintext either.
      for (const stack of STACKS) {
        expect(plaintextHits(fs.readFileSync(path.join(project.programDir, `Pulumi.${stack}.yaml`), "utf8"), [domino.adminKey])).toEqual([]);
      }
    },
    STEP_TIMEOUT_MS,
  );

  test(
    "re-running the pipeline changes nothing in either stack",
    async () => {
      for (const stack of STACKS) {
        expect((await project.select(stack).up(["--expect-no-changes"])).changes).toEqual({ same: stack === "dev" ? 5 : 4 });
      }
    },
    STEP_TIMEOUT_MS,
  );

  test(
    "a commit that edits dev's config and the program updates each stack as planned; a prod rename replaces its project",
    async () => {
      const devConfig = path.join(project.programDir, "Pulumi.dev.yaml");
      const text = fs.readFileSync(devConfig, "utf8");
      fs.writeFileSync(devConfig, text.replace("    - user: bob\n      role: contributor", "    - user: bob\n      role: launcherUser"));
      // The dataset's description is a per-stack template: both stacks see the edit.
      project.editProgram([["description: `Model outputs (${stack})`,", "description: `Scored customers (${stack})`,"]]);

      const dev = await project.select("dev").preview();
      expect(planOps(dev)).toEqual({ "collaborator-bob": "update", predictions: "update" });
      const prod = await project.select("prod").preview();
      expect(planOps(prod)).toEqual({ predictions: "update" });

      for (const stack of STACKS) await project.select(stack).up();
      expect(roles(await readProject(outputs.dev.projectId))[users.bob]).toBe("launcherUser");
      expect(roles(await readProject(outputs.prod.projectId))).toEqual({ [users.alice]: "resultsConsumer" });

      // A project name change is a replacement (Domino cannot rename a project).
      project.select("prod");
      await project.setConfig({ "domino-gitops:projectName": "churn-model-v2" });
      const plan = await project.preview();
      expect(planOps(plan)).toMatchObject({ project: "replace" });
      expect(plan.steps.find((s) => s.urn.endsWith("::project"))?.replaceReasons).toEqual(["name"]);
      const outcome = await project.up();
      expect(outcome.changed.project).toEqual(["create-replacement", "replace", "delete-replaced"]);
      const newProd = (await project.outputs()) as Record<string, any>;
      expect(newProd.projectName).toBe("churn-model-v2");
      // The children follow their project.
      expect(roles(await readProject(newProd.projectId))).toEqual({ [users.alice]: "resultsConsumer" });
      outputs.prod = newProd;
      for (const stack of STACKS) await project.select(stack).up(["--expect-no-changes"]);
    },
    STEP_TIMEOUT_MS,
  );

  test(
    "refresh in prod sees an out-of-band removal and edit there, and leaves dev alone",
    async () => {
      await domino.api("DELETE", `/api/projects/v1/projects/${outputs.prod.projectId}/collaborators/${users.alice}`);
      await domino.api("PATCH", `/api/datasetrw/v1/datasets/${outputs.prod.datasetId}`, { description: "edited by hand" });

      const refreshed = await project.select("prod").refresh();
      expect(refreshed.ops["collaborator-alice"]).toEqual(["delete"]);
      expect(refreshed.ops.predictions).toEqual(["update"]);
      expect((await project.select("dev").refresh()).changes).toEqual({ same: 5 });

      project.select("prod");
      expect(planOps(await project.preview())).toEqual({ "collaborator-alice": "create", predictions: "update" });
      await project.up();
      expect(roles(await readProject(outputs.prod.projectId))).toEqual({ [users.alice]: "resultsConsumer" });
      await project.up(["--expect-no-changes"]);
    },
    STEP_TIMEOUT_MS,
  );

  let centralProjectId: string;
  let centralDatasetId: string;

  test(
    "Resource.get: prod links a dataset owned by another team without managing it",
    async () => {
      centralProjectId = (await domino.api("POST", "/api/projects/beta/projects", { name: "central-data", description: "", visibility: "Public" })).body.project.id;
      centralDatasetId = (await domino.api("POST", "/api/datasetrw/v1/datasets", { projectId: centralProjectId, name: "customers", description: "owned by the data team" })).body.dataset.id;

      project.select("prod");
      await project.setConfig({ "domino-gitops:sharedDatasetId": centralDatasetId });
      const outcome = await project.up();
      expect(outcome.ops["shared-dataset"]).toEqual(["read"]);
      expect(outcome.changed["shared-dataset-link"]).toEqual(["create"]);
      expect((await project.outputs()).sharedDataset).toBe("customers");
      const shared = await domino.api("GET", `/api/projects/v1/projects/${outputs.prod.projectId}/shared-datasets`);
      expect(shared.body.dataset.sharedDatasetIds).toEqual([centralDatasetId]);
    },
    STEP_TIMEOUT_MS,
  );

  test(
    "destroy of both stacks leaves only what other teams own",
    async () => {
      for (const stack of STACKS) {
        const outcome = await project.select(stack).destroy();
        expect(Object.keys(outcome.changed).length).toBeGreaterThan(0);
        expect((await project.exportState()).resources ?? []).toEqual([]);
        if (stack === "prod") expect(outcome.ops["shared-dataset"]).toEqual(["discard"]);
      }
      const census = await domino.census();
      expect(census.projects).toEqual([`central-data (${centralProjectId})`]);
      expect(census.datasets).toEqual([`customers (${centralDatasetId})`]);
      expect(dynamicResources(await project.exportState()).map((r) => resourceName(r.urn))).toEqual([]);
    },
    STEP_TIMEOUT_MS,
  );
});
