/**
 * Roles and role membership: what admins manage. Plain inputs in, records out; no GraphQL here.
 */
import { badUserInput, notFound } from "../../errors.ts";
import type { Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import { withPrismaErrors } from "../../infra/db/prisma-errors.ts";
import { hasInvisibleCharacters } from "../../lib/text.ts";
import { AuditAction, type AuditService, type AuditSource } from "../audit/audit.service.ts";
import { BuiltinRoleType, isReservedRoleWord } from "./builtin-roles.ts";

/** The selection plugin-prisma computes from the GraphQL query. */
type RoleQuery = { include?: Prisma.RoleInclude; select?: Prisma.RoleSelect };

export interface RoleInput {
  name: string;
  description?: string | null;
  /** Slug used in rules; derived from the name when absent. Fixed once created. */
  type?: string | null;
}

export interface RoleUpdate {
  name?: string | null;
  description?: string | null;
}

export interface RolesDependencies {
  prisma: PrismaClient;
  audit: AuditService;
  /** The `type` of the role new users get (settings' defaultRole): a deleted role's users move to it. */
  defaultRoleType: () => Promise<string>;
}

/** Public and Authenticated carry the rules of anonymous and of all signed-in callers; Admin, the admins. */
const undeletableRoles = new Set<string>(Object.values(BuiltinRoleType));

// Accents are dropped rather than turned into dashes ("Équipe" -> "equipe"), so a look-alike of a
// reserved word slugs to that word and is refused.
/** A role's type as derived from a name or a requested type: `createRole` stores this form. */
export const slugify = (name: string) =>
  name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");

const RESERVED = "public, authenticated and admin are reserved for the built-in roles";

/**
 * A role's display name, checked. `ownType` is the type of the role being renamed: only a built-in role
 * may carry its own reserved name (in any case or spelling), so no custom role looks like one of them.
 */
function cleanName(name: string, ownType?: string): string {
  const trimmed = name.normalize("NFKC").trim();
  if (!trimmed || trimmed.length > 100) throw badUserInput("A role name has 1 to 100 characters", { field: "name" });
  if (trimmed.startsWith("$")) throw badUserInput("Names starting with $ are dynamic roles", { field: "name" });
  if (hasInvisibleCharacters(trimmed)) {
    throw badUserInput("A role name must not contain control, format or invisible characters", { field: "name" });
  }
  const slug = slugify(trimmed);
  if (isReservedRoleWord(slug) && slug !== ownType) throw badUserInput(RESERVED, { field: "name" });
  return trimmed;
}

export function createRolesService({ prisma, audit, defaultRoleType }: RolesDependencies) {
  /**
   * Audits a change to roles or role membership (ROLE_CHANGED): `change` says what happened, the rest of
   * `details` identifies the role (never more than names and ids).
   */
  const roleChanged = (
    source: AuditSource,
    target: { type: "Role" | "User"; id: number },
    details: { change: string } & Record<string, unknown>,
  ) => audit.recordBy(source, { action: AuditAction.ROLE_CHANGED, targetType: target.type, targetId: target.id, metadata: details });

  async function getRole(id: number, query: RoleQuery = {}) {
    const role = await prisma.role.findUnique({ ...query, where: { id } });
    if (!role) throw notFound("No such role");
    return role;
  }

  /**
   * Refuses a change that would take the last active admin's admin role away (deleting, blocking or
   * demoting them): nobody could manage users, roles or rules any more. Not atomic with the change: two
   * admins demoting each other at the same instant could both pass.
   */
  async function assertAnotherAdminRemains(userId: number): Promise<void> {
    const isAdmin = { type: BuiltinRoleType.ADMIN };
    const adminWhere = { OR: [{ primaryRole: isAdmin }, { roles: { some: { role: isAdmin } } }] };
    const target = await prisma.user.count({ where: { id: userId, ...adminWhere } });
    if (target === 0) return;
    const others = await prisma.user.count({ where: { id: { not: userId }, blocked: false, ...adminWhere } });
    if (others === 0) throw badUserInput("This would leave no active admin");
  }

  return {
    list: (query: RoleQuery = {}) => prisma.role.findMany({ ...query, orderBy: { id: "asc" } }),
    get: getRole,
    assertAnotherAdminRemains,

    async isAdminRole(roleId: number): Promise<boolean> {
      const role = await prisma.role.findUnique({ where: { id: roleId }, select: { type: true } });
      return role?.type === BuiltinRoleType.ADMIN;
    },

    async create(input: RoleInput, source: AuditSource, query: RoleQuery = {}) {
      const name = cleanName(input.name);
      const type = slugify(input.type ?? name);
      if (!type) throw badUserInput("The role type must contain letters or digits", { field: "type" });
      if (isReservedRoleWord(type)) throw badUserInput(RESERVED, { field: "type" });
      const role = await withPrismaErrors(
        prisma.role.create({ ...query, data: { name, type, description: input.description ?? null } }),
        { conflict: "A role with this name or type exists" },
      );
      await roleChanged(source, { type: "Role", id: role.id }, { change: "created", name, type });
      return role;
    },

    async update(id: number, input: RoleUpdate, source: AuditSource, query: RoleQuery = {}) {
      const { type } = await getRole(id, { select: { type: true } });
      const data = {
        ...(input.name != null && { name: cleanName(input.name, type) }),
        ...(input.description !== undefined && { description: input.description }),
      };
      const role = await withPrismaErrors(prisma.role.update({ ...query, where: { id }, data }), {
        conflict: "A role with this name exists",
        notFound: "No such role",
      });
      await roleChanged(source, { type: "Role", id }, { change: "updated", fields: Object.keys(data) });
      return role;
    },

    /**
     * Deletes a custom role: its users fall back to the default role (settings "advanced".defaultRole),
     * and rules whose principal is its type go too, so a later role of the same type does not inherit
     * them. Rules only ever name a role by type: another role whose display name happens to equal this
     * type keeps its rules.
     */
    async delete(id: number, source: AuditSource): Promise<void> {
      const role = await getRole(id);
      if (undeletableRoles.has(role.type)) throw badUserInput(`The ${role.name} role cannot be deleted`);
      const fallback = await prisma.role.findUnique({ where: { type: await defaultRoleType() } });
      if (!fallback || fallback.id === role.id) {
        throw badUserInput("The default role cannot be deleted; choose another default role first");
      }
      await withPrismaErrors(
        prisma.$transaction([
          prisma.user.updateMany({ where: { primaryRoleId: role.id }, data: { primaryRoleId: fallback.id } }),
          prisma.aclRule.deleteMany({ where: { principalType: "ROLE", principalId: role.type } }),
          prisma.role.delete({ where: { id: role.id } }),
        ]),
        { notFound: "No such role" },
      );
      await roleChanged(source, { type: "Role", id }, { change: "deleted", name: role.name, type: role.type });
    },

    /** Gives a user a further role (besides their primary one). */
    async assign(userId: number, roleId: number, source: AuditSource): Promise<void> {
      const user = await prisma.user.findUnique({ where: { id: userId }, select: { primaryRoleId: true } });
      if (!user) throw notFound("No such user");
      if (user.primaryRoleId === roleId) throw badUserInput("This is already the user's primary role");
      await withPrismaErrors(prisma.userRole.create({ data: { userId, roleId } }), {
        conflict: "The user already has this role",
      });
      await roleChanged(source, { type: "User", id: userId }, { change: "assigned", roleId });
    },

    async unassign(userId: number, roleId: number, source: AuditSource): Promise<void> {
      const role = await prisma.role.findUnique({ where: { id: roleId }, select: { type: true } });
      if (role?.type === BuiltinRoleType.ADMIN) await assertAnotherAdminRemains(userId);
      await withPrismaErrors(prisma.userRole.delete({ where: { userId_roleId: { userId, roleId } } }), {
        notFound: "The user does not have this role",
      });
      await roleChanged(source, { type: "User", id: userId }, { change: "unassigned", roleId });
    },
  };
}

export type RolesService = ReturnType<typeof createRolesService>;
