/**
 * The HTTP layer around the GraphQL schema, in the order a request meets it: security headers (on every
 * response), the request rate limit, the admin page's files, the router (non-GraphQL routes, 404 for unknown paths), GraphiQL's
 * page (when enabled), then the guards of the GraphQL endpoint, cheapest first (CSRF, content type, body
 * size), then those on the operation itself (NUL bytes, shape limits, validation rules).
 */
import { type Plugin, useReadinessCheck } from "graphql-yoga";
import { RATE_LIMITED_FIELDS, type Config } from "../config.ts";
import type { Services } from "../services.ts";
import type { ClientIpResolver, NodeServerContext } from "./client-ip.ts";
import { useRouter } from "./router.ts";
import { connectRoutes } from "./routes/connect.ts";
import { emailConfirmationRoute } from "./routes/email-confirmation.ts";
import { jwksRoute } from "./routes/jwks.ts";
import { useAdminPage } from "./use-admin-page.ts";
import { useBodyLimit } from "./use-body-limit.ts";
import { useCsrfGuard } from "./use-csrf-guard.ts";
import { useGraphiQL } from "./use-graphiql.ts";
import { useJsonOnly } from "./use-json-only.ts";
import { useNoNullBytes } from "./use-no-null-bytes.ts";
import { useOperationLimits } from "./use-operation-limits.ts";
import { useRequestRateLimit } from "./use-request-rate-limit.ts";
import type { ResponseCookies } from "./use-response-cookies.ts";
import { useSecurityHeaders } from "./use-security-headers.ts";
import { useSubgraphSdlGate } from "./use-subgraph-sdl-gate.ts";
import { useValidationRules } from "./use-validation-rules.ts";
import { noIntrospectionRule, oncePerOperationRule } from "./validation-rules.ts";

export const GRAPHQL_ENDPOINT = "/graphql";
export const HEALTH_ENDPOINT = "/health";
export const READY_ENDPOINT = "/ready";

export interface HttpLayerDependencies {
  config: Config;
  services: Services;
  clientIp: ClientIpResolver;
  cookies: ResponseCookies;
  /** /ready: true (200), false (503), or a response of its own (gateway mode adds the subgraphs' state). */
  isReady: () => Promise<boolean | Response>;
}

/** Plugins that need no GraphQL context, some of them reading the Node request beside the fetch one. */
type HttpPlugin = Plugin | Plugin<Record<string, never>, NodeServerContext>;

export function httpPlugins({ config, services, clientIp, cookies, isReady }: HttpLayerDependencies): HttpPlugin[] {
  const { max, windowSeconds } = config.requestRateLimit;
  const healthChecks = [HEALTH_ENDPOINT, READY_ENDPOINT];
  return [
    useSecurityHeaders({ hsts: config.nodeEnv === "production" }),
    useRequestRateLimit({
      limiter: services.security.limiter({ name: "rl:request", points: max, duration: windowSeconds }),
      clientIp,
      exempt: healthChecks,
      clientKey: services.security.clientKey,
    }),
    useReadinessCheck({ endpoint: READY_ENDPOINT, check: isReady }),
    // GET /admin and /admin/*: the admin page's built files (use-admin-page.ts).
    useAdminPage({ reload: config.nodeEnv === "development" }),
    useRouter({
      routes: [
        jwksRoute(services.tokens),
        emailConfirmationRoute(services.auth, services.settings),
        ...connectRoutes(services.oauth, config.publicUrl),
      ],
      yogaPaths: [GRAPHQL_ENDPOINT, ...healthChecks],
      clientIp,
    }),
    // GET /graphql with Accept: text/html, only when enabled; every other GET /graphql goes on to Yoga.
    ...(config.graphiql ? [useGraphiQL({ endpoint: GRAPHQL_ENDPOINT })] : []),
    cookies.plugin,
    ...(config.authCookie ? [useCsrfGuard()] : []),
    useJsonOnly(),
    useBodyLimit({ maxBytes: config.maxBodyBytes }),
    useNoNullBytes(),
    useOperationLimits(config.operationLimits),
    useValidationRules([oncePerOperationRule(RATE_LIMITED_FIELDS), ...(config.introspection ? [] : [noIntrospectionRule])]),
    useSubgraphSdlGate({ introspection: config.introspection, token: config.subgraphSdlToken }),
  ];
}
