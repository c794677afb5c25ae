/**
 * Organization: a Domino organization (a named group of users that can own projects and
 * environments and be a collaborator).
 *
 * Domino's API can create an organization but cannot rename or delete one. A name change
 * fails the diff (a replacement would leave the old organization behind), and destroying
 * the resource only removes it from the stack, with a warning that the organization is
 * still in Domino.
 */
import { DominoClient } from "../client/client";
import { OrganizationV1 } from "../client/organizations";
import { defineProvider } from "../kit/lifecycle";
import { warnUser } from "../kit/notices";
import { organizationsNamed } from "../kit/organizations";
import { Candidates, createOnce, locateWith } from "../kit/recovery";
import { Args, resourceClass, ResourceArgs } from "../kit/resource";
import { containsUnknown, diffInputs, SchemaFor, segmentName } from "../kit/schema";

export interface OrganizationInputs {
  /**
   * The organization's name, unique among users and organizations. 1 to 100
   * characters: letters, digits, `-`, `_` and `.`, not `.` or `..` (it shares the
   * namespace of user names, which are part of URLs). Cannot change: Domino has no call
   * to rename an organization.
   */
  name: string;
}

export interface OrganizationComputed {
  /** Absent until one is set in Domino. */
  defaultEnvironmentId?: string;
}

export const organizationSchema: SchemaFor<OrganizationInputs> = {
  // "update" so that the diff reports a change instead of planning a replacement; the
  // diff refuses a known new name before anything is planned.
  name: {
    kind: "string",
    required: true,
    nonEmpty: true,
    max: 100,
    validate: segmentName("organization names share the namespace of user names, which are part of URLs"),
    onChange: "update",
  },
};

type CheckedOrganization = Required<OrganizationInputs>;
export type OrganizationOutputs = CheckedOrganization & OrganizationComputed;
export type OrganizationArgs = ResourceArgs<OrganizationInputs>;
export type OrganizationState = Partial<Args<OrganizationOutputs>>;

function toOutputs(org: OrganizationV1): OrganizationOutputs {
  return { name: org.name, defaultEnvironmentId: org.defaultEnvironmentId };
}

function renameRefused(from: string, to: string): Error {
  const err = new Error(
    `Organization.name cannot change from "${from}" to "${to}": Domino's API can neither rename nor delete an organization, ` +
      "so replacing it would leave the old one behind. Rename it in the Domino UI, run `pulumi refresh`, then set the new name here; " +
      "or declare a separate Organization resource",
  );
  // The engine prints a failed diff with its stack: the message is all the user needs.
  err.stack = err.message;
  return err;
}

/**
 * The name is the natural key: one of the caller's organizations with it is taken. One
 * the caller is not in is refused by Domino itself (names are unique). A lost answer is
 * looked for among the caller's organizations, which include a new one when Domino makes
 * its creator a member; were it not listed, the repeated create would be refused for a
 * taken name, never make a second organization.
 */
function candidates(client: DominoClient, inputs: CheckedOrganization): Candidates<OrganizationV1> {
  return {
    what: `organization "${inputs.name}"`,
    kind: "organization",
    settings: client.settings,
    list: () => organizationsNamed(client, inputs.name),
    idOf: (o) => o.id,
    matches: (o) => o.name === inputs.name,
    sameKey: (o) => o.name === inputs.name,
    takenHint: "adopt it with `adoptId`, or choose another name",
  };
}

export const provider = defineProvider<CheckedOrganization, OrganizationOutputs>({
  kind: "Organization",
  schema: organizationSchema,
  computed: { defaultEnvironmentId: true },
  describe: (o) => `"${o.name}"`,
  adoption: { key: ["name"] },

  diff(olds, news) {
    const result = diffInputs(organizationSchema, { ...olds }, { ...news });
    // Compared with the state, not the old inputs: a refresh after a rename in the UI
    // records the new name, and then the program's old name is the change.
    if (result.changes && !containsUnknown(news.name) && news.name !== olds.name) throw renameRefused(olds.name, news.name);
    return result;
  },

  async create({ client }, inputs) {
    const org = await createOnce<OrganizationV1>({
      ...candidates(client, inputs),
      send: () => client.organizations.createOrganization(inputs.name),
    });
    return { id: org.id, outs: toOutputs(org) };
  },

  read: async ({ client }, id) => toOutputs(await client.organizations.getOrganization(id)),

  // The diff reports a change only for a name unknown at preview; once it is known it is
  // either the same (no change) or refused. Nothing is left to do here.
  async update(_ctx, _id, olds, news) {
    if (news.name !== olds.name) throw renameRefused(olds.name, news.name);
    return olds;
  },

  async delete(_ctx, id, props) {
    // Not `ctx.warn`: the message names the organization by name first, the way users know it.
    warnUser(
      `Organization "${props.name ?? id}" (${id}) was removed from the stack but still exists in Domino: ` +
        "Domino's API has no call that deletes an organization. Remove it in the Domino admin UI if it is no longer needed.",
    );
  },

  locate: async ({ client }, inputs) => locateWith(candidates(client, inputs), (o) => o.id),
});

/**
 * A Domino organization. Id for `get`: the organization id (`OrganizationV1.id`, its id
 * in the users collection). Members are `OrganizationMember` resources.
 *
 * - Created without members (the API may add the caller).
 * - `name` cannot change: Domino's API has no rename, and no delete that would allow a
 *   replacement. `pulumi preview` fails with a message saying so.
 * - Destroying it only removes it from the stack: the organization stays in Domino, and
 *   the provider prints a warning saying so.
 */
export class Organization extends resourceClass<OrganizationArgs, OrganizationOutputs>("organization", provider) {}
