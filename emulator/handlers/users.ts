/** User lookups. Every user is visible to every user; no filter exists (a userName query is ignored). */
import type { UserRecord } from "../store";
import { requireUser } from "./access";
import { envelope, OperationHandlers, paginate } from "./context";

export function userWire(user: UserRecord): Record<string, unknown> {
  return {
    id: user.id,
    userName: user.userName,
    firstName: user.firstName,
    lastName: user.lastName,
    fullName: user.fullName,
    avatarUrl: user.avatarUrl,
    email: user.email,
    roles: [...user.roles],
  };
}

export const userHandlers: OperationHandlers = {
  getVisibleUsers(ctx) {
    const { items, metadata } = paginate(ctx, [...ctx.store.users.values()]);
    return { body: { users: items.map(userWire), metadata } };
  },

  getCurrentUser(ctx) {
    return { body: envelope(ctx, { user: userWire(ctx.caller) }) };
  },

  // Only reachable on a surface whose versions include 6.4; kept so the handler table
  // covers the whole contract.
  getUser(ctx) {
    return { body: envelope(ctx, { user: userWire(requireUser(ctx, ctx.params.userId)) }) };
  },
};
