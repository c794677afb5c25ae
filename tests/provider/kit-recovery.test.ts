/** Create recovery: a lost answer is recovered only with certainty; nothing is guessed. */
import { DominoApiError, DominoNetworkError } from "../../provider/client/errors";
import { AlreadyExistsError, claim, createOnce, CreateOnce } from "../../provider/kit/recovery";

interface Thing {
  id: string;
  name: string;
  size: number;
}

const SETTINGS = { host: "https://recovery.test", maxRetries: 3, retryBaseDelayMs: 1, retryMaxDelayMs: 2 };
let nextHost = 0;

const lost = () =>
  new DominoNetworkError({ operation: "create thing", method: "POST", path: "/things", host: SETTINGS.host, code: "ECONNRESET", detail: "socket hang up", maybeCommitted: true });
const gateway = () =>
  new DominoApiError({ operation: "create thing", method: "POST", path: "/things", status: 503, dominoMessage: "upstream unavailable", maybeCommitted: true });

/** A fake Domino: `store` is what exists; `plan` says what each send does. */
function fake(store: Thing[], plan: Array<"commit" | "commit-then-lose" | "lose" | "refuse">, wanted: Omit<Thing, "id">, opts: Partial<CreateOnce<Thing>> = {}) {
  let made = 0;
  const calls = { list: 0, send: 0 };
  // Claims are per deployment: each test uses its own host so claims never leak between tests.
  const settings = { ...SETTINGS, host: `https://recovery-${nextHost++}.test` };
  const spec: CreateOnce<Thing> = {
    what: `thing "${wanted.name}"`,
    kind: "thing",
    settings,
    list: async () => {
      calls.list++;
      return store.map((t) => ({ ...t }));
    },
    idOf: (t) => t.id,
    matches: (t) => t.name === wanted.name && t.size === wanted.size,
    send: async () => {
      const step = plan[Math.min(calls.send++, plan.length - 1)];
      if (step === "lose") throw gateway();
      if (step === "refuse") throw new DominoApiError({ operation: "create thing", method: "POST", path: "/things", status: 400, dominoMessage: "bad" });
      const thing = { id: `new${++made}`, ...wanted };
      store.push(thing);
      if (step === "commit-then-lose") throw lost();
      return thing;
    },
    ...opts,
  };
  return { spec, calls, settings };
}

