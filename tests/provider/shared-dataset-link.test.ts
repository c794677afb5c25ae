import { UNKNOWN } from "../../provider/kit/schema";
import { provider, SharedDatasetLinkInputs, SharedDatasetLinkOutputs } from "../../provider/resources/shared-dataset-link";
import { EmulatorFixture, useEmulator } from "../helpers/emulator";

const PROJECT = "65f0b0000000000000000001";
const DATASET = "65f0d0000000000000000001";
const SHARED = "/api/projects/v1/projects/{projectId}/shared-datasets";

async function check(news: Record<string, unknown>) {
  return provider.check({}, news);
}

async function checked(news: Record<string, unknown>): Promise<SharedDatasetLinkInputs> {
  const result = await check(news);
  expect(result.failures).toEqual([]);
  return result.inputs as SharedDatasetLinkInputs;
}

async function makeProject(env: EmulatorFixture, name: string): Promise<string> {
  return (await env.api<{ project: { id: string } }>("POST", "/api/projects/beta/projects", { name, description: "", visibility: "Private" })).body.project.id;
}

async function makeDataset(env: EmulatorFixture, projectId: string, name = "raw"): Promise<string> {
  return (await env.api<{ dataset: { id: string } }>("POST", "/api/datasetrw/v1/datasets", { name, projectId })).body.dataset.id;
}

async function linkedTo(env: EmulatorFixture, projectId: string): Promise<string[]> {
  return (await env.api<{ dataset: { sharedDatasetIds: string[] } }>("GET", `/api/projects/v1/projects/${projectId}/shared-datasets`)).body.dataset
    .sharedDatasetIds;
}

describe("SharedDatasetLink check and diff", () => {
  it("names the field and the rule", async () => {
    expect(await checked({ projectId: PROJECT, datasetId: DATASET })).toEqual({ projectId: PROJECT, datasetId: DATASET });
    const result = await check({ projectId: PROJECT });
    expect(result.failures?.map((f) => f.reason)).toEqual(["SharedDatasetLink.datasetId is required"]);
    expect((await check({ projectId: UNKNOWN, datasetId: UNKNOWN })).failures).toEqual([]);
  });

  it("replaces on any change", async () => {
    const olds: SharedDatasetLinkOutputs = { projectId: PROJECT, datasetId: DATASET };
    expect(await provider.diff("", olds, { ...olds })).toEqual({ changes: false });
    expect(await provider.diff("", olds, { ...olds, datasetId: "65f0d0000000000000000002" })).toEqual({ changes: true, replaces: ["datasetId"] });
    expect(await provider.diff("", olds, { ...olds, projectId: UNKNOWN })).toEqual({ changes: true, replaces: ["projectId"] });
  });
});

