/**
 * Request-level limit per client IP on every request but the health checks (GraphQL, the other routes,
 * and paths that answer 404). It runs before parsing, so a flood costs one counter increment per
 * request, and answers HTTP 429 with a Retry-After header.
 */
import type { Plugin } from "graphql-yoga";
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import { RateLimiterRes } from "rate-limiter-flexible";
import type { ClientIpResolver, NodeServerContext } from "./client-ip.ts";
import { ErrorCode } from "../errors.ts";
import { httpErrorResponse } from "./error-response.ts";
import { retryAfterSeconds } from "../modules/rate-limit/limiter-store.ts";

export interface RequestRateLimitOptions {
  /** Counter per client IP (points = requests allowed per window). */
  limiter: RateLimiterAbstract;
  clientIp: ClientIpResolver;
  /** Paths not counted: the health checks, which orchestrators poll and must never see refused. */
  exempt: readonly string[];
  /** The key a client IP is counted under (IPv6 grouped by network prefix). */
  clientKey: (ip: string | undefined) => string;
}

export function useRequestRateLimit({ limiter, clientIp, clientKey, exempt }: RequestRateLimitOptions): Plugin<Record<string, never>, NodeServerContext> {
  return {
    async onRequest({ request, url, serverContext, endResponse, fetchAPI }) {
      if (exempt.includes(url.pathname) || request.method === "OPTIONS") return;
      const ip = clientIp(request, serverContext.req?.socket.remoteAddress);
      try {
        await limiter.consume(clientKey(ip));
      } catch (error) {
        if (!(error instanceof RateLimiterRes)) throw error;
        const retryAfter = retryAfterSeconds(error.msBeforeNext);
        endResponse(
          httpErrorResponse(fetchAPI, {
            status: 429,
            code: ErrorCode.RATE_LIMITED,
            message: `Too many requests, retry in ${retryAfter} s`,
            extensions: { retryAfter },
            headers: { "retry-after": String(retryAfter) },
          }),
        );
      }
    },
  };
}
