/**
 * Organizations and their members. An organization's id lives in the users collection, so
 * its name may not clash with a user name or another organization (case-insensitively).
 * The creator becomes an Admin member unless the request already lists them, since only an
 * organization's Admin members (and system admins) may change its members.
 */
import { badRequest, forbidden, notFound } from "../errors";
import { newId, OrganizationRecord, OrganizationRole } from "../store";
import { loadVisibleOrganization, organizationRole, requireUser } from "./access";
import { envelope, HandlerContext, OperationHandlers, paginate, requireId, sameName } from "./context";

interface MemberBody {
  userId: string;
  organizationRole: OrganizationRole;
}

function organizationWire(org: OrganizationRecord): Record<string, unknown> {
  return {
    id: org.id,
    name: org.name,
    members: org.members.map((m) => ({ userId: m.userId, organizationRole: m.organizationRole })),
  };
}

function organizationEnvelope(ctx: HandlerContext, org: OrganizationRecord) {
  return { body: envelope(ctx, { org: organizationWire(org) }) };
}

/** For an organization the caller sees: plain members may look but not change members. */
function requireEditMembers(ctx: HandlerContext, org: OrganizationRecord): void {
  if (!ctx.caller.isAdmin && organizationRole(org, ctx.caller.id) !== "Admin") {
    throw forbidden(`User ${ctx.caller.userName} does not have permission EditMembers on organization ${org.id}`);
  }
}

function listPage(ctx: HandlerContext, orgs: OrganizationRecord[]) {
  const nameFilter = ctx.query.nameFilter as string | undefined;
  const filtered = nameFilter !== undefined ? orgs.filter((o) => o.name === nameFilter) : orgs;
  const { items, metadata } = paginate(ctx, filtered);
  return { body: { orgs: items.map(organizationWire), metadata } };
}

export const organizationHandlers: OperationHandlers = {
  getUserOrgs(ctx) {
    const mine = [...ctx.store.organizations.values()].filter((o) => organizationRole(o, ctx.caller.id));
    return listPage(ctx, mine);
  },

  getAllOrgs(ctx) {
    if (!ctx.caller.isAdmin) {
      throw forbidden(`User ${ctx.caller.userName} does not have permission ManageOrganizations`);
    }
    let orgs = [...ctx.store.organizations.values()];
    if (ctx.query.userIdFilter !== undefined) {
      const userId = requireId(ctx.query.userIdFilter);
      orgs = orgs.filter((o) => organizationRole(o, userId));
    }
    return listPage(ctx, orgs);
  },

  createOrg(ctx) {
    const body = ctx.body as { name: string; members: MemberBody[] };
    const name = body.name;
    if (name.trim() === "") throw badRequest("Organization name must not be empty");
    const taken =
      [...ctx.store.organizations.values()].some((o) => sameName(o.name, name)) ||
      [...ctx.store.users.values()].some((u) => sameName(u.userName, name));
    if (taken) throw badRequest(`The name ${name} is already taken by a user or organization`);
    const members: OrganizationRecord["members"] = [];
    for (const member of body.members) {
      const user = requireUser(ctx, member.userId);
      const existing = members.find((m) => m.userId === user.id);
      if (existing) existing.organizationRole = member.organizationRole;
      else members.push({ userId: user.id, organizationRole: member.organizationRole });
    }
    if (!members.some((m) => m.userId === ctx.caller.id)) {
      members.push({ userId: ctx.caller.id, organizationRole: "Admin" });
    }
    const org: OrganizationRecord = { id: newId(), name, members, creatorId: ctx.caller.id, createdAt: ctx.now };
    ctx.store.organizations.set(org.id, org);
    return organizationEnvelope(ctx, org);
  },

  getOrg(ctx) {
    return organizationEnvelope(ctx, loadVisibleOrganization(ctx, ctx.params.organizationId));
  },

  addUserToOrg(ctx) {
    const org = loadVisibleOrganization(ctx, ctx.params.organizationId);
    const body = ctx.body as MemberBody;
    const userId = requireId(body.userId);
    requireEditMembers(ctx, org);
    const user = requireUser(ctx, userId);
    const existing = org.members.find((m) => m.userId === user.id);
    // PUT: a second call for a member sets the role instead of failing.
    if (existing) existing.organizationRole = body.organizationRole;
    else org.members.push({ userId: user.id, organizationRole: body.organizationRole });
    return organizationEnvelope(ctx, org);
  },

  removeUserFromOrg(ctx) {
    const org = loadVisibleOrganization(ctx, ctx.params.organizationId);
    const userId = requireId(ctx.query.memberToRemoveId);
    requireEditMembers(ctx, org);
    const index = org.members.findIndex((m) => m.userId === userId);
    if (index < 0) throw notFound(`User ${userId} is not a member of organization ${org.id}`);
    org.members.splice(index, 1);
    return organizationEnvelope(ctx, org);
  },
};
