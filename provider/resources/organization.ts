/**
 * Organization: a Domino organization (a named group of users that can own projects and
 * environments and be a collaborator).
 *
 * Domino's API can create an organization but cannot rename or delete one. A name change
 * is refused at `check` (a replacement would leave the old organization behind), and
 * destroying the resource only removes it from the stack, with a warning that the
 * organization is still in Domino.
 */
import * as pulumi from "@pulumi/pulumi";
import { isNotFound } from "../client/errors";
import { createOrganization, getOrganization, listOrganizationsPage, OrganizationV1 } from "../client/organizations";
import { plainOutputs } from "../client/outputs";
import { findInPages } from "../client/pagination";
import { checkInputs, containsUnknown, diffInputs, inputsFromOutputs, outputSlots, Schema } from "./common";
import { warnUser } from "../client/notices";
import { providerShim } from "./shim";

export interface OrganizationArgs {
  /** Cannot change: Domino has no call to rename an organization. */
  name: pulumi.Input<string>;
}

export interface OrganizationInputs {
  name: string;
}

export interface OrganizationOutputs extends OrganizationInputs {
  /** Absent until one is set in Domino. */
  defaultEnvironmentId?: string;
}

export const organizationSchema: Schema = {
  // "update" so that diff reports the change; check refuses it before it gets that far.
  name: { kind: "string", required: true, nonEmpty: true, onChange: "update" },
};

function toOutputs(org: OrganizationV1): OrganizationOutputs {
  return plainOutputs({ name: org.name, defaultEnvironmentId: org.defaultEnvironmentId });
}

function renameRefused(from: string, to: string): string {
  return (
    `cannot change from "${from}" to "${to}": Domino's API can neither rename nor delete an organization, ` +
    "so replacing it would leave the old one behind. Rename it in the Domino UI, run `pulumi refresh`, then set the new name here; " +
    "or declare a separate Organization resource"
  );
}

export const provider = {
  async check(olds: Record<string, unknown>, news: Record<string, unknown>) {
    const result = checkInputs<OrganizationInputs>("Organization", organizationSchema, news);
    const before = olds?.name;
    const after = news?.name;
    if (typeof before === "string" && typeof after === "string" && !containsUnknown(after) && before !== after) {
      return {
        inputs: result.inputs,
        failures: [...(result.failures ?? []), { property: "name", reason: `Organization.name ${renameRefused(before, after)}` }],
      };
    }
    return result;
  },

  async diff(_id: string, olds: OrganizationOutputs, news: OrganizationInputs) {
    const result = diffInputs(organizationSchema, { ...olds }, { ...news });
    // The old state can differ from the old inputs (refresh after a rename in the UI).
    if (result.changes && !containsUnknown(news.name) && news.name !== olds.name) {
      throw new Error(`Organization.name ${renameRefused(olds.name, news.name)}`);
    }
    return result;
  },

  async create(inputs: OrganizationInputs & { __provider?: string }) {
    // The name identifies an organization, so a lost answer shows as one of that name.
    const findExisting = () =>
      findInPages((offset, limit) => listOrganizationsPage(offset, limit, inputs.name), (o) => o.name === inputs.name);
    const org = await createOrganization(inputs.name, findExisting);
    return { id: org.id, outs: toOutputs(org) };
  },

  async read(id: string, _props?: Partial<OrganizationOutputs>) {
    let org: OrganizationV1;
    try {
      org = await getOrganization(id);
    } catch (err) {
      if (isNotFound(err)) return { id: "" };
      throw err;
    }
    const outs = toOutputs(org);
    return { id, props: outs, inputs: inputsFromOutputs<OrganizationInputs>(organizationSchema, { ...outs }) };
  },

  /** Unreachable in practice: the only input cannot change. */
  async update(_id: string, olds: OrganizationOutputs, _news: OrganizationInputs) {
    return { outs: olds };
  },

  async delete(id: string, props: OrganizationOutputs) {
    warnUser(
      `Organization "${props.name ?? id}" (${id}) was removed from the stack but still exists in Domino: ` +
        "Domino's API has no call that deletes an organization. Remove it in the Domino admin UI if it is no longer needed.",
    );
  },
};

const OUTPUTS = ["name", "defaultEnvironmentId"] as const;

/**
 * A Domino organization. Import id: the organization id (`OrganizationV1.id`, its id in
 * the users collection). Members are `OrganizationMember` resources.
 *
 * - Created without members (the API may add the caller).
 * - `name` cannot change: Domino's API has no rename, and no delete that would allow a
 *   replacement. `pulumi preview` fails with a message saying so.
 * - Destroying it only removes it from the stack: the organization stays in Domino, and
 *   the provider prints a warning saying so.
 */
export class Organization extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly defaultEnvironmentId: pulumi.Output<string | undefined>;

  constructor(name: string, args: OrganizationArgs, opts?: pulumi.CustomResourceOptions) {
    super(providerShim("organization"), name, { ...outputSlots(OUTPUTS), ...args }, opts, "domino", "Organization");
  }

  /** Looks up an existing organization by its id. */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): Organization {
    return new Organization(name, {} as OrganizationArgs, { ...opts, id });
  }
}
