/**
 * The emulator's own control API under /__emulator/: outside Domino's paths, without
 * authentication, and never subject to faults or request counting.
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import { DEFAULT_FAULT_SETTINGS, FaultInjector, FaultRuleInput, FaultRuleQueue, FaultSettings, RequestCounter } from "./faults";
import type { EmulatorSettings } from "./handlers/context";
import type { Store, UserRecord } from "./store";

export const CONTROL_PREFIX = "/__emulator";

export function isControlPath(url: string): boolean {
  return url === CONTROL_PREFIX || url.startsWith(`${CONTROL_PREFIX}/`) || url.startsWith(`${CONTROL_PREFIX}?`);
}

export interface ControlDependencies {
  store: Store;
  faults: FaultInjector;
  rules: FaultRuleQueue;
  hanging: { readonly count: number; release(): number };
  counter: RequestCounter;
  settings: EmulatorSettings;
  seedUsers: () => UserRecord[];
  startupFaults: FaultSettings;
}

const rate = { type: "number", minimum: 0, maximum: 1 } as const;

const faultSettingsSchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    latencyMs: { type: "number", minimum: 0 },
    faultRate: rate,
    faultStatuses: { type: "array", minItems: 1, items: { type: "integer", minimum: 400, maximum: 599 } },
    rateLimit: { type: "number", minimum: 0 },
    retryAfterSeconds: { type: "number", minimum: 0 },
    dropResponseRate: rate,
    seed: { type: "integer" },
  },
} as const;

/** Same shape as fastify's own validation errors on this API. */
function refuse(reply: FastifyReply, status: number, message: string) {
  return reply.code(status).send({ message });
}

export function registerControlRoutes(app: FastifyInstance, deps: ControlDependencies): void {
  const { store, faults, rules, hanging, counter, settings } = deps;

  app.get(`${CONTROL_PREFIX}/faults`, async () => faults.settings);

  // PUT replaces the whole configuration: omitted fields return to their defaults.
  app.put(`${CONTROL_PREFIX}/faults`, { schema: { body: faultSettingsSchema } }, async (request) => {
    faults.configure({ ...DEFAULT_FAULT_SETTINGS, ...(request.body as Partial<FaultSettings>) });
    return faults.settings;
  });

  // Scripted rules. PUT /faults leaves them alone: random settings and rules are independent.
  const rulesState = () => ({ rules: rules.list(), hanging: hanging.count });

  app.get(`${CONTROL_PREFIX}/faults/rules`, async () => rulesState());

  // One rule per call, validated by the same code as the in-process API (so no JSON schema
  // here: two validators would drift apart).
  app.post(`${CONTROL_PREFIX}/faults/rules`, async (request, reply) => {
    try {
      return rules.add(request.body as FaultRuleInput);
    } catch (err) {
      if (err instanceof RangeError) return refuse(reply, 400, err.message);
      throw err;
    }
  });

  app.delete(`${CONTROL_PREFIX}/faults/rules`, async () => {
    rules.clear();
    return rulesState();
  });

  app.delete<{ Params: { id: string } }>(`${CONTROL_PREFIX}/faults/rules/:id`, async (request, reply) => {
    const id = Number(request.params.id);
    if (!Number.isInteger(id) || !rules.remove(id)) return refuse(reply, 404, `No queued fault rule ${request.params.id}`);
    return rulesState();
  });

  app.get(`${CONTROL_PREFIX}/requests`, async () => counter.snapshot());

  app.delete(`${CONTROL_PREFIX}/requests`, async () => {
    counter.clear();
    return counter.snapshot();
  });

  // As if freshly started: empty state (users re-seeded), faults as configured at startup,
  // no fault rules and no hanging requests, request counts zeroed.
  app.post(`${CONTROL_PREFIX}/reset`, async () => {
    store.reset(deps.seedUsers());
    await store.commit();
    faults.configure(deps.startupFaults);
    rules.clear(true);
    hanging.release();
    counter.clear();
    return { reset: true };
  });

  app.get(`${CONTROL_PREFIX}/objects`, async () => objectCensus(store));

  app.get(`${CONTROL_PREFIX}/info`, async () => ({
    dominoVersion: settings.dominoVersion,
    buildDurationMs: settings.buildDurationMs,
    snapshotDurationMs: settings.snapshotDurationMs,
    users: [...store.users.values()].map((u) => ({
      id: u.id,
      userName: u.userName,
      email: u.email,
      isAdmin: u.isAdmin,
      apiKey: u.apiKey,
      accessToken: u.accessToken,
    })),
  }));
}

