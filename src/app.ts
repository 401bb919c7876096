/**
 * Composition root: builds the schema, services and Yoga from validated config and an open database.
 * It never listens; main.ts and the tests do.
 */
import { GraphQLError } from "graphql";
import { createYoga, maskError, type Plugin, useReadinessCheck, type YogaServerInstance } from "graphql-yoga";
import type { YogaLogger } from "@graphql-yoga/logger";
import type { Redis } from "ioredis";
import type { Config } from "./config.ts";
import { RATE_LIMITED_FIELDS } from "./config.ts";
import type { GatehouseContext } from "./context.ts";
import type { Database } from "./infra/db/index.ts";
import { createClientIpResolver, type NodeServerContext } from "./infra/http/client-ip.ts";
import { createAuthService } from "./modules/auth/auth.service.ts";
import { createAuthenticator } from "./modules/auth/authenticate.ts";
import { useConfirmationLink } from "./modules/auth/confirmation-link.ts";
import { createPasswordHasher, type PasswordHasher } from "./modules/auth/passwords.ts";
import { createRefreshCookies, isNonSimpleRequest, type RefreshCookies } from "./modules/auth/refresh-cookie.ts";
import { ErrorCode, GatehouseError } from "./errors.ts";
import { loadSigningKeys, type SigningKeys } from "./modules/auth/signing-keys.ts";
import { createTokenService } from "./modules/auth/tokens.ts";
import { createEmailService, type EmailService } from "./modules/email/email.service.ts";
import { createRequestAuthorizer } from "./modules/roles/authorizer.ts";
import { createRoleResolverRegistry, type RoleResolverRegistry } from "./modules/roles/role-resolvers.ts";
import { useRequestRateLimit } from "./modules/rate-limit/use-request-rate-limit.ts";
import { createSecurityServices, type SecurityServices } from "./modules/security/index.ts";
import { useBodyLimit } from "./modules/security/use-body-limit.ts";
import { useJsonOnly } from "./modules/security/use-json-only.ts";
import { useNoNullBytes } from "./modules/security/use-no-null-bytes.ts";
import { useOperationLimits } from "./modules/security/use-operation-limits.ts";
import { useSecurityHeaders } from "./modules/security/use-security-headers.ts";
import { useValidationRules } from "./modules/security/use-validation-rules.ts";
import { noIntrospectionRule, oncePerOperationRule } from "./modules/security/validation-rules.ts";
import { createSettingsService } from "./modules/settings/settings.service.ts";
import { schema } from "./schema/index.ts";

/**
 * Yoga's masking, plus a code for the errors graphql-js raises itself without one (a variable of the
 * wrong type, a missing required argument): they are the client's mistake, so BAD_USER_INPUT. The code is
 * added in place: Yoga logs any error its mask replaced as an unexpected server error.
 */
const maskErrorWithCode: typeof maskError = (error, message, isDev) => {
  const masked = maskError(error, message, isDev);
  if (masked instanceof GraphQLError && !masked.extensions.code) {
    (masked.extensions as Record<string, unknown>).code = ErrorCode.BAD_USER_INPUT;
  }
  return masked;
};

/** Header that marks a GET or form request as deliberate in cookie mode (see useCsrfGuard). */
export const CSRF_HEADER = "x-gatehouse-csrf";

export interface AppDependencies {
  config: Config;
  database: Database;
  logger: YogaLogger;
  /** Custom dynamic roles (`$name` -> resolver) usable as ACL principals; see docs/authorization.md. */
  roleResolvers?: RoleResolverRegistry;
  /** Connected Redis when REDIS_URL is set (the caller opens and closes it); limits are in memory otherwise. */
  redis?: Redis | undefined;
  /** Password hasher for sign-in and password changes; defaults to bcrypt at BCRYPT_COST (bench/login-flood.ts swaps it). */
  passwords?: PasswordHasher;
}

export interface App {
  yoga: YogaServerInstance<NodeServerContext, GatehouseContext>;
  /** Rate limits, lockout and password policy, as the resolvers see them in `ctx.security`. */
  security: SecurityServices;
  /** Email templates and the outbox; its worker runs from createApp until close. */
  email: EmailService;
  /** Releases what the app holds (not the database or Redis, which the caller opened). */
  close(): Promise<void>;
}

const GRAPHQL_ENDPOINT = "/graphql";

