/** The roles every Gatehouse database has, keyed by their Strapi `type`. */
export const BuiltinRoleType = {
  PUBLIC: "public",
  AUTHENTICATED: "authenticated",
  ADMIN: "admin",
} as const;
export type BuiltinRoleType = (typeof BuiltinRoleType)[keyof typeof BuiltinRoleType];

export const builtinRoles = [
  { type: BuiltinRoleType.PUBLIC, name: "Public", description: "What unauthenticated callers may do." },
  { type: BuiltinRoleType.AUTHENTICATED, name: "Authenticated", description: "Default role of new users." },
  { type: BuiltinRoleType.ADMIN, name: "Admin", description: "Manages users, roles, rules and settings." },
];

const reservedRoleWords = new Set<string>(builtinRoles.flatMap((role) => [role.type, role.name.toLowerCase()]));

/**
 * Whether a slug is one of the built-in roles' types or names (public, authenticated, admin). Only those
 * roles may carry it, as type or as display name in any case, so a custom role can never pass for one.
 */
export const isReservedRoleWord = (slug: string): boolean => reservedRoleWords.has(slug);
