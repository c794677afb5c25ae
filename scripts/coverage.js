#!/usr/bin/env node
/**
 * Writes docs/coverage.md: every field that the contract's create and update requests of
 * the 12 kinds accept (the top-level properties of their request bodies), with the input
 * that carries it, what a change of it does, and the Domino versions that have it; for a
 * field no input carries, why. Generated from the contract (spec/domino-public-api.yaml)
 * and the package's declaration files (each kind's `XArgs` in provider/dist/resources/*.d.ts,
 * its schema in the built .js), so the table cannot drift from either.
 *
 * It fails (exit 1) when:
 * - a writable field is neither an input nor explained below, or is both;
 * - an explanation, a renamed input or a change note names a field or input that does not exist;
 * - an operation of the contract with a request body belongs to no kind;
 * - an input is neither a contract field, a path parameter of its kind's calls, nor explained;
 * - an input's declared `since` (the version `check` holds it to) is not the contract's.
 *
 *     npm run coverage            # write docs/coverage.md
 *     npm run coverage -- --check # also fail if docs/coverage.md is stale (CI)
 *
 * Needs the built package (`npm run build`).
 */
const fs = require("fs");
const path = require("path");
const ts = require("typescript");
const YAML = require("yaml");

const REPO = path.resolve(__dirname, "..");
const SPEC = path.join(REPO, "spec", "domino-public-api.yaml");
const DIST = path.join(REPO, "provider", "dist");
const OUT = path.join(REPO, "docs", "coverage.md");

/** Each kind, its module, and the contract operations that create or change it. */
const KINDS = [
  { kind: "Project", module: "project", operations: [["createProject", "createProjectV2"], ["updateProjectResultSettings"], ["updateProjectStatus"]] },
  { kind: "Collaborator", module: "collaborator", operations: [["addCollaboratorToProject"]] },
  { kind: "GitRepository", module: "git-repository", operations: [["addRepoToProject"]] },
  { kind: "Goal", module: "goal", operations: [["addGoalToProject"], ["updateProjectGoal"]] },
  { kind: "Environment", module: "environment", operations: [["createEnvironment"]] },
  { kind: "EnvironmentRevision", module: "environment-revision", operations: [["createEnvironmentRevision"], ["updateEnvironmentRevisionIsRestricted"]] },
  { kind: "Dataset", module: "dataset", operations: [["createDataset"], ["updateDataset"]] },
  { kind: "DatasetSnapshot", module: "dataset-snapshot", operations: [["createSnapshot"]] },
  { kind: "SnapshotTag", module: "snapshot-tag", operations: [["addDatasetTag"]] },
  { kind: "SharedDatasetLink", module: "shared-dataset-link", operations: [["linkProjectToDataset"]] },
  { kind: "Organization", module: "organization", operations: [["createOrg"]] },
  { kind: "OrganizationMember", module: "organization-member", operations: [["addUserToOrg"]] },
];

/** Contract fields carried by an input of another name: `Kind.field` -> input. */
const RENAMED = {
  "Project.branch": "resultsBranch",
  "Collaborator.id": "userId",
};

/** Contract fields no input carries, and why: `Kind.field` -> reason. */
const NOT_EXPOSED = {
  "Environment.duplicateFromEnvironmentId":
    "a copy of another environment excludes every other field, so it cannot be declared with a definition: declare the copy's definition instead",
  "Environment.isRestricted":
    "restricts the first revision; declare an EnvironmentRevision with `isRestricted` (the revision restriction changes in place, this flag only at creation)",
  "Environment.isCurated": "curation is an administrator's catalogue decision about an environment, not part of its definition",
  "Environment.rebuildOnBaseChanges":
    "Domino 6.1 or later only, and this API surface cannot tell 6.1 from 5.9.1, so check could not hold it to its version",
  "Dataset.snapshotId":
    "makes the dataset a copy of a snapshot: a one-off data operation, not a declaration (Domino then ignores the grants, and the copy's content is not an input)",
  "Organization.members": "managed by OrganizationMember (one resource per member, each changed or removed on its own)",
};

