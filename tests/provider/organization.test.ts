import { UNKNOWN } from "../../provider/resources/common";
import { OrganizationInputs, OrganizationOutputs, provider } from "../../provider/resources/organization";
import { EmulatorFixture, useEmulator } from "../helpers/emulator";

const ORGS = "/api/organizations/v1/organizations";

async function checked(news: Record<string, unknown>, olds: Record<string, unknown> = {}): Promise<OrganizationInputs> {
  const result = await provider.check(olds, news);
  expect(result.failures).toEqual([]);
  return result.inputs as OrganizationInputs;
}

async function orgsNamed(env: EmulatorFixture, name: string): Promise<{ id: string; members: { userId: string; organizationRole: string }[] }[]> {
  return (await env.api<{ orgs: { id: string; members: { userId: string; organizationRole: string }[] }[] }>("GET", `${ORGS}/all?nameFilter=${name}`)).body.orgs;
}

const RENAME_REFUSED =
  'cannot change from "data" to "science": Domino\'s API can neither rename nor delete an organization, ' +
  "so replacing it would leave the old one behind. Rename it in the Domino UI, run `pulumi refresh`, then set the new name here; " +
  "or declare a separate Organization resource";

describe("Organization check and diff", () => {
  it("names the field and the rule, and refuses a rename at check", async () => {
    expect(await checked({ name: "data" })).toEqual({ name: "data" });
    expect((await provider.check({}, {})).failures?.map((f) => f.reason)).toEqual(["Organization.name is required"]);
    expect((await provider.check({}, { name: UNKNOWN })).failures).toEqual([]);
    expect(await checked({ name: "data" }, { name: "data" })).toEqual({ name: "data" });
    expect(await checked({ name: UNKNOWN }, { name: "data" })).toEqual({ name: UNKNOWN });
    const renamed = await provider.check({ name: "data" }, { name: "science" });
    expect(renamed.failures).toEqual([{ property: "name", reason: `Organization.name ${RENAME_REFUSED}` }]);
  });

  it("fails the diff of a rename that check could not see, and lets an unknown name wait", async () => {
    const olds: OrganizationOutputs = { name: "data" };
    expect(await provider.diff("", olds, { name: "data" })).toEqual({ changes: false });
    await expect(provider.diff("", olds, { name: "science" })).rejects.toThrow(`Organization.name ${RENAME_REFUSED}`);
    expect(await provider.diff("", olds, { name: UNKNOWN })).toEqual({ changes: true });
  });
});

describe.each(["6.3", "5.3"] as const)("Organization against Domino %s", (dominoVersion) => {
  const env = useEmulator({ dominoVersion });

  it("creates with one call, with the caller as its admin, and reads back", async () => {
    env.actAs("alice");
    await env.resetRequestCounts();
    const { id, outs } = await provider.create(await checked({ name: "data" }));
    expect(await env.requestCounts()).toEqual({ total: 1, byRoute: { [`POST ${ORGS}`]: 1 } });
    expect(outs).toEqual({ name: "data" });
    expect(await orgsNamed(env, "data")).toEqual([{ id, name: "data", members: [{ userId: env.emulator.users.alice.id, organizationRole: "Admin" }] }]);

    await env.resetRequestCounts();
    expect(await provider.read(id)).toEqual({ id, props: outs, inputs: { name: "data" } });
    expect(await env.requestCounts()).toEqual({ total: 1, byRoute: { [`GET ${ORGS}/{organizationId}`]: 1 } });
    expect(await provider.read("65f0c00000000000000000ff")).toEqual({ id: "" });
  });

  it("destroy forgets it without calling Domino and says it still exists", async () => {
    const { id, outs } = await provider.create(await checked({ name: "keep" }));
    const lines: string[] = [];
    const spy = jest.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
    await env.resetRequestCounts();
    try {
      await provider.delete(id, outs);
    } finally {
      spy.mockRestore();
    }
    expect((await env.requestCounts()).total).toBe(0);
    expect(lines).toEqual([
      `warning: pulumi-domino: Organization "keep" (${id}) was removed from the stack but still exists in Domino: ` +
        "Domino's API has no call that deletes an organization. Remove it in the Domino admin UI if it is no longer needed.\n",
    ]);
    expect(await orgsNamed(env, "keep")).toHaveLength(1);
  });

  it("reports a taken name with Domino's words", async () => {
    await expect(provider.create(await checked({ name: "alice" }))).rejects.toThrow(
      /create organization failed: POST \/api\/organizations\/v1\/organizations answered HTTP 400: The name alice is already taken/,
    );
  });

  it("never duplicates a create whose answer was lost", async () => {
    await env.api("PUT", "/__emulator/faults", { dropResponseRate: 1 });
    const { id } = await provider.create(await checked({ name: "once" }));
    await env.api("PUT", "/__emulator/faults", { dropResponseRate: 0 });
    expect((await orgsNamed(env, "once")).map((o) => o.id)).toEqual([id]);
  });
});
