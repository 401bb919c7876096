/**
 * Users as admins (and users themselves, through updateMe) manage them. Plain inputs in, records out.
 */
import { badUserInput, notFound } from "../../errors.ts";
import type { Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import { withPrismaErrors } from "../../infra/db/prisma-errors.ts";
import { decodeIdCursor, encodeCursor, type Page, pageOf, pageSize } from "../../lib/pages.ts";
import { AuditAction, type AuditService, type AuditSource } from "../audit/audit.service.ts";
import type { RolesService } from "../roles/roles.service.ts";
import type { Lockout } from "../security/lockout.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import { parseEmail, parseUsername, usernameColumns } from "./identity.ts";

/** The selection plugin-prisma computes from the GraphQL query. */
export type UserQuery = { include?: Prisma.UserInclude; select?: Prisma.UserSelect };

export interface UserFilter {
  /** A role's id or type; matches the primary role and further roles. */
  role?: string | null;
  blocked?: boolean | null;
  confirmed?: boolean | null;
  /** Case-insensitive substring of the username (and of the email when `searchEmail`). */
  text?: string | null;
  /**
   * Whether `text` also searches emails. Only for callers who may read every email: otherwise the
   * filter would reveal, one guess at a time, addresses the field itself hides.
   */
  searchEmail?: boolean;
}

export interface PageArgs {
  first?: number | null;
  /** Cursor from a previous page's `endCursor`. */
  after?: string | null;
  offset?: number | null;
}

/** One page of user ids; `nodes` are loaded with the query's selection by `loadMany`. */
export type UserPage = Page<{ id: number }>;

export const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 25;
const CURSOR_KIND = "user";

export function userWhere(filter: UserFilter = {}): Prisma.UserWhereInput {
  const where: Prisma.UserWhereInput[] = [];
  if (filter.blocked != null) where.push({ blocked: filter.blocked });
  if (filter.confirmed != null) where.push({ confirmed: filter.confirmed });
  if (filter.role) {
    const roleId = /^\d+$/.test(filter.role) ? Number(filter.role) : undefined;
    const role: Prisma.RoleWhereInput = roleId ? { id: roleId } : { type: filter.role };
    where.push({ OR: [{ primaryRole: role }, { roles: { some: { role } } }] });
  }
  const text = filter.text?.trim();
  if (text) {
    const username: Prisma.UserWhereInput = { username: { contains: text, mode: "insensitive" } };
    where.push(filter.searchEmail ? { OR: [username, { email: { contains: text, mode: "insensitive" } }] } : username);
  }
  return { AND: where };
}

export interface UserUpdate {
  username?: string | null;
  email?: string | null;
  blocked?: boolean | null;
  confirmed?: boolean | null;
  primaryRoleId?: number | null;
  profile?: Record<string, unknown> | null;
}

/** What a user may change on themselves: never their roles, blocked or confirmed state. */
export interface SelfUpdate {
  username?: string | null;
  profile?: Record<string, unknown> | null;
}

const userConflict = { conflict: "Username or email already taken", notFound: "No such user" };

export interface UsersDependencies {
  prisma: PrismaClient;
  audit: AuditService;
  roles: Pick<RolesService, "assertAnotherAdminRemains" | "isAdminRole">;
  settings: Pick<SettingsService, "getAdvanced">;
  lockout: Pick<Lockout, "unlock">;
  /**
   * Ends what the auth module issued to a user, inside the caller's transaction: their sessions and legacy
   * tokens (blocking), and their outstanding reset and confirmation codes (a new email: a code sent to the
   * old address must not work). Injected, so that users does not depend on auth, which depends on users.
   */
  credentials: {
    /** Resolves to the number of sessions ended. */
    revokeSessions(tx: Prisma.TransactionClient, userId: number, reason: string): Promise<number>;
    revokeOneTimeCodes(tx: Prisma.TransactionClient, userId: number): Promise<unknown>;
  };
}

export function createUsersService({ prisma, audit, roles, settings, lockout, credentials }: UsersDependencies) {
  /**
   * One page of user ids in id order. The rows themselves are loaded by `loadUsers` with the selection
   * the query asks for, so that their roles come in a fixed number of statements however many users.
   */
  async function findPage(filter: UserFilter, page: PageArgs): Promise<UserPage> {
    const take = pageSize(page.first, { fallback: DEFAULT_PAGE_SIZE, min: 0, max: MAX_PAGE_SIZE });
    if (page.after != null && page.offset != null) throw badUserInput("Use either after or offset, not both");
    if (page.offset != null && (!Number.isInteger(page.offset) || page.offset < 0)) {
      throw badUserInput("offset must not be negative", { field: "offset" });
    }
    const where = userWhere(filter);
    const afterId = page.after == null ? undefined : decodeIdCursor(CURSOR_KIND, page.after);
    const rows = await prisma.user.findMany({
      where: afterId === undefined ? where : { AND: [where, { id: { gt: afterId } }] },
      select: { id: true },
      orderBy: { id: "asc" },
      skip: page.offset ?? undefined,
      take: take + 1,
    });
    return pageOf(rows, take, (row) => encodeCursor(CURSOR_KIND, row.id), () => count(where));
  }

  const count = (where: Prisma.UserWhereInput) => prisma.user.count({ where });

  const loadMany = (ids: number[], query: UserQuery = {}) =>
    prisma.user.findMany({ ...query, where: { id: { in: ids } }, orderBy: { id: "asc" } });


  async function getUser(id: number, query: UserQuery = {}) {
    const user = await prisma.user.findUnique({ ...query, where: { id } });
    if (!user) throw notFound("No such user");
    return user;
  }




  /**
   * Admin update. Blocking also revokes the user's sessions and legacy tokens in the same transaction, so
   * none of them works again, even after unblocking; a new email spends the user's reset and confirmation
   * codes. Blocking, unblocking and a new primary role are audited when they
   * change something.
   */
  async function update(id: number, input: UserUpdate, source: AuditSource, query: UserQuery = {}) {
    const data: Prisma.UserUncheckedUpdateInput = {
      ...(input.username != null && usernameColumns(parseUsername(input.username))),
      ...(input.email != null && { email: parseEmail(input.email) }),
      ...(input.blocked != null && { blocked: input.blocked }),
      ...(input.confirmed != null && { confirmed: input.confirmed }),
      ...(input.primaryRoleId != null && { primaryRoleId: input.primaryRoleId }),
      ...(input.profile != null && { profile: input.profile as Prisma.InputJsonObject }),
    };
    const before = await getUser(id, { select: { blocked: true, primaryRoleId: true, email: true } });
    const emailChanged = data.email !== undefined && data.email !== before.email;
    if (input.primaryRoleId != null && (await prisma.role.count({ where: { id: input.primaryRoleId } })) === 0) {
      throw badUserInput("No such role", { field: "primaryRoleId" });
    }
    if (input.blocked || (input.primaryRoleId != null && !(await roles.isAdminRole(input.primaryRoleId)))) {
      // Blocking an admin, or moving them off the admin primary role, must leave another active admin.
      await roles.assertAnotherAdminRemains(id);
    }
    const user = await withPrismaErrors(
      prisma.$transaction(async (tx) => {
        const updated = await tx.user.update({ ...query, where: { id }, data });
        if (emailChanged) await credentials.revokeOneTimeCodes(tx, id);
        if (input.blocked) await credentials.revokeSessions(tx, id, "blocked");
        return updated;
      }),
      userConflict,
    );
    if (input.blocked != null && input.blocked !== before.blocked) {
      await audit.recordBy(source, {
        action: input.blocked ? AuditAction.USER_BLOCKED : AuditAction.USER_UNBLOCKED,
        targetType: "User",
        targetId: id,
      });
    }
    if (input.primaryRoleId != null && input.primaryRoleId !== before.primaryRoleId) {
      await audit.recordBy(source, {
        action: AuditAction.ROLE_CHANGED,
        targetType: "User",
        targetId: id,
        metadata: { change: "primaryRole", fromRoleId: before.primaryRoleId, toRoleId: input.primaryRoleId },
      });
    }
    return user;
  }

  /** A user's change to their own account; profile keys are limited to settings' registerAllowedFields. */
  async function updateSelf(userId: number, input: SelfUpdate, query: UserQuery = {}) {
    let profile: Prisma.InputJsonObject | undefined;
    if (input.profile != null) {
      const { registerAllowedFields } = await settings.getAdvanced();
      const refused = Object.keys(input.profile).filter((key) => !registerAllowedFields.includes(key));
      if (refused.length > 0) {
        throw badUserInput(`Profile fields not allowed: ${refused.join(", ")}`, { field: "profile" });
      }
      const current = await getUser(userId, { select: { profile: true } });
      profile = { ...(current.profile as Prisma.JsonObject), ...input.profile } as Prisma.InputJsonObject;
    }
    return withPrismaErrors(
      prisma.user.update({
        ...query,
        where: { id: userId },
        data: { ...(input.username != null && usernameColumns(parseUsername(input.username))), ...(profile && { profile }) },
      }),
      userConflict,
    );
  }


  async function deleteUser(id: number, source: AuditSource): Promise<void> {
    await roles.assertAnotherAdminRemains(id);
    const user = await withPrismaErrors(prisma.user.delete({ where: { id }, select: { username: true } }), userConflict);
    // The username is kept because the target id no longer names anybody. An admin deleting their own
    // account cannot be the actor any more (the foreign key would refuse the entry): `self` says who it was.
    const self = source.actorId === id;
    await audit.recordBy(self ? { ...source, actorId: null } : source, {
      action: AuditAction.USER_DELETED,
      targetType: "User",
      targetId: id,
      metadata: { username: user.username, ...(self && { self: true }) },
    });
  }

  /**
   * Lifts every sign-in lock of a user, from every IP: the account's shared budget and the locks of its
   * current email and username. Locks on identifiers that match nobody are not touched.
   */
  async function unlock(id: number, source: AuditSource): Promise<void> {
    await lockout.unlock(await getUser(id, { select: { id: true, email: true, usernameKey: true } }));
    await audit.recordBy(source, { action: AuditAction.ACCOUNT_UNLOCKED, targetType: "User", targetId: id });
  }

  /**
   * Ends every session of a user (and their legacy tokens), as blocking does, without blocking them: an
   * operator's answer to a stolen device or token. Returns how many open sessions ended.
   */
  async function revokeSessions(id: number, source: AuditSource): Promise<number> {
    await getUser(id, { select: { id: true } });
    const count = await prisma.$transaction((tx) => credentials.revokeSessions(tx, id, "revoked-by-admin"));
    await audit.recordBy(source, {
      action: AuditAction.SESSION_REVOKED,
      targetType: "User",
      targetId: id,
      metadata: { reason: "revoked-by-admin", sessions: count },
    });
    return count;
  }

  return { findPage, count, loadMany, get: getUser, update, updateSelf, delete: deleteUser, unlock, revokeSessions };
}

export type UsersService = ReturnType<typeof createUsersService>;
