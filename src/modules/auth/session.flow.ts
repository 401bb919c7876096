/** Sessions of a signed-in user: refresh (rotation with reuse detection), logout, revocation, listing. */
import { z } from "zod";
import { failure } from "../../errors.ts";
import type { Prisma, Session } from "../../generated/prisma/client.ts";
import { decodeCursor, encodeCursor, type Page, pageOf, pageSize } from "../../lib/pages.ts";
import { AuditAction } from "../audit/audit.service.ts";
import type { Viewer } from "./authenticate.ts";
import type { FlowKit, MeUser, RequestMeta } from "./flow-kit.ts";
import { code, parse } from "./inputs.ts";
import { AuthFailure } from "./failures.ts";
import { findRefreshToken, revokeAllSessions, revokeSession, rotateRefreshToken } from "./sessions.ts";

export const MAX_SESSIONS_PAGE = 100;
const DEFAULT_SESSIONS_PAGE = 25;
const SESSION_CURSOR = "session";

export function createSessionFlow(kit: FlowKit) {
  const { prisma, audit } = kit;

  async function refresh(refreshToken: string, meta: RequestMeta): Promise<{ jwt: string; refreshToken: string }> {
    await kit.security.rateLimits.consume("refresh", { ip: meta.ip });
    const stored = await findRefreshToken(prisma, parse(code, refreshToken));
    // Read before the rotation, while warm: the session's new lastUsedAt fires the sessions trigger, whose
    // `user:<id>` drops the user's cached entries, held roles among them.
    const roles = stored ? await kit.roleTypes(stored.userId, stored.sessionId) : [];
    const outcome = await rotateRefreshToken(prisma, stored);
    if (!outcome.ok) {
      if (outcome.reason === "reused") {
        await audit(meta, { action: AuditAction.SESSION_REVOKED, success: false, metadata: { reason: "refresh-token-reuse" } });
      }
      throw failure(AuthFailure.INVALID_REFRESH_TOKEN);
    }
    const { userId, session } = outcome;
    const jwt = await kit.accessToken(userId, session.sessionId, roles);
    return { jwt, refreshToken: session.refreshToken };
  }

  async function logout(viewer: Viewer, all: boolean, meta: RequestMeta): Promise<void> {
    if (all) await revokeAllSessions(prisma, { userId: viewer.userId, reason: "logout-all" });
    else if (viewer.sessionId) {
      await revokeSession(prisma, { sessionId: viewer.sessionId, userId: viewer.userId, reason: "logout" });
    }
    await audit(meta, {
      action: AuditAction.SESSION_REVOKED,
      actorId: viewer.userId,
      targetType: all ? "User" : "Session",
      targetId: all ? viewer.userId : viewer.sessionId,
      metadata: { reason: all ? "logout-all" : "logout" },
    });
  }

  async function revokeOwnSession(userId: number, sessionId: string, meta: RequestMeta): Promise<boolean> {
    const id = z.uuid().safeParse(sessionId);
    if (!id.success) return false;
    const revoked = await revokeSession(prisma, { sessionId: id.data, userId, reason: "revoked-by-user" });
    if (revoked) {
      const metadata = { reason: "revoked-by-user" };
      await audit(meta, { action: AuditAction.SESSION_REVOKED, actorId: userId, targetType: "Session", targetId: id.data, metadata });
    }
    return revoked;
  }

  /**
   * One page of a user's open sessions, most recently used first (ties by id). The cursor holds the last
   * session's lastUsedAt and id, so a session used between two page requests moves to the first page.
   */
  async function listSessions(userId: number, page: { first?: number | null; after?: string | null } = {}): Promise<Page<Session>> {
    const take = pageSize(page.first, { fallback: DEFAULT_SESSIONS_PAGE, min: 0, max: MAX_SESSIONS_PAGE });
    const where = { userId, revokedAt: null, expiresAt: { gt: new Date() } } satisfies Prisma.SessionWhereInput;
    let after: Prisma.SessionWhereInput = {};
    if (page.after != null) {
      const [, usedAt, id] = decodeCursor(SESSION_CURSOR, page.after, /^(\d{1,15}):([0-9a-f-]{36})$/);
      const lastUsedAt = new Date(Number(usedAt));
      after = { OR: [{ lastUsedAt: { lt: lastUsedAt } }, { lastUsedAt, id: { lt: id! } }] };
    }
    const rows = await prisma.session.findMany({
      where: { AND: [where, after] },
      orderBy: [{ lastUsedAt: "desc" }, { id: "desc" }],
      take: take + 1,
    });
    const cursorOf = (session: Session) => encodeCursor(SESSION_CURSOR, `${session.lastUsedAt.getTime()}:${session.id}`);
    return pageOf(rows, take, cursorOf, () => prisma.session.count({ where }));
  }

  /** The signed-in user as `me` returns it: from memory when warm, else one statement (me-state.ts). */
  const getUser = (userId: number): Promise<MeUser | null> => kit.meState.read(userId);

  return { refresh, logout, revokeSession: revokeOwnSession, listSessions, getUser };
}
