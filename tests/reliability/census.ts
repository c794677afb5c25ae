/**
 * What a run left behind: the emulator's objects (its read-only `GET /__emulator/objects`)
 * against the resources the stack holds (`pulumi stack export`).
 *
 * Every object is named as its resource's id names it (`<projectId>/<goalId>`, ...), so
 * the two sides compare directly:
 * - missing:    a declared resource with no id, or whose id names no live object;
 * - duplicates: an object that two resources hold, or a declared object that exists
 *               more than once (a second object of the same kind with the same
 *               definition under the same parent, which no resource holds);
 * - orphans:    a live object that no resource holds (duplicates are orphans too).
 * Objects a create makes implicitly belong to the resource that made them: revision 1 of
 * an environment (made with it) and the creator's Admin membership of an organization.
 */
import type { ObjectCensus } from "../../emulator/control";
import type { StateDeployment } from "../e2e/helpers/pulumi";

const TYPE_PREFIX = "pulumi-nodejs:dynamic/domino:";

/** The reference stack's resources, by kind (tests/reliability/stack/index.ts). */
export const DECLARED: Readonly<Record<string, number>> = {
  Organization: 2,
  OrganizationMember: 3,
  Project: 3,
  Collaborator: 5,
  GitRepository: 3,
  Goal: 4,
  Environment: 2,
  EnvironmentRevision: 3,
  Dataset: 3,
  DatasetSnapshot: 3,
  SnapshotTag: 3,
  SharedDatasetLink: 3,
};
export const DECLARED_TOTAL = Object.values(DECLARED).reduce((a, b) => a + b, 0);

export interface CensusReport {
  /** Domino resources in the stack. */
  held: number;
  /** Live objects in the emulator (implicit ones left out). */
  objects: number;
  missing: string[];
  duplicates: string[];
  orphans: string[];
  /** Anything else wrong with the stack: pending operations left, init errors, counts per kind. */
  problems: string[];
}

export function ok(report: CensusReport): boolean {
  return report.missing.length + report.duplicates.length + report.orphans.length + report.problems.length === 0;
}

interface LiveObject {
  kind: string;
  /** The resource-id form. */
  key: string;
  /** Kind, parent and definition: two objects with the same signature are the same declared object twice. */
  signature: string;
}

const lc = (s: string) => s.toLowerCase();

/** The emulator's live objects, named as their resources' ids name them. */
export function liveObjects(c: ObjectCensus): LiveObject[] {
  const out: LiveObject[] = [];
  const add = (kind: string, key: string, signature: string) => out.push({ kind, key: lc(key), signature: `${kind}|${signature}` });
  for (const p of c.projects) if (p.live) add("Project", p.id, `${p.ownerId}|${lc(p.name)}`);
  for (const x of c.collaborators) if (x.live) add("Collaborator", `${x.projectId}/${x.collaboratorId}`, `${x.projectId}/${x.collaboratorId}`);
  for (const g of c.goals) if (g.live) add("Goal", `${g.projectId}/${g.id}`, `${g.projectId}|${g.title}`);
  for (const r of c.repositories) if (r.live) add("GitRepository", `${r.projectId}/${r.id}`, `${r.projectId}|${r.uri}`);
  for (const e of c.environments) if (e.live) add("Environment", e.id, e.name);
  for (const r of c.revisions) {
    // Revision 1 is made by the environment's create.
    if (r.live && r.number !== 1) add("EnvironmentRevision", `${r.environmentId}/${r.id}`, `${r.environmentId}|${r.dockerfileInstructions ?? ""}|${r.summary ?? ""}`);
  }
  for (const d of c.datasets) if (d.live) add("Dataset", d.id, `${d.projectId}|${lc(d.name)}`);
  for (const s of c.snapshots) if (s.live) add("DatasetSnapshot", `${s.datasetId}/${s.id}`, `${s.datasetId}|${s.relativeFilePaths.join(",")}`);
  for (const t of c.snapshotTags) if (t.live) add("SnapshotTag", `${t.datasetId}/${t.tagName}`, `${t.datasetId}/${t.tagName}`);
  for (const l of c.sharedDatasets) if (l.live) add("SharedDatasetLink", `${l.projectId}/${l.datasetId}`, `${l.projectId}/${l.datasetId}`);
  for (const o of c.organizations) if (o.live) add("Organization", o.id, lc(o.name));
  for (const m of c.organizationMembers) {
    // The creator is made an Admin by the organization's create.
    if (m.live && !m.isCreator) add("OrganizationMember", `${m.organizationId}/${m.userId}`, `${m.organizationId}/${m.userId}`);
  }
  return out;
}

