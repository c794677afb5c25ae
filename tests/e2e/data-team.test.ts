/**
 * The data-team example (datasets, snapshots, tags, shared links) under the real Pulumi
 * engine, against the emulator. The steps share one stack and run in order.
 */
import { E2eEmulator, startE2eEmulator } from "./helpers/domino";
import { CLI_SETUP_TIMEOUT_MS, dynamicResources, planOps, plaintextHits, providerBytes, PulumiProject, resourceName } from "./helpers/pulumi";

const STEP_TIMEOUT_MS = 180_000;
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

describe("data-team example under the Pulumi engine", () => {
  let domino: E2eEmulator;
  let stack: PulumiProject;

  beforeAll(async () => {
    domino = await startE2eEmulator();
    stack = await PulumiProject.create({
      example: "data-team",
      config: {
        "domino:host": domino.url,
        "domino:apiKey": { value: domino.adminKey, secret: true },
        prefix: "e2e",
      },
    });
  }, CLI_SETUP_TIMEOUT_MS);

  afterAll(async () => {
    stack?.dispose();
    await domino?.stop();
  });

  const dataset = async (id: string) => (await domino.api("GET", `/api/datasetrw/v1/datasets/${id}`)).body.dataset;
  const sharedInto = async (projectId: string) =>
    (await domino.api("GET", `/api/projects/v1/projects/${projectId}/shared-datasets`)).body.dataset?.sharedDatasetIds as string[];

  let outputs: Record<string, any>;

  test(
    "preview of a new stack plans every create, with unknown ids flowing into check",
    async () => {
      const plan = await stack.preview();
      expect(planOps(plan)).toEqual({
        producer: "create",
        consumer: "create",
        features: "create",
        january: "create",
        stable: "create",
        "features-in-churn-model": "create",
      });
      const tag = plan.steps.find((s) => s.urn.endsWith("::stable"));
      expect(tag?.newState?.inputs).toMatchObject({ datasetId: UNKNOWN, snapshotId: UNKNOWN, tagName: "stable" });
    },
    STEP_TIMEOUT_MS,
  );

  test(
    "up creates the projects, dataset, snapshot, tag and shared link",
    async () => {
      const outcome = await stack.up();
      expect(Object.keys(outcome.ops).sort()).toEqual(["consumer", "features", "features-in-churn-model", "january", "producer", "stable"]);
      expect(Object.values(outcome.ops).every((ops) => ops.join() === "create")).toBe(true);

      outputs = await stack.outputs();
      expect(outputs.snapshotStatus).toBe("active");
      const d = await dataset(outputs.datasetId);
      expect(d).toMatchObject({ name: "customer-features", description: "Daily customer feature tables", projectId: outputs.producerProjectId });
      expect(d.tags).toEqual({ stable: outputs.stableSnapshotId });
      expect(await sharedInto(outputs.consumerProjectId)).toEqual([outputs.datasetId]);
    },
    STEP_TIMEOUT_MS,
  );

  test(
    "the state holds no secret in plaintext and only the thin provider shim",
    async () => {
      const secrets = [domino.adminKey];
      expect(plaintextHits(stack.rawStateFile(), secrets)).toEqual([]);
      const exported = await stack.exportText();
      expect(plaintextHits(exported, secrets)).toEqual([]);
      const deployment = JSON.parse(exported).deployment;
      console.info(`data-team __provider bytes per resource: ${JSON.stringify(providerBytes(deployment))}`);
      for (const r of dynamicResources(deployment)) {
        expect(r.inputs!.__provider).toContain("pulumi-domino/dist/resources/");
        expect(r.inputs!.__provider).not.toContain(domino.url);
        expect(Buffer.byteLength(r.inputs!.__provider as string)).toBeLessThan(4096);
      }
    },
    STEP_TIMEOUT_MS,
  );

  test(
    "a second up reports no changes",
    async () => {
      expect((await stack.up(["--expect-no-changes"])).changes).toEqual({ same: 7 });
    },
    STEP_TIMEOUT_MS,
  );

  test(
    "an edited program: a new snapshot, the tag moved to it, the dataset edited in place, a snapshot replaced",
    async () => {
      stack.editProgram([
        [`description: "Daily customer feature tables",`, `description: "Daily customer feature tables, deduplicated",`],
        [`relativeFilePaths: ["tables/2024-01"],`, `relativeFilePaths: ["tables/2024-01", "tables/2024-01-corrections"],`],
        [
          `const stable = new domino.SnapshotTag("stable", {\n  datasetId: features.id,\n  snapshotId: january.snapshotId,`,
          `const february = new domino.DatasetSnapshot("february", {\n  datasetId: features.id,\n  relativeFilePaths: ["tables/2024-02"],\n});\n\nconst stable = new domino.SnapshotTag("stable", {\n  datasetId: features.id,\n  snapshotId: february.snapshotId,`,
        ],
      ]);
      const plan = await stack.preview();
      expect(planOps(plan)).toEqual({ features: "update", january: "replace", february: "create", stable: "update" });
      expect(plan.steps.find((s) => s.urn.endsWith("::january"))?.replaceReasons).toEqual(["relativeFilePaths"]);

      const outcome = await stack.up();
      expect(outcome.changed).toEqual({
        features: ["update"],
        february: ["create"],
        stable: ["update"],
        january: ["create-replacement", "replace", "delete-replaced"],
      });
      const after = await stack.outputs();
      expect(after.stableSnapshotId).not.toBe(outputs.stableSnapshotId);
      const d = await dataset(outputs.datasetId);
      expect(d.description).toBe("Daily customer feature tables, deduplicated");
      expect(d.tags).toEqual({ stable: after.stableSnapshotId });
      expect((await stack.up(["--expect-no-changes"])).changes).toEqual({ same: 8 });
    },
    STEP_TIMEOUT_MS,
  );

  test(
    "refresh sees an out-of-band edit and an out-of-band delete; the next up restores both",
    async () => {
      await domino.api("PATCH", `/api/datasetrw/v1/datasets/${outputs.datasetId}`, { description: "edited in the Domino UI" });
      await domino.api("DELETE", `/api/datasetrw/v1/datasets/${outputs.datasetId}/tags/stable`);

      const refreshed = await stack.refresh();
      expect(refreshed.ops.features).toEqual(["update"]);
      expect(refreshed.ops.stable).toEqual(["delete"]);
      expect(refreshed.changes).toMatchObject({ update: 1, delete: 1 });
      const state = await stack.exportState();
      expect(state.resources!.find((r) => r.urn.endsWith("::features"))?.outputs?.description).toBe("edited in the Domino UI");
      expect(dynamicResources(state).map((r) => resourceName(r.urn))).not.toContain("stable");

      expect(planOps(await stack.preview())).toEqual({ features: "update", stable: "create" });
      await stack.up();
      const d = await dataset(outputs.datasetId);
      expect(d.description).toBe("Daily customer feature tables, deduplicated");
      expect(Object.keys(d.tags)).toEqual(["stable"]);
      expect((await stack.up(["--expect-no-changes"])).changes).toEqual({ same: 8 });
    },
    STEP_TIMEOUT_MS,
  );

  let archiveProjectId: string;
  let archiveDatasetId: string;

  test(
    "Resource.get reads a dataset made outside Pulumi without managing it",
    async () => {
      archiveProjectId = (await domino.api("POST", "/api/projects/beta/projects", { name: "archive", description: "", visibility: "Private" })).body.project.id;
      archiveDatasetId = (await domino.api("POST", "/api/datasetrw/v1/datasets", { projectId: archiveProjectId, name: "raw-exports", description: "made elsewhere" })).body.dataset.id;
      stack.editProgram([
        [`export const datasetId = features.id;`, `export const datasetId = features.id;\nconst rawExports = domino.Dataset.get("raw-exports", ${JSON.stringify(archiveDatasetId)});\nexport const rawExportsName = rawExports.name;\nexport const rawExportsProject = rawExports.projectId;`],
      ]);
      const outcome = await stack.up();
      expect(outcome.ops["raw-exports"]).toEqual(["read"]);
      expect(await stack.outputs()).toMatchObject({ rawExportsName: "raw-exports", rawExportsProject: archiveProjectId });
    },
    STEP_TIMEOUT_MS,
  );

  test(
    "destroy removes what the stack created and leaves the read-only dataset alone",
    async () => {
      const outcome = await stack.destroy();
      expect(outcome.ops["raw-exports"]).toEqual(["discard"]);
      for (const name of ["producer", "consumer", "features", "january", "february", "stable", "features-in-churn-model"]) {
        expect(outcome.ops[name]).toEqual(["delete"]);
      }
      const census = await domino.census();
      expect(census.projects).toEqual([`archive (${archiveProjectId})`]);
      expect(census.datasets).toEqual([`raw-exports (${archiveDatasetId})`]);
      expect((await stack.exportState()).resources ?? []).toEqual([]);
    },
    STEP_TIMEOUT_MS,
  );
});
