/**
 * The fastify server. Routes and request validation come from the contract: every operation
 * the chosen Domino version serves becomes a route with its path, query and body schemas;
 * anything else answers 404. Request lifecycle:
 *   onRequest      count, scripted fault rules (claimed here, in arrival order), otherwise random
 *                  faults (latency, 429, 5xx, drop decision), authentication
 *   preValidation  query coercion, enum canonicalisation, fields newer than the version dropped
 *   validation     ajv on the contract's schemas (no coercion, nothing removed or defaulted)
 *   handler        the operation, then the state file, then the answer (or a dropped socket, or
 *                  an "after" rule's replacement, which also replaces error answers)
 * Responses are not serialized through the contract's schemas: fast-json-stringify would
 * silently drop fields, and several documented responses are oneOf.
 */
import { randomUUID } from "node:crypto";
import type { AddressInfo, Socket } from "node:net";
import Fastify, { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { authenticate } from "./auth";
import { isControlPath, registerControlRoutes } from "./control";
import { DominoError, errorBody } from "./errors";
import {
  ClaimedFault,
  DEFAULT_FAULT_SETTINGS,
  FaultInjector,
  FaultRule,
  FaultRuleInput,
  FaultRuleQueue,
  FaultSettings,
  RequestCounter,
  RouteChecker,
} from "./faults";
import type { EmulatorSettings, HandlerContext } from "./handlers/context";
import { operationHandlers } from "./handlers";
import type { EmulatorFaultControls, EmulatorOptions, FaultMatch, RunningEmulator, SeededUser } from "./index";
import { Contract, ContractOperation, loadContract } from "./openapi";
import { canonicalizeEnums, coerceQuery, dropFieldsNewerThan } from "./schema-walk";
import { resolveSeedKeys, seedUsers } from "./seed";
import { Store, UserRecord } from "./store";
import { DominoVersion, isDominoVersion, servesOperation } from "./version";

declare module "fastify" {
  interface FastifyRequest {
    dominoCaller: UserRecord | null;
    dropResponse: boolean;
    /** An "after" rule this request took: applied to whatever the request is answered. */
    scriptedAfter: ClaimedFault | null;
  }
  interface FastifyContextConfig {
    operation?: ContractOperation;
  }
}

/** Everything the CLI can set; the library's EmulatorOptions is a subset. */
export interface LaunchOptions extends EmulatorOptions {
  aliceApiKey?: string;
  bobApiKey?: string;
  faultStatuses?: number[];
  retryAfterSeconds?: number;
  dropResponseRate?: number;
}

export const DEFAULT_BUILD_DURATION_MS = 1500;
export const DEFAULT_SNAPSHOT_DURATION_MS = 500;
const LATEST_VERSION: DominoVersion = "6.3";

let cachedContract: Contract | undefined;
function contract(): Contract {
  cachedContract ??= loadContract();
  return cachedContract;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function pathOf(url: string): string {
  const q = url.indexOf("?");
  return q < 0 ? url : url.slice(0, q);
}

interface ServerParts {
  contract: Contract;
  store: Store;
  settings: EmulatorSettings;
  faults: FaultInjector;
  rules: FaultRuleQueue;
  hanging: HangingRequests;
  counter: RequestCounter;
  seedUsers: () => UserRecord[];
  startupFaults: FaultSettings;
  logRequests: boolean;
}

/**
 * Connections of requests a "hang" rule took. They are never answered; they end when the
 * client gives up, on reset, or when the emulator stops.
 */
export class HangingRequests {
  private sockets = new Set<Socket>();

  hold(socket: Socket | null | undefined): void {
    if (!socket || socket.destroyed) return;
    this.sockets.add(socket);
    socket.once("close", () => this.sockets.delete(socket));
  }

  get count(): number {
    return this.sockets.size;
  }

  /** Destroys every held connection; the clients see a reset connection. */
  release(): number {
    const released = this.sockets.size;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    return released;
  }
}

/** Which operations a version serves, per the contract's x-domino-versions. */
export function servedOperations(version: DominoVersion, source: Contract = contract()): ContractOperation[] {
  return source.operations.filter((op) => servesOperation(op, version));
}

/** Rules may name only templates the served surface routes: any other could never match. */
function routeChecker(version: DominoVersion, operations: ContractOperation[]): RouteChecker {
  const paths = new Set(operations.map((op) => op.openapiPath));
  const keys = new Set(operations.map((op) => `${op.method} ${op.openapiPath}`));
  return (method, route) => {
    if (route === "*") return undefined;
    if (!paths.has(route)) {
      return (
        `route ${route} is not a path template of the Domino ${version} surface ` +
        "(spell it as the contract and /__emulator/requests do, e.g. /api/projects/v1/projects/{projectId}/goals)"
      );
    }
    if (method !== "*" && !keys.has(`${method} ${route}`)) return `${method} ${route} is not an operation of the Domino ${version} surface`;
    return undefined;
  };
}

function buildServer(parts: ServerParts): FastifyInstance {
  const { store, settings, faults, counter } = parts;
  const version = settings.dominoVersion;

  const app = Fastify({
    logger: false,
    exposeHeadRoutes: false,
    forceCloseConnections: true,
    genReqId: () => randomUUID(),
    ajv: {
      customOptions: {
        coerceTypes: false,
        useDefaults: false,
        removeAdditional: false,
        allErrors: false,
        keywords: parts.contract.schemaExtensionKeywords,
      },
    },
  });

  app.decorateRequest("dominoCaller", null);
  app.decorateRequest("dropResponse", false);
  app.decorateRequest("scriptedAfter", null);

  // An empty body with a JSON content type is "no body" (as for DELETE), not a parse error.
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, text, done) => {
    const raw = String(text);
    if (raw.trim() === "") {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(raw));
    } catch (err) {
      const error = new Error(`body is not valid JSON: ${(err as Error).message}`) as FastifyError;
      error.statusCode = 400;
      done(error, undefined);
    }
  });

  /** Errors a test injects look like the ones Domino's layers produce for that status. */
  function injectedFailure(request: FastifyRequest, reply: FastifyReply, status: number, retryAfterSeconds?: number) {
    if (retryAfterSeconds !== undefined) reply.header("Retry-After", String(retryAfterSeconds));
    if (status === 429) return reply.code(429).send(errorBody("failure", request.id, "Rate limit exceeded; retry later"));
    const shape = status >= 500 && version === LATEST_VERSION ? "errorString" : "failure";
    return reply.code(status).send(errorBody(shape, request.id, `Injected fault (HTTP ${status})`));
  }

  /** Carries out a claimed rule instead of the answer the request would get. */
  function answerScripted(fault: ClaimedFault, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    request.scriptedAfter = null;
    switch (fault.action) {
      case "fail":
        return injectedFailure(request, reply, fault.status ?? 500, fault.retryAfterSeconds);
      case "drop":
        reply.hijack();
        request.raw.socket?.destroy();
        return reply;
      case "hang":
        reply.hijack();
        parts.hanging.hold(request.raw.socket);
        return reply;
    }
  }

  app.addHook("onRequest", async (request: FastifyRequest, reply: FastifyReply) => {
    const path = pathOf(request.url);
    if (isControlPath(path)) return;
    const operation = request.routeOptions.config.operation;
    const route = operation ? operation.openapiPath : path;
    // Every request that reaches the server is counted, whatever a fault then does to it.
    counter.record(`${request.method} ${route}`);

    // A request a rule takes is decided by the rule alone: it takes no rate-limit token and
    // no PRNG draw, so the random faults other requests get do not depend on rules.
    const scripted = parts.rules.claim(request.method, route);
    const decision = scripted ? undefined : faults.decide(operation?.method === "POST");
    const latencyMs = faults.latencyMs;
    if (latencyMs > 0) await sleep(latencyMs);
    if (scripted?.when === "before") return answerScripted(scripted, request, reply);
    if (scripted) request.scriptedAfter = scripted;
    if (decision?.kind === "rateLimited") {
      return reply
        .code(429)
        .header("Retry-After", String(decision.retryAfterSeconds))
        .send(errorBody("failure", request.id, "Rate limit exceeded; retry later"));
    }
    if (decision?.kind === "fault") {
      const shape = version === LATEST_VERSION ? "errorString" : "failure";
      return reply.code(decision.status).send(errorBody(shape, request.id, `Injected fault (HTTP ${decision.status})`));
    }
    request.dropResponse = decision?.dropResponse ?? false;
    if (operation) request.dominoCaller = authenticate(request.headers, store);
    return undefined;
  });

  app.addHook("preValidation", async (request: FastifyRequest) => {
    const operation = request.routeOptions.config.operation;
    if (!operation) return;
    const { querystring, body } = operation.schemas;
    const query = request.query as Record<string, unknown>;
    if (version !== LATEST_VERSION) {
      dropFieldsNewerThan(querystring, query, version);
      dropFieldsNewerThan(body, request.body, version);
    }
    coerceQuery(querystring, query);
    canonicalizeEnums(querystring, query);
    if (request.body !== undefined) request.body = canonicalizeEnums(body, request.body);
  });

  if (parts.logRequests) {
    app.addHook("onResponse", async (request, reply) => {
      process.stdout.write(
        `${new Date().toISOString()} ${request.method} ${request.url} -> ${reply.statusCode} (${reply.elapsedTime.toFixed(1)} ms)\n`,
      );
    });
  }

  app.setErrorHandler((error: FastifyError, request, reply) => {
    // Refused or failed requests committed nothing, but an "after" rule models a gateway
    // losing whatever answer comes back, so it replaces errors too.
    if (request.scriptedAfter) return answerScripted(request.scriptedAfter, request, reply);
    if (error instanceof DominoError) return reply.code(error.statusCode).send(error.body(request.id));
    if (error.validation) return reply.code(400).send(errorBody("invalidBody", request.id, error.message));
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) return reply.code(status).send(errorBody("invalidBody", request.id, error.message));
    process.stderr.write(`domino emulator: ${request.method} ${request.url} failed: ${error.stack ?? error.message}\n`);
    const shape = version === LATEST_VERSION ? "errorString" : "failure";
    return reply.code(500).send(errorBody(shape, request.id, "Internal server error"));
  });

  app.setNotFoundHandler((request, reply) => {
    if (request.scriptedAfter) return answerScripted(request.scriptedAfter, request, reply);
    return reply.code(404).send(errorBody("errorString", request.id, `No route for ${request.method} ${pathOf(request.url)}`));
  });

  for (const operation of parts.contract.operations) {
    const handler = operationHandlers[operation.operationId];
    if (!handler) throw new Error(`The contract's operation ${operation.operationId} has no handler`);
    if (!servesOperation(operation, version)) continue;
    app.route({
      method: operation.method,
      url: operation.url,
      // fastify compiles (and may annotate) what it is given; the contract stays untouched.
      schema: structuredClone(operation.schemas),
      config: { operation },
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        const ctx: HandlerContext = {
          caller: request.dominoCaller as UserRecord,
          params: request.params as Record<string, string>,
          query: request.query as Record<string, unknown>,
          body: request.body,
          requestId: request.id,
          store,
          settings,
          now: Date.now(),
        };
        const result = handler(ctx);
        if (operation.method !== "GET") await store.commit();
        if (version !== LATEST_VERSION) dropFieldsNewerThan(operation.successSchema, result.body, version);
        if (request.scriptedAfter) return answerScripted(request.scriptedAfter, request, reply);
        if (request.dropResponse) {
          // The change is committed; the client only loses the answer.
          reply.hijack();
          request.raw.socket?.destroy();
          return;
        }
        return reply.code(result.status ?? 200).send(result.body);
      },
    });
  }

  registerControlRoutes(app, parts);
  return app;
}

