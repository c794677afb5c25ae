/**
 * getUser: finds a Domino user by user name or email address.
 *
 * Domino's user list has no filter, so the lookup pages through the users visible to the
 * caller (which may be limited to the caller's organizations) and matches here.
 */
import * as pulumi from "@pulumi/pulumi";
import { paginate } from "../client/pagination";
import { UserV1 } from "../client/users";
import { lookupError, lookupOutput, runLookup } from "./settings";

export interface GetUserArgs {
  /** A user name or an email address, compared case-insensitively. */
  userName: string;
}

export interface GetUserOutputArgs {
  userName: pulumi.Input<string>;
}

export interface GetUserResult {
  /** The user id, as `userId`, `ownerId` and `assigneeId` inputs expect it. */
  id: string;
  userName: string;
  firstName: string;
  lastName: string;
  fullName: string;
  email: string;
}

function describe(u: UserV1): string {
  return `${u.userName} (${u.id}${u.email ? `, ${u.email}` : ""})`;
}

/**
 * The user whose user name, or else whose email address, is `userName`
 * (case-insensitive). A user-name match wins over an email match of another user. Fails
 * when nobody matches, or when only email addresses match and more than one user has it.
 */
export async function getUser(args: GetUserArgs, opts?: pulumi.InvokeOptions): Promise<GetUserResult> {
  const wanted = typeof args?.userName === "string" ? args.userName.trim().toLowerCase() : "";
  if (!wanted) throw lookupError("getUser", "userName must not be empty: pass a user name or an email address");
  return runLookup("getUser", async (client) => {
    const byEmail: UserV1[] = [];
    let seen = 0;
    let found: UserV1 | undefined;
    for await (const user of paginate(client.users.listUsersPage)) {
      seen++;
      // User names are unique: the first match is the answer.
      if (user.userName.toLowerCase() === wanted) {
        found = user;
        break;
      }
      if (user.email?.toLowerCase() === wanted) byEmail.push(user);
    }
    if (!found) {
      if (byEmail.length > 1) {
        throw new Error(
          `${byEmail.length} users have the email address "${args.userName}": ${byEmail.map(describe).join(", ")}; look them up by user name`,
        );
      }
      found = byEmail[0];
    }
    if (!found) {
      throw new Error(
        `no user has the user name or email address "${args.userName}" (${seen} users visible to the caller were checked); ` +
          "check the spelling, or use an API key whose user can see that user (Domino may show only the users of the caller's organizations)",
      );
    }
    return {
      id: found.id,
      userName: found.userName,
      firstName: found.firstName ?? "",
      lastName: found.lastName ?? "",
      fullName: found.fullName ?? "",
      email: found.email ?? "",
    };
  }, opts);
}

/** `getUser` for inputs that are Outputs; `opts` as for Pulumi's invokes (`provider`, `parent`, `dependsOn`). */
export function getUserOutput(args: GetUserOutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<GetUserResult> {
  return lookupOutput(args, opts, (a, o) => getUser(a, o));
}
