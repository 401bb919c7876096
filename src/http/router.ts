/**
 * One router for every request. It answers the routes that are not GraphQL (JWKS, the confirmation link;
 * later OAuth callbacks and admin assets), lets the GraphQL endpoint and the health checks through to
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
}

export interface Route {
  method: "GET" | "POST";
  /** Exact path; no trailing slash, case-sensitive. */
  path: string;
  handle(request: RouteRequest): Response | Promise<Response>;
}

export interface RouterOptions {
  routes: readonly Route[];
  /** Paths Yoga answers itself: the GraphQL endpoint and the health checks. */
  yogaPaths: readonly string[];
  clientIp: ClientIpResolver;
}

export function useRouter({ routes, yogaPaths, clientIp }: RouterOptions): Plugin<Record<string, never>, NodeServerContext> {
  const passThrough = new Set(yogaPaths);
  return {
    async onRequest({ request, url, serverContext, endResponse, fetchAPI }) {
      if (passThrough.has(url.pathname)) return;
      const route = routes.find((candidate) => candidate.path === url.pathname && candidate.method === request.method);
      if (route) {
        const ip = clientIp(request, serverContext.req?.socket.remoteAddress);
        const userAgent = request.headers.get("user-agent") ?? undefined;
        return endResponse(await route.handle({ request, url, ip, userAgent }));
      }
      endResponse(httpErrorResponse(fetchAPI, { status: 404, code: ErrorCode.NOT_FOUND, message: "Not found" }));
    },
  };
}
