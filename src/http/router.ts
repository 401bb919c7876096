/**
 * One router for every request. It answers the routes that are not GraphQL (JWKS, the confirmation link,
 * the OAuth provider flow; the admin page's files come from use-admin-page.ts just before), lets the GraphQL endpoint and the health checks through to
 * Yoga, and answers everything else (another method or path) 404. Yoga would also execute GraphQL on paths such as `/graphql/`;
 * refusing them here means the only requests that reach GraphQL are those to the one endpoint, which is
 * where every guard looks. The request rate limit, the client IP and the security headers apply to all.
 */
import type { Plugin } from "graphql-yoga";
import { ErrorCode } from "../errors.ts";
import type { ClientIpResolver, NodeServerContext } from "./client-ip.ts";
import { httpErrorResponse } from "./error-response.ts";

/** What a route handler gets about its request, resolved the same way as for GraphQL. */
export interface RouteRequest {
  request: Request;
  url: URL;
  /** Client address (see client-ip.ts). */
  ip: string | undefined;
  userAgent: string | undefined;
  /** The values of the path's `:name` segments. */
  params: Record<string, string>;
}

export interface Route {
  method: "GET" | "POST";
  /**
   * Exact path; no trailing slash, case-sensitive. A `:name` segment matches one non-empty segment of
   * letters, digits, `-` and `_` (nothing that decodes into another path).
   */
  path: string;
  handle(request: RouteRequest): Response | Promise<Response>;
}

export interface RouterOptions {
  routes: readonly Route[];
  /** Paths Yoga answers itself: the GraphQL endpoint and the health checks. */
  yogaPaths: readonly string[];
  clientIp: ClientIpResolver;
}

const PARAM_SEGMENT = /^[A-Za-z0-9_-]+$/;

/** The params of `pathname` under `pattern`, or null when it does not match. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const expected = pattern.split("/");
  const actual = pathname.split("/");
  if (expected.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (const [index, segment] of expected.entries()) {
    const value = actual[index]!;
    if (segment.startsWith(":")) {
      if (!PARAM_SEGMENT.test(value)) return null;
      params[segment.slice(1)] = value;
    } else if (segment !== value) return null;
  }
  return params;
}

export function useRouter({ routes, yogaPaths, clientIp }: RouterOptions): Plugin<Record<string, never>, NodeServerContext> {
  const passThrough = new Set(yogaPaths);
  return {
    async onRequest({ request, url, serverContext, endResponse, fetchAPI }) {
      if (passThrough.has(url.pathname)) return;
      for (const route of routes) {
        if (route.method !== request.method) continue;
        const params = matchPath(route.path, url.pathname);
        if (!params) continue;
        const ip = clientIp(request, serverContext.req?.socket.remoteAddress);
        const userAgent = request.headers.get("user-agent") ?? undefined;
        return endResponse(await route.handle({ request, url, ip, userAgent, params }));
      }
      endResponse(httpErrorResponse(fetchAPI, { status: 404, code: ErrorCode.NOT_FOUND, message: "Not found" }));
    },
  };
}
