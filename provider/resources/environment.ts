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
 * fail while a project uses it as its default). A plan with nothing to do would hide the
 * edit, so `diff` warns about it instead.
 */
import * as pulumi from "@pulumi/pulumi";
import { archiveEnvironment, createEnvironment, EnvironmentV1, listEnvironmentsPage, NewEnvironmentV1 } from "../client/environments";
import { isNotFound } from "../client/errors";
import { plainOutputs } from "../client/outputs";
import { findInPages } from "../client/pagination";
import { warnUser } from "../client/notices";
import { checkInputs, containsUnknown, diffInputs, inputsFromOutputs, outputSlots, sameValue, Schema, withoutProvider } from "./common";
import {
  assertTagsSupported,
  canonicalStatus,
  createdSince,
  EnvironmentVariable,
  liveEnvironment,
  REVISION_FIELDS,
  RevisionDefinition,
  RevisionDefinitionArgs,
  revisionBody,
  revisionDefinition,
  revisionFieldsSchema,
  secretVariables,
  withSecretVariables,
  WorkspaceTool,
} from "./environment-revision";
import { providerShim } from "./shim";

export interface EnvironmentArgs extends RevisionDefinitionArgs {
  /** Changing it replaces the environment. */
  name: pulumi.Input<string>;
  /** Changing it replaces the environment. Domino never returns it, so refresh keeps the recorded value. */
  description?: pulumi.Input<string>;
  /** Global (everyone) or Private (the owner only), case-insensitive. Default Private. Changing it replaces the environment. */
  visibility?: pulumi.Input<string>;
  /** Organization that owns the environment (Private environments only). Changing it replaces the environment. */
  orgOwnerId?: pulumi.Input<string>;
  /** Let Domino add the packages it needs to the image. Default false. Changing it replaces the environment. */
  addBaseDependencies?: pulumi.Input<boolean>;
}

export interface EnvironmentInputs extends RevisionDefinition {
  name: string;
  description: string;
  visibility: "Global" | "Private";
  orgOwnerId?: string;
  addBaseDependencies: boolean;
}

export interface EnvironmentOutputs extends EnvironmentInputs {
  ownerId: string;
  ownerUsername: string;
  /** Individual or Organization. */
  ownerType: string;
  /** The revision made with the environment, from the definition given here. */
  firstRevisionId: string;
  latestRevisionId: string;
  latestRevisionNumber: number;
  /** Build status of the latest revision, as last read. */
  latestRevisionStatus: string;
}

