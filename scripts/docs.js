#!/usr/bin/env node
/**
 * Writes docs/reference/: a page per resource and per lookup, generated from the package's
 * own declarations, so the reference cannot drift from the code:
 * - the module's doc comment (what the resource is, what is special);
 * - inputs and outputs with their TSDoc, from the `XInputs` / `XComputed` interfaces
 *   (inherited fields included), read with the TypeScript compiler;
 * - for each input, what a change does (in place, replace, nothing), its default and its
 *   rules, from the resource's schema as the built package holds it;
 * - the id format for `get`, from the resource's `compositeId` declaration;
 * - `adoptId`, the input every kind takes (`AdoptionInputs` in kit/resource.ts), and what
 *   an adoption compares, from the provider's adoption key and the schema;
 * - the Domino API calls it makes, from the client functions its file calls.
 *
 *     npm run docs            # write the pages
 *     npm run docs -- --check # fail if a page is stale (CI)
 */
const fs = require("fs");
const path = require("path");
const ts = require("typescript");

const REPO = path.resolve(__dirname, "..");
const PROVIDER = path.join(REPO, "provider");
const OUT = path.join(REPO, "docs/reference");

const RESOURCES = [
  ["Project", "project"],
  ["Collaborator", "collaborator"],
  ["GitRepository", "git-repository"],
  ["Goal", "goal"],
  ["Environment", "environment"],
  ["EnvironmentRevision", "environment-revision"],
  ["Dataset", "dataset"],
  ["DatasetSnapshot", "dataset-snapshot"],
  ["SnapshotTag", "snapshot-tag"],
  ["SharedDatasetLink", "shared-dataset-link"],
  ["Organization", "organization"],
  ["OrganizationMember", "organization-member"],
];
const LOOKUPS = [
  ["getUser", "get-user", "GetUser"],
  ["getEnvironment", "get-environment", "GetEnvironment"],
  ["getOrganization", "get-organization", "GetOrganization"],
  ["getProject", "get-project", "GetProject"],
];

const program = ts.createProgram([path.join(PROVIDER, "index.ts")], {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.CommonJS,
  strict: true,
  skipLibCheck: true,
});
const checker = program.getTypeChecker();

function sourceOf(file) {
  const sf = program.getSourceFile(file);
  if (!sf) throw new Error(`not in the program: ${file}`);
  return sf;
}

/** The file's first doc comment, as plain text. */
function moduleDoc(sf) {
  const match = sf.getFullText().match(/^\s*\/\*\*([\s\S]*?)\*\//);
  if (!match) return "";
  return match[1]
    .split("\n")
    .map((l) => l.replace(/^\s*\* ?/, ""))
    .join("\n")
    .trim();
}

function exportedSymbol(sf, name) {
  const moduleSymbol = checker.getSymbolAtLocation(sf);
  return checker.getExportsOfModule(moduleSymbol).find((s) => s.name === name);
}

/** Properties of an exported interface or type alias, with docs and type text. */
function propertiesOf(sf, typeName) {
  const symbol = exportedSymbol(sf, typeName);
  if (!symbol) return [];
  const type = checker.getDeclaredTypeOfSymbol(symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol);
  return checker.getPropertiesOfType(type).map((p) => {
    const decl = p.valueDeclaration ?? p.declarations?.[0];
    const propType = checker.getTypeOfSymbolAtLocation(p, decl ?? sf);
    return {
      name: p.name,
      optional: (p.flags & ts.SymbolFlags.Optional) !== 0,
      type: checker.typeToString(checker.getNonNullableType(propType), undefined, ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope),
      doc: ts.displayPartsToString(p.getDocumentationComment(checker)).replace(/\s+/g, " ").trim(),
    };
  });
}

/** Path helpers and constants of a client module: `const x = (a) => \`...\`` / `const X = "..."`. */
function clientPaths(text) {
  const helpers = {};
  for (const m of text.matchAll(/const (\w+) = \(([^)]*)\) => `([^`]*)`;/g)) helpers[m[1]] = { params: m[2].split(",").map((p) => p.trim().split(":")[0]), template: m[3] };
  for (const m of text.matchAll(/const (\w+) = "([^"]*)";/g)) helpers[m[1]] = { params: [], template: m[2] };
  const expand = (expr) => {
    let out = expr.trim();
    const call = out.match(/^(\w+)\(([^)]*)\)$/);
    if (call && helpers[call[1]]) out = "`" + helpers[call[1]].template + "`";
    else if (helpers[out]) out = "`" + helpers[out].template + "`";
    if (out.startsWith("`")) {
      out = out.slice(1, -1);
      for (let i = 0; i < 3; i++) {
        out = out.replace(/\$\{(\w+)\(([^)]*)\)\}/g, (whole, fn, arg) => (fn === "seg" ? `{${arg.trim()}}` : helpers[fn] ? helpers[fn].template : whole));
        out = out.replace(/\$\{(\w+)\}/g, (whole, name) => (helpers[name] ? helpers[name].template : `{${name}}`));
      }
      return out;
    }
    return out.replace(/^"|"$/g, "");
  };
  return expand;
}