export interface HeldResource {
  kind: string;
  name: string;
  id?: string;
}

export function heldResources(deployment: StateDeployment & { pending_operations?: unknown[] }): HeldResource[] {
  return (deployment.resources ?? [])
    .filter((r) => r.type.startsWith(TYPE_PREFIX))
    .map((r) => ({ kind: r.type.slice(TYPE_PREFIX.length), name: r.urn.split("::").pop() ?? r.urn, id: r.id }));
}

/** Compares the emulator with the stack; `declared` are the counts the program declares. */
export function compare(
  census: ObjectCensus,
  deployment: StateDeployment & { pending_operations?: Array<{ type: string; resource: { urn: string } }> },
  declared: Readonly<Record<string, number>> = DECLARED,
): CensusReport {
  const objects = liveObjects(census);
  const held = heldResources(deployment);
  const report: CensusReport = { held: held.length, objects: objects.length, missing: [], duplicates: [], orphans: [], problems: [] };

  const byKey = new Map<string, LiveObject>();
  for (const o of objects) byKey.set(`${o.kind}|${o.key}`, o);
  const holders = new Map<string, string[]>();
  for (const r of held) {
    if (!r.id) {
      report.missing.push(`${r.kind} ${r.name}: no id in the stack`);
      continue;
    }
    const key = `${r.kind}|${lc(r.id)}`;
    holders.set(key, [...(holders.get(key) ?? []), r.name]);
    if (!byKey.has(key)) report.missing.push(`${r.kind} ${r.name}: ${r.id} is not in Domino`);
  }
  for (const [key, names] of holders) if (names.length > 1) report.duplicates.push(`${key} held by ${names.join(", ")}`);

  const orphans = objects.filter((o) => !holders.has(`${o.kind}|${o.key}`));
  report.orphans = orphans.map((o) => `${o.kind} ${o.key}`);
  // An orphan with the signature of a held object is that declared object a second time.
  const heldSignatures = new Set(objects.filter((o) => holders.has(`${o.kind}|${o.key}`)).map((o) => o.signature));
  for (const o of orphans) if (heldSignatures.has(o.signature)) report.duplicates.push(`${o.kind} ${o.key}: a second ${o.signature.split("|").slice(1).join(" ")}`);
  // Two resources holding two objects of one definition: one of them holds what another declares.
  const bySignature = new Map<string, string[]>();
  for (const o of objects) if (holders.has(`${o.kind}|${o.key}`)) bySignature.set(o.signature, [...(bySignature.get(o.signature) ?? []), `${o.key} (${holders.get(`${o.kind}|${o.key}`)!.join(", ")})`]);
  for (const [signature, held] of bySignature) {
    if (held.length > 1) report.duplicates.push(`${signature.split("|")[0]}: ${held.join(" and ")} have one definition (${signature.split("|").slice(1).join(" ")})`);
  }

  for (const op of deployment.pending_operations ?? []) report.problems.push(`pending ${op.type} left: ${op.resource.urn.split("::").pop()}`);
  for (const r of deployment.resources ?? []) {
    const initErrors = (r as { initErrors?: string[] }).initErrors;
    if (initErrors?.length) report.problems.push(`${r.urn.split("::").pop()} has init errors: ${initErrors.join("; ")}`);
  }
  const counts: Record<string, number> = {};
  for (const r of held) counts[r.kind] = (counts[r.kind] ?? 0) + 1;
  for (const kind of new Set([...Object.keys(declared), ...Object.keys(counts)])) {
    if ((counts[kind] ?? 0) !== (declared[kind] ?? 0)) report.problems.push(`${kind}: the stack holds ${counts[kind] ?? 0}, the program declares ${declared[kind] ?? 0}`);
  }
  return report;
}
