/**
 * Composition root: builds the schema, services and Yoga from validated config and an open database.
 * It never listens; main.ts and the tests do.
 */
import { createYoga, useReadinessCheck, type YogaServerInstance } from "graphql-yoga";
import type { YogaLogger } from "@graphql-yoga/logger";
import type { Redis } from "ioredis";
import type { Config } from "./config.ts";
import { RATE_LIMITED_FIELDS } from "./config.ts";
import type { GatehouseContext } from "./context.ts";
import type { Database } from "./infra/db/index.ts";
import { createClientIpResolver, type NodeServerContext } from "./infra/http/client-ip.ts";
import { useRequestRateLimit } from "./modules/rate-limit/use-request-rate-limit.ts";
import { createSecurityServices, type SecurityServices } from "./modules/security/index.ts";
import { useBodyLimit } from "./modules/security/use-body-limit.ts";
import { useJsonOnly } from "./modules/security/use-json-only.ts";
import { useNoNullBytes } from "./modules/security/use-no-null-bytes.ts";
import { useOperationLimits } from "./modules/security/use-operation-limits.ts";
import { useSecurityHeaders } from "./modules/security/use-security-headers.ts";
import { useValidationRules } from "./modules/security/use-validation-rules.ts";
import { noIntrospectionRule, oncePerOperationRule } from "./modules/security/validation-rules.ts";
import { schema } from "./schema/index.ts";

export interface AppDependencies {
  config: Config;
  database: Database;
  logger: YogaLogger;
  /** Connected Redis when REDIS_URL is set (the caller opens and closes it); limits are in memory otherwise. */
  redis?: Redis | undefined;
}

export interface App {
  yoga: YogaServerInstance<NodeServerContext, GatehouseContext>;
  /** Rate limits, lockout and password policy, as the resolvers see them in `ctx.security`. */
  security: SecurityServices;
  /** Releases what the app holds (not the database or Redis, which the caller opened). */
  close(): Promise<void>;
}

const GRAPHQL_ENDPOINT = "/graphql";

export function createApp({ config, database, logger, redis }: AppDependencies): App {
  const security = createSecurityServices(config, redis);
  const clientIp = createClientIpResolver(config.trustedProxies);
  const { max, windowSeconds } = config.requestRateLimit;

  const yoga = createYoga<NodeServerContext, GatehouseContext>({
    schema,
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    healthCheckEndpoint: "/health",
    landingPage: false,
    graphiql: config.graphiql,
    logging: logger,
    // Development shows the original message of unexpected errors; never stack traces elsewhere.
    maskedErrors: { isDev: config.nodeEnv === "development" },
    // One operation per request: JSON arrays would multiply every per-request limit below.
    batching: false,
    // No file uploads on an auth server (use-json-only refuses multipart bodies anyway).
    multipart: false,
    // No CORS headers at all unless the caller's origin is on the allow-list (Yoga's default allows all).
    cors: (request) => {
      const origin = request.headers.get("origin");
      if (!origin || !config.corsOrigins.includes(origin)) return false;
      return { origin: [origin], credentials: true, methods: ["GET", "POST"], allowedHeaders: ["content-type", "authorization"], maxAge: 600 };
    },
    plugins: [
      useReadinessCheck({ endpoint: "/ready", check: () => database.isReachable() }),
      // Abuse resistance, cheapest first: headers, request rate, body size, then the operation's shape.
      useSecurityHeaders({ hsts: config.nodeEnv === "production" }),
      useRequestRateLimit({
        limiter: security.limiter({ name: "rl:request", points: max, duration: windowSeconds }),
        clientIp,
        endpoint: GRAPHQL_ENDPOINT,
      }),
      useJsonOnly({ endpoint: GRAPHQL_ENDPOINT }),
      useBodyLimit({ maxBytes: config.maxBodyBytes }),
      useNoNullBytes(),
      useOperationLimits(config.operationLimits),
      useValidationRules([
        oncePerOperationRule(RATE_LIMITED_FIELDS),
        ...(config.introspection ? [] : [noIntrospectionRule]),
      ]),
    ],
    context: ({ request, req }): GatehouseContext => ({
      prisma: database.prisma,
      viewer: null,
      ip: clientIp(request, req?.socket.remoteAddress),
      userAgent: request.headers.get("user-agent") ?? undefined,
      request,
      security,
    }),
  });

  return {
    yoga,
    security,
    async close() {
      await yoga.dispose();
    },
  };
}
