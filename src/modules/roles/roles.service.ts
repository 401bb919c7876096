/**
 * Roles and ACL rules: what admins manage. Plain inputs in, records out; no GraphQL here.
 */
import { badUserInput, notFound } from "../../errors.ts";
import type { AclPermission, AclPrincipalType, AclRule, Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import { withPrismaErrors } from "../../infra/db/prisma-errors.ts";
import { AuditAction, type AuditSource, recordAuditBy } from "../audit/audit.service.ts";
import { getAdvancedSettings } from "../settings/settings.service.ts";
import { DynamicRole, isRuleAccessType, isValidResource } from "./acl.ts";
import { BuiltinRoleType } from "./builtin-roles.ts";
import type { RoleResolverRegistry } from "./role-resolvers.ts";

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

export interface AclRuleInput {
  resource: string;
  accessType: string;
  principalType: AclPrincipalType;
  principalId: string;
  permission: AclPermission;
}

/**
 * Audits a change to roles or role membership (ROLE_CHANGED): `change` says what happened, the rest of
 * `details` identifies the role (never more than names and ids).
 */
const roleChanged = (
  prisma: PrismaClient,
  audit: AuditSource,
  target: { type: "Role" | "User"; id: number },
  details: { change: string } & Record<string, unknown>,
) => recordAuditBy(prisma, audit, { action: AuditAction.ROLE_CHANGED, targetType: target.type, targetId: target.id, metadata: details });

/** Public and Authenticated carry the rules of anonymous and of all signed-in callers; Admin, the admins. */
const undeletableRoles = new Set<string>(Object.values(BuiltinRoleType));

const slugify = (name: string) =>
  name
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");

function cleanName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > 100) throw badUserInput("A role name has 1 to 100 characters", { field: "name" });
  if (trimmed.startsWith("$")) throw badUserInput("Names starting with $ are dynamic roles", { field: "name" });
  return trimmed;
}

export const listRoles = (prisma: PrismaClient, query: RoleQuery = {}) =>
  prisma.role.findMany({ ...query, orderBy: { id: "asc" } });

export async function getRole(prisma: PrismaClient, id: number, query: RoleQuery = {}) {
  const role = await prisma.role.findUnique({ ...query, where: { id } });
  if (!role) throw notFound("No such role");
  return role;
}

export async function createRole(prisma: PrismaClient, input: RoleInput, audit: AuditSource, query: RoleQuery = {}) {
  const name = cleanName(input.name);
  const type = slugify(input.type ?? name);
  if (!type) throw badUserInput("The role type must contain letters or digits", { field: "type" });
  const role = await withPrismaErrors(
    prisma.role.create({ ...query, data: { name, type, description: input.description ?? null } }),
    { conflict: "A role with this name or type exists" },
  );
  await roleChanged(prisma, audit, { type: "Role", id: role.id }, { change: "created", name, type });
  return role;
}

export async function updateRole(prisma: PrismaClient, id: number, input: RoleUpdate, audit: AuditSource, query: RoleQuery = {}) {
  const data = {
    ...(input.name != null && { name: cleanName(input.name) }),
    ...(input.description !== undefined && { description: input.description }),
  };
  const role = await withPrismaErrors(prisma.role.update({ ...query, where: { id }, data }), {
    conflict: "A role with this name exists",
    notFound: "No such role",
  });
  await roleChanged(prisma, audit, { type: "Role", id }, { change: "updated", fields: Object.keys(data) });
  return role;
}

/**
 * Deletes a custom role: its users fall back to the default role (settings "advanced".defaultRole),
 * and rules naming it go too, so a later role of the same name does not inherit them.
 */
export async function deleteRole(prisma: PrismaClient, id: number, audit: AuditSource): Promise<void> {
  const role = await getRole(prisma, id);
  if (undeletableRoles.has(role.type)) throw badUserInput(`The ${role.name} role cannot be deleted`);
  const { defaultRole } = await getAdvancedSettings(prisma);
  const fallback = await prisma.role.findUnique({ where: { type: defaultRole } });
  if (!fallback || fallback.id === role.id) {
    throw badUserInput("The default role cannot be deleted; choose another default role first");
  }
  await withPrismaErrors(
    prisma.$transaction([
      prisma.user.updateMany({ where: { primaryRoleId: role.id }, data: { primaryRoleId: fallback.id } }),
      prisma.aclRule.deleteMany({ where: { principalType: "ROLE", principalId: { in: [role.type, role.name] } } }),
      prisma.role.delete({ where: { id: role.id } }),
    ]),
    { notFound: "No such role" },
  );
  await roleChanged(prisma, audit, { type: "Role", id }, { change: "deleted", name: role.name, type: role.type });
}

