/**
 * Typed calls for users. Domino's user list has no filter (a `userName` parameter is
 * silently ignored), so finding a user means paging and matching here.
 */
import { RequestCore } from "./http";
import { listPage, Page } from "./pagination";

export interface UserV1 {
  id: string;
  userName: string;
  firstName: string;
  lastName: string;
  fullName: string;
  avatarUrl: string;
  email?: string;
  companyName?: string;
  phoneNumber?: string;
  /** Domino 6.1+. */
  roles?: string[];
}

/** One page of the users visible to the caller. */
export async function listUsersPage(core: RequestCore, offset: number, limit: number): Promise<Page<UserV1>> {
  return listPage(core, "users", { operation: "list users", path: "/api/users/v1/users" }, offset, limit);
}

/** The calls of this area, for `DominoClient`. */
export const usersCalls = { listUsersPage };