/** Inputs that are no field of the contract's bodies and no path parameter, and why: `Kind.input` (or `*.input`) -> reason. */
const NOT_DOMINO_FIELDS = {
  "*.adoptId": "not a Domino field: the id of an existing object that create takes over instead of making one",
  "EnvironmentRevision.waitForBuild": "not a Domino field: whether create waits for Domino's image build",
  "EnvironmentRevision.buildTimeoutMinutes": "not a Domino field: how long create waits for the build",
  "DatasetSnapshot.snapshotTimeoutMinutes": "not a Domino field: how long create waits for the snapshot to settle",
};

/** What a change does, where the schema's `onChange` alone does not say it: `Kind.input` (or `*.input`) -> text. */
const CHANGE_NOTES = {
  "Project.mainRepository": "replace (each field given is compared; absent fields are Domino's choice)",
  "Organization.name": "refused by the diff (Domino can neither rename nor delete an organization)",
  "*.adoptId": "nothing (ignored once the resource exists)",
};

/** What a change of an input the schema ignores means, by kind, where there is more to say. */
const IGNORED_BY_KIND = {
  Environment: "nothing in Domino: the first revision's definition (a new definition is an EnvironmentRevision)",
};

const CHANGE = { update: "in place", replace: "replace", ignore: "nothing in Domino" };

/** The Change column for an input. */
function changeOf(kind, input, rule) {
  const key = `${kind}.${input}`;
  if (CHANGE_NOTES[key]) return CHANGE_NOTES[key];
  if (CHANGE_NOTES[`*.${input}`]) return CHANGE_NOTES[`*.${input}`];
  if (rule?.onChange === "ignore" && IGNORED_BY_KIND[kind]) return IGNORED_BY_KIND[kind];
  return CHANGE[rule?.onChange] ?? "";
}

// ------------------------------------------------------------------ the contract

const document = YAML.parse(fs.readFileSync(SPEC, "utf8"));

