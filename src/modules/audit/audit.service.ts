/**
 * The audit log: who did what security-relevant thing, from where, and whether it worked. Entries are
 * written by the services that perform the action (through the AuditService they are given) and read by
 * admins; they never hold secrets.
 */
import { badUserInput } from "../../errors.ts";
import { type AuditLog, Prisma, type PrismaClient } from "../../generated/prisma/client.ts";
import { decodeIdCursor, encodeCursor, type Page, pageOf, pageSize } from "../../lib/pages.ts";

/** Every action the log records. Add new ones here, never ad-hoc strings at call sites. */
export const AuditAction = {
  LOGIN_SUCCEEDED: "LOGIN_SUCCEEDED",
  LOGIN_FAILED: "LOGIN_FAILED",
  ACCOUNT_LOCKED: "ACCOUNT_LOCKED",
  ACCOUNT_UNLOCKED: "ACCOUNT_UNLOCKED",
  USER_REGISTERED: "USER_REGISTERED",
  USER_CREATED: "USER_CREATED",
  /** An import of accounts from another system (`gatehouse import strapi`); metadata has the counts. */
  USERS_IMPORTED: "USERS_IMPORTED",
  /** Someone registered with this account's address (email confirmation on): its owner was notified. */
  SIGN_UP_WITH_TAKEN_EMAIL: "SIGN_UP_WITH_TAKEN_EMAIL",
  PASSWORD_CHANGED: "PASSWORD_CHANGED",
  PASSWORD_RESET_REQUESTED: "PASSWORD_RESET_REQUESTED",
  PASSWORD_RESET: "PASSWORD_RESET",
  EMAIL_CONFIRMED: "EMAIL_CONFIRMED",
  SESSION_REVOKED: "SESSION_REVOKED",
  USER_BLOCKED: "USER_BLOCKED",
  USER_UNBLOCKED: "USER_UNBLOCKED",
  USER_DELETED: "USER_DELETED",
  ROLE_CHANGED: "ROLE_CHANGED",
  ACL_CHANGED: "ACL_CHANGED",
  SETTINGS_CHANGED: "SETTINGS_CHANGED",
  AUTH_PROVIDER_CHANGED: "AUTH_PROVIDER_CHANGED",
  /** A provider authenticated the user (callback); the session itself starts with oauthLogin's LOGIN_SUCCEEDED. */
  PROVIDER_SIGN_IN: "PROVIDER_SIGN_IN",
  PROVIDER_LINKED: "PROVIDER_LINKED",
  PROVIDER_UNLINKED: "PROVIDER_UNLINKED",
} as const;
export type AuditAction = (typeof AuditAction)[keyof typeof AuditAction];

/** One entry to record. Only `action` is required; `success` defaults to true. */
export interface AuditEntryInput {
  action: AuditAction;
  success?: boolean;
  /** The signed-in user who acted (null for anonymous callers, e.g. a failed login). */
  actorId?: number | null;
  /** What was acted on, e.g. "User" and its id. */
  targetType?: string | null;
  targetId?: string | number | null;
  ip?: string | null;
  userAgent?: string | null;
  /** Extra facts (reason of a failure, changed fields). Secret-looking keys are dropped. */
  metadata?: Record<string, unknown>;
}

/**
 * Key fragments that mark a secret. Matching is by substring on the lower-cased key with separators
 * removed, so "newPassword", "refresh_token" and "resetCode" are all caught; a false positive only loses
 * a log detail, a false negative would leak a credential.
 */
const SECRET_KEY_FRAGMENTS = ["password", "passwd", "token", "code", "secret", "jwt", "otp", "hash", "authorization", "cookie", "apikey", "privatekey"];

export function isSecretKey(key: string): boolean {
  const flat = key.toLowerCase().replace(/[^a-z0-9]/g, "");
  return SECRET_KEY_FRAGMENTS.some((fragment) => flat.includes(fragment));
}

/** Long values are cut: the log is for people, and a hostile 100 kB user agent must not bloat it. */
const MAX_TEXT = 512;
const MAX_DEPTH = 4;

const { sql } = Prisma;

