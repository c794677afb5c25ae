/** The kit's pure parts: validation, preview unknowns, exact diff, ids, plain outputs, init errors. */
import { joinId, splitId } from "../../provider/kit/ids";
import { partialCreate } from "../../provider/kit/init-error";
import { plainOutputs, toPlainJson } from "../../provider/kit/outputs";
import { checkInputs, declaredInputs, diffInputs, Schema, surfaceLacks, UNKNOWN, unsupportedFields, withoutProvider } from "../../provider/kit/schema";

const schema: Schema = {
  projectId: { kind: "string", required: true, dominoId: true, onChange: "replace" },
  name: {
    kind: "string",
    required: true,
    pattern: { regex: /^\S+$/, rule: "must not contain whitespace" },
    onChange: "replace",
  },
  visibility: { kind: "string", oneOf: ["Public", "Searchable", "Private"], default: "Private", onChange: "replace" },
  note: { kind: "string", default: "", onChange: "update" },
  ownerId: { kind: "string", dominoId: true, computedWhenAbsent: true, onChange: "replace" },
  paths: { kind: "stringArray", onChange: "replace" },
  ref: {
    kind: "object",
    onChange: "replace",
    fields: { refType: { kind: "string", required: true, oneOf: ["Head", "Branch"] }, value: { kind: "string" } },
  },
  done: { kind: "boolean", default: false, onChange: "update" },
};
const PID = "0123456789abcdef01234567";

describe("checkInputs", () => {
  it("fills defaults and rewrites enum values to their canonical spelling", () => {
    const res = checkInputs("Thing", schema, { projectId: PID, name: "a", visibility: "private", ref: { refType: "branch", value: "main" } });
    expect(res.failures).toEqual([]);
    expect(res.inputs).toEqual({ projectId: PID, name: "a", visibility: "Private", note: "", done: false, ref: { refType: "Branch", value: "main" } });
  });

  it("names the field and the rule in every failure", () => {
    const res = checkInputs("Thing", schema, { projectId: "nope", name: "has space", visibility: "secret", done: "yes", extra: 1 });
    const reasons = Object.fromEntries(res.failures!.map((f) => [f.property, f.reason]));
    expect(reasons.projectId).toBe('Thing.projectId must be a Domino id (24 hexadecimal characters), got "nope"');
    expect(reasons.name).toBe('Thing.name must not contain whitespace, got "has space"');
    expect(reasons.visibility).toBe('Thing.visibility must be one of Public, Searchable, Private (case-insensitive), got "secret"');
    expect(reasons.done).toBe("Thing.done must be a boolean, got string");
    expect(reasons.extra).toMatch(/^Thing\.extra is not a known input/);
  });

  it("reports missing required fields, nested ones included", () => {
    const res = checkInputs("Thing", schema, { ref: {} });
    expect(res.failures!.map((f) => f.reason)).toEqual(
      expect.arrayContaining(["Thing.projectId is required", "Thing.name is required", "Thing.ref.refType is required"]),
    );
  });

  it("lets the preview placeholder through whatever the field's type", () => {
    const res = checkInputs("Thing", schema, { projectId: UNKNOWN, name: UNKNOWN, visibility: UNKNOWN, done: UNKNOWN, paths: [UNKNOWN, "a"], ref: UNKNOWN });
    expect(res.failures).toEqual([]);
    expect(res.inputs).toMatchObject({ projectId: UNKNOWN, done: UNKNOWN, paths: [UNKNOWN, "a"], ref: UNKNOWN });
  });

  it("writes Domino ids in lower case, as Domino answers them", () => {
    const res = checkInputs("Thing", schema, { projectId: PID.toUpperCase(), name: "a", ownerId: "AAAAAAAAAAAAAAAAAAAAAAAA" });
    expect(res.failures).toEqual([]);
    expect(res.inputs).toMatchObject({ projectId: PID, ownerId: "aaaaaaaaaaaaaaaaaaaaaaaa" });
  });

  it("still checks the known items of a partly unknown list", () => {
    const res = checkInputs("Thing", schema, { projectId: PID, name: "a", paths: [UNKNOWN, 3] });
    expect(res.failures!.map((f) => f.reason)).toEqual(["Thing.paths[1] must be a string, got number"]);
  });
});