function resolve(node, seen = []) {
  if (!node || typeof node !== "object") return node;
  if (typeof node.$ref === "string") {
    if (seen.includes(node.$ref)) throw new Error(`recursive $ref ${node.$ref}`);
    const target = node.$ref.replace(/^#\//, "").split("/").reduce((n, key) => n?.[key], document);
    if (!target) throw new Error(`unresolvable $ref ${node.$ref}`);
    return resolve(target, [...seen, node.$ref]);
  }
  return node;
}

/** Top-level properties of a body schema (allOf merged): name -> the property's schema, resolved. */
function bodyProperties(schema) {
  const s = resolve(schema);
  const out = {};
  for (const part of s.allOf ?? []) Object.assign(out, bodyProperties(part));
  for (const [name, prop] of Object.entries(s.properties ?? {})) {
    const resolved = resolve(prop);
    // `x-domino-since` may sit on the property or on the schema it refers to.
    out[name] = { ...resolved, "x-domino-since": prop["x-domino-since"] ?? resolved["x-domino-since"] };
  }
  return out;
}

function compareVersions(a, b) {
  const x = a.split(".").map(Number);
  const y = b.split(".").map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
const maxVersion = (a, b) => (compareVersions(a, b) >= 0 ? a : b);
const minVersion = (a, b) => (compareVersions(a, b) <= 0 ? a : b);

/** The first version an operation's x-domino-versions names ("5.2, 5.3, 5.9.1-6.3 (absent in 5.3)" -> "5.2"). */
function firstVersion(text) {
  const versions = String(text)
    .replace(/\([^)]*\)/g, "")
    .split(",")
    .map((t) => t.trim().split("-")[0].trim())
    .filter((t) => /^\d+(\.\d+)*$/.test(t));
  if (versions.length === 0) throw new Error(`no version in "${text}"`);
  return versions.reduce(minVersion);
}

/** The oldest version this package supports: anything at or before it is "every version". */
const OLDEST = "5.3";

const operations = {};
for (const [route, item] of Object.entries(document.paths)) {
  for (const method of ["get", "post", "put", "patch", "delete"]) {
    const op = item[method];
    if (!op) continue;
    const body = op.requestBody?.content?.["application/json"]?.schema;
    operations[op.operationId] = {
      id: op.operationId,
      method: method.toUpperCase(),
      route,
      since: firstVersion(op["x-domino-versions"]),
      body: body ? bodyProperties(body) : undefined,
      pathParams: [...route.matchAll(/\{(\w+)\}/g)].map((m) => m[1]),
    };
  }
}

// ------------------------------------------------------------------ the package

const program = ts.createProgram([path.join(DIST, "index.d.ts")], { strict: true, skipLibCheck: true });
const checker = program.getTypeChecker();

/** The constructor arguments of a kind (`XArgs`), as its declaration file has them. */
function argsOf(kind, module) {
  const file = path.join(DIST, "resources", `${module}.d.ts`);
  const sf = program.getSourceFile(file);
  if (!sf) throw new Error(`${file} is missing: build the package first (npm run build)`);
  const symbol = checker.getExportsOfModule(checker.getSymbolAtLocation(sf)).find((s) => s.name === `${kind}Args`);
  if (!symbol) throw new Error(`${file} exports no ${kind}Args`);
  const type = checker.getDeclaredTypeOfSymbol(symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol);
  return checker.getPropertiesOfType(type).map((p) => p.name);
}

function schemaOf(module) {
  const built = require(path.join(DIST, "resources", module));
  const name = Object.keys(built).find((k) => k.endsWith("Schema") && typeof built[k] === "object");
  if (!name) throw new Error(`dist/resources/${module} exports no schema`);
  return built[name];
}

// ------------------------------------------------------------------ the table

const problems = [];
const rows = [];
const otherInputs = [];
const used = { renamed: new Set(), notExposed: new Set(), notDomino: new Set() };
const assigned = new Set();

const versionText = (since) => (compareVersions(since, OLDEST) <= 0 ? "every version" : `${since} or later`);

for (const { kind, module, operations: groups } of KINDS) {
  const inputs = argsOf(kind, module);
  const schema = schemaOf(module);
  const carried = new Set();
  const pathParams = new Set();

  for (const group of groups) {
    const ops = group.map((id) => {
      const op = operations[id];
      if (!op) throw new Error(`${kind}: the contract has no operation ${id}`);
      assigned.add(id);
      for (const p of op.pathParams) pathParams.add(p);
      return op;
    });
    const fields = {};
    for (const op of ops) {
      if (!op.body) problems.push(`${kind}: ${op.id} has no request body`);
      for (const [name, prop] of Object.entries(op.body ?? {})) {
        const since = maxVersion(op.since, prop["x-domino-since"] ?? op.since);
        fields[name] = fields[name] ? minVersion(fields[name], since) : since;
      }
    }
    for (const [field, since] of Object.entries(fields)) {
      const key = `${kind}.${field}`;
      const input = RENAMED[key] ?? field;
      if (RENAMED[key]) used.renamed.add(key);
      const isInput = inputs.includes(input);
      const reason = NOT_EXPOSED[key];
      if (reason) used.notExposed.add(key);
      if (RENAMED[key] && !isInput) problems.push(`${key} is said to be carried by input ${input}, which ${kind} does not have`);
      if (isInput && reason) problems.push(`${key} is an input and is also explained as not exposed: drop the explanation`);
      if (!isInput && !reason && !RENAMED[key]) problems.push(`${key} (${ops.map((o) => o.id).join(", ")}) is neither an input of ${kind} nor explained in scripts/coverage.js`);
      let change = "";
      if (isInput) {
        carried.add(input);
        const rule = schema[input];
        change = changeOf(kind, input, rule);
        if (!rule) problems.push(`${kind}.${input} has no rule in the built schema`);
        const expected = compareVersions(since, OLDEST) > 0 ? since : undefined;
        if (rule?.since !== undefined && rule.since !== expected) {
          problems.push(`${kind}.${input} is held to Domino ${rule.since} at check, but the contract has ${field} from ${since}`);
        }
      }
      rows.push({
        kind,
        operations: ops.map((o) => `\`${o.method} ${o.route}\``).join("<br>"),
        field,
        input: isInput ? `\`${input}\`` : "",
        change,
        versions: versionText(since),
        note: reason ?? "",
      });
    }
  }

  for (const input of inputs) {
    if (carried.has(input)) continue;
    const key = `${kind}.${input}`;
    const generic = `*.${input}`;
    let why;
    if (NOT_DOMINO_FIELDS[key]) {
      used.notDomino.add(key);
      why = NOT_DOMINO_FIELDS[key];
    } else if (NOT_DOMINO_FIELDS[generic]) {
      used.notDomino.add(generic);
      why = NOT_DOMINO_FIELDS[generic];
    } else if (pathParams.has(input)) {
      why = "path parameter of the calls (the parent the object belongs to)";
    }
    if (!why) problems.push(`${key} is an input but no field of ${kind}'s request bodies, no path parameter, and not explained in scripts/coverage.js`);
    otherInputs.push({ kind, input, change: changeOf(kind, input, schema[input]), why: why ?? "" });
  }
}

for (const [id, op] of Object.entries(operations)) {
  if (op.body && !assigned.has(id)) problems.push(`the contract's ${op.method} ${op.route} (${id}) takes a body but belongs to no kind in scripts/coverage.js`);
}
for (const key of Object.keys(RENAMED)) if (!used.renamed.has(key)) problems.push(`RENAMED names ${key}, which no request body of the kind has`);
for (const key of Object.keys(NOT_EXPOSED)) if (!used.notExposed.has(key)) problems.push(`NOT_EXPOSED explains ${key}, which no request body of the kind has`);
for (const key of Object.keys(NOT_DOMINO_FIELDS)) if (!key.startsWith("*.") && !used.notDomino.has(key)) problems.push(`NOT_DOMINO_FIELDS explains ${key}, which is no such input`);
const allInputs = new Set(KINDS.flatMap(({ kind, module }) => argsOf(kind, module).map((input) => `${kind}.${input}`)));
for (const key of Object.keys(CHANGE_NOTES)) {
  const named = key.startsWith("*.") ? [...allInputs].some((k) => k.endsWith(key.slice(1))) : allInputs.has(key);
  if (!named) problems.push(`CHANGE_NOTES names ${key}, which is no input`);
}

// ------------------------------------------------------------------ the page

const cell = (text) => String(text ?? "").replace(/\|/g, "\\|").replace(/\n/g, " ");
const inputsCount = rows.filter((r) => r.input).length;
const explained = rows.filter((r) => !r.input && r.note).length;

const out = [];
out.push(
  "# Coverage of the contract",
  "",
  "<!-- Generated by `npm run coverage` from spec/domino-public-api.yaml and the package's declaration files: edit those (or the explanations in scripts/coverage.js), not this page. -->",
  "",
  "Every field that the contract's create and update requests of the 12 kinds accept (the top-level",
  "properties of their request bodies), with the input that carries it. `npm test` fails when a field is",
  "neither an input nor explained here.",
  "",
  `${rows.length} writable fields: ${inputsCount} carried by an input, ${explained} explained.`,
  "",
  "- **Change**: what changing the input does to the object (from the resource's schema).",
  "- **Versions**: the Domino versions whose API has the field (the contract's `x-domino-versions` and",
  "  `x-domino-since`). On Domino 5.3, `check` refuses an input whose field 5.3 lacks, naming the version",
  "  that has it, unless it holds its default. From 5.9.1 on, the API does not say which version it is: a",
  "  field of a later version (`billingTag`, `repoToCreate`) is sent, and an older server refuses or ignores it.",
  "",
  "| Kind | Request | Field | Input | Change | Versions | Why not an input |",
  "| --- | --- | --- | --- | --- | --- | --- |",
);
for (const r of rows) {
  out.push(`| ${r.kind} | ${r.operations} | \`${r.field}\` | ${r.input} | ${cell(r.change)} | ${r.versions} | ${cell(r.note)} |`);
}
out.push(
  "",
  "## Inputs that are no field of a request body",
  "",
  "| Kind | Input | Change | What it is |",
  "| --- | --- | --- | --- |",
);
for (const o of otherInputs) out.push(`| ${o.kind} | \`${o.input}\` | ${cell(o.change)} | ${cell(o.why)} |`);
out.push("");
const page = out.join("\n");

const check = process.argv.includes("--check");
if (check) {
  const current = fs.existsSync(OUT) ? fs.readFileSync(OUT, "utf8") : undefined;
  if (current !== page) problems.push("docs/coverage.md is stale: run `npm run coverage` and commit the result");
} else {
  fs.writeFileSync(OUT, page);
}
if (problems.length > 0) {
  console.error(`coverage of the contract: ${problems.length} problem${problems.length === 1 ? "" : "s"}`);
  for (const p of problems) console.error(`- ${p}`);
  process.exit(1);
}
console.log(`${check ? "docs/coverage.md is up to date" : "wrote docs/coverage.md"}: ${rows.length} writable fields, ${inputsCount} inputs, ${explained} explained`);
