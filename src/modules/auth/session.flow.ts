/** Sessions of a signed-in user: refresh (rotation with reuse detection), logout, revocation, listing. */
import { z } from "zod";
import { unauthenticated } from "../../errors.ts";
import { AuditAction } from "../audit/audit.service.ts";
import type { Viewer } from "./authenticate.ts";
import type { FlowKit, RequestMeta } from "./flow-kit.ts";
import { userWithRole } from "./flow-kit.ts";
import { code, parse } from "./inputs.ts";
import { AuthMessage } from "./messages.ts";
import { revokeAllSessions, revokeSession, rotateRefreshToken } from "./sessions.ts";

export function createSessionFlow(kit: FlowKit) {
  const { prisma, audit } = kit;

  async function refresh(refreshToken: string, meta: RequestMeta): Promise<{ jwt: string; refreshToken: string }> {
    await kit.security.rateLimits.consume("refresh", { ip: meta.ip });
    const outcome = await rotateRefreshToken(prisma, { refreshToken: parse(code, refreshToken) });
    if (!outcome.ok) {
      if (outcome.reason === "reused") {
        await audit(meta, { action: AuditAction.SESSION_REVOKED, success: false, metadata: { reason: "refresh-token-reuse" } });
      }
      throw unauthenticated(AuthMessage.INVALID_REFRESH_TOKEN);
    }
    const { userId, session } = outcome;
    const jwt = await kit.accessToken(userId, session.sessionId, await kit.roleTypes(userId));
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

  const listSessions = (userId: number) =>
    prisma.session.findMany({
      where: { userId, revokedAt: null, expiresAt: { gt: new Date() } },
      orderBy: { lastUsedAt: "desc" },
    });

  const getUser = (userId: number) => prisma.user.findUnique({ where: { id: userId }, include: userWithRole });

  return { refresh, logout, revokeSession: revokeOwnSession, listSessions, getUser };
}
