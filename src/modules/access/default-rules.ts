/**
 * Rules that hold without any row in the database. Rules stored by admins are merged with these and take
 * part in the same resolution, so a more specific (or equally specific DENY) stored rule narrows a
 * default: e.g. a DENY for the Public role on `Mutation.register` closes registration, since a static
 * role outranks `$everyone`.
 */
import type { AclRule } from "./acl.ts";
import { DynamicRole } from "./acl.ts";
import { BuiltinRoleType } from "../roles/builtin-roles.ts";

const allow = (resource: string, principalId: string, accessType: AclRule["accessType"] = "*"): AclRule => ({
  resource,
  accessType,
  principalType: "ROLE",
  principalId,
  permission: "ALLOW",
});

/**
 * The operations a caller needs before having a session. `$everyone` rather than the Public role: a
 * client holding a stale access token must still be able to sign in again or refresh.
 */
export const publicAuthOperations = [
  "Mutation.login",
  "Mutation.register",
  "Mutation.forgotPassword",
  "Mutation.resetPassword",
  "Mutation.emailConfirmation",
  "Mutation.sendEmailConfirmation",
  "Mutation.refresh",
] as const;

/** Front-ends ask what to offer before sign-in too; `viewer` is null for anonymous callers. */
export const everyoneQueries = ["Query.myPermissions", "Query.viewer"] as const;

/** What every signed-in user may do on their own account. */
export const authenticatedOperations = [
  "Query.me",
  "Query.sessions",
  "Mutation.logout",
  "Mutation.changePassword",
  "Mutation.updateMe",
] as const;

/** Operations on one record that a user may perform only on records they own. */
export const ownerOperations = ["Query.user", "Mutation.revokeSession", "User.email"] as const;

export const defaultRules: readonly AclRule[] = [
  ...publicAuthOperations.map((resource) => allow(resource, DynamicRole.EVERYONE, "WRITE")),
  ...everyoneQueries.map((resource) => allow(resource, DynamicRole.EVERYONE, "READ")),
  ...authenticatedOperations.map((resource) => allow(resource, DynamicRole.AUTHENTICATED)),
  ...ownerOperations.map((resource) => allow(resource, DynamicRole.OWNER)),
  // Admins may do everything unless a stored rule says otherwise. A wildcard is the least specific rule,
  // so any exact DENY for the Admin role (or for a user) narrows it.
  allow("*", BuiltinRoleType.ADMIN),
];
