/**
 * The HTTP layer around the GraphQL schema: routes that are not GraphQL, and the guards every request
 * passes, cheapest first (headers, request rate, content type, body size), then the guards on the
 * operation itself (NUL bytes, shape limits, validation rules).
 */
import { type Plugin, useReadinessCheck } from "graphql-yoga";
import { RATE_LIMITED_FIELDS, type Config } from "../config.ts";
import type { Services } from "../services.ts";
import type { ClientIpResolver, NodeServerContext } from "./client-ip.ts";
import { useBodyLimit } from "./use-body-limit.ts";
import { useConfirmationLink } from "./use-confirmation-link.ts";
import { useCsrfGuard } from "./use-csrf-guard.ts";
import { useJsonOnly } from "./use-json-only.ts";
import { useJwks } from "./use-jwks.ts";
import { useNoNullBytes } from "./use-no-null-bytes.ts";
import { useOperationLimits } from "./use-operation-limits.ts";
import { useRequestRateLimit } from "./use-request-rate-limit.ts";
import type { ResponseCookies } from "./use-response-cookies.ts";
import { useSecurityHeaders } from "./use-security-headers.ts";
import { useValidationRules } from "./use-validation-rules.ts";
import { noIntrospectionRule, oncePerOperationRule } from "./validation-rules.ts";

export const GRAPHQL_ENDPOINT = "/graphql";

export interface HttpLayerDependencies {
  config: Config;
  services: Services;
  clientIp: ClientIpResolver;
  cookies: ResponseCookies;
  isReady: () => Promise<boolean>;
}

/** Plugins that need no GraphQL context, some of them reading the Node request beside the fetch one. */
type HttpPlugin = Plugin | Plugin<Record<string, never>, NodeServerContext>;

export function httpPlugins({ config, services, clientIp, cookies, isReady }: HttpLayerDependencies): HttpPlugin[] {
  const { max, windowSeconds } = config.requestRateLimit;
  return [
    useReadinessCheck({ endpoint: "/ready", check: isReady }),
    useJwks(services.tokens),
    useConfirmationLink(services.auth, services.settings),
    cookies.plugin,
    ...(config.authCookie ? [useCsrfGuard()] : []),
    useSecurityHeaders({ hsts: config.nodeEnv === "production" }),
    useRequestRateLimit({
      limiter: services.security.limiter({ name: "rl:request", points: max, duration: windowSeconds }),
      clientIp,
      clientKey: services.security.clientKey,
      endpoint: GRAPHQL_ENDPOINT,
    }),
    useJsonOnly({ endpoint: GRAPHQL_ENDPOINT }),
    useBodyLimit({ maxBytes: config.maxBodyBytes }),
    useNoNullBytes(),
    useOperationLimits(config.operationLimits),
    useValidationRules([oncePerOperationRule(RATE_LIMITED_FIELDS), ...(config.introspection ? [] : [noIntrospectionRule])]),
  ];
}
