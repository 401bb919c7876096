/**
 * The per-request GraphQL context, and the factory Yoga calls to build it: who is calling (viewer, IP,
 * user agent), the app's services, the request's authorizer and its refresh-token cookies.
 */
import type { ClientIpResolver, NodeServerContext } from "./http/client-ip.ts";
import type { AclRule } from "./modules/access/acl.ts";
import type { RequestAuthorizer } from "./modules/access/authorizer.ts";
import type { DownstreamFields } from "./modules/access/role-permissions.ts";
import type { Viewer } from "./modules/auth/authenticate.ts";
import type { RefreshCookies } from "./modules/auth/refresh-cookie.ts";
import type { Services } from "./services.ts";

export type { Viewer } from "./modules/auth/authenticate.ts";

export interface GatehouseContext {
  services: Services;
  /** Null for anonymous callers. */
  viewer: Viewer | null;
  /**
   * Client address: the socket peer, or the X-Forwarded-For hop before the first trusted proxy when
   * TRUSTED_PROXIES is set. Undefined only without a socket (yoga.fetch in tests).
   */
  ip: string | undefined;
  userAgent: string | undefined;
  request: Request;
  /** ACL decisions for this request; roles and rules are loaded once, on the first check. */
  authz: RequestAuthorizer;
  /** The refresh-token cookie of this request and the Set-Cookie headers of its response (cookie mode). */
  cookies: RefreshCookies;
  /** Gateway mode only: the subgraphs' fields under the ACL, for `myPermissions` and the permission matrix. */
  downstream?: DownstreamFields;
}

export interface ContextDependencies {
  services: Services;
  clientIp: ClientIpResolver;
  /** The cookies of a request (the HTTP layer adds their Set-Cookie headers to the response). */
  cookies: (request: Request) => RefreshCookies;
  /** Rules that hold without a stored row: those the served schema's fields declare (defaultRulesOf). */
  defaultRules: readonly AclRule[];
}

export function createContextFactory({ services, clientIp, cookies, defaultRules }: ContextDependencies) {
  return async ({ request, req }: NodeServerContext & { request: Request }): Promise<GatehouseContext> => {
    const viewer = await services.auth.authenticate(request);
    return {
      services,
      viewer,
      ip: clientIp(request, req?.socket.remoteAddress),
      userAgent: request.headers.get("user-agent") ?? undefined,
      request,
      authz: services.access.authorizer(() => viewer, defaultRules),
      cookies: cookies(request),
    };
  };
}