const clip = (value: string) => (value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}…` : value);

/** Drops secret-looking keys at any depth and clips strings, returning plain JSON. */
export function sanitizeMetadata(value: unknown, depth = 0): Prisma.InputJsonValue | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return clip(value);
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "boolean") return value;
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (depth >= MAX_DEPTH) return "[nested too deep]";
  if (Array.isArray(value)) return value.slice(0, 50).map((item) => sanitizeMetadata(item, depth + 1));
  if (typeof value === "object") {
    const out: Record<string, Prisma.InputJsonValue | null> = {};
    for (const [key, item] of Object.entries(value)) {
      if (isSecretKey(key)) continue;
      out[clip(key)] = sanitizeMetadata(item, depth + 1);
    }
    return out;
  }
  return null;
}

/** The row an entry becomes: the one place its columns are worked out, whichever way it is written. */
function auditRow(entry: AuditEntryInput) {
  return {
    action: entry.action,
    success: entry.success ?? true,
    actorId: entry.actorId ?? null,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId === undefined || entry.targetId === null ? null : String(entry.targetId),
    ip: entry.ip ? clip(entry.ip) : null,
    userAgent: entry.userAgent ? clip(entry.userAgent) : null,
    metadata: (sanitizeMetadata(entry.metadata ?? {}) ?? {}) as Prisma.InputJsonValue,
  };
}

export async function recordAudit(prisma: PrismaClient, entry: AuditEntryInput): Promise<AuditLog> {
  return prisma.auditLog.create({ data: auditRow(entry) });
}

/**
 * The INSERT that records `entry`, for a caller that sends it in one statement with its own writes (a
 * sign-in records its audit entry with the session it starts), so both are stored or neither is.
 * `now` is the entry's createdAt, passed as UTC wall time as Prisma stores timestamps.
 */
export function auditInsert(entry: AuditEntryInput, now: Date): Prisma.Sql {
  const row = auditRow(entry);
  return sql`
    INSERT INTO audit_log (action, success, actor_id, target_type, target_id, ip, user_agent, metadata, created_at)
    VALUES (${row.action}, ${row.success}, ${row.actorId}, ${row.targetType}, ${row.targetId}, ${row.ip}, ${row.userAgent},
            CAST(${JSON.stringify(row.metadata)} AS jsonb), CAST(${now.toISOString()} AS timestamp(3)))`;
}

/**
 * Who performed an admin action and from where. Resolvers build it with `auditSourceOf(ctx)` and pass it
 * to the service that performs the action, which records the entry once the change has succeeded.
 */
export interface AuditSource {
  actorId: number | null;
  ip?: string | null;
  userAgent?: string | null;
}

/** The caller of a request as an audit source (a plain shape, so services need no GraphQL context). */
export const auditSourceOf = ({ viewer, ip, userAgent }: { viewer: { userId: number } | null; ip?: string; userAgent?: string }): AuditSource => ({
  actorId: viewer?.userId ?? null,
  ip,
  userAgent,
});


/** Filters combine with AND; every one is optional. */
export interface AuditFilter {
  actions?: AuditAction[];
  success?: boolean;
  actorId?: number;
  targetType?: string;
  targetId?: string;
  ip?: string;
  /** Inclusive lower bound of createdAt. */
  from?: Date;
  /** Exclusive upper bound of createdAt. */
  to?: Date;
}

export interface AuditPagination {
  /** Page size, 1..MAX_AUDIT_PAGE (default 50). */
  first?: number;
  /** `endCursor` of the previous page. */
  after?: string | null;
}

/** Entries newest first. */
export type AuditPage = Page<AuditLog>;

export const MAX_AUDIT_PAGE = 100;
const CURSOR_KIND = "audit";

/**
 * Keyset pagination on the id (ids grow with time), so pages stay stable while new entries arrive.
 * A page size outside 1..MAX_AUDIT_PAGE, a cursor that is not one of this list's, or `from` after `to` is
 * refused with BAD_USER_INPUT rather than quietly corrected.
 */
export async function listAudit(prisma: PrismaClient, filter: AuditFilter = {}, pagination: AuditPagination = {}): Promise<AuditPage> {
  const first = pageSize(pagination.first, { fallback: 50, min: 1, max: MAX_AUDIT_PAGE });
  const afterId = pagination.after == null ? undefined : decodeIdCursor(CURSOR_KIND, pagination.after);
  if (filter.from && filter.to && filter.from > filter.to) throw badUserInput("from must not be after to", { field: "from" });
  const where: Prisma.AuditLogWhereInput = {
    ...(filter.actions?.length ? { action: { in: filter.actions } } : {}),
    ...(filter.success === undefined ? {} : { success: filter.success }),
    ...(filter.actorId === undefined ? {} : { actorId: filter.actorId }),
    ...(filter.targetType === undefined ? {} : { targetType: filter.targetType }),
    ...(filter.targetId === undefined ? {} : { targetId: filter.targetId }),
    ...(filter.ip === undefined ? {} : { ip: filter.ip }),
    ...(filter.from || filter.to ? { createdAt: { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) } } : {}),
  };
  const rows = await prisma.auditLog.findMany({
    where: afterId !== undefined ? { AND: [where, { id: { lt: afterId } }] } : where,
    orderBy: { id: "desc" },
    take: first + 1,
  });
  return pageOf(rows, first, (entry) => encodeCursor(CURSOR_KIND, entry.id), () => prisma.auditLog.count({ where }));
}

export interface AuditService {
  record(entry: AuditEntryInput): Promise<AuditLog>;
  /** Records an action performed by `source`; the entry carries its actor, IP and user agent. */
  recordBy(source: AuditSource, entry: Omit<AuditEntryInput, keyof AuditSource>): Promise<AuditLog>;
  list(filter?: AuditFilter, pagination?: AuditPagination): Promise<AuditPage>;
}

export function createAuditService({ prisma }: { prisma: PrismaClient }): AuditService {
  return {
    record: (entry) => recordAudit(prisma, entry),
    recordBy: (source, entry) => recordAudit(prisma, { ...entry, ...source }),
    list: (filter, pagination) => listAudit(prisma, filter, pagination),
  };
}