describe.each(["6.3", "5.3"] as const)("SharedDatasetLink against Domino %s", (dominoVersion) => {
  const env = useEmulator({ dominoVersion });

  it("links with a list and one call, reads with one, unlinks with one", async () => {
    const owner = await makeProject(env, "owner");
    const user = await makeProject(env, "user");
    const datasetId = await makeDataset(env, owner);
    const inputs = await checked({ projectId: user, datasetId });
    await env.resetRequestCounts();
    const { id, outs } = await provider.create(inputs);
    // The project's shared datasets before the link (a link made before is not this
    // resource's), then the link.
    expect(await env.requestCounts()).toEqual({ total: 2, byRoute: { [`GET ${SHARED}`]: 1, [`POST ${SHARED}`]: 1 } });
    expect(id).toBe(`${user}/${datasetId}`);
    expect(outs).toEqual(inputs);
    expect(await linkedTo(env, user)).toEqual([datasetId]);

    await env.resetRequestCounts();
    expect(await provider.read(id)).toEqual({ id, props: inputs, inputs });
    expect(await env.requestCounts()).toEqual({ total: 1, byRoute: { [`GET ${SHARED}`]: 1 } });

    await env.resetRequestCounts();
    await provider.delete(id, outs);
    expect(await env.requestCounts()).toEqual({ total: 1, byRoute: { [`DELETE ${SHARED}/{datasetId}`]: 1 } });
    expect(await linkedTo(env, user)).toEqual([]);
    await expect(provider.delete(id, outs)).resolves.toBeUndefined();
  });

  it("recognises ids given in upper case, which Domino answers in lower case", async () => {
    const owner = await makeProject(env, "upper-owner");
    const user = await makeProject(env, "upper-user");
    const datasetId = await makeDataset(env, owner);
    const inputs = await checked({ projectId: user.toUpperCase(), datasetId: datasetId.toUpperCase() });
    expect(inputs).toEqual({ projectId: user, datasetId });
    // State and ids written before ids were canonicalised.
    const { id, outs } = await provider.create({ projectId: user.toUpperCase(), datasetId: datasetId.toUpperCase() });
    expect(await provider.read(id, outs)).toMatchObject({ id });
    expect(await provider.diff(id, outs, inputs)).toEqual({ changes: false });
  });

  it("refresh sees an out-of-band unlink, and the project's archiving", async () => {
    const owner = await makeProject(env, "owner2");
    const user = await makeProject(env, "user2");
    const datasetId = await makeDataset(env, owner);
    const { id, outs } = await provider.create(await checked({ projectId: user, datasetId }));
    await env.api("DELETE", `/api/projects/v1/projects/${user}/shared-datasets/${datasetId}`);
    expect(await provider.read(id, outs)).toEqual({ id: "" });

    await provider.create(await checked({ projectId: user, datasetId }));
    await env.api("DELETE", `/api/projects/beta/projects/${user}`);
    expect(await provider.read(id, outs)).toEqual({ id: "" });
  });

  it("reports Domino's refusal to share a dataset with its own project", async () => {
    const owner = await makeProject(env, "self");
    const datasetId = await makeDataset(env, owner);
    await expect(provider.create(await checked({ projectId: owner, datasetId }))).rejects.toThrow(
      /link shared dataset to project failed: POST \/api\/projects\/v1\/projects\/[0-9a-f]{24}\/shared-datasets answered HTTP 400: .*cannot be shared with it/,
    );
  });

  it("refuses a dataset already linked to the project, though Domino would accept linking it again", async () => {
    const owner = await makeProject(env, "owner4");
    const user = await makeProject(env, "user4");
    const datasetId = await makeDataset(env, owner);
    await env.api("POST", `/api/projects/v1/projects/${user}/shared-datasets`, { datasetId });
    const inputs = await checked({ projectId: user, datasetId: datasetId.toUpperCase() });
    await env.resetRequestCounts();
    await expect(provider.create(inputs)).rejects.toThrow(
      `SharedDatasetLink create: the link of dataset ${datasetId} to project ${user} already exists in Domino (id ${user}/${datasetId}); adopt it with \`adoptId\``,
    );
    expect((await env.requestCounts()).byRoute).toEqual({ [`GET ${SHARED}`]: 1 });
  });

  it("locates what an interrupted create made: the link of the dataset", async () => {
    const owner = await makeProject(env, "owner6");
    const user = await makeProject(env, "user6");
    const datasetId = await makeDataset(env, owner);
    const inputs = await checked({ projectId: user, datasetId });
    expect(await provider.locate(inputs)).toEqual([]);
    const { id, outs } = await provider.create(inputs);
    expect(await provider.locate(inputs)).toEqual([{ id, outs }]);
  });

  it("a link made again after it was removed is recovered after a lost answer", async () => {
    const owner = await makeProject(env, "owner5");
    const user = await makeProject(env, "user5");
    const datasetId = await makeDataset(env, owner);
    const { id, outs } = await provider.create(await checked({ projectId: user, datasetId }));
    await provider.delete(id, outs);
    await env.api("POST", "/__emulator/faults/rules", { method: "POST", route: SHARED, when: "after", action: "drop" });
    await expect(provider.create(await checked({ projectId: user, datasetId }))).resolves.toMatchObject({ id });
    expect(await linkedTo(env, user)).toEqual([datasetId]);
  });

  it("a create whose answer was lost finds the link made", async () => {
    const owner = await makeProject(env, "owner3");
    const user = await makeProject(env, "user3");
    const datasetId = await makeDataset(env, owner);
    await env.api("PUT", "/__emulator/faults", { dropResponseRate: 1 });
    const { id } = await provider.create(await checked({ projectId: user, datasetId }));
    await env.api("PUT", "/__emulator/faults", { dropResponseRate: 0 });
    expect(id).toBe(`${user}/${datasetId}`);
    expect(await linkedTo(env, user)).toEqual([datasetId]);
  });
});
