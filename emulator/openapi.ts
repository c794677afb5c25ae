/**
 * Reads the project's copy of the Domino contract (spec/domino-public-api.yaml) and turns
 * every operation into what fastify needs to route and validate it: URL, params,
 * querystring and body schemas, plus the success-response schema (kept for version
 * pruning, never used for serialization).
 *
 * This does what fastify-openapi-glue's parser does. The glue itself is ESM-only, and the
 * project's jest setup (ts-jest, CommonJS) cannot load ESM packages; every test starts the
 * emulator in-process, so the emulator must load under jest.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse as parseYaml } from "yaml";

/** A JSON Schema object from the contract, with every local $ref replaced by its target. */
export type JsonSchema = { readonly [keyword: string]: unknown };

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface RouteSchemas {
  params?: JsonSchema;
  querystring?: JsonSchema;
  body?: JsonSchema;
}

export interface ContractOperation {
  operationId: string;
  method: HttpMethod;
  /** Path as written in the contract, e.g. /api/projects/v1/projects/{projectId}. */
  openapiPath: string;
  /** The same path in fastify's syntax, e.g. /api/projects/v1/projects/:projectId. */
  url: string;
  /** The operation's x-domino-versions text. */
  dominoVersions: string;
  inferred: boolean;
  schemas: RouteSchemas;
  /** Schema of the 200 answer, if documented. */
  successSchema?: JsonSchema;
}

export interface Contract {
  file: string;
  operations: ContractOperation[];
  /** Every x-* key used inside schemas; the validator must accept them as annotations. */
  schemaExtensionKeywords: string[];
}

export const CONTRACT_RELATIVE_PATH = path.join("spec", "domino-public-api.yaml");

const HTTP_METHODS: readonly HttpMethod[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/** Finds spec/domino-public-api.yaml above this module (works from emulator/ and emulator/dist/). */
export function locateContract(startDir: string = __dirname): string {
  let dir = startDir;
  for (;;) {
    const candidate = path.join(dir, CONTRACT_RELATIVE_PATH);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`Cannot find ${CONTRACT_RELATIVE_PATH} above ${startDir}`);
    dir = parent;
  }
}

type JsonObject = { [key: string]: unknown };

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function resolvePointer(document: JsonObject, ref: string): unknown {
  if (!ref.startsWith("#/")) throw new Error(`Only local $refs are supported, got ${ref}`);
  let node: unknown = document;
  for (const raw of ref.slice(2).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (!isObject(node) || !(key in node)) throw new Error(`Unresolvable $ref ${ref}`);
    node = node[key];
  }
  return node;
}

/** Deep copy with every $ref inlined. The contract has no recursive schemas; a cycle is an error. */
function dereference(document: JsonObject, node: unknown, seen: readonly string[] = []): unknown {
  if (Array.isArray(node)) return node.map((item) => dereference(document, item, seen));
  if (!isObject(node)) return node;
  if (typeof node.$ref === "string") {
    const ref = node.$ref;
    if (seen.includes(ref)) throw new Error(`Recursive $ref ${ref} is not supported`);
    return dereference(document, resolvePointer(document, ref), [...seen, ref]);
  }
  const copy: JsonObject = {};
  for (const [key, value] of Object.entries(node)) copy[key] = dereference(document, value, seen);
  return copy;
}

interface ParameterObject {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: JsonObject;
}

function parameterSchema(parameters: ParameterObject[]): JsonSchema | undefined {
  if (parameters.length === 0) return undefined;
  const properties: JsonObject = {};
  const required: string[] = [];
  for (const p of parameters) {
    properties[p.name] = { ...(p.schema ?? {}), ...(p.description ? { description: p.description } : {}) };
    if (p.required) required.push(p.name);
  }
  return { type: "object", properties, ...(required.length > 0 ? { required } : {}) };
}

function collectExtensionKeywords(node: unknown, into: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) collectExtensionKeywords(item, into);
    return;
  }
  if (!isObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith("x-")) into.add(key);
    collectExtensionKeywords(value, into);
  }
}

/**
 * Parsing the YAML takes the better part of a second, paid by every process that starts an
 * emulator (each jest worker, each CLI start). The parsed document is cached as JSON under
 * the OS temp directory, keyed by the YAML's hash, so a changed contract is never stale.
 */
function parseContractText(text: string): unknown {
  const hash = createHash("sha256").update(text).digest("hex").slice(0, 24);
  const cacheDir = path.join(tmpdir(), `domino-emulator-cache-${process.getuid?.() ?? "user"}`);
  const cacheFile = path.join(cacheDir, `contract-${hash}.json`);
  try {
    return JSON.parse(readFileSync(cacheFile, "utf8")) as unknown;
  } catch {
    // Missing or unreadable: parse and (best effort) refresh it.
  }
  const document = parseYaml(text) as unknown;
  try {
    mkdirSync(cacheDir, { recursive: true });
    const temp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(document));
    renameSync(temp, cacheFile);
  } catch {
    // A read-only temp directory only costs speed.
  }
  return document;
}

export function loadContract(file: string = locateContract()): Contract {
  const document = parseContractText(readFileSync(file, "utf8"));
  if (!isObject(document) || !isObject(document.paths)) throw new Error(`${file} is not an OpenAPI document`);
  const operations: ContractOperation[] = [];
  const keywords = new Set<string>();

  for (const [openapiPath, pathItemRaw] of Object.entries(document.paths)) {
    const pathItem = dereference(document, pathItemRaw) as JsonObject;
    const shared = (pathItem.parameters as ParameterObject[] | undefined) ?? [];
    for (const method of HTTP_METHODS) {
      const op = pathItem[method.toLowerCase()];
      if (!isObject(op)) continue;
      if (typeof op.operationId !== "string") throw new Error(`${method} ${openapiPath} has no operationId`);
      const parameters = [...shared, ...((op.parameters as ParameterObject[] | undefined) ?? [])];
      const schemas: RouteSchemas = {};
      const params = parameterSchema(parameters.filter((p) => p.in === "path"));
      const querystring = parameterSchema(parameters.filter((p) => p.in === "query"));
      if (params) schemas.params = params;
      if (querystring) schemas.querystring = querystring;
      const requestBody = op.requestBody as JsonObject | undefined;
      const bodySchema = (requestBody?.content as JsonObject | undefined)?.["application/json"] as JsonObject | undefined;
      if (bodySchema?.schema) schemas.body = bodySchema.schema as JsonSchema;
      const ok = (op.responses as JsonObject | undefined)?.["200"] as JsonObject | undefined;
      const okJson = (ok?.content as JsonObject | undefined)?.["application/json"] as JsonObject | undefined;
      for (const schema of Object.values(schemas)) collectExtensionKeywords(schema, keywords);
      operations.push({
        operationId: op.operationId,
        method,
        openapiPath,
        url: openapiPath.replace(/\{(\w+)\}/g, ":$1"),
        dominoVersions: String(op["x-domino-versions"] ?? ""),
        inferred: op["x-inferred"] === true,
        schemas,
        successSchema: okJson?.schema as JsonSchema | undefined,
      });
    }
  }
  return { file, operations, schemaExtensionKeywords: [...keywords].sort() };
}