/**
 * Every object in the store, by kind, whoever owns it and whether or not Domino would still
 * show it (`live: false`: an archived project and everything reached through it, a deleted
 * dataset and its snapshots, tags and links, an archived environment and its revisions).
 * Read-only: for tests that count what a run left behind (nothing orphaned, nothing twice)
 * without paging through each kind's list as some user, and that see what Domino records
 * but never returns (a project's template, a goal's assignee and stage, a dataset's grants,
 * whether each revision is restricted).
 */
export function objectCensus(store: Store) {
  const projectLive = (id: string) => {
    const p = store.projects.get(id);
    return p !== undefined && p.archivedAt === undefined;
  };
  const datasetLive = (id: string) => {
    const d = store.datasets.get(id);
    return d !== undefined && d.deletedAt === undefined && projectLive(d.projectId);
  };
  const environmentLive = (id: string) => store.environments.get(id)?.archived === false;
  const projects = [...store.projects.values()];
  const datasets = [...store.datasets.values()];
  const organizations = [...store.organizations.values()];
  return {
    projects: projects.map((p) => ({
      id: p.id,
      name: p.name,
      ownerId: p.ownerId,
      ...(p.templateDetails ? { templateDetails: structuredClone(p.templateDetails) } : {}),
      live: projectLive(p.id),
    })),
    collaborators: projects.flatMap((p) =>
      p.collaborators.map((c) => ({ projectId: p.id, collaboratorId: c.id, role: c.role, live: projectLive(p.id) })),
    ),
    goals: [...store.goals.values()].map((g) => ({
      id: g.id,
      projectId: g.projectId,
      title: g.title,
      ...(g.assigneeId !== undefined ? { assigneeId: g.assigneeId } : {}),
      ...(g.stageId !== undefined ? { stageId: g.stageId } : {}),
      live: projectLive(g.projectId),
    })),
    repositories: [...store.repositories.values()].map((r) => ({ id: r.id, projectId: r.projectId, uri: r.uri, live: projectLive(r.projectId) })),
    environments: [...store.environments.values()].map((e) => ({ id: e.id, name: e.name, live: !e.archived })),
    revisions: [...store.revisions.values()].map((r) => ({
      id: r.id,
      environmentId: r.environmentId,
      number: r.number,
      summary: r.definition.summary,
      dockerfileInstructions: r.definition.dockerfileInstructions,
      isRestricted: r.isRestricted,
      live: environmentLive(r.environmentId),
    })),
    datasets: datasets.map((d) => ({
      id: d.id,
      projectId: d.projectId,
      name: d.name,
      grants: d.grants.map((g) => ({ targetId: g.targetId, targetRole: g.targetRole })),
      live: datasetLive(d.id),
    })),
    snapshots: [...store.snapshots.values()].map((s) => ({ id: s.id, datasetId: s.datasetId, relativeFilePaths: [...s.relativeFilePaths], live: datasetLive(s.datasetId) })),
    snapshotTags: datasets.flatMap((d) =>
      Object.entries(d.tags).map(([tagName, snapshotId]) => ({ datasetId: d.id, tagName, snapshotId, live: datasetLive(d.id) })),
    ),
    sharedDatasets: projects.flatMap((p) =>
      p.sharedDatasetIds.map((datasetId) => ({ projectId: p.id, datasetId, live: projectLive(p.id) && datasetLive(datasetId) })),
    ),
    organizations: organizations.map((o) => ({ id: o.id, name: o.name, creatorId: o.creatorId, live: true })),
    organizationMembers: organizations.flatMap((o) =>
      o.members.map((m) => ({ organizationId: o.id, userId: m.userId, organizationRole: m.organizationRole, isCreator: m.userId === o.creatorId, live: true })),
    ),
  };
}

export type ObjectCensus = ReturnType<typeof objectCensus>;
