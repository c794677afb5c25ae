/**
 * The program `pulumi-domino export` writes: `index.ts` declaring what was read, every
 * resource with its `adoptId`, and the project files around it.
 *
 * The text depends on nothing but what was read, so that two exports of an unchanged
 * deployment give the same files:
 * - resource names are slugs of natural keys (a project's name, a dataset's project and
 *   name, a member's organization and user name), de-duplicated by the owner's name where
 *   that is the key (projects), else by the end of the object's id;
 * - everything is sorted by those names;
 * - references between exported objects are program references (`projectId: churn.id`),
 *   users are `getUserOutput` lookups by user name, and an object outside the export is
 *   named by a lookup (organizations) or by its id;
 * - fields Domino's API cannot read are not invented: what has no place in the program is
 *   named in the notes, and the one required input Domino never returns (a revision's
 *   `image`) is the placeholder `NOT_READABLE`, sent only if a change makes a new object.
 */
import { EnvironmentToolV1 } from "../client/environments";
import { COLLABORATOR_ROLES, GIT_SERVICE_PROVIDERS, PROJECT_VISIBILITIES } from "../client/projects";
import { canonicalStatus as snapshotStatus, isGoingAway } from "../kit/datasets";
import { buildFailed, canonicalStatus as buildStatus } from "../kit/builds";
import { joinId } from "../kit/ids";
import { canonicalRole } from "../kit/organizations";
import { canonical, gitReferenceOutput } from "../kit/projects";
import { checkInputs, Schema, UNKNOWN } from "../kit/schema";
import { collaboratorSchema } from "../resources/collaborator";
import { datasetSnapshotSchema } from "../resources/dataset-snapshot";
import { datasetSchema } from "../resources/dataset";
import { environmentRevisionSchema } from "../resources/environment-revision";
import { environmentSchema } from "../resources/environment";
import { gitRepositorySchema } from "../resources/git-repository";
import { goalSchema } from "../resources/goal";
import { organizationMemberSchema } from "../resources/organization-member";
import { organizationSchema } from "../resources/organization";
import { projectSchema } from "../resources/project";
import { sharedDatasetLinkSchema } from "../resources/shared-dataset-link";
import { snapshotTagSchema } from "../resources/snapshot-tag";
import type { DatasetRead, DeploymentRead, ProjectRead } from "./export";

/** Something the export left out (or declared only in part), and why. */
export interface Note {
  what: string;
  why: string;
}

/** File name -> contents. */
export type ExportedFiles = Record<string, string>;

export interface RenderOptions {
  /** The Pulumi project's name. */
  projectName: string;
  /** This package's version: the program depends on exactly it. */
  packageVersion: string;
  /** The @pulumi/pulumi version the program depends on (at least). */
  sdkVersion: string;
}

export interface RenderedProgram {
  files: ExportedFiles;
  /** Resources declared, by kind, in the order of `KINDS`. */
  declared: Record<string, number>;
  notes: Note[];
}

export const KINDS = [
  "Organization",
  "OrganizationMember",
  "Environment",
  "EnvironmentRevision",
  "Project",
  "Collaborator",
  "GitRepository",
  "Goal",
  "Dataset",
  "DatasetSnapshot",
  "SnapshotTag",
  "SharedDatasetLink",
] as const;
export type Kind = (typeof KINDS)[number];

const SCHEMAS: Record<Kind, Schema> = {
  Organization: organizationSchema,
  OrganizationMember: organizationMemberSchema,
  Environment: environmentSchema,
  EnvironmentRevision: environmentRevisionSchema,
  Project: projectSchema,
  Collaborator: collaboratorSchema,
  GitRepository: gitRepositorySchema,
  Goal: goalSchema,
  Dataset: datasetSchema,
  DatasetSnapshot: datasetSnapshotSchema,
  SnapshotTag: snapshotTagSchema,
  SharedDatasetLink: sharedDatasetLinkSchema,
};

/** The value the program writes for an input Domino never returns and a create needs. */
export const NOT_READABLE = "not readable through Domino's API";

// ---------------------------------------------------------------- values and their text

/** Program text standing for a value: a reference (`churn.id`) or a constant's name. */
class Code {
  constructor(readonly text: string) {}
}

type Value = string | number | boolean | Code | Value[] | { [key: string]: Value | undefined };

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

const RESERVED = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for function if import in " +
    "instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package " +
    "private protected public await async arguments eval undefined NaN Infinity domino pulumi users organizations NOT_READABLE"
  ).split(" "),
);

function key(name: string): string {
  return IDENTIFIER.test(name) ? name : JSON.stringify(name);
}

