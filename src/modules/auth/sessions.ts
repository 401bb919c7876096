/**
 * Refresh sessions. A session is one refresh-token family: every refresh rotates the token, and a token
 * presented after it was rotated means it was stolen or replayed, so the whole family is revoked.
 */
import type { Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import { hashToken, newOpaqueToken } from "../../lib/secrets.ts";

type Db = Prisma.TransactionClient | PrismaClient;

/** Lifespans in seconds. */
export interface SessionPolicy {
  /** The session ends this long after it started, whatever its activity. */
  maxLifespan: number;
  /** The session ends when it has not been refreshed for this long. */
  idleLifespan: number;
}

export interface IssuedSession {
  sessionId: string;
  refreshToken: string;
}

export type RefreshOutcome =
  | { ok: true; userId: number; session: IssuedSession }
  | { ok: false; reason: "unknown" | "reused" | "revoked" | "expired" };

export async function startSession(
  db: Db,
  input: { userId: number; policy: SessionPolicy; userAgent?: string; ip?: string; now?: Date },
): Promise<IssuedSession> {
  const now = input.now ?? new Date();
  const expiresAt = new Date(now.getTime() + input.policy.maxLifespan * 1000);
  const session = await db.session.create({
    data: {
      userId: input.userId,
      createdAt: now,
      lastUsedAt: now,
      expiresAt,
      idleLifespan: input.policy.idleLifespan,
      userAgent: input.userAgent,
      ip: input.ip,
    },
  });
  const refreshToken = await addRefreshToken(db, session, now);
  return { sessionId: session.id, refreshToken };
}

type SessionTimes = { id: string; expiresAt: Date; idleLifespan: number };

/** A refresh token lives until the session's idle deadline, never past the session's absolute end. */
async function addRefreshToken(db: Db, session: SessionTimes, now: Date) {
  const refreshToken = newOpaqueToken();
  const idleEnd = new Date(now.getTime() + session.idleLifespan * 1000);
  await db.refreshToken.create({
    data: {
      sessionId: session.id,
      tokenHash: hashToken(refreshToken),
      createdAt: now,
      expiresAt: idleEnd < session.expiresAt ? idleEnd : session.expiresAt,
    },
  });
  return refreshToken;
}

/** Exchanges a refresh token for a new one in the same session (rotation with reuse detection). */
export async function rotateRefreshToken(
  db: PrismaClient,
  input: { refreshToken: string; now?: Date },
): Promise<RefreshOutcome> {
  const now = input.now ?? new Date();
  const stored = await db.refreshToken.findUnique({
    where: { tokenHash: hashToken(input.refreshToken) },
    include: { session: { include: { user: { select: { blocked: true } } } } },
  });
  if (!stored) return { ok: false, reason: "unknown" };
  const { session } = stored;
  if (session.revokedAt || session.user.blocked) return { ok: false, reason: "revoked" };

  // Claim the token: only one caller can flip rotatedAt from null, so two concurrent refreshes with the
  // same token cannot both succeed; the loser is treated as a replay.
  const claimed = await db.refreshToken.updateMany({
    where: { id: stored.id, rotatedAt: null },
    data: { rotatedAt: now },
  });
  if (claimed.count !== 1) {
    await revokeSession(db, { sessionId: session.id, reason: "refresh-token-reuse", now });
    return { ok: false, reason: "reused" };
  }
  if (stored.expiresAt <= now || !isSessionActive(session, now)) return { ok: false, reason: "expired" };

  await db.session.update({ where: { id: session.id }, data: { lastUsedAt: now } });
  const refreshToken = await addRefreshToken(db, session, now);
  return { ok: true, userId: session.userId, session: { sessionId: session.id, refreshToken } };
}

export async function revokeSession(db: Db, input: { sessionId: string; reason: string; now?: Date; userId?: number }) {
  const { count } = await db.session.updateMany({
    where: { id: input.sessionId, revokedAt: null, ...(input.userId ? { userId: input.userId } : {}) },
    data: { revokedAt: input.now ?? new Date(), revokedReason: input.reason },
  });
  return count > 0;
}

/**
 * Ends every session of a user and every legacy (session-less) token issued to them so far: the token
 * version those carry is bumped, so authenticate refuses them. Every path that signs a user out
 * everywhere (new password, reset, blocking, logout everywhere) goes through here.
 */
export async function revokeAllSessions(db: Db, input: { userId: number; reason: string; now?: Date }) {
  const { count } = await db.session.updateMany({
    where: { userId: input.userId, revokedAt: null },
    data: { revokedAt: input.now ?? new Date(), revokedReason: input.reason },
  });
  await db.user.updateMany({ where: { id: input.userId }, data: { tokenVersion: { increment: 1 } } });
  return count;
}

/** Whether an access token's session may still be used. */
export function isSessionActive(
  session: { revokedAt: Date | null; expiresAt: Date; lastUsedAt: Date; idleLifespan: number },
  now = new Date(),
): boolean {
  return (
    !session.revokedAt &&
    session.expiresAt > now &&
    session.lastUsedAt.getTime() + session.idleLifespan * 1000 > now.getTime()
  );
}

/**
 * Deletes the sessions that can never be used again (isSessionActive's rule, in SQL) with their refresh
 * tokens; returns how many. Timestamps are stored as UTC wall time, so `now` is passed the same way.
 */
export async function deleteEndedSessions(db: Db, now: Date): Promise<number> {
  const at = now.toISOString();
  return db.$executeRaw`
    DELETE FROM sessions
    WHERE revoked_at IS NOT NULL
       OR expires_at <= CAST(${at} AS timestamp(3))
       OR last_used_at + make_interval(secs => idle_lifespan) <= CAST(${at} AS timestamp(3))`;
}
