/**
 * Environment: a Domino compute environment, created together with its first revision.
 *
 * Domino has no call that changes an environment: name, description, visibility,
 * orgOwnerId and addBaseDependencies are fixed at creation, so changing one replaces the
 * environment (a new one is created, then the old one is archived). Destroying it
 * archives it; Domino keeps archived environments for the runs that used them.
 *
 * The first revision's definition is not applied again when it changes: a new revision is
 * the job of EnvironmentRevision, and replacing the environment would archive it (and
 * fail while it is some project's default). A plan with nothing to do would hide the
 * edit, so `diff` warns about it instead.
 */
import { DominoClient } from "../client/client";
import { EnvironmentV1, NewEnvironmentV1 } from "../client/environments";
import { collectPages } from "../client/pagination";
import { ENVIRONMENT_FACTS, EnvironmentFacts, environmentFacts, liveEnvironment } from "../kit/builds";
import { EnvironmentVisibility, enumValues } from "../kit/enums";
import { sameId } from "../kit/ids";
import { defineProvider, recordedOutputs } from "../kit/lifecycle";
import { warnUser } from "../kit/notices";
import { Candidates, createOnce, locateWith } from "../kit/recovery";
import { Args, resourceClass, ResourceArgs } from "../kit/resource";
import type { RevisionDefinition, RevisionDefinitionInputs, WithRecordedVariables } from "../kit/revisions";
import { mayBeDefinition, REVISION_FIELDS, revisionBody, revisionDefinition, revisionFieldsSchema, withRecordedVariables } from "../kit/revisions";
import { containsUnknown, displayName, MAX_DESCRIPTION, sameRecorded, SchemaFor } from "../kit/schema";

export interface EnvironmentInputs extends RevisionDefinitionInputs {
  /** At most 255 characters, no line breaks. Changing it replaces the environment. Need not be unique in Domino. */
  name: string;
  /** At most 10,000 characters. Changing it replaces the environment. Domino never returns it, so refresh keeps the recorded value. */
  description?: string;
  /** Global (everyone) or Private (the owner only), case-insensitive at run time. Default Private. Changing it replaces the environment. */
  visibility?: EnvironmentVisibility;
  /** Organization that owns the environment (Private environments only). Changing it replaces the environment. */
  orgOwnerId?: string;
  /** Let Domino add the packages it needs to the image. Default false. Changing it replaces the environment. */
  addBaseDependencies?: boolean;
}

/** What Domino reports: the owner and the latest revision (`EnvironmentFacts`), and the first revision. */
export interface EnvironmentComputed extends EnvironmentFacts {
  /** The revision made with the environment, from the definition given here. */
  firstRevisionId: string;
}

export const environmentSchema: SchemaFor<EnvironmentInputs> = {
  name: { kind: "string", required: true, nonEmpty: true, max: 255, validate: displayName, onChange: "replace" },
  description: { kind: "string", default: "", max: MAX_DESCRIPTION, onChange: "replace" },
  visibility: { kind: "string", oneOf: enumValues(EnvironmentVisibility), default: "Private", onChange: "replace" },
  orgOwnerId: {
    kind: "string",
    dominoId: true,
    onChange: "replace",
    validate: (_value, inputs) =>
      typeof inputs.visibility === "string" && inputs.visibility.toLowerCase() === "global"
        ? "applies only to Private environments (Domino ignores it for Global ones)"
        : undefined,
  },
  addBaseDependencies: { kind: "boolean", default: false, onChange: "replace" },
  // The first revision's definition. Later definitions are EnvironmentRevision resources,
  // so a change here is not applied to the environment.
  ...revisionFieldsSchema("ignore"),
};

/** Inputs after `check`: defaults filled in, enums in their canonical spelling. */
type CheckedEnvironment = RevisionDefinition &
  Required<Pick<EnvironmentInputs, "name" | "description" | "visibility" | "addBaseDependencies">> & { orgOwnerId?: string };
/** The first revision's variables are recorded as `{key, valueSha256}`: their values stay in the (secret) inputs. */
export type EnvironmentOutputs = WithRecordedVariables<CheckedEnvironment> & EnvironmentComputed;
export type EnvironmentArgs = ResourceArgs<EnvironmentInputs>;
export type EnvironmentState = Partial<Args<EnvironmentOutputs>>;

function visibilityOf(env: EnvironmentV1): EnvironmentVisibility {
  // "Organization" is what Domino reports for a Private environment owned by an organization.
  return env.visibility.toLowerCase() === "global" ? "Global" : "Private";
}

function ownedByOrganization(env: EnvironmentV1): boolean {
  return env.owner?.ownerType.toLowerCase() === "organization";
}

/**
 * The outputs from what Domino shows, and the recorded rest: Domino never returns the
 * description, addBaseDependencies or the first revision's definition.
 */
function toOutputs(env: EnvironmentV1, recorded: Partial<EnvironmentOutputs>): EnvironmentOutputs {
  return {
    // After `Environment.get` nothing is recorded: the definition fields stay absent.
    ...recordedOutputs(withRecordedVariables(recorded)),
    name: env.name,
    description: recorded.description ?? "",
    visibility: visibilityOf(env),
    orgOwnerId: env.owner ? (ownedByOrganization(env) ? env.owner.id : undefined) : recorded.orgOwnerId,
    addBaseDependencies: recorded.addBaseDependencies ?? false,
    ...environmentFacts(env),
    firstRevisionId: recorded.firstRevisionId ?? env.latestRevision?.id ?? "",
  };
}