/** Serves the public signing keys, so other services can verify Gatehouse's access tokens. */
function useJwks(keys: SigningKeys): Plugin {
  const body = JSON.stringify(keys.jwks);
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (request.method !== "GET" || url.pathname !== "/.well-known/jwks.json") return;
      endResponse(
        new fetchAPI.Response(body, {
          headers: { "content-type": "application/jwk-set+json", "cache-control": "public, max-age=300" },
        }),
      );
    },
  };
}

/**
 * Cookie mode only: a cookie rides along on any request a browser sends, including cross-site form posts
 * and GETs that skip CORS preflights. Such "simple" requests are refused unless they carry a custom
 * header, which a cross-site page cannot add without a preflight.
 */
function useCsrfGuard(): Plugin {
  return {
    onRequestParse({ request }) {
      if (isNonSimpleRequest(request) || request.headers.has(CSRF_HEADER)) return;
      throw new GatehouseError(ErrorCode.CSRF_REJECTED, `Send a JSON request or the ${CSRF_HEADER} header`, {
        http: { status: 403 },
      });
    },
  };
}

/** Adds the Set-Cookie headers resolvers asked for (cookie mode) to the response. */
function useResponseCookies(cookiesOf: WeakMap<Request, RefreshCookies>): Plugin {
  return {
    onResponse({ request, response }) {
      for (const value of cookiesOf.get(request)?.setCookies ?? []) response.headers.append("set-cookie", value);
    },
  };
}

export async function createApp({
  config,
  database,
  logger,
  redis,
  roleResolvers = createRoleResolverRegistry(),
  passwords = createPasswordHasher({ cost: config.bcryptCost }),
}: AppDependencies): Promise<App> {
  const { prisma } = database;
  const email = createEmailService({ config, prisma, logger });
  const keys = await loadSigningKeys(config.jwt, config.dataDir);
  const tokens = createTokenService(keys, { issuer: config.jwt.issuer, audience: config.jwt.audience });
  const security = createSecurityServices(config, redis);
  const authService = createAuthService({
    security,
    prisma,
    passwords,
    tokens,
    jwt: config.jwt,
    publicUrl: config.publicUrl,
    mail: {
      enqueue: async (tx, template, user, variables) => void (await email.enqueueTemplate(tx, template, user, variables)),
      kick: email.kick,
    },
  });
  const authenticate = createAuthenticator({ prisma, tokens });
  const settings = createSettingsService(prisma, { checkTemplate: email.checkTemplate });
  const cookiesOf = new WeakMap<Request, RefreshCookies>();
  const cookieMaxAge = config.jwt.maxSessionLifespan;
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
    maskedErrors: { isDev: config.nodeEnv === "development", maskError: maskErrorWithCode },
    // One operation per request: JSON arrays would multiply every per-request limit below.
    batching: false,
    // No file uploads on an auth server (use-json-only refuses multipart bodies anyway).
    multipart: false,
    // No CORS headers at all unless the caller's origin is on the allow-list (Yoga's default allows all).
    cors: (request) => {
      const origin = request.headers.get("origin");
      if (!origin || !config.corsOrigins.includes(origin)) return false;
      return { origin: [origin], credentials: true, methods: ["GET", "POST"], allowedHeaders: ["content-type", "authorization", CSRF_HEADER], maxAge: 600 };
    },
    plugins: [
      useReadinessCheck({ endpoint: "/ready", check: () => database.isReachable() }),
      useJwks(keys),
      useConfirmationLink(authService, settings),
      useResponseCookies(cookiesOf),
      ...(config.authCookie ? [useCsrfGuard()] : []),
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
    context: async ({ request, req }): Promise<GatehouseContext> => {
      const cookies = createRefreshCookies(request, { enabled: config.authCookie, maxAgeSeconds: cookieMaxAge });
      cookiesOf.set(request, cookies);
      const viewer = await authenticate(request);
      return {
        prisma,
        viewer,
        ip: clientIp(request, req?.socket.remoteAddress),
        userAgent: request.headers.get("user-agent") ?? undefined,
        request,
        auth: { service: authService, cookies },
        // Roles come from the database on each request, never from the token.
        authz: createRequestAuthorizer({ prisma, viewer: () => viewer, resolvers: roleResolvers }),
        settings,
        security,
      };
    },
  });

  email.worker.start();
  return {
    yoga,
    security,
    email,
    async close() {
      await yoga.dispose();
      await email.close();
    },
  };
}
