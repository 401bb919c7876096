import type { PrismaClient } from "./generated/prisma/client.ts";
import type { SecurityServices } from "./modules/security/index.ts";
import type { AuthService } from "./modules/auth/auth.service.ts";
import type { RefreshCookies } from "./modules/auth/refresh-cookie.ts";
import type { RequestAuthorizer } from "./modules/roles/authorizer.ts";
import type { SettingsService } from "./modules/settings/settings.service.ts";

/**
 * The verified caller. Built per request by the authentication module from the access token, after
 * checking that the user still exists, is not blocked and that the session is not revoked.
 */
export interface Viewer {
  userId: number;
  /** The refresh session the access token belongs to (null for legacy long-lived tokens). */
  sessionId: string | null;
}

/** Per-request GraphQL context, built by createApp for every operation. */
export interface GatehouseContext {
  prisma: PrismaClient;
  /** Null for anonymous callers. */
  viewer: Viewer | null;
  /**
   * Client address: the socket peer, or the X-Forwarded-For hop before the first trusted proxy when
   * TRUSTED_PROXIES is set. Undefined only without a socket (yoga.fetch in tests).
   */
  ip: string | undefined;
  userAgent: string | undefined;
  request: Request;
  auth: { service: AuthService; cookies: RefreshCookies };
  /** ACL decisions for this request; roles and rules are loaded once, on the first check. */
  authz: RequestAuthorizer;
  settings: SettingsService;
  /** Rate limits, lockout and password policy for the auth resolvers. */
  security: SecurityServices;
}
