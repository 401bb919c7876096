/**
 * Refresh sessions. A session is one refresh-token family: every refresh rotates the token, and a token
 * presented after it was rotated means it was stolen or replayed, so the whole family is revoked.
 */
import { randomUUID } from "node:crypto";
import { Prisma, type PrismaClient } from "../../generated/prisma/client.ts";
import { hashToken, newOpaqueToken } from "../../lib/secrets.ts";

const { sql } = Prisma;

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

/** Timestamps are stored as UTC wall time (as Prisma stores them), so they are passed that way. */
const at = (time: Date) => sql`CAST(${time.toISOString()} AS timestamp(3))`;

/** A refresh token lives until the session's idle deadline, never past the session's absolute end. */
function refreshTokenExpiry(session: { expiresAt: Date; idleLifespan: number }, now: Date): Date {
  const idleEnd = new Date(now.getTime() + session.idleLifespan * 1000);
  return idleEnd < session.expiresAt ? idleEnd : session.expiresAt;
}

/**
 * Starts a session with its first refresh token in one statement (ids are drawn here, as Prisma would),
 * together with `alongside` when given: an INSERT that must be stored with the session or not at all,
 * such as the sign-in's audit entry. One statement is atomic, so no transaction is needed.
 */
export async function startSession(
  db: Db,
  input: { userId: number; policy: SessionPolicy; userAgent?: string; ip?: string; now?: Date; alongside?: Prisma.Sql },
): Promise<IssuedSession> {
  const now = input.now ?? new Date();
  const session = {
    id: randomUUID(),
    expiresAt: new Date(now.getTime() + input.policy.maxLifespan * 1000),
    idleLifespan: input.policy.idleLifespan,
  };
  const refreshToken = newOpaqueToken();
  await db.$executeRaw`
    WITH ${input.alongside ? sql`alongside AS (${input.alongside}),` : Prisma.empty}
    session AS (
      INSERT INTO sessions (id, user_id, created_at, last_used_at, expires_at, idle_lifespan, user_agent, ip)
      VALUES (CAST(${session.id} AS uuid), ${input.userId}, ${at(now)}, ${at(now)}, ${at(session.expiresAt)}, ${session.idleLifespan},
              ${input.userAgent ?? null}, ${input.ip ?? null})
      RETURNING id)
    INSERT INTO refresh_tokens (id, session_id, token_hash, created_at, expires_at)
    SELECT CAST(${randomUUID()} AS uuid), id, ${hashToken(refreshToken)}, ${at(now)}, ${at(refreshTokenExpiry(session, now))} FROM session`;
  return { sessionId: session.id, refreshToken };
}

/** A refresh token as rotation reads it: with its session's times and whether its user is blocked. */
export interface StoredRefreshToken {
  id: string;
  expiresAt: Date;
  sessionId: string;
  userId: number;
  revokedAt: Date | null;
  sessionExpiresAt: Date;
  lastUsedAt: Date;
  idleLifespan: number;
  blocked: boolean;
}

/** The refresh token presented, in one statement with its session and user (Prisma would send one per relation). */
export async function findRefreshToken(db: Db, refreshToken: string): Promise<StoredRefreshToken | null> {
  const rows = await db.$queryRaw<StoredRefreshToken[]>`
    SELECT t.id, t.expires_at AS "expiresAt", s.id AS "sessionId", s.user_id AS "userId", s.revoked_at AS "revokedAt",
           s.expires_at AS "sessionExpiresAt", s.last_used_at AS "lastUsedAt", s.idle_lifespan AS "idleLifespan", u.blocked
    FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id JOIN users u ON u.id = s.user_id
    WHERE t.token_hash = ${hashToken(refreshToken)}`;
  return rows[0] ?? null;
}

/**
 * Exchanges a refresh token (as findRefreshToken read it) for a new one in the same session: rotation
 * with reuse detection.
 */
export async function rotateRefreshToken(db: PrismaClient, stored: StoredRefreshToken | null, now = new Date()): Promise<RefreshOutcome> {
  if (!stored) return { ok: false, reason: "unknown" };
  const session = { id: stored.sessionId, revokedAt: stored.revokedAt, expiresAt: stored.sessionExpiresAt, lastUsedAt: stored.lastUsedAt, idleLifespan: stored.idleLifespan };
  if (session.revokedAt || stored.blocked) return { ok: false, reason: "revoked" };

  // Claim the token: one conditional UPDATE flips rotatedAt from null, so of two concurrent refreshes
  // with the same token only one can succeed (the other waits for the row and then finds it rotated);
  // the loser is treated as a replay. An expired token is claimed too, so that presenting it again is
  // still seen as reuse.
  const usable = stored.expiresAt > now && isSessionActive(session, now);
  const claim = sql`UPDATE refresh_tokens SET rotated_at = ${at(now)} WHERE id = CAST(${stored.id} AS uuid) AND rotated_at IS NULL RETURNING session_id`;
  if (!usable) {
    const [claimed] = await db.$queryRaw<{ session_id: string }[]>`${claim}`;
    if (!claimed) return reused(db, session.id, now);
    return { ok: false, reason: "expired" };
  }
  // Usable: the claim, the session's use and the next token in one statement, the last two only when the
  // claim succeeded (they read the claim's RETURNING). One statement is atomic: all three or none.
  const refreshToken = newOpaqueToken();
  const [outcome] = await db.$queryRaw<{ claimed: boolean; issued: boolean }[]>`
    WITH claimed AS (${claim}),
    touched AS (UPDATE sessions SET last_used_at = ${at(now)} WHERE id IN (SELECT session_id FROM claimed) RETURNING id),
    issued AS (
      INSERT INTO refresh_tokens (id, session_id, token_hash, created_at, expires_at)
      SELECT CAST(${randomUUID()} AS uuid), id, ${hashToken(refreshToken)}, ${at(now)}, ${at(refreshTokenExpiry(session, now))} FROM touched
      RETURNING id)
    SELECT EXISTS (SELECT 1 FROM claimed) AS claimed, EXISTS (SELECT 1 FROM issued) AS issued`;
  if (!outcome?.claimed) return reused(db, session.id, now);
  // Claimed but the session row is gone (its user was deleted meanwhile): nothing left to refresh.
  if (!outcome.issued) return { ok: false, reason: "revoked" };
  return { ok: true, userId: stored.userId, session: { sessionId: session.id, refreshToken } };
}

/** A rotated token presented again: it was stolen or replayed, so its whole family is revoked. */
async function reused(db: PrismaClient, sessionId: string, now: Date): Promise<RefreshOutcome> {
  await revokeSession(db, { sessionId, reason: "refresh-token-reuse", now });
  return { ok: false, reason: "reused" };
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
