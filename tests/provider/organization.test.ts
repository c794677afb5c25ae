import { UNKNOWN } from "../../provider/kit/schema";
import * as pulumi from "@pulumi/pulumi";
import { OrganizationInputs, OrganizationOutputs, provider as declared } from "../../provider/resources/organization";
import { EmulatorFixture, useEmulator } from "../helpers/emulator";

type CheckedOrganization = Required<OrganizationInputs>;

/** The provider as the kit builds it: every call defined, and create's and update's outputs always set. */
interface Engine<I, O> {
  check(olds: I, news: I): Promise<pulumi.dynamic.CheckResult<I>>;
  diff(id: string, olds: O, news: I): Promise<pulumi.dynamic.DiffResult>;
  create(inputs: I & { __provider?: string }): Promise<{ id: string; outs: O }>;
  read(id: string, props?: O): Promise<pulumi.dynamic.ReadResult<O>>;
  update(id: string, olds: O, news: I): Promise<{ outs: O }>;
  delete(id: string, props: O): Promise<void>;
}

const provider = declared as Engine<CheckedOrganization, OrganizationOutputs>;

const ORGS = "/api/organizations/v1/organizations";

async function check(news: Record<string, unknown>, olds: Record<string, unknown> = {}) {
  return provider.check(olds as CheckedOrganization, news as CheckedOrganization);
}

async function checked(news: Record<string, unknown>, olds: Record<string, unknown> = {}): Promise<CheckedOrganization> {
  const result = await check(news, olds);
  expect(result.failures).toEqual([]);
  return result.inputs as CheckedOrganization;
}

async function orgsNamed(env: EmulatorFixture, name: string): Promise<{ id: string; members: { userId: string; organizationRole: string }[] }[]> {
  return (await env.api<{ orgs: { id: string; members: { userId: string; organizationRole: string }[] }[] }>("GET", `${ORGS}/all?nameFilter=${name}`)).body.orgs;
}

const RENAME_REFUSED =
  'cannot change from "data" to "science": Domino\'s API can neither rename nor delete an organization, ' +
  "so replacing it would leave the old one behind. Rename it in the Domino UI, run `pulumi refresh`, then set the new name here; " +
  "or declare a separate Organization resource";

describe("Organization check and diff", () => {
  it("names the field and the rule", async () => {
    expect(await checked({ name: "data" })).toEqual({ name: "data" });
    expect((await check({})).failures?.map((f) => f.reason)).toEqual(["Organization.name is required"]);
    expect((await check({ name: " " })).failures?.map((f) => f.reason)).toEqual(["Organization.name must not be empty"]);
    expect((await check({ name: UNKNOWN })).failures).toEqual([]);
    expect(await checked({ name: UNKNOWN }, { name: "data" })).toEqual({ name: UNKNOWN });
  });

  it("fails the diff of a rename, without a stack trace, and lets an unknown name wait", async () => {
    const olds: OrganizationOutputs = { name: "data" };
    expect(await provider.diff("", olds, { name: "data" })).toEqual({ changes: false });
    const err = await provider.diff("", olds, { name: "science" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe(`Organization.name ${RENAME_REFUSED}`);
    expect((err as Error).stack).toBe((err as Error).message);
    // A refresh after a rename in the UI records the new name: the program's old one is the change.
    await expect(provider.diff("", { name: "science" }, { name: "data" })).rejects.toThrow('cannot change from "science" to "data"');
    expect(await provider.diff("", olds, { name: UNKNOWN })).toEqual({ changes: true });
  });
});

describe.each(["6.3", "5.3"] as const)("Organization against Domino %s", (dominoVersion) => {
  const env = useEmulator({ dominoVersion });

  it("creates with a look and one call, with the caller as its admin, and reads back", async () => {
    env.actAs("alice");
    await env.resetRequestCounts();
    const { id, outs } = await provider.create(await checked({ name: "data" }));
    // The caller's organizations of that name are listed first: a lost answer is told apart from them.
    expect(await env.requestCounts()).toEqual({ total: 2, byRoute: { [`GET ${ORGS}`]: 1, [`POST ${ORGS}`]: 1 } });
    expect(outs).toEqual({ name: "data" });
    expect(await orgsNamed(env, "data")).toEqual([{ id, name: "data", members: [{ userId: env.emulator.users.alice.id, organizationRole: "Admin" }] }]);

    await env.resetRequestCounts();
    expect(await provider.read(id, outs)).toEqual({ id, props: outs, inputs: { name: "data" } });
    expect(await env.requestCounts()).toEqual({ total: 1, byRoute: { [`GET ${ORGS}/{organizationId}`]: 1 } });
    expect(await provider.read("65f0c00000000000000000ff", outs)).toEqual({ id: "" });
    await expect(provider.read("65f0c00000000000000000ff")).rejects.toThrow(
      'Organization read: no Organization with id "65f0c00000000000000000ff" exists in Domino',
    );
  });

  it("refuses a name one of the caller's organizations has, before sending anything", async () => {
    const { id } = await provider.create(await checked({ name: "taken" }));
    await env.resetRequestCounts();
    await expect(provider.create(await checked({ name: "taken" }))).rejects.toThrow(
      `Organization create: organization "taken" already exists in Domino (id ${id}); adopt it with \`adoptId\`, or choose another name`,
    );
    expect(await env.requestCounts()).toEqual({ total: 1, byRoute: { [`GET ${ORGS}`]: 1 } });
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

  it("reports a name taken outside the caller's organizations with Domino's words", async () => {
    await expect(provider.create(await checked({ name: "alice" }))).rejects.toThrow(
      /^Organization create: create organization failed: POST \/api\/organizations\/v1\/organizations answered HTTP 400: The name alice is already taken/,
    );
  });

  it("never duplicates a create whose answer was lost", async () => {
    await env.api("PUT", "/__emulator/faults", { dropResponseRate: 1 });
    await env.resetRequestCounts();
    const { id } = await provider.create(await checked({ name: "once" }));
    await env.api("PUT", "/__emulator/faults", { dropResponseRate: 0 });
    // Listed before and after the lost answer; never sent twice.
    expect((await env.requestCounts()).byRoute).toEqual({ [`GET ${ORGS}`]: 2, [`POST ${ORGS}`]: 1 });
    expect((await orgsNamed(env, "once")).map((o) => o.id)).toEqual([id]);
  });

  it("locates what an interrupted create made", async () => {
    const inputs = await checked({ name: "found" });
    expect(await declared.locate(inputs)).toEqual([]);
    const { id, outs } = await provider.create(inputs);
    expect(await declared.locate(inputs)).toEqual([{ id, outs }]);
  });

  it("sends a create again when the lost attempt made nothing", async () => {
    await env.api("POST", "/__emulator/faults/rules", { method: "POST", route: ORGS, action: "drop" });
    await env.resetRequestCounts();
    const { id } = await provider.create(await checked({ name: "again" }));
    expect((await env.requestCounts()).byRoute).toEqual({ [`GET ${ORGS}`]: 2, [`POST ${ORGS}`]: 2 });
    expect((await orgsNamed(env, "again")).map((o) => o.id)).toEqual([id]);
  });
});