describe("createOnce", () => {
  it("lists once before the first attempt, and sends once when all goes well", async () => {
    const store: Thing[] = [];
    const { spec, calls } = fake(store, ["commit"], { name: "a", size: 1 });
    await expect(createOnce(spec)).resolves.toMatchObject({ id: "new1" });
    expect(calls).toEqual({ list: 1, send: 1 });
  });

  it("takes the object a lost attempt committed, never the look-alike that existed before", async () => {
    const store: Thing[] = [{ id: "old", name: "a", size: 1 }];
    const { spec, calls } = fake(store, ["commit-then-lose"], { name: "a", size: 1 });
    await expect(createOnce(spec)).resolves.toMatchObject({ id: "new1" });
    expect(calls).toEqual({ list: 2, send: 1 });
    expect(store.map((t) => t.id)).toEqual(["old", "new1"]);
  });

  it("sends again when the lost attempt made nothing", async () => {
    const store: Thing[] = [{ id: "old", name: "a", size: 1 }];
    const { spec, calls } = fake(store, ["lose", "commit"], { name: "a", size: 1 });
    await expect(createOnce(spec)).resolves.toMatchObject({ id: "new1" });
    expect(calls).toEqual({ list: 2, send: 2 });
    expect(store).toHaveLength(2);
  });

  it("never takes a new object with another definition, nor one another resource holds", async () => {
    const store: Thing[] = [];
    const { spec, settings } = fake(store, ["lose", "commit"], { name: "a", size: 1 });
    // Between the first list and the lost attempt, another resource made a twin, and someone a near miss.
    const send = spec.send;
    let first = true;
    const withSiblings: CreateOnce<Thing> = {
      ...spec,
      send: async () => {
        if (first) {
          first = false;
          store.push({ id: "twin", name: "a", size: 1 }, { id: "other", name: "a", size: 2 });
          claim(settings.host, "thing", "twin");
        }
        return send();
      },
    };
    await expect(createOnce(withSiblings)).resolves.toMatchObject({ id: "new1" });
    expect(store.map((t) => t.id)).toEqual(["twin", "other", "new1"]);
  });

  it("fails naming the candidates when more than one could be the lost attempt's", async () => {
    const store: Thing[] = [];
    const { spec } = fake(store, ["commit-then-lose"], { name: "a", size: 1 });
    const send = spec.send;
    const twice: CreateOnce<Thing> = {
      ...spec,
      send: async () => {
        store.push({ id: "stranger", name: "a", size: 1 });
        return send();
      },
    };
    await expect(createOnce(twice)).rejects.toThrow(/2 new objects now match thing "a": stranger, new1\. Which one the lost attempt made cannot be told/);
  });

  it("refuses a natural key that is taken before sending anything", async () => {
    const store: Thing[] = [{ id: "old", name: "a", size: 7 }];
    const { spec, calls } = fake(store, ["commit"], { name: "a", size: 1 }, { sameKey: (t) => t.name === "a", takenHint: "take it over with Thing.get" });
    const err = await createOnce(spec).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AlreadyExistsError);
    expect((err as Error).message).toBe('thing "a" already exists in Domino (id old); take it over with Thing.get');
    expect(calls.send).toBe(0);
  });

  it("fails, changing nothing more, when a lost answer cannot be looked for", async () => {
    const store: Thing[] = [];
    const { spec, calls } = fake(store, ["lose", "commit"], { name: "a", size: 1 }, { list: undefined });
    await expect(createOnce(spec)).rejects.toThrow(/may or may not have been made, and this Domino API cannot list such objects/);
    expect(calls.send).toBe(1);
  });

  it("passes a definite refusal through untouched, without looking", async () => {
    const store: Thing[] = [];
    const { spec, calls } = fake(store, ["refuse"], { name: "a", size: 1 });
    await expect(createOnce(spec)).rejects.toMatchObject({ status: 400 });
    expect(calls).toEqual({ list: 1, send: 1 });
  });

  it("gives up after the retries, saying nothing was made", async () => {
    const store: Thing[] = [];
    const { spec, calls } = fake(store, ["lose"], { name: "a", size: 1 });
    await expect(createOnce(spec)).rejects.toThrow(/Nothing was made; gave up after 4 attempts/);
    expect(calls.send).toBe(4);
    expect(store).toEqual([]);
  });
  it("sends twin creates of one lane one at a time, so a lost answer is never confused with a sibling's", async () => {
    const store: Thing[] = [];
    const settings = { ...SETTINGS, host: `https://recovery-${nextHost++}.test` };
    let made = 0;
    let inFlight = 0;
    let overlapped = false;
    const twin = (loseAnswer: boolean): CreateOnce<Thing> => ({
      what: 'thing "a"',
      kind: "thing",
      settings,
      lane: "parent-1",
      list: async () => store.map((t) => ({ ...t })),
      idOf: (t) => t.id,
      matches: (t) => t.name === "a",
      send: async () => {
        inFlight++;
        overlapped ||= inFlight > 1;
        const thing = { id: `new${++made}`, name: "a", size: 1 };
        store.push(thing);
        // The answer takes a while; the first twin's is then lost after its object was made.
        await new Promise((r) => setTimeout(r, 20));
        inFlight--;
        if (loseAnswer) throw lost();
        return thing;
      },
    });
    const [first, second] = await Promise.all([createOnce(twin(true)), createOnce(twin(false))]);
    expect(overlapped).toBe(false);
    expect(new Set([first.id, second.id]).size).toBe(2);
    expect(store).toHaveLength(2);

    // Without a lane the same two creates overlap, and the lost answer cannot be told from the sibling's.
    store.length = 0;
    overlapped = false;
    const noLane = (loseAnswer: boolean): CreateOnce<Thing> => ({ ...twin(loseAnswer), lane: undefined });
    const results = await Promise.allSettled([createOnce(noLane(true)), createOnce(noLane(false))]);
    expect(overlapped).toBe(true);
    expect(results[0]).toMatchObject({ status: "rejected", reason: expect.objectContaining({ message: expect.stringMatching(/2 new objects now match/) }) });
  });
});
