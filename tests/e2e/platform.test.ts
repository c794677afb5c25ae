/**
 * The platform example (organization, members, environment and a restricted revision,
 * a project with its results branch, a dataset with grants) under the real Pulumi engine,
 * against the emulator. The steps share one stack and run in order.
 */
import { E2eEmulator, startE2eEmulator } from "./helpers/domino";
import { CLI_SETUP_TIMEOUT_MS, dynamicResources, planOps, plaintextHits, providerBytes, PulumiProject, resourceName } from "./helpers/pulumi";

const STEP_TIMEOUT_MS = 180_000;
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** A secret input: the package index URL with its token. */
const PIP_INDEX_URL = "https://ci-bot:pypi-token-7Hq2xZ@pypi.example.com/simple";
const PIP_TOKEN = "pypi-token-7Hq2xZ";

describe("platform example under the Pulumi engine", () => {
  let domino: E2eEmulator;
  let stack: PulumiProject;
  let users: { admin: string; alice: string; bob: string };

  beforeAll(async () => {
    domino = await startE2eEmulator();
    const u = domino.emulator.users;
    users = { admin: u.admin.id, alice: u.alice.id, bob: u.bob.id };
    stack = await PulumiProject.create({
      example: "platform",
      config: {
        "domino:host": domino.url,
        "domino:apiKey": { value: domino.adminKey, secret: true },
        prefix: "e2e",
        orgAdmin: "alice",
        orgMember: "bob",
        pipIndexUrl: { value: PIP_INDEX_URL, secret: true },
      },
    });
  }, CLI_SETUP_TIMEOUT_MS);

  afterAll(async () => {
    stack?.dispose();
    await domino?.stop();
  });

  const organization = async (id: string) => (await domino.api("GET", `/api/organizations/v1/organizations/${id}`)).body.org;
  const environment = async (id: string) => (await domino.api("GET", `/api/environments/v1/environments/${id}`)).body.environment;
  const roles = (org: { members: Array<{ userId: string; organizationRole: string }> }) =>
    Object.fromEntries(org.members.map((m) => [m.userId, m.organizationRole]));
  const resultsBranchOf = async (projectId: string) =>
    (await domino.api("GET", `/api/projects/beta/projects/${projectId}/results-settings`)).body.resultsSettings.branch;
  /** What Domino recorded of a dataset's grants (it never returns them): the emulator's census. */
  const grantsOf = async (datasetId: string) => {
    const census = (await (await fetch(`${domino.url}/__emulator/objects`)).json()) as { datasets: Array<{ id: string; grants: unknown[] }> };
    return census.datasets.find((d) => d.id === datasetId)?.grants;
  };

  let outputs: Record<string, any>;

  test(
    "preview of a new stack plans every create, with unknown ids flowing into check",
    async () => {
      const plan = await stack.preview();
      expect(planOps(plan)).toEqual({
        "ml-platform": "create",
        "org-admin": "create",
        "org-member": "create",
        python: "create",
        "python-xgboost": "create",
        "ml-workspace": "create",
        "training-data": "create",
      });
      const revision = plan.steps.find((s) => s.urn.endsWith("::python-xgboost"));
      expect(revision?.newState?.inputs?.environmentId).toBe(UNKNOWN);
    },
    STEP_TIMEOUT_MS,
  );

  test(
    "up creates the organization, its members, the environment, a built and restricted revision, the project and its dataset",
    async () => {
      const outcome = await stack.up();
      expect(Object.keys(outcome.changed).sort()).toEqual(["ml-platform", "ml-workspace", "org-admin", "org-member", "python", "python-xgboost", "training-data"]);
      expect(Object.values(outcome.changed).every((ops) => ops.join() === "create")).toBe(true);

      outputs = await stack.outputs();
      expect(outputs).toMatchObject({ organizationName: "e2e-ml-platform", adminRole: "Admin", memberRole: "Member", revisionNumber: 2, revisionStatus: "Succeeded" });
      expect(roles(await organization(outputs.organizationId))).toMatchObject({ [users.alice]: "Admin", [users.bob]: "Member" });
      const env = await environment(outputs.environmentId);
      expect(env.latestRevision).toMatchObject({ number: 2, status: "Succeeded" });
      // The revision is the environment's restricted one.
      expect(outputs.revisionRestricted).toBe(true);
      expect(env.restrictedRevision?.id).toBe(outputs.revisionId);
      // The project's run results go to isolated branches.
      expect(outputs.resultsBranch).toBe("isolated");
      expect(await resultsBranchOf(outputs.projectId)).toBe("isolated");
      // The organization may read the dataset: Domino recorded the grant, and Bob (a member) reads it.
      expect(await grantsOf(outputs.datasetId)).toContainEqual({ targetId: outputs.organizationId, targetRole: "DatasetRwReader" });
      const asBob = await fetch(`${domino.url}/api/datasetrw/v1/datasets/${outputs.datasetId}`, { headers: { "X-Domino-Api-Key": domino.emulator.users.bob.apiKey } });
      expect(asBob.status).toBe(200);
    },
    STEP_TIMEOUT_MS,
  );

  test(
    "the state holds neither the API key nor the secret variable in plaintext",
    async () => {
      const secrets = [domino.adminKey, PIP_INDEX_URL, PIP_TOKEN];
      expect(plaintextHits(stack.rawStateFile(), secrets)).toEqual([]);
      const exported = await stack.exportText();
      expect(plaintextHits(exported, secrets)).toEqual([]);
      const deployment = JSON.parse(exported).deployment;
      console.info(`platform __provider bytes per resource: ${JSON.stringify(providerBytes(deployment))}`);
      for (const r of dynamicResources(deployment)) {
        expect(r.inputs!.__provider).toContain("pulumi-domino/dist/resources/");
        expect(Buffer.byteLength(r.inputs!.__provider as string)).toBeLessThan(4096);
      }
      // The variables are kept, encrypted, in both inputs and outputs.
      const python = deployment.resources.find((r: { urn: string }) => r.urn.endsWith("::python"));
      expect(python.inputs.environmentVariables).toHaveProperty("ciphertext");
      expect(python.outputs.environmentVariables).toHaveProperty("ciphertext");
    },
    STEP_TIMEOUT_MS,
  );

  test(
    "a second up reports no changes",
    async () => {
      expect((await stack.up(["--expect-no-changes"])).changes).toEqual({ same: 8 });
    },
    STEP_TIMEOUT_MS,
  );

  test(
    "refresh sees the results branch changed out of band; an edit changes it and lifts the restriction in place",
    async () => {
      await domino.api("PUT", `/api/projects/beta/projects/${outputs.projectId}/results-settings`, { branch: "main" });
      const refreshed = await stack.refresh();
      expect(refreshed.ops["ml-workspace"]).toEqual(["update"]);
      expect(planOps(await stack.preview())).toEqual({ "ml-workspace": "update" });
      await stack.up();
      expect(await resultsBranchOf(outputs.projectId)).toBe("isolated");

      stack.editProgram([
        [`resultsBranch: "isolated",`, `resultsBranch: "main",`],
        [`isRestricted: true,`, `isRestricted: false,`],
      ]);
      const plan = await stack.preview();
      expect(planOps(plan)).toEqual({ "ml-workspace": "update", "python-xgboost": "update" });
      const outcome = await stack.up();
      expect(outcome.changed).toEqual({ "ml-workspace": ["update"], "python-xgboost": ["update"] });
      const after = await stack.outputs();
      // The same project and revision, changed in place.
      expect(after).toMatchObject({ projectId: outputs.projectId, revisionId: outputs.revisionId, resultsBranch: "main", revisionRestricted: false });
      expect(await resultsBranchOf(outputs.projectId)).toBe("main");
      expect((await environment(outputs.environmentId)).restrictedRevision).toBeUndefined();

      stack.editProgram([
        [`resultsBranch: "main",`, `resultsBranch: "isolated",`],
        [`isRestricted: false,`, `isRestricted: true,`],
      ]);
      await stack.up();
      expect((await stack.up(["--expect-no-changes"])).changes).toEqual({ same: 8 });
      outputs = await stack.outputs();
    },
    STEP_TIMEOUT_MS,
  );

  test(
    "renaming the organization is refused by preview with a message naming the field",
    async () => {
      stack.editProgram([["name: `${prefix}-ml-platform`", "name: `${prefix}-ml-platform-renamed`"]]);
      const result = await stack.cli(["preview", "--stack", stack.stack], { allowFailure: true });
      expect(result.code).not.toBe(0);
      expect(result.stdout).toMatch(/Organization\.name cannot change/);
      stack.editProgram([["name: `${prefix}-ml-platform-renamed`", "name: `${prefix}-ml-platform`"]]);
    },
    STEP_TIMEOUT_MS,
  );

  test(
    "an edited program: a role changed in place, the environment and its revision replaced",
    async () => {
      stack.editProgram([
        [`userId: orgMember.id,\n  organizationRole: "Member",`, `userId: orgMember.id,\n  organizationRole: "Admin",`],
        [`description: "Python for the ML platform",`, `description: "Python 3.9 for the ML platform",`],
        [`xgboost==2.1.0"`, `xgboost==2.1.1"`],
      ]);
      const plan = await stack.preview();
      expect(planOps(plan)).toEqual({ "org-member": "update", python: "replace", "python-xgboost": "replace" });
      expect(plan.steps.find((s) => s.urn.endsWith("::python"))?.replaceReasons).toEqual(["description"]);
      expect(plan.steps.find((s) => s.urn.endsWith("::python-xgboost"))?.replaceReasons?.sort()).toEqual(["dockerfileInstructions", "environmentId"]);

      const outcome = await stack.up();
      expect(outcome.changed).toEqual({
        "org-member": ["update"],
        python: ["create-replacement", "replace", "delete-replaced"],
        "python-xgboost": ["create-replacement", "replace", "delete-replaced"],
      });
      const after = await stack.outputs();
      expect(after.environmentId).not.toBe(outputs.environmentId);
      expect((await environment(outputs.environmentId)).archived).toBe(true);
      expect(roles(await organization(outputs.organizationId))[users.bob]).toBe("Admin");
      // The replaced environment's variables are still secret.
      expect(plaintextHits(stack.rawStateFile(), [PIP_INDEX_URL, PIP_TOKEN])).toEqual([]);
      outputs = after;
      expect((await stack.up(["--expect-no-changes"])).changes).toEqual({ same: 8 });
    },
    STEP_TIMEOUT_MS,
  );

  test(
    "refresh sees an out-of-band role change and an out-of-band removal; the next up restores both",
    async () => {
      const org = outputs.organizationId;
      await domino.api("DELETE", `/api/organizations/v1/organizations/${org}/user?memberToRemoveId=${users.bob}`);
      await domino.api("PUT", `/api/organizations/v1/organizations/${org}/user`, { userId: users.alice, organizationRole: "Member" });

      const refreshed = await stack.refresh();
      expect(refreshed.ops["org-admin"]).toEqual(["update"]);
      expect(refreshed.ops["org-member"]).toEqual(["delete"]);
      const state = await stack.exportState();
      expect(state.resources!.find((r) => r.urn.endsWith("::org-admin"))?.outputs?.organizationRole).toBe("Member");
      expect(dynamicResources(state).map((r) => resourceName(r.urn))).not.toContain("org-member");

      expect(planOps(await stack.preview())).toEqual({ "org-admin": "update", "org-member": "create" });
      await stack.up();
      expect(roles(await organization(org))).toMatchObject({ [users.alice]: "Admin", [users.bob]: "Admin" });
      expect((await stack.up(["--expect-no-changes"])).changes).toEqual({ same: 8 });
    },
    STEP_TIMEOUT_MS,
  );

  let baseId: string;

  test(
    "Resource.get reads an environment made outside Pulumi without managing it",
    async () => {
      const created = await domino.api("POST", "/api/environments/beta/environments", {
        name: "company-base",
        description: "maintained by another team",
        visibility: "Global",
        addBaseDependencies: false,
        image: "quay.io/domino/standard-environment:ubuntu22",
      });
      baseId = created.body.environment.id;
      stack.editProgram([
        [`export const environmentId = python.id;`, `export const environmentId = python.id;\nconst companyBase = domino.Environment.get("company-base", ${JSON.stringify(baseId)});\nexport const companyBaseName = companyBase.name;\nexport const companyBaseVisibility = companyBase.visibility;`],
      ]);
      const outcome = await stack.up();
      expect(outcome.ops["company-base"]).toEqual(["read"]);
      expect(await stack.outputs()).toMatchObject({ companyBaseName: "company-base", companyBaseVisibility: "Global" });
    },
    STEP_TIMEOUT_MS,
  );

  test(
    "destroy archives the environment, removes the members, and warns that the organization stays",
    async () => {
      const result = await stack.cli(["destroy", "--stack", stack.stack, "--yes", "--skip-preview"]);
      expect(result.stdout + result.stderr).toMatch(/still exists in Domino/);
      const census = await domino.census();
      // Domino's API cannot delete an organization: it stays, without the stack's members.
      expect(census.organizations).toEqual([`e2e-ml-platform (${outputs.organizationId})`]);
      expect(roles(await organization(outputs.organizationId))).not.toHaveProperty(users.bob);
      expect(census.environments).toEqual([`company-base (${baseId})`]);
      expect(census.projects).toEqual([]);
      expect((await stack.exportState()).resources ?? []).toEqual([]);
    },
    STEP_TIMEOUT_MS,
  );
});
