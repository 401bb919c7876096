/**
 * Strapi users-permissions actions and what they become in Gatehouse. An action maps to ACL rules only
 * where a Gatehouse field does the same thing; the table is the documentation (README "Move from Strapi"
 * prints it), and every action of an export that is not mapped is reported with the reason.
 */

export type PermissionMapping =
  /** Becomes ALLOW rules for the role on these coordinates. */
  | { kind: "rule"; resources: readonly string[] }
  /** Already allowed by Gatehouse's defaults (or by settings): no rule needed. */
  | { kind: "built-in"; why: string }
  /** Deliberately not mapped. */
  | { kind: "refused"; why: string };

const PREFIX = "plugin::users-permissions.";

const AUTH_BUILT_IN: PermissionMapping = {
  kind: "built-in",
  why: "Gatehouse's public auth mutations are open to every caller (registration follows the allowRegister setting)",
};
const MANAGEMENT_REFUSED: PermissionMapping = {
  kind: "refused",
  why: "changes accounts or roles; in Gatehouse Admin is a role like the others, so this could make the role an admin: grant it deliberately with createAclRule",
};

/** By action, without the `plugin::users-permissions.` prefix. */
export const STRAPI_PERMISSION_MAP: Readonly<Record<string, PermissionMapping>> = {
  "user.me": { kind: "built-in", why: "Query.me is allowed to every signed-in user" },
  "user.find": { kind: "rule", resources: ["Query.users"] },
  "user.count": { kind: "rule", resources: ["Query.users"] },
  "user.findOne": { kind: "rule", resources: ["Query.user"] },
  "role.find": { kind: "rule", resources: ["Query.roles"] },
  "role.findOne": { kind: "rule", resources: ["Query.role"] },
  "permissions.getPermissions": { kind: "built-in", why: "Query.myPermissions is open to every caller" },
  "user.create": MANAGEMENT_REFUSED,
  "user.update": MANAGEMENT_REFUSED,
  "user.destroy": MANAGEMENT_REFUSED,
  "role.createRole": MANAGEMENT_REFUSED,
  "role.updateRole": MANAGEMENT_REFUSED,
  "role.deleteRole": MANAGEMENT_REFUSED,
  "auth.callback": AUTH_BUILT_IN,
  "auth.register": AUTH_BUILT_IN,
  "auth.connect": AUTH_BUILT_IN,
  "auth.forgotPassword": AUTH_BUILT_IN,
  "auth.resetPassword": AUTH_BUILT_IN,
  "auth.emailConfirmation": AUTH_BUILT_IN,
  "auth.sendEmailConfirmation": AUTH_BUILT_IN,
  "auth.changePassword": { kind: "built-in", why: "Mutation.changePassword is allowed to every signed-in user" },
  "auth.refresh": AUTH_BUILT_IN,
  "auth.logout": { kind: "built-in", why: "Mutation.logout is allowed to every signed-in user" },
};

/** What a Strapi action becomes; actions of other plugins and content types have no Gatehouse field. */
export function mapStrapiPermission(action: string): PermissionMapping {
  if (action.startsWith(PREFIX)) {
    const known = STRAPI_PERMISSION_MAP[action.slice(PREFIX.length)];
    if (known) return known;
  }
  return { kind: "refused", why: "no Gatehouse field does this (content types and other plugins stay with Strapi)" };
}
