/**
 * The same guarantees for every kind, against Domino 6.3: a create whose first attempt
 * fails (before or after Domino committed it) makes exactly one object, and never takes a
 * look-alike that existed before; a delete fails on a refusal or a server that keeps
 * failing, and counts "already gone" (404) as done. The rows are in kinds.ts.
 */
import { activeClient } from "../../provider/config";
import { EmulatorFixture, useEmulator } from "../helpers/emulator";
import { Bag, KINDS, KindRow, Route } from "./kinds";

interface Rule extends Route {
  when: "before" | "after";
  action: "fail" | "drop";
  status?: number;
  count?: number;
}

/** Queues a fault rule; the emulator refuses one that could never match (a misspelt route). */
async function queue(env: EmulatorFixture, rule: Rule): Promise<void> {
  const res = await env.api("POST", "/__emulator/faults/rules", rule);
  expect(res).toMatchObject({ status: 200, body: { route: rule.route, remaining: rule.count ?? 1 } });
}

async function checked(row: KindRow, news: Bag): Promise<Bag> {
  const result = await row.provider.check({}, news);
  expect(result.failures ?? []).toEqual([]);
  if (!result.inputs) throw new Error(`${row.kind} check returned no inputs`);
  return result.inputs;
}

/** How many requests went to `route` since the last reset of the counts. */
async function sent(env: EmulatorFixture, { method, route }: Route): Promise<number> {
  return (await env.requestCounts()).byRoute[`${method} ${route}`] ?? 0;
}

const DELETING = KINDS.filter((row) => row.delete !== undefined);
const FORGETTING = KINDS.filter((row) => row.delete === undefined);

describe("every kind against Domino 6.3", () => {
  const env = useEmulator({ dominoVersion: "6.3" });

  const createFaults: [string, Omit<Rule, keyof Route>][] = [
    ["a create failing before commit (503) makes exactly one object; the look-alike is untouched", { when: "before", action: "fail", status: 503 }],
    ["a create committed whose answer was dropped makes exactly one object; the look-alike is untouched", { when: "after", action: "drop" }],
  ];

  describe.each(createFaults)("%s", (_title, fault) => {
    it.each(KINDS.map((row) => [row.kind, row] as const))("%s", async (_kind, row) => {
      const { parents, inputs } = await row.setup(env);
      const news = await checked(row, inputs);
      const twin = await row.lookAlike(env, parents);
      const twinState = await twin.read();
      expect(twinState).toBeDefined();
      const before = await row.census(env, parents);

      await queue(env, { ...row.create, ...fault });
      await env.resetRequestCounts();
      const created = await row.provider.create(news);
      // The fault was met by the first attempt. A failure before commit is sent again; a
      // lost answer to a POST is found by looking, while a PUT (idempotent) is simply repeated.
      expect(await env.faultRules()).toEqual([]);
      expect(await sent(env, row.create)).toBe(fault.when === "before" || row.create.method === "PUT" ? 2 : 1);

      const made = row.objectOf(env, created, parents);
      const after = await row.census(env, parents);
      expect(after.total).toBe(before.total + 1);
      expect(after.ids.filter((id) => !before.ids.includes(id))).toEqual([made]);
      if (before.complete) {
        // A complete list: nothing else came or went.
        expect([...after.ids].sort()).toEqual([...before.ids, made].sort());
      }
      expect(created.id).not.toBe(twin.id);
      expect(await twin.read()).toEqual(twinState);
      expect((await row.provider.read(created.id, created.outs)).id).toBe(created.id);
    });
  });

  describe.each(DELETING.map((row) => [row.kind, row] as const))("%s delete", (_kind, row) => {
    const route = row.delete as Route;

    async function made(): Promise<{ id: string; outs: Bag; object: string; parents: Record<string, string> }> {
      const { parents, inputs } = await row.setup(env);
      const created = await row.provider.create(await checked(row, inputs));
      const object = row.objectOf(env, created, parents);
      expect((await row.census(env, parents)).ids).toContain(object);
      return { ...created, object, parents };
    }

    it("a delete answered 403 fails", async () => {
      const { id, outs, object, parents } = await made();
      await queue(env, { ...route, when: "before", action: "fail", status: 403 });
      await env.resetRequestCounts();
      await expect(row.provider.delete(id, outs)).rejects.toThrow(new RegExp(`^${row.kind} delete: .*HTTP 403`));
      // A refusal is not retried.
      expect(await sent(env, route)).toBe(1);
      expect((await row.census(env, parents)).ids).toContain(object);
    });

    it("a delete answered 500 (every attempt) fails", async () => {
      const { id, outs, object, parents } = await made();
      const attempts = (await activeClient()).settings.maxRetries + 1;
      await queue(env, { ...route, when: "before", action: "fail", status: 500, count: attempts + 5 });
      await env.resetRequestCounts();
      await expect(row.provider.delete(id, outs)).rejects.toThrow(new RegExp(`^${row.kind} delete: .*HTTP 500`));
      expect(await sent(env, route)).toBe(attempts);
      expect((await row.census(env, parents)).ids).toContain(object);
    });

    it("a delete answered 404 succeeds", async () => {
      const { id, outs } = await made();
      await queue(env, { ...route, when: "before", action: "fail", status: 404 });
      await env.resetRequestCounts();
      await expect(row.provider.delete(id, outs)).resolves.toBeUndefined();
      // Gone is done: no retry.
      expect(await sent(env, route)).toBe(1);
    });
  });

  describe.each(FORGETTING.map((row) => [row.kind, row] as const))("%s delete", (_kind, row) => {
    it("only forgets: it sends nothing and the object stays", async () => {
      const { parents, inputs } = await row.setup(env);
      const created = await row.provider.create(await checked(row, inputs));
      const object = row.objectOf(env, created, parents);
      await env.resetRequestCounts();
      await expect(row.provider.delete(created.id, created.outs)).resolves.toBeUndefined();
      expect(Object.keys((await env.requestCounts()).byRoute).filter((key) => !key.startsWith("GET "))).toEqual([]);
      expect((await row.census(env, parents)).ids).toContain(object);
    });
  });
});