/** The in-process twin of /__emulator/faults/rules. */
function faultControls(rules: FaultRuleQueue, hanging: HangingRequests): EmulatorFaultControls {
  return {
    add: (rule: FaultRuleInput): FaultRule => rules.add(rule),
    failNext: (rule) => rules.add({ ...rule, action: "fail" }),
    dropNext: (rule: FaultMatch = {}) => rules.add({ ...rule, action: "drop" }),
    hangNext: (rule: FaultMatch = {}) => rules.add({ ...rule, action: "hang" }),
    rules: () => rules.list(),
    remove: (id) => rules.remove(id),
    clear: () => rules.clear(),
    hanging: () => hanging.count,
  };
}

function urlFor(host: string, port: number): string {
  const reachable = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
  return `http://${reachable.includes(":") ? `[${reachable}]` : reachable}:${port}`;
}

function seededUser(user: UserRecord): SeededUser {
  return {
    id: user.id,
    userName: user.userName,
    email: user.email,
    apiKey: user.apiKey,
    accessToken: user.accessToken,
    isAdmin: user.isAdmin,
  };
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  const chosen = value ?? fallback;
  if (!Number.isFinite(chosen) || chosen < 0) throw new RangeError(`${name} must be a number >= 0`);
  return chosen;
}

export async function launchEmulator(options: LaunchOptions = {}): Promise<RunningEmulator> {
  const dominoVersion = options.dominoVersion ?? LATEST_VERSION;
  if (!isDominoVersion(dominoVersion)) throw new RangeError(`Unsupported Domino version ${String(dominoVersion)}`);
  const keys = resolveSeedKeys({ admin: options.adminApiKey, alice: options.aliceApiKey, bob: options.bobApiKey });
  const makeUsers = () => seedUsers(keys);
  const settings: EmulatorSettings = {
    dominoVersion,
    buildDurationMs: nonNegative("buildDurationMs", options.buildDurationMs, DEFAULT_BUILD_DURATION_MS),
    snapshotDurationMs: nonNegative("snapshotDurationMs", options.snapshotDurationMs, DEFAULT_SNAPSHOT_DURATION_MS),
  };
  const startupFaults: FaultSettings = {
    latencyMs: options.latencyMs ?? DEFAULT_FAULT_SETTINGS.latencyMs,
    faultRate: options.faultRate ?? DEFAULT_FAULT_SETTINGS.faultRate,
    faultStatuses: options.faultStatuses ?? [...DEFAULT_FAULT_SETTINGS.faultStatuses],
    rateLimit: options.rateLimit ?? DEFAULT_FAULT_SETTINGS.rateLimit,
    retryAfterSeconds: options.retryAfterSeconds ?? DEFAULT_FAULT_SETTINGS.retryAfterSeconds,
    dropResponseRate: options.dropResponseRate ?? DEFAULT_FAULT_SETTINGS.dropResponseRate,
    seed: options.seed ?? DEFAULT_FAULT_SETTINGS.seed,
  };
  const store = new Store(makeUsers(), options.statePath);
  const rules = new FaultRuleQueue(routeChecker(dominoVersion, servedOperations(dominoVersion)));
  const hanging = new HangingRequests();
  const app = buildServer({
    contract: contract(),
    store,
    settings,
    faults: new FaultInjector(startupFaults),
    rules,
    hanging,
    counter: new RequestCounter(),
    seedUsers: makeUsers,
    startupFaults,
    logRequests: options.logRequests ?? false,
  });

  const host = options.host ?? "127.0.0.1";
  await app.listen({ port: options.port ?? 0, host });
  const port = (app.server.address() as AddressInfo).port;
  const [admin, alice, bob] = makeUsers().map(seededUser);

  let stopping: Promise<void> | undefined;
  return {
    url: urlFor(host, port),
    users: { admin, alice, bob },
    faults: faultControls(rules, hanging),
    stop() {
      stopping ??= (async () => {
        // Held connections would otherwise keep close() waiting on clients that never give up.
        hanging.release();
        await app.close();
        await store.settle();
      })();
      return stopping;
    },
  };
}