/** Gives a user a further role (besides their primary one). */
export async function assignRole(prisma: PrismaClient, userId: number, roleId: number, audit: AuditSource): Promise<void> {
  const user = await prisma.user.findUnique({ where: { id: userId }, select: { primaryRoleId: true } });
  if (!user) throw notFound("No such user");
  if (user.primaryRoleId === roleId) throw badUserInput("This is already the user's primary role");
  await withPrismaErrors(prisma.userRole.create({ data: { userId, roleId } }), {
    conflict: "The user already has this role",
  });
  await roleChanged(prisma, audit, { type: "User", id: userId }, { change: "assigned", roleId });
}

/**
 * Refuses a change that would take the last active admin's admin role away (deleting, blocking or
 * demoting them): nobody could manage users, roles or rules any more. Not atomic with the change: two
 * admins demoting each other at the same instant could both pass.
 */
export async function assertAnotherAdminRemains(prisma: PrismaClient, userId: number): Promise<void> {
  const isAdmin = { type: BuiltinRoleType.ADMIN };
  const adminWhere = { OR: [{ primaryRole: isAdmin }, { roles: { some: { role: isAdmin } } }] };
  const target = await prisma.user.count({ where: { id: userId, ...adminWhere } });
  if (target === 0) return;
  const others = await prisma.user.count({ where: { id: { not: userId }, blocked: false, ...adminWhere } });
  if (others === 0) throw badUserInput("This would leave no active admin");
}

export async function unassignRole(prisma: PrismaClient, userId: number, roleId: number, audit: AuditSource): Promise<void> {
  const role = await prisma.role.findUnique({ where: { id: roleId }, select: { type: true } });
  if (role?.type === BuiltinRoleType.ADMIN) await assertAnotherAdminRemains(prisma, userId);
  await withPrismaErrors(prisma.userRole.delete({ where: { userId_roleId: { userId, roleId } } }), {
    notFound: "The user does not have this role",
  });
  await roleChanged(prisma, audit, { type: "User", id: userId }, { change: "unassigned", roleId });
}

export const listAclRules = (prisma: PrismaClient) => prisma.aclRule.findMany({ orderBy: { id: "asc" } });

/**
 * Stores a rule after checking that it can ever match: a well-formed coordinate, a known access type,
 * an existing role or user, or a dynamic role that is built in or registered.
 */
export async function createAclRule(prisma: PrismaClient, resolvers: RoleResolverRegistry, input: AclRuleInput, audit: AuditSource) {
  const resource = input.resource.trim();
  if (!isValidResource(resource)) {
    throw badUserInput("resource must be a schema coordinate (Type.field), Type.* or *", { field: "resource" });
  }
  const accessType = input.accessType.trim().toUpperCase();
  if (!isRuleAccessType(accessType)) {
    throw badUserInput("accessType must be READ, WRITE, EXECUTE or *", { field: "accessType" });
  }
  const principalId = input.principalId.trim();
  if (!(await principalExists(prisma, resolvers, input.principalType, principalId))) {
    throw badUserInput(`No such ${input.principalType === "USER" ? "user" : "role"}: ${principalId}`, {
      field: "principalId",
    });
  }
  const rule = await withPrismaErrors(
    prisma.aclRule.create({
      data: { resource, accessType, principalType: input.principalType, principalId, permission: input.permission },
    }),
    { conflict: "A rule for this resource, access type and principal exists" },
  );
  await aclChanged(prisma, audit, "created", rule);
  return rule;
}

/** Audits a stored rule's creation or deletion (ACL_CHANGED) with the whole rule, which holds no secret. */
const aclChanged = (prisma: PrismaClient, audit: AuditSource, change: "created" | "deleted", rule: AclRule) =>
  recordAuditBy(prisma, audit, {
    action: AuditAction.ACL_CHANGED,
    targetType: "AclRule",
    targetId: rule.id,
    metadata: {
      change,
      resource: rule.resource,
      accessType: rule.accessType,
      principalType: rule.principalType,
      principalId: rule.principalId,
      permission: rule.permission,
    },
  });

async function principalExists(
  prisma: PrismaClient,
  resolvers: RoleResolverRegistry,
  type: AclPrincipalType,
  id: string,
): Promise<boolean> {
  if (type === "USER") {
    const userId = Number(id);
    return Number.isSafeInteger(userId) && (await prisma.user.count({ where: { id: userId } })) > 0;
  }
  if (id.startsWith("$")) return (Object.values(DynamicRole) as string[]).includes(id) || resolvers.has(id);
  return (await prisma.role.count({ where: { OR: [{ type: id }, { name: id }] } })) > 0;
}

export async function deleteAclRule(prisma: PrismaClient, id: number, audit: AuditSource): Promise<void> {
  const rule = await withPrismaErrors(prisma.aclRule.delete({ where: { id } }), { notFound: "No such rule" });
  await aclChanged(prisma, audit, "deleted", rule);
}