/** `users.alice`, or `users["john.doe"]`. */
function member(object: string, name: string): string {
  return IDENTIFIER.test(name) && !RESERVED.has(name) ? `${object}.${name}` : `${object}[${JSON.stringify(name)}]`;
}

const MAX_LINE = 110;

function literal(value: Value, indent: string): string {
  if (value instanceof Code) return value.text;
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const oneLine = `[${value.map((v) => literal(v, inner)).join(", ")}]`;
    if (oneLine.length + indent.length <= MAX_LINE && !oneLine.includes("\n")) return oneLine;
    return `[\n${value.map((v) => `${inner}${literal(v, inner)},`).join("\n")}\n${indent}]`;
  }
  const entries = Object.entries(value).filter((e): e is [string, Value] => e[1] !== undefined);
  if (entries.length === 0) return "{}";
  const oneLine = `{ ${entries.map(([k, v]) => `${key(k)}: ${literal(v, inner)}`).join(", ")} }`;
  if (oneLine.length + indent.length <= MAX_LINE && !oneLine.includes("\n")) return oneLine;
  return `{\n${entries.map(([k, v]) => `${inner}${key(k)}: ${literal(v, inner)},`).join("\n")}\n${indent}}`;
}

// ---------------------------------------------------------------- names

/** A resource name from free text: lower case letters, digits and single dashes. */
export function slug(text: string): string {
  const s = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return s.slice(0, 60).replace(/-+$/, "") || "unnamed";
}

/**
 * The name of a part under its parent's: `churn` + `features` -> `churn-features`, and a
 * part already named after its parent (`churn-features` in project `churn`) keeps its name.
 */
function within(prefix: string, name: string, parent = prefix): string {
  return name.startsWith(`${parent}-`) ? `${prefix}-${name.slice(parent.length + 1)}` : `${prefix}-${name}`;
}

/** `churn-features` -> `churnFeatures`. */
function camel(name: string): string {
  const words = name.split("-").filter(Boolean);
  return words.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join("");
}

interface Named {
  /** The name wanted. */
  base: string;
  /** A more specific name, for when the base is taken twice (a project's owner and name). */
  qualified?: string;
  /** The object's id: its end tells two objects of the same name apart. */
  id: string;
}

/**
 * Unique names for objects of one kind, independent of their order: a name taken by one
 * object is its own; objects that share one take their qualified name, and objects that
 * still share one add the shortest end of their id (six characters at least) that tells
 * them apart.
 */
export function uniqueNames(items: readonly Named[]): string[] {
  const names = items.map((i) => i.base);
  const clashes = (list: string[]) => {
    const count = new Map<string, number>();
    for (const n of list) count.set(n, (count.get(n) ?? 0) + 1);
    return (n: string) => (count.get(n) ?? 0) > 1;
  };
  let taken = clashes(names);
  items.forEach((item, i) => {
    if (taken(names[i]) && item.qualified) names[i] = item.qualified;
  });
  for (let length = 6; ; length += 2) {
    taken = clashes(names);
    if (!names.some(taken)) return names;
    names.forEach((n, i) => {
      if (taken(n)) names[i] = `${items[i].base}-${items[i].id.toLowerCase().slice(-length)}`;
    });
    if (length > 64) return names.map((n, i) => `${n}-${i}`);
  }
}

// ---------------------------------------------------------------- declarations

interface Arg {
  name: string;
  value: Value;
  /** A comment line above the argument: why the value is what it is. */
  comment?: string;
}

interface Declaration {
  kind: Kind;
  /** The resource's name (unique within its kind). */
  name: string;
  /** The variable that holds it, when something refers to it. */
  variable: string;
  referenced: boolean;
  args: Arg[];
  /** Why the resource is declared with `protect: true`, if it is. */
  protect?: string;
}

function declarationText(d: Declaration): string {
  const lines = [`${d.referenced ? `const ${d.variable} = ` : ""}new domino.${d.kind}(${JSON.stringify(d.name)}, {`];
  for (const arg of d.args) {
    if (arg.comment) lines.push(`  // ${arg.comment}`);
    lines.push(`  ${key(arg.name)}: ${literal(arg.value, "  ")},`);
  }
  if (d.protect) lines.push(`}, {\n  // ${d.protect}\n  protect: true,\n});`);
  else lines.push("});");
  return lines.join("\n");
}

