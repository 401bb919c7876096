/**
 * Turns the Authorization header into the request's viewer. A token is only half the story: the user
 * must still exist and not be blocked, and its session must not be revoked or expired, so blocking a
 * user or signing out takes effect on the very next request on the instance that made the change, and
 * within a second on every other (the token state is cached, kept exact by the change feed:
 * token-state.ts). A legacy token has no session: it must carry the user's current token version
 * instead (tokens from before the first bump carry none: version 0).
 */
import { z } from "zod";
import { FailureReason, invalidAccessToken } from "../../errors.ts";
import { isSessionActive } from "./sessions.ts";
import type { TokenStateReader } from "./token-state.ts";
import type { TokenService } from "./tokens.ts";

/**
 * The verified caller, built per request from the access token after checking that the user still
 * exists, is not blocked and that the session is not revoked.
 */
export interface Viewer {
  userId: number;
  /** The refresh session the access token belongs to (null for legacy long-lived tokens). */
  sessionId: string | null;
}

const claimsSchema = z.object({
  sub: z.string().regex(/^\d{1,15}$/),
  sid: z.uuid().optional(),
  ver: z.number().int().nonnegative().optional(),
});

/** `tokenState` answers from memory when warm (token-state.ts), so a warm request sends no SQL. */
export function createAuthenticator(deps: { tokens: TokenService; tokenState: TokenStateReader }) {
  return async function authenticate(request: Request): Promise<Viewer | null> {
    const header = request.headers.get("authorization");
    if (!header) return null;
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header.trim());
    if (!match) throw invalidAccessToken("Invalid authorization header");

    const claims = claimsSchema.safeParse(await deps.tokens.verify(match[1]!));
    if (!claims.success) throw invalidAccessToken("Invalid token");
    const userId = Number(claims.data.sub);
    const sessionId = claims.data.sid ?? null;

    const user = await deps.tokenState.read(userId, sessionId);
    if (!user || user.blocked) throw invalidAccessToken("Invalid token");
    if (sessionId) {
      const { session } = user;
      if (!session || !isSessionActive(session)) throw invalidAccessToken("Session expired or revoked", FailureReason.SESSION_ENDED);
    } else if ((claims.data.ver ?? 0) !== user.tokenVersion) {
      throw invalidAccessToken("Token revoked");
    }
    return { userId, sessionId };
  };
}
