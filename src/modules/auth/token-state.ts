/**
 * What authenticate checks a verified token against, served from memory when warm: whether its user
 * still exists and is not blocked, their token version (legacy tokens), and the token's session times.
 * One entry per (user, session), grouped under the user, so any change to the user, their sessions or
 * their roles (a `user:<id>` notification from the triggers) drops all of that user's entries.
 */
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { type ChangeFeed, createFeedCache } from "../../infra/change-feed/index.ts";

export interface SessionTimes {
  revokedAt: Date | null;
  expiresAt: Date;
  lastUsedAt: Date;
  idleLifespan: number;
}

export interface TokenState {
  blocked: boolean;
  tokenVersion: number;
  /**
   * The token's session; null when it names none, or one that does not exist for this user. A missing
   * session may be kept: session ids are random UUIDs given at insert, and a token naming one is signed
   * only after that insert committed, so a session that is absent now was deleted and never comes back.
   */
  session: SessionTimes | null;
}

export interface TokenStateReader {
  /** Null when the user does not exist. */
  read(userId: number, sessionId: string | null): Promise<TokenState | null>;
}

export function createTokenStateReader(deps: { prisma: PrismaClient; feed: ChangeFeed; maxEntries: number }): TokenStateReader {
  const cache = createFeedCache<TokenState | null>({
    feed: deps.feed,
    max: deps.maxEntries,
    groupsOf: (change) => (change.kind === "user" ? [String(change.userId)] : change.kind === "all" ? "all" : []),
    // An absent user is not kept: the answer is a refusal either way, and refusals are not the hot path.
    keep: (state) => state !== null,
  });

  async function load(userId: number, sessionId: string | null): Promise<TokenState | null> {
    const user = await deps.prisma.user.findUnique({
      where: { id: userId },
      select: {
        blocked: true,
        tokenVersion: true,
        sessions: sessionId
          ? { where: { id: sessionId }, select: { revokedAt: true, expiresAt: true, lastUsedAt: true, idleLifespan: true } }
          : false,
      },
    });
    if (!user) return null;
    return { blocked: user.blocked, tokenVersion: user.tokenVersion, session: user.sessions?.[0] ?? null };
  }

  return {
    read: (userId, sessionId) => cache.get(`${userId}/${sessionId ?? ""}`, String(userId), () => load(userId, sessionId)),
  };
}