/** The declared inputs as `check` sees them: references stand for values not known yet. */
function checkable(args: Arg[]): Record<string, unknown> {
  const plain = (v: Value): unknown => {
    if (v instanceof Code) return v.text === "NOT_READABLE" ? NOT_READABLE : UNKNOWN;
    if (Array.isArray(v)) return v.map(plain);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, plain(x as Value)]));
    return v;
  };
  // `adoptId` is the lifecycle's own input, checked there.
  return Object.fromEntries(args.filter((a) => a.name !== "adoptId").map((a) => [a.name, plain(a.value)]));
}

/** Whether this package's inputs of `kind` have the field (fields arrive with new Domino versions). */
function hasInput(kind: Kind, field: string): boolean {
  return field in SCHEMAS[kind];
}

// ---------------------------------------------------------------- the program

/** Builds the program from what was read. */
export function renderProgram(read: DeploymentRead, options: RenderOptions): RenderedProgram {
  // What the read could not see comes first; then what the program cannot hold.
  const notes: Note[] = [...read.notes];
  const note = (what: string, why: string) => notes.push({ what, why });
  const lower = (id: string | undefined) => (id ?? "").toLowerCase();

  const userById = new Map(read.users.map((u) => [lower(u.id), u]));
  const visibleOrgById = new Map(read.visibleOrganizations.map((o) => [lower(o.id), o]));
  const userName = (id: string) => userById.get(lower(id))?.userName ?? visibleOrgById.get(lower(id))?.name ?? id;

  // ---- what is declared, decided before any name is given
  const failedRevisions: string[] = [];
  const environments = read.environments.map((env) => {
    const latest = env.latestRevision;
    // Revision 1 is the environment's own (its create made it); a failed build is of no use
    // to adopt: the next `pulumi up` would build a new revision in its place.
    let revision = latest && latest.number > 1 ? latest : undefined;
    if (revision && buildFailed(buildStatus(revision.status))) {
      failedRevisions.push(`${env.name} revision ${revision.number}`);
      revision = undefined;
    }
    return { env, revision };
  });
  const unusableSnapshots: string[] = [];
  const datasets = read.datasets.map((d) => {
    const snapshots = d.snapshots.filter((s) => {
      const status = snapshotStatus(s.status);
      // A failed snapshot would be replaced by the next `pulumi up`; one on its way out is gone soon.
      const usable = status !== "failed" && !isGoingAway(status);
      if (!usable) unusableSnapshots.push(`${s.id} of ${d.dataset.name} (${status})`);
      return usable;
    });
    return { ...d, snapshots };
  });
  const projectById = new Map(read.projects.map((p) => [lower(p.project.id), p]));
  const datasetsOf = (p: ProjectRead) => datasets.filter((d) => lower(d.dataset.projectId) === lower(p.project.id));

  // ---- names
  const projectNames = uniqueNames(
    read.projects.map((p) => ({ base: slug(p.project.name), qualified: slug(`${p.project.ownerUsername}-${p.project.name}`), id: p.project.id })),
  );
  const projectName = new Map(read.projects.map((p, i) => [lower(p.project.id), projectNames[i]]));
  const orgNames = uniqueNames(read.organizations.map((o) => ({ base: slug(o.name), id: o.id })));
  const orgName = new Map(read.organizations.map((o, i) => [lower(o.id), orgNames[i]]));
  const envNames = uniqueNames(environments.map(({ env }) => ({ base: slug(env.name), qualified: slug(`${env.owner?.username ?? ""}-${env.name}`), id: env.id })));
  const envName = new Map(environments.map(({ env }, i) => [lower(env.id), envNames[i]]));
  const datasetNames = uniqueNames(datasets.map((d) => ({ base: within(projectName.get(lower(d.dataset.projectId))!, slug(d.dataset.name), slug(projectById.get(lower(d.dataset.projectId))?.project.name ?? "")), id: d.dataset.id })));
  const datasetName = new Map(datasets.map((d, i) => [lower(d.dataset.id), datasetNames[i]]));

  // ---- variables: one namespace for the whole program
  const variables = new Set<string>();
  const variableFor = (name: string, kind: Kind): string => {
    let base = camel(name);
    if (!IDENTIFIER.test(base) || /^[0-9]/.test(base)) base = camel(`${kind.toLowerCase()}-${name}`);
    if (RESERVED.has(base)) base = `${base}${kind}`;
    let candidate = variables.has(base) ? `${base}${kind}` : base;
    for (let n = 2; variables.has(candidate); n++) candidate = `${base}${kind}${n}`;
    variables.add(candidate);
    return candidate;
  };
  const declarations: Declaration[] = [];
  const declare = (kind: Kind, name: string): Declaration => {
    const d: Declaration = { kind, name, variable: variableFor(name, kind), referenced: false, args: [] };
    declarations.push(d);
    return d;
  };
  const ref = (d: Declaration, output = "id"): Code => {
    d.referenced = true;
    return new Code(`${d.variable}.${output}`);
  };

  // Declarations of the objects others refer to, made first so that names do not depend on order.
  const sortBy = <T>(items: T[], name: (t: T) => string) => [...items].sort((a, b) => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
  const orgDecl = new Map<string, Declaration>();
  for (const o of sortBy(read.organizations, (o) => orgName.get(lower(o.id))!)) orgDecl.set(lower(o.id), declare("Organization", orgName.get(lower(o.id))!));
  const envDecl = new Map<string, Declaration>();
  for (const { env } of sortBy(environments, (e) => envName.get(lower(e.env.id))!)) envDecl.set(lower(env.id), declare("Environment", envName.get(lower(env.id))!));
  const projectDecl = new Map<string, Declaration>();
  for (const p of sortBy(read.projects, (p) => projectName.get(lower(p.project.id))!)) projectDecl.set(lower(p.project.id), declare("Project", projectName.get(lower(p.project.id))!));
  const datasetDecl = new Map<string, Declaration>();
  for (const d of sortBy(datasets, (d) => datasetName.get(lower(d.dataset.id))!)) datasetDecl.set(lower(d.dataset.id), declare("Dataset", datasetName.get(lower(d.dataset.id))!));

  // ---- lookups
  const usersUsed = new Set<string>();
  const orgLookups = new Set<string>();
  const outside: string[] = [];
  /** A user (or, where Domino allows one, an organization) by id, as the program names it. */
  const principal = (id: string, what: string): Value => {
    const org = orgDecl.get(lower(id));
    if (org) return ref(org);
    const user = userById.get(lower(id));
    if (user) {
      usersUsed.add(user.userName);
      return new Code(`${member("users", user.userName)}.id`);
    }
    const visible = visibleOrgById.get(lower(id));
    if (visible) {
      orgLookups.add(visible.name);
      return new Code(`${member("organizations", visible.name)}.id`);
    }
    outside.push(`${what} ${id}`);
    return lower(id);
  };
  const organizationRef = (id: string, what: string): Value => principal(id, what);

  // ---- organizations and their members
  const memberNames = new Map<string, string>();
  {
    const all = read.organizations.flatMap((o) => (o.members ?? []).map((m) => ({ o, m })));
    const names = uniqueNames(all.map(({ o, m }) => ({ base: `${orgName.get(lower(o.id))}-${slug(userName(m.userId))}`, id: m.userId })));
    all.forEach(({ o, m }, i) => memberNames.set(`${lower(o.id)}/${lower(m.userId)}`, names[i]));
  }
  // Blocks of declarations; their text is written last, once every reference is known.
  const orgBlocks: Declaration[][] = [];
  for (const o of sortBy(read.organizations, (o) => orgName.get(lower(o.id))!)) {
    const d = orgDecl.get(lower(o.id))!;
    d.args.push({ name: "adoptId", value: lower(o.id) }, { name: "name", value: o.name });
    const block = [d];
    for (const m of sortBy(o.members ?? [], (m) => memberNames.get(`${lower(o.id)}/${lower(m.userId)}`)!)) {
      const md = declare("OrganizationMember", memberNames.get(`${lower(o.id)}/${lower(m.userId)}`)!);
      md.args.push(
        { name: "adoptId", value: joinId(lower(o.id), lower(m.userId)) },
        { name: "organizationId", value: ref(d) },
        { name: "userId", value: principal(m.userId, "member") },
        { name: "organizationRole", value: canonicalRole(m.organizationRole) },
      );
      block.push(md);
    }
    orgBlocks.push(block);
  }

  // ---- environments and their latest revision
  let placeholders = 0;
  const envBlocks: Declaration[][] = [];
  for (const { env, revision } of sortBy(environments, (e) => envName.get(lower(e.env.id))!)) {
    const d = envDecl.get(lower(env.id))!;
    const orgOwned = env.owner?.ownerType.toLowerCase() === "organization";
    if (env.visibility.toLowerCase() === "global") {
      // Adopted, a global environment would be archived by `pulumi destroy` or a replacement,
      // under everyone who uses it: the program has to say so explicitly first.
      d.protect = "A global environment, used beyond this program: remove protect only to let Pulumi archive it.";
    }
    d.args.push(
      { name: "adoptId", value: lower(env.id) },
      { name: "name", value: env.name },
      { name: "visibility", value: env.visibility.toLowerCase() === "global" ? "Global" : "Private" },
    );
    if (orgOwned && env.owner) d.args.push({ name: "orgOwnerId", value: organizationRef(env.owner.id, "environment owner") });
    d.args.push({
      name: "image",
      value: new Code("NOT_READABLE"),
      comment: "The first revision's definition: Domino's API never returns it (used only if the environment is made anew).",
    });
    placeholders++;
    const block = [d];
    if (revision) {
      const rd = declare("EnvironmentRevision", `${envName.get(lower(env.id))}-revision-${revision.number}`);
      rd.args.push(
        { name: "adoptId", value: joinId(lower(env.id), lower(revision.id)) },
        { name: "environmentId", value: ref(d) },
        {
          name: "image",
          value: new Code("NOT_READABLE"),
          comment: `Revision ${revision.number}'s definition: Domino's API never returns it (used only if a change builds a new revision).`,
        },
      );
      placeholders++;
      const tools = (revision.availableTools ?? []).map((t) => toolValue(t));
      if (tools.length > 0) rd.args.push({ name: "workspaceTools", value: tools });
      block.push(rd);
    }
    envBlocks.push(block);
  }

  // ---- projects and what belongs to them
  const projectBlocks: Array<{ title: string; declarations: Declaration[] }> = [];
  const linkDecls: Declaration[] = [];
  const snapshotDecl = new Map<string, Declaration>();
  for (const p of sortBy(read.projects, (p) => projectName.get(lower(p.project.id))!)) {
    const project = p.project;
    const pid = lower(project.id);
    const pname = projectName.get(pid)!;
    const d = projectDecl.get(pid)!;
    d.args.push({ name: "adoptId", value: pid }, { name: "name", value: project.name });
    if (project.description) d.args.push({ name: "description", value: project.description });
    d.args.push(
      { name: "visibility", value: canonical(PROJECT_VISIBILITIES, project.visibility ?? "Private") },
      { name: "ownerId", value: principal(project.ownerId, "project owner") },
    );
    if (project.mainRepository) {
      const repo = project.mainRepository;
      d.args.push({
        name: "mainRepository",
        value: {
          uri: repo.uri,
          defaultRef: repo.defaultRef ? refValue(repo.defaultRef) : undefined,
          serviceProvider: repo.serviceProvider ? canonical(GIT_SERVICE_PROVIDERS, repo.serviceProvider) : undefined,
        },
      });
    }
    if (hasInput("Project", "resultsBranch") && p.resultsBranch !== undefined) d.args.push({ name: "resultsBranch", value: p.resultsBranch.toLowerCase() });
    if (hasInput("Project", "isRestricted") && project.isRestricted === true) d.args.push({ name: "isRestricted", value: true });
    if (hasInput("Project", "billingTag") && project.billingTag?.tag) d.args.push({ name: "billingTag", value: project.billingTag.tag });
    const block: Declaration[] = [d];

    const collaborators = project.collaborators ?? [];
    const collaboratorNames = uniqueNames(collaborators.map((c) => ({ base: `${pname}-${slug(userName(c.id))}`, id: c.id })));
    collaborators
      .map((c, i) => ({ c, name: collaboratorNames[i] }))
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .forEach(({ c, name }) => {
        const cd = declare("Collaborator", name);
        cd.args.push(
          { name: "adoptId", value: joinId(pid, lower(c.id)) },
          { name: "projectId", value: ref(d) },
          { name: "userId", value: principal(c.id, "collaborator") },
          { name: "role", value: canonical(COLLABORATOR_ROLES, c.role) },
        );
        block.push(cd);
      });

    const repoNames = uniqueNames(
      p.repositories.map((r) => ({ base: within(`${pname}-repo`, slug(r.name || r.uri.replace(/\.git$/, "").split(/[/:]/).pop() || "repository"), slug(project.name)), id: r.id })),
    );
    p.repositories
      .map((r, i) => ({ r, name: repoNames[i] }))
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .forEach(({ r, name }) => {
        const rd = declare("GitRepository", name);
        rd.args.push({ name: "adoptId", value: joinId(pid, lower(r.id)) }, { name: "projectId", value: ref(d) }, { name: "uri", value: r.uri });
        if (r.name) rd.args.push({ name: "name", value: r.name });
        rd.args.push(
          { name: "defaultRef", value: refValue(r.defaultRef ?? { refType: "Head" }) },
          { name: "serviceProvider", value: canonical(GIT_SERVICE_PROVIDERS, r.serviceProvider ?? "Unknown") },
        );
        block.push(rd);
      });

    const goals = p.goals ?? [];
    const goalNames = uniqueNames(goals.map((g) => ({ base: `${pname}-goal-${slug(g.title)}`, id: g.id })));
    goals
      .map((g, i) => ({ g, name: goalNames[i] }))
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .forEach(({ g, name }) => {
        const gd = declare("Goal", name);
        gd.args.push({ name: "adoptId", value: joinId(pid, lower(g.id)) }, { name: "projectId", value: ref(d) }, { name: "title", value: g.title });
        if (g.description) gd.args.push({ name: "description", value: g.description });
        gd.args.push({ name: "isComplete", value: g.isComplete === true });
        block.push(gd);
      });

    const datasetBlocks: Declaration[] = [];
    for (const ds of sortBy(datasetsOf(p), (x) => datasetName.get(lower(x.dataset.id))!)) {
      datasetBlocks.push(...datasetDeclarations(ds));
    }
    projectBlocks.push({ title: `// ${project.ownerUsername}/${project.name}`, declarations: [...block, ...datasetBlocks] });

    for (const datasetId of [...p.sharedDatasetIds].sort()) {
      linkDecls.push(linkDeclaration(p, datasetId));
    }
  }

  function datasetDeclarations(ds: DatasetRead): Declaration[] {
    const dataset = ds.dataset;
    const did = lower(dataset.id);
    const dname = datasetName.get(did)!;
    const d = datasetDecl.get(did)!;
    d.args.push({ name: "adoptId", value: did }, { name: "projectId", value: ref(projectDecl.get(lower(dataset.projectId))!) }, { name: "name", value: dataset.name });
    if (dataset.description) d.args.push({ name: "description", value: dataset.description });
    const out: Declaration[] = [d];
    const snapshotNames = uniqueNames(ds.snapshots.map((s) => ({ base: `${dname}-snapshot-${lower(s.id).slice(-6)}`, id: s.id })));
    ds.snapshots
      .map((s, i) => ({ s, name: snapshotNames[i] }))
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .forEach(({ s, name }) => {
        const sd = declare("DatasetSnapshot", name);
        sd.args.push(
          { name: "adoptId", value: joinId(did, lower(s.id)) },
          { name: "datasetId", value: ref(d) },
          { name: "relativeFilePaths", value: [], comment: "Domino's API does not say which files a snapshot holds (used only if a change makes a new snapshot)." },
        );
        snapshotDecl.set(lower(s.id), sd);
        out.push(sd);
      });
    const tags = Object.entries(dataset.tags ?? {});
    const tagNames = uniqueNames(tags.map(([tag]) => ({ base: `${dname}-tag-${slug(tag)}`, id: tag })));
    tags
      .map(([tag, snapshotId], i) => ({ tag, snapshotId, name: tagNames[i] }))
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .forEach(({ tag, snapshotId, name }) => {
        const td = declare("SnapshotTag", name);
        const snapshot = snapshotDecl.get(lower(snapshotId));
        if (!snapshot) outside.push(`snapshot ${snapshotId} (tag ${tag} of dataset ${dataset.name})`);
        td.args.push(
          { name: "adoptId", value: joinId(did, tag) },
          { name: "datasetId", value: ref(d) },
          { name: "tagName", value: tag },
          { name: "snapshotId", value: snapshot ? ref(snapshot, "snapshotId") : lower(snapshotId) },
        );
        out.push(td);
      });
    return out;
  }

  function linkDeclaration(p: ProjectRead, datasetId: string): Declaration {
    const pid = lower(p.project.id);
    const target = datasetDecl.get(lower(datasetId));
    const base = `${projectName.get(pid)}-link-${target ? target.name : lower(datasetId).slice(-6)}`;
    const d: Declaration = { kind: "SharedDatasetLink", name: base, variable: "", referenced: false, args: [] };
    if (!target) outside.push(`dataset ${datasetId} (shared into ${p.project.name})`);
    d.args.push(
      { name: "adoptId", value: joinId(pid, lower(datasetId)) },
      { name: "projectId", value: ref(projectDecl.get(pid)!) },
      { name: "datasetId", value: target ? ref(target) : lower(datasetId) },
    );
    declarations.push(d);
    return d;
  }
  {
    // Links of one project to datasets outside the export may share a name: de-duplicate them.
    const names = uniqueNames(linkDecls.map((l) => ({ base: l.name, id: String(l.args[0].value) })));
    linkDecls.forEach((l, i) => (l.name = names[i]));
    linkDecls.sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  // ---- what the program cannot hold, and inputs that would fail `check`
  for (const d of declarations) {
    const result = checkInputs(d.kind, SCHEMAS[d.kind], checkable(d.args));
    for (const f of result.failures ?? []) {
      note(`${d.kind} "${d.name}"`, `${f.reason}: Domino has a value this package's inputs refuse; fix it in index.ts before \`pulumi up\``);
    }
  }
  const projectCount = read.projects.length;
  if (projectCount > 0) {
    note(
      `the status of ${projectCount === 1 ? "1 project" : `${projectCount} projects`} (active or complete, blocked)`,
      "Domino's API has no call that reads a project's status; add `status` to a project to manage it from here on",
    );
  }
  if (read.surface === "5.3") {
    note("goals", "this Domino API (5.3) has no call that lists goals (it arrived with Domino 5.9.1); declare them, or upgrade Domino and export again");
    if (hasInput("Project", "resultsBranch") && projectCount > 0) {
      note("the results branch of projects", "this Domino API (5.3) can set it but not read it (the read arrived with Domino 5.9.1)");
    }
  }
  if (placeholders > 0) {
    note(
      `the definitions of environments and revisions (image, Dockerfile instructions, variables, scripts; ${placeholders} declared)`,
      "Domino's API never returns them: `image` is the placeholder NOT_READABLE, used only if a change makes a new environment or revision. " +
        "Environments' descriptions and addBaseDependencies are never returned either",
    );
  }
  const olderRevisions = environments.reduce((n, { env }) => n + Math.max(0, (env.latestRevision?.number ?? 0) - 2), 0);
  if (olderRevisions > 0) {
    note(
      `${olderRevisions === 1 ? "1 revision" : `${olderRevisions} revisions`} other than each environment's first and latest`,
      "Domino has no read of a revision other than an environment's latest, selected or restricted one; they stay in each environment's history",
    );
  }
  if (failedRevisions.length > 0) {
    note(`latest revisions whose build failed (${failedRevisions.sort().join(", ")})`, "adopting one would make the next `pulumi up` build a new revision in its place");
  }
  const snapshotCount = [...snapshotDecl.keys()].length;
  if (snapshotCount > 0) {
    note(`the files of ${snapshotCount === 1 ? "1 snapshot" : `${snapshotCount} snapshots`}`, "Domino's API does not say which paths a snapshot holds: `relativeFilePaths` is empty");
  }
  if (unusableSnapshots.length > 0) {
    note(`snapshots that failed or are being deleted (${unusableSnapshots.sort().join(", ")})`, "nothing to adopt: the next `pulumi up` would replace a failed one");
  }
  const repositoryCount = read.projects.reduce((n, p) => n + p.repositories.length + (p.project.mainRepository ? 1 : 0), 0);
  if (repositoryCount > 0) note("git credentials of repositories (`gitCredentialId`)", "Domino never returns them");
  if (hasInput("Goal", "assigneeId") && read.surface !== "5.3" && read.projects.some((p) => (p.goals ?? []).length > 0)) {
    note("goals' assignees and stages", "Domino's goal answers do not include them");
  }
  if (hasInput("Dataset", "grants") && read.surface !== "5.3" && datasets.length > 0) note("datasets' grants", "Domino's API does not return them");
  if (hasInput("EnvironmentRevision", "isRestricted") && environments.some((e) => e.revision)) {
    const restricted = environments.filter((e) => e.revision && e.env.restrictedRevision && e.env.restrictedRevision.id === e.revision.id);
    if (restricted.length > 0) note("the restriction of revisions", `${restricted.length} exported revision(s) are restricted: set isRestricted on them`);
  }
  if (outside.length > 0) {
    note(
      `objects outside the export that exported ones refer to (${[...new Set(outside)].sort().join(", ")})`,
      "named by their ids: they are not visible to the API key, or not in the scope of the export",
    );
  }

  // ---- the text
  const header = [
    "/**",
    ` * The Domino deployment as \`pulumi-domino export\` found it (API ${read.surface}).`,
    " *",
    " * Every resource takes over its existing object (`adoptId`): the first `pulumi up` creates",
    " * nothing and changes only what differs from what is declared here. Once adopted, `adoptId`",
    " * may stay or go: it changes nothing. Destroying a resource deletes its object, as for any",
    " * other resource. What the export could not declare is listed in README.md.",
    " */",
    'import * as domino from "pulumi-domino";',
  ];
  const sections: string[] = [header.join("\n")];
  if (placeholders > 0) {
    sections.push(
      [
        "/** What stands for a value Domino's API never returns (a revision's image): sent only if a change makes a new object. */",
        `const NOT_READABLE = ${JSON.stringify(NOT_READABLE)};`,
      ].join("\n"),
    );
  }
  if (usersUsed.size > 0) {
    const entries = [...usersUsed].sort().map((u) => `  ${key(u)}: domino.getUserOutput({ userName: ${JSON.stringify(u)} }),`);
    sections.push(["// Users, looked up by user name.", "const users = {", ...entries, "};"].join("\n"));
  }
  if (orgLookups.size > 0) {
    const entries = [...orgLookups].sort().map((o) => `  ${key(o)}: domino.getOrganizationOutput({ name: ${JSON.stringify(o)} }),`);
    sections.push(["// Organizations outside the export, looked up by name.", "const organizations = {", ...entries, "};"].join("\n"));
  }
  const section = (title: string, blocks: string[]) => {
    if (blocks.length > 0) sections.push([`// ---------------------------------------------------------------- ${title}`, ...blocks].join("\n\n"));
  };
  const text = (block: Declaration[]) => block.map(declarationText).join("\n");
  section("organizations", orgBlocks.map(text));
  section("environments", envBlocks.map(text));
  section("projects", projectBlocks.map((b) => `${b.title}\n${text(b.declarations)}`));
  section("datasets shared with other projects", linkDecls.length > 0 ? [text(linkDecls)] : []);
  const index = `${sections.join("\n\n")}\n`;

  const declared: Record<string, number> = Object.fromEntries(KINDS.map((k) => [k, declarations.filter((d) => d.kind === k).length]));
  return { files: projectFiles(read, options, index, notes), declared, notes };
}

function refValue(ref: { refType: string; value?: string }): Value {
  const out = gitReferenceOutput(ref);
  return { refType: out.refType, value: out.value };
}

function toolValue(tool: EnvironmentToolV1): Value {
  return {
    name: tool.name,
    title: tool.title,
    startScripts: [...(tool.startScripts ?? [])],
    iconUrl: tool.iconUrl,
    proxyConfig: tool.proxyConfig
      ? { internalPath: tool.proxyConfig.internalPath, port: tool.proxyConfig.port, requireSubdomain: tool.proxyConfig.requireSubdomain, rewrite: tool.proxyConfig.rewrite }
      : undefined,
    supportedFileExtensions: tool.supportedFileExtensions ? [...tool.supportedFileExtensions] : undefined,
  };
}

/** Pulumi.yaml, package.json, tsconfig.json and README.md around the program. */
function projectFiles(read: DeploymentRead, options: RenderOptions, index: string, notes: Note[]): ExportedFiles {
  const description = `The Domino deployment at ${read.host}, as pulumi-domino export found it.`;
  const pulumiYaml = [`name: ${options.projectName}`, `description: ${JSON.stringify(description)}`, "runtime:", "  name: nodejs", "  options:", "    typescript: true", ""].join("\n");
  const packageJson = `${JSON.stringify(
    {
      name: options.projectName,
      version: "0.1.0",
      private: true,
      description,
      main: "index.ts",
      dependencies: { "@pulumi/pulumi": `^${options.sdkVersion}`, "pulumi-domino": options.packageVersion },
      devDependencies: { "@types/node": "^20.19.0", "ts-node": "^10.9.2", typescript: "~5.9.3" },
    },
    null,
    2,
  )}\n`;
  const tsconfig = `${JSON.stringify(
    {
      compilerOptions: {
        target: "ES2022",
        module: "commonjs",
        moduleResolution: "node",
        strict: true,
        esModuleInterop: true,
        skipLibCheck: true,
        noEmit: true,
        types: ["node"],
      },
      files: ["index.ts"],
    },
    null,
    2,
  )}\n`;
  const readme = [
    `# ${options.projectName}`,
    "",
    `${description} Every resource in \`index.ts\` carries \`adoptId\`: the first \`pulumi up\` takes the`,
    "existing objects over and creates nothing.",
    "",
    "## Take it over",
    "",
    "```sh",
    "npm install",
    "pulumi stack init <stack>",
    `pulumi config set domino:host ${read.host}`,
    "pulumi config set --secret domino:apiKey <your API key>   # never written to a file in plain text",
    "pulumi preview      # shows what adoption changes (nothing, if Domino is unchanged since the export)",
    "pulumi up           # adopts every object: no creates",
    "pulumi preview --expect-no-changes",
    "```",
    "",
    "From then on, edit `index.ts` and run `pulumi up` as with any program.",
    "",
    "## What the export could not declare",
    "",
    ...(notes.length > 0 ? notes.map((n) => `- **${n.what}**: ${n.why}.`) : ["Nothing: everything the API key can see is declared."]),
    "",
  ].join("\n");
  return { "Pulumi.yaml": pulumiYaml, "package.json": packageJson, "tsconfig.json": tsconfig, "index.ts": index, "README.md": readme };
}