/** METHOD path of each client function, by area. */
function clientCalls() {
  const calls = {};
  for (const area of ["projects", "datasets", "environments", "organizations", "users"]) {
    const text = fs.readFileSync(path.join(PROVIDER, "client", `${area}.ts`), "utf8");
    const expand = clientPaths(text);
    const fns = [...text.matchAll(/export async function (\w+)\(/g)];
    fns.forEach((m, i) => {
      const body = text.slice(m.index, fns[i + 1]?.index ?? text.length);
      // Paged lists go through listPage, which always GETs.
      const method = body.match(/method: "(\w+)"/)?.[1] ?? (/listPage[<(]/.test(body) ? "GET" : undefined);
      let pathExpr = body.match(/path: (`[^`]*`|[^,}\n]+)/)?.[1]?.trim();
      if (pathExpr === "path") pathExpr = body.match(/const path = ([^;]+);/)?.[1];
      if (!pathExpr && /path,/.test(body)) pathExpr = body.match(/const path = ([^;]+);/)?.[1];
      if (method && pathExpr) calls[`${area}.${m[1]}`] = `${method} ${expand(pathExpr)}`;
    });
  }
  return calls;
}

/** Client calls a file makes (directly, or through the kit helpers it names). */
function callsOf(file, calls) {
  const text = fs.readFileSync(file, "utf8");
  const used = new Set();
  for (const m of text.matchAll(/client\.(\w+)\.(\w+)\b/g)) if (calls[`${m[1]}.${m[2]}`]) used.add(calls[`${m[1]}.${m[2]}`]);
  // Kit helpers the resource uses, e.g. findProject, listProjectDatasets.
  const kitImports = [...text.matchAll(/import \{([^}]*)\} from "\.\.\/kit\/(\w+)"/g)];
  for (const [, names, kitFile] of kitImports) {
    const kitText = fs.readFileSync(path.join(PROVIDER, "kit", `${kitFile}.ts`), "utf8");
    for (const name of names.split(",").map((n) => n.trim()).filter(Boolean)) {
      const start = kitText.search(new RegExp(`export (async )?function ${name}\\b`));
      if (start < 0) continue;
      const next = kitText.slice(start + 1).search(/\nexport /);
      const body = kitText.slice(start, next < 0 ? undefined : start + 1 + next);
      for (const m of body.matchAll(/client\.(\w+)\.(\w+)\b/g)) if (calls[`${m[1]}.${m[2]}`]) used.add(calls[`${m[1]}.${m[2]}`]);
    }
  }
  return [...used].sort((a, b) => a.split(" ")[1].localeCompare(b.split(" ")[1]) || a.localeCompare(b));
}

function describeRule(rule) {
  const parts = [];
  if (rule.oneOf) parts.push(`one of ${rule.oneOf.map((v) => `\`${v}\``).join(", ")} (any letter case)`);
  if (rule.dominoId) parts.push("a Domino id (24 hexadecimal characters)");
  if (rule.nonEmpty) parts.push("not empty");
  if (rule.pattern) parts.push(rule.pattern.rule);
  if (rule.min !== undefined) parts.push(`at least ${rule.min}`);
  if (rule.max !== undefined) parts.push(rule.kind === "string" ? `at most ${rule.max} characters` : `at most ${rule.max}`);
  if (rule.since) parts.push(`Domino ${rule.since} or later`);
  return parts.join("; ");
}

const CHANGE = { update: "in place", replace: "replaces", ignore: "nothing in Domino" };
const cell = (text) => String(text ?? "").replace(/\|/g, "\\|").replace(/\n/g, " ");

function example(className, inputs, schema) {
  const sample = (p) => {
    const rule = schema[p.name] ?? {};
    if (rule.oneOf) return JSON.stringify(rule.oneOf[0]);
    if (rule.dominoId || /Id$/.test(p.name)) return `${p.name.replace(/Id$/, "")}.id`;
    if (rule.kind === "stringArray") return `["data/train.csv"]`;
    if (rule.kind === "boolean") return "true";
    if (rule.kind === "integer" || rule.kind === "number") return "30";
    if (rule.kind === "object" || rule.kind === "objectArray") return undefined;
    return JSON.stringify(p.name === "uri" ? "https://github.com/acme/etl.git" : p.name === "image" ? "quay.io/domino/standard-environment:ubuntu22-py3.10" : `my-${p.name}`);
  };
  const required = inputs.filter((p) => !p.optional).map((p) => [p.name, sample(p)]).filter(([, v]) => v !== undefined);
  const lines = required.map(([k, v]) => `  ${k}: ${v},`).join("\n");
  return `\`\`\`ts\nimport * as domino from "pulumi-domino";\n\nconst ${className[0].toLowerCase() + className.slice(1)} = new domino.${className}("example", {\n${lines}\n});\n\`\`\``;
}

function resourcePage(className, module, calls) {
  const file = path.join(PROVIDER, "resources", `${module}.ts`);
  const sf = sourceOf(file);
  const text = fs.readFileSync(file, "utf8");
  const built = require(path.join(PROVIDER, "dist", "resources", module));
  const schemaName = Object.keys(built).find((k) => k.endsWith("Schema") && typeof built[k] === "object");
  const schema = built[schemaName] ?? {};
  const inputs = propertiesOf(sf, `${className}Inputs`);
  const adoptionKey = built.provider.adoptionKey;
  const computed = propertiesOf(sf, `${className}Computed`);
  const idParts = text.match(/compositeId\("\w+", ([^)]*)\)/)?.[1].split(",").map((p) => `<${p.trim().replace(/"/g, "")}>`);
  const id = idParts ? idParts.join("/") : `<${className[0].toLowerCase() + className.slice(1)}Id>`;

  const out = [];
  out.push(`# ${className}`, "", "<!-- Generated by `npm run docs` from the package's declarations: edit the sources, not this page. -->", "");
  out.push(moduleDoc(sf), "");
  out.push("## Example", "", example(className, inputs, schema), "");
  out.push("## Inputs", "", "| Input | Type | Required | On change | Default | Rules | Description |", "| --- | --- | --- | --- | --- | --- | --- |");
  for (const p of inputs) {
    const rule = schema[p.name] ?? {};
    out.push(
      `| \`${p.name}\` | \`${cell(p.type)}\` | ${p.optional ? "no" : "yes"} | ${CHANGE[rule.onChange] ?? ""}${rule.computedWhenAbsent ? " (Domino's choice when absent)" : ""} | ${rule.default !== undefined ? `\`${cell(JSON.stringify(rule.default))}\`` : ""} | ${cell(describeRule(rule))} | ${cell(p.doc)} |`,
    );
  }
  for (const p of adoptionInputs) {
    out.push(`| \`${p.name}\` | \`${cell(p.type)}\` | no | ${CHANGE[adoptIdRule.onChange]} |  |  | ${cell(p.doc)} |`);
  }
  out.push("", "## Outputs", "", "Every input but `adoptId`, as recorded, and:", "");
  if (computed.length === 0) out.push("(nothing else)");
  else {
    out.push("| Output | Type | Description |", "| --- | --- | --- |");
    for (const p of computed) out.push(`| \`${p.name}\` | \`${cell(p.type)}\` | ${cell(p.doc)} |`);
  }
  const replaces = inputs.filter((p) => schema[p.name]?.onChange === "replace").map((p) => `\`${p.name}\``);
  const inPlace = inputs.filter((p) => schema[p.name]?.onChange === "update").map((p) => `\`${p.name}\``);
  out.push("", "## Changes", "");
  out.push(`- In place: ${inPlace.length ? inPlace.join(", ") : "nothing"}.`);
  out.push(`- Replace (a new object is made and the old one removed): ${replaces.length ? replaces.join(", ") : "nothing"}.`);
  const apiCalls = callsOf(file, calls);
  const deletes = apiCalls.filter((c) => c.startsWith("DELETE "));
  out.push("", "## Delete", "");
  out.push(
    deletes.length
      ? `\`pulumi destroy\` (or a replacement) calls ${deletes.map((c) => `\`${c}\``).join(", ")}; an object already gone (404) counts as deleted, any other failure fails the operation.`
      : "Domino's API cannot delete it: `pulumi destroy` (or a replacement) removes it from the stack only, and a warning says that it stays in Domino.",
  );
  out.push("", "## Id for `get`", "", `\`domino.${className}.get("name", "${id}")\` reads an existing object; a \`get\` of an id that Domino does not know fails.`);
  const names = (fields) => fields.map((f) => `\`${f}\``).join(", ");
  const keyed = new Set(adoptionKey);
  const adoptInPlace = inputs.filter((p) => schema[p.name]?.onChange === "update" && !keyed.has(p.name)).map((p) => p.name);
  const adoptReplace = inputs.filter((p) => schema[p.name]?.onChange === "replace" && !keyed.has(p.name)).map((p) => p.name);
  out.push("", "## Adoption", "");
  out.push(
    `\`adoptId: "${id}"\` makes the create take over that existing object instead of making one ([Adopting an existing Domino](../adoption.md)). ` +
      `It must have the declared ${names(adoptionKey)}, or it is another object and is refused. ` +
      (adoptInPlace.length ? `A different ${names(adoptInPlace)} is brought to the declared value in place. ` : "Nothing else changes in place. ") +
      (adoptReplace.length
        ? `A different ${names(adoptReplace)} is refused (only a replacement could change it), except where Domino never shows the field: it is then taken as declared.`
        : "Nothing else could need a replacement."),
  );
  out.push("", "## Domino API calls", "", "Each create first lists what exists (for certain create recovery), then sends the create.", "");
  for (const c of apiCalls) out.push(`- \`${c}\``);
  out.push("");
  return out.join("\n");
}

function lookupPage(fn, module, prefix) {
  const file = path.join(PROVIDER, "lookups", `${module}.ts`);
  const sf = sourceOf(file);
  const args = propertiesOf(sf, `${prefix}Args`);
  const result = propertiesOf(sf, `${prefix}Result`);
  const out = [];
  out.push(`# ${fn}`, "", "<!-- Generated by `npm run docs` from the package's declarations: edit the sources, not this page. -->", "");
  out.push(moduleDoc(sf), "");
  out.push("## Example", "", "```ts", 'import * as domino from "pulumi-domino";', "", `const found = domino.${fn}Output({ ${args.filter((a) => !a.optional).map((a) => `${a.name}: "..."`).join(", ")} });`, "```", "");
  out.push("## Arguments", "", "| Argument | Type | Required | Description |", "| --- | --- | --- | --- |");
  for (const a of args) out.push(`| \`${a.name}\` | \`${cell(a.type)}\` | ${a.optional ? "no" : "yes"} | ${cell(a.doc)} |`);
  out.push("", "## Result", "", "| Field | Type | Description |", "| --- | --- | --- |");
  for (const r of result) out.push(`| \`${r.name}\` | \`${cell(r.type)}\` | ${cell(r.doc)} |`);
  out.push("", "## Domino API calls", "");
  for (const c of callsOf(file, clientCallTable)) out.push(`- \`${c}\``);
  out.push("");
  return out.join("\n");
}

const clientCallTable = clientCalls();
const adoptionInputs = propertiesOf(sourceOf(path.join(PROVIDER, "kit", "resource.ts")), "AdoptionInputs");
const adoptIdRule = require(path.join(PROVIDER, "dist", "kit", "adoption")).ADOPT_ID_RULE;
const pages = {};
for (const [cls, module] of RESOURCES) pages[`${module}.md`] = resourcePage(cls, module, clientCallTable);
for (const [fn, module, prefix] of LOOKUPS) pages[`${module}.md`] = lookupPage(fn, module, prefix);
pages["README.md"] = [
  "# Reference",
  "",
  "<!-- Generated by `npm run docs`. -->",
  "",
  "## Resources",
  "",
  ...RESOURCES.map(([cls, module]) => `- [${cls}](${module}.md)`),
  "",
  "## Lookups",
  "",
  ...LOOKUPS.map(([fn, module]) => `- [${fn}](${module}.md)`),
  "",
].join("\n");

const check = process.argv.includes("--check");
const stale = [];
if (!check) fs.mkdirSync(OUT, { recursive: true });
for (const [name, text] of Object.entries(pages)) {
  const target = path.join(OUT, name);
  const current = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : undefined;
  if (current === text) continue;
  if (check) stale.push(name);
  else fs.writeFileSync(target, text);
}
if (check) {
  if (stale.length) {
    console.error(`docs/reference is stale (${stale.join(", ")}): run \`npm run docs\` and commit the result`);
    process.exit(1);
  }
  console.log(`docs/reference is up to date (${Object.keys(pages).length} pages)`);
} else {
  console.log(`wrote ${Object.keys(pages).length} pages to docs/reference`);
}