export const environmentSchema: Schema = {
  name: { kind: "string", required: true, nonEmpty: true, onChange: "replace" },
  description: { kind: "string", default: "", onChange: "replace" },
  visibility: { kind: "string", oneOf: ["Global", "Private"], default: "Private", onChange: "replace" },
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

function visibilityOf(env: EnvironmentV1): "Global" | "Private" {
  // "Organization" is what Domino reports for a Private environment owned by an organization.
  return env.visibility.toLowerCase() === "global" ? "Global" : "Private";
}

function orgOwnerOf(env: EnvironmentV1): string | undefined {
  return env.owner && env.owner.ownerType.toLowerCase() === "organization" ? env.owner.id : undefined;
}

function toOutputs(env: EnvironmentV1, recorded: Partial<EnvironmentOutputs>): EnvironmentOutputs {
  const latest = env.latestRevision;
  return plainOutputs({
    ...recorded,
    name: env.name,
    description: recorded.description ?? "",
    visibility: visibilityOf(env),
    orgOwnerId: env.owner ? orgOwnerOf(env) : recorded.orgOwnerId,
    addBaseDependencies: recorded.addBaseDependencies ?? false,
    ownerId: env.owner?.id,
    ownerUsername: env.owner?.username,
    ownerType: env.owner?.ownerType,
    firstRevisionId: recorded.firstRevisionId ?? latest?.id,
    latestRevisionId: latest?.id,
    latestRevisionNumber: latest?.number,
    latestRevisionStatus: latest ? canonicalStatus(latest.status) : undefined,
  } as EnvironmentOutputs);
}

export const provider = {
  async check(_olds: unknown, news: Record<string, unknown>) {
    return checkInputs<EnvironmentInputs>("Environment", environmentSchema, news);
  },

  async diff(id: string, olds: EnvironmentOutputs, news: EnvironmentInputs) {
    const result = diffInputs(environmentSchema, { ...olds }, { ...news });
    // A replacement builds the new definition anyway. Values not known yet (preview) are
    // judged when they are. Only field names are printed: variable values are secrets.
    const ignored = result.replaces
      ? []
      : REVISION_FIELDS.filter((f) => olds[f] !== undefined && !containsUnknown(news[f]) && !sameValue(news[f], olds[f]));
    if (ignored.length > 0) {
      warnUser(
        `Environment "${olds.name}" (${id}): ${ignored.join(", ")} changed, but these inputs define only the environment's ` +
          "first revision and are not applied to an existing environment. To build the new definition, declare an " +
          "EnvironmentRevision with it; to silence this warning, set these inputs back or list them in the ignoreChanges resource option.",
      );
    }
    return result;
  },

  async create(inputs: EnvironmentInputs & { __provider?: string }) {
    await assertTagsSupported("Environment", inputs);
    const started = Date.now();
    const body: NewEnvironmentV1 = {
      ...revisionBody(inputs),
      name: inputs.name,
      visibility: inputs.visibility,
      addBaseDependencies: inputs.addBaseDependencies,
    };
    if (inputs.description) body.description = inputs.description;
    if (inputs.orgOwnerId) body.orgOwnerId = inputs.orgOwnerId;
    // Environment names need not be unique: a lost answer is recognised by the name and by
    // an id minted after this attempt began (ids start with their creation time).
    const findExisting = () =>
      findInPages(listEnvironmentsPage, (e) => e.name === inputs.name && createdSince(e.id, started));
    const env = await createEnvironment(body, findExisting);
    const recorded: Partial<EnvironmentOutputs> = {
      ...revisionDefinition(inputs),
      description: inputs.description,
      addBaseDependencies: inputs.addBaseDependencies,
      orgOwnerId: inputs.orgOwnerId,
    };
    return { id: env.id, outs: toOutputs(env, recorded) };
  },

  async read(id: string, props?: Partial<EnvironmentOutputs>) {
    const env = await liveEnvironment(id);
    if (!env) return { id: "" };
    const outs = toOutputs(env, withoutProvider(props ?? {}));
    return { id, props: outs, inputs: inputsFromOutputs<EnvironmentInputs>(environmentSchema, { ...outs }) };
  },

  /** Every input is either fixed (replacement) or create-time only, so there is nothing to send. */
  async update(id: string, olds: EnvironmentOutputs, _news: EnvironmentInputs) {
    const env = await liveEnvironment(id);
    const recorded = withoutProvider(olds);
    return { outs: env ? toOutputs(env, recorded) : recorded };
  },

  async delete(id: string, _props: EnvironmentOutputs) {
    try {
      await archiveEnvironment(id);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  },
};

const OUTPUTS = [
  "name",
  "description",
  "visibility",
  "orgOwnerId",
  "addBaseDependencies",
  ...REVISION_FIELDS,
  "ownerId",
  "ownerUsername",
  "ownerType",
  "firstRevisionId",
  "latestRevisionId",
  "latestRevisionNumber",
  "latestRevisionStatus",
] as const;

/**
 * A Domino compute environment. Import id: the environment id.
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
 *   went, as of the last create or refresh). `EnvironmentRevision` waits for its build.
 * - Destroying it archives it. Domino refuses to archive an environment that is some
 *   project's default.
 * - `description` is never returned by Domino: refresh keeps the recorded value.
 *   Refresh treats an archived environment as deleted.
 * - `environmentVariables` is stored as a secret.
 */
export class Environment extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string>;
  declare readonly visibility: pulumi.Output<string>;
  declare readonly orgOwnerId: pulumi.Output<string | undefined>;
  declare readonly addBaseDependencies: pulumi.Output<boolean>;
  declare readonly image: pulumi.Output<string>;
  declare readonly dockerfileInstructions: pulumi.Output<string>;
  declare readonly environmentVariables: pulumi.Output<EnvironmentVariable[]>;
  declare readonly preRunScript: pulumi.Output<string>;
  declare readonly postRunScript: pulumi.Output<string>;
  declare readonly preSetupScript: pulumi.Output<string>;
  declare readonly postSetupScript: pulumi.Output<string>;
  declare readonly workspaceTools: pulumi.Output<WorkspaceTool[]>;
  declare readonly supportedClusters: pulumi.Output<string[]>;
  declare readonly skipCache: pulumi.Output<boolean>;
  declare readonly summary: pulumi.Output<string>;
  declare readonly tags: pulumi.Output<string[]>;
  declare readonly useVpn: pulumi.Output<boolean>;
  declare readonly ownerId: pulumi.Output<string>;
  declare readonly ownerUsername: pulumi.Output<string>;
  declare readonly ownerType: pulumi.Output<string>;
  declare readonly firstRevisionId: pulumi.Output<string>;
  declare readonly latestRevisionId: pulumi.Output<string>;
  declare readonly latestRevisionNumber: pulumi.Output<number>;
  declare readonly latestRevisionStatus: pulumi.Output<string>;

  constructor(name: string, args: EnvironmentArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerShim("environment"),
      name,
      { ...outputSlots(OUTPUTS), ...secretVariables(args) },
      withSecretVariables(opts),
      "domino",
      "Environment",
    );
  }

  /** Looks up an existing environment by its id. */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): Environment {
    return new Environment(name, {} as EnvironmentArgs, { ...opts, id });
  }
}