describe("diffInputs", () => {
  const olds = { projectId: PID, name: "a", visibility: "Private", note: "", ownerId: "aaaaaaaaaaaaaaaaaaaaaaaa", done: false, createdAt: "x" };
  const news = { projectId: PID, name: "a", visibility: "Private", note: "", done: false };

  it("reports no change when inputs match the recorded outputs, ignoring server-computed fields left unset", () => {
    expect(diffInputs(schema, olds, news)).toEqual({ changes: false });
  });

  it("separates in-place updates from replacements", () => {
    expect(diffInputs(schema, olds, { ...news, note: "n", done: true })).toEqual({ changes: true });
    expect(diffInputs(schema, olds, { ...news, visibility: "Public", note: "n" })).toEqual({ changes: true, replaces: ["visibility"] });
  });

  it("treats an unknown value as a change of its field", () => {
    expect(diffInputs(schema, olds, { ...news, name: UNKNOWN })).toEqual({ changes: true, replaces: ["name"] });
  });

  it("asks for delete-before-replace only when the resource says the replacement would collide", () => {
    const sameName = (_r: string[], o: Record<string, unknown>, n: Record<string, unknown>) => o.name === n.name;
    expect(diffInputs(schema, olds, { ...news, visibility: "Public" }, sameName)).toEqual({ changes: true, replaces: ["visibility"], deleteBeforeReplace: true });
    expect(diffInputs(schema, olds, { ...news, name: "b" }, sameName)).toEqual({ changes: true, replaces: ["name"] });
  });

  it("compares Domino ids whatever their case, so state recorded with upper-case ids is not replaced", () => {
    expect(diffInputs(schema, { ...olds, projectId: PID.toUpperCase() }, news)).toEqual({ changes: false });
    expect(diffInputs(schema, olds, { ...news, projectId: "fedcba9876543210fedcba98" })).toEqual({ changes: true, replaces: ["projectId"] });
  });

  it("compares objects by content, not key order", () => {
    const o = { ...olds, ref: { value: "main", refType: "Branch" } };
    expect(diffInputs(schema, o, { ...news, ref: { refType: "Branch", value: "main" } })).toEqual({ changes: false });
  });
});

describe("ids, outputs and init errors", () => {
  it("joins and splits composite ids; the last part keeps its slashes", () => {
    expect(joinId("d1", "release/2024")).toBe("d1/release/2024");
    expect(splitId("SnapshotTag", "d1/release/2024", ["datasetId", "tagName"])).toEqual({ datasetId: "d1", tagName: "release/2024" });
    expect(() => splitId("Goal", "justone", ["projectId", "goalId"])).toThrow('Goal id "justone" is not of the form <projectId>/<goalId>');
  });

  it("drops undefined, turns Dates into ISO strings, and refuses class instances", () => {
    expect(toPlainJson({ a: undefined, b: [1, undefined, 2], c: new Date(0), d: { e: undefined } })).toEqual({ b: [1, 2], c: "1970-01-01T00:00:00.000Z", d: {} });
    class Thing {}
    expect(() => plainOutputs({ t: new Thing() })).toThrow("outputs.t is a Thing instance, not plain JSON");
    expect(() => toPlainJson({ f: () => 1 })).toThrow("outputs.f is a function");
  });

  it("reports as inputs what a program declares: no server-only outputs, no field Domino fills in when absent", () => {
    expect(declaredInputs(schema, { projectId: PID, name: "a", createdAt: "x", ownerId: PID, note: "n" })).toEqual({ projectId: PID, name: "a", note: "n" });
  });

  it("keeps the serialized provider in a partial create so the engine can record the object", () => {
    const err = partialCreate({ __provider: "shim" }, "id1", { a: 1, b: undefined }, "status could not be set");
    expect(err).toMatchObject({ id: "id1", properties: { a: 1, __provider: "shim" }, reasons: ["status could not be set"] });
    expect(withoutProvider({ __provider: "x", a: 1 })).toEqual({ a: 1 });
  });
});

describe("fields of later Domino versions", () => {
  const versioned: Schema = {
    name: { kind: "string", required: true, onChange: "replace" },
    restricted: { kind: "boolean", default: false, onChange: "update", since: "5.9.1" },
    tag: { kind: "string", onChange: "replace", since: "5.11.1" },
    grants: { kind: "objectArray", default: [], fields: {}, onChange: "replace", since: "5.9.1" },
  };

  it("are missing from the 5.3 surface only: 5.9+ cannot tell its versions apart and lets the server say", () => {
    expect(surfaceLacks("5.3", "5.9.1")).toBe(true);
    expect(surfaceLacks("5.3", "6.0.1")).toBe(true);
    expect(surfaceLacks("5.3", "5.3")).toBe(false);
    expect(surfaceLacks("5.9+", "6.0.1")).toBe(false);
  });

  it("fail with the field, the version that has it and the way out, unless they hold the default or are not known yet", () => {
    expect(unsupportedFields("Thing", versioned, { name: "a", restricted: true, tag: "t", grants: [{}] }, "5.3")).toEqual([
      { property: "restricted", reason: "Thing.restricted needs Domino 5.9.1 or later; this Domino API (5.3) does not have it. Remove restricted or set it to false." },
      { property: "tag", reason: "Thing.tag needs Domino 5.11.1 or later; this Domino API (5.3) does not have it. Remove tag." },
      { property: "grants", reason: "Thing.grants needs Domino 5.9.1 or later; this Domino API (5.3) does not have it. Remove grants or set it to []." },
    ]);
    expect(unsupportedFields("Thing", versioned, { name: "a", restricted: false, grants: [], tag: UNKNOWN }, "5.3")).toEqual([]);
    expect(unsupportedFields("Thing", versioned, { name: "a", restricted: true, tag: "t" }, "5.9+")).toEqual([]);
  });

  it("are no change in state written before they existed, when the program leaves them at the default", () => {
    expect(diffInputs(versioned, { name: "a" }, { name: "a", restricted: false, grants: [] })).toEqual({ changes: false });
    expect(diffInputs(versioned, { name: "a" }, { name: "a", restricted: true })).toEqual({ changes: true });
  });
});