/** The first-revision inputs that changed: they are not applied, which the user is told. */
function ignoredChanges(olds: EnvironmentOutputs, news: CheckedEnvironment): string[] {
  // Values not known yet (preview) are judged when they are.
  return REVISION_FIELDS.filter((f) => olds[f] !== undefined && !containsUnknown(news[f]) && !sameRecorded(environmentSchema[f], news[f], olds[f]));
}

/**
 * Names are not unique in Domino, so there is no natural key (no `sameKey`): another
 * environment of the same name is no reason to refuse a create. What a create made is
 * recognised among all the environments the caller sees (in create recovery, one that
 * was not there before the POST) by what the list shows of the request: the name, the
 * visibility, the owning organization (or an individual owner), and the first revision's
 * tools. The list shows neither the description nor the image. Its `supportedClusters`
 * are left out too: which revision they follow is not documented, and a revision not
 * built yet may not count, so comparing them could miss the environment and make another.
 */
function candidates(client: DominoClient, inputs: CheckedEnvironment): Candidates<EnvironmentV1> {
  const orgOwnerId = inputs.orgOwnerId;
  return {
    what: `environment "${inputs.name}"`,
    kind: "environment",
    settings: client.settings,
    list: () => collectPages((offset, limit) => client.environments.listEnvironmentsPage(offset, limit)),
    idOf: (e) => e.id,
    // Environments of one name cannot be told apart by a list: their creates go one at a time.
    lane: inputs.name,
    matches: (e) =>
      e.name === inputs.name &&
      visibilityOf(e) === inputs.visibility &&
      (orgOwnerId ? ownedByOrganization(e) && sameId(e.owner?.id, orgOwnerId) : !ownedByOrganization(e)) &&
      mayBeDefinition(e.latestRevision?.availableTools, inputs),
  };
}

export const provider = defineProvider<CheckedEnvironment, EnvironmentOutputs>({
  kind: "Environment",
  schema: environmentSchema,
  computed: { ...ENVIRONMENT_FACTS, firstRevisionId: true },
  describe: (e) => `"${e.name}"`,
  adoption: { key: ["name"] },

  /**
   * Warns about first-revision inputs that changed but are not applied. The warning names
   * the environment's id (names repeat).
   */
  async afterDiff(id, olds, news, result) {
    // A replacement builds the new definition anyway. Only field names are printed:
    // variable values are secrets.
    const ignored = result.replaces?.length ? [] : ignoredChanges(olds, news);
    if (ignored.length > 0) {
      // diff has no way to return a warning: it goes to stderr, which the engine shows.
      warnUser(
        `Environment "${olds.name}" (${id}): ${ignored.join(", ")} changed, but these inputs define only the environment's ` +
          "first revision and are not applied to an existing environment. To build the new definition, declare an " +
          "EnvironmentRevision with it; to silence this warning, set these inputs back or list them in the ignoreChanges resource option.",
      );
    }
  },

  async create({ client }, inputs) {
    const body: NewEnvironmentV1 = {
      ...revisionBody(inputs),
      name: inputs.name,
      visibility: inputs.visibility,
      addBaseDependencies: inputs.addBaseDependencies,
    };
    if (inputs.description) body.description = inputs.description;
    if (inputs.orgOwnerId) body.orgOwnerId = inputs.orgOwnerId;
    const env = await createOnce<EnvironmentV1>({ ...candidates(client, inputs), send: () => client.environments.createEnvironment(body) });
    const recorded: Partial<EnvironmentOutputs> = {
      ...revisionDefinition(inputs),
      description: inputs.description,
      addBaseDependencies: inputs.addBaseDependencies,
      orgOwnerId: inputs.orgOwnerId,
    };
    return { id: env.id, outs: toOutputs(env, recorded) };
  },

  async read({ client }, id, recorded) {
    const env = await liveEnvironment(client, id);
    return env && toOutputs(env, recorded);
  },

  // No update: every input either replaces the environment or is ignored (the first
  // revision's definition), so there is never anything to change in place.

  delete: ({ client }, id) => client.environments.archiveEnvironment(id),

  locate: async ({ client }, inputs) => locateWith(candidates(client, inputs), (e) => e.id),
});

/**
 * A Domino compute environment. Id for `get`: the environment id.
 *
 * - `name`, `description`, `visibility`, `orgOwnerId` and `addBaseDependencies` cannot be
 *   changed in Domino: changing one replaces the environment (the new one is created
 *   first, then the old one is archived).
 * - `image` and the other definition inputs (`dockerfileInstructions`,
 *   `environmentVariables`, scripts, `workspaceTools`, `supportedClusters`, `skipCache`,
 *   `summary`, `tags`, `useVpn`) define the first revision and are used only at creation.
 *   Changing them later changes nothing in Domino (and does not replace the environment,
 *   which would archive it): `pulumi preview` and `pulumi up` print a warning naming the
 *   changed inputs. To change what the environment builds, add an `EnvironmentRevision`;
 *   list the changed inputs in `ignoreChanges` (or set them back) to silence the warning.
 * - Creating it does not wait for the first build (`latestRevisionStatus` shows how it
 *   went, at the last create or refresh). `EnvironmentRevision` waits for its build.
 * - Destroying it archives it. Domino refuses to archive an environment that is some
 *   project's default.
 * - `description` is never returned by Domino: refresh keeps the recorded value.
 *   Refresh takes an archived environment for a deleted one.
 * - `environmentVariables` is a secret in the state; the outputs hold each key with a digest
 *   of its value (`valueSha256`), never the value.
 */
export class Environment extends resourceClass<EnvironmentArgs, EnvironmentOutputs>("environment", provider, {
  secretOutputs: ["environmentVariables"],
}) {}
