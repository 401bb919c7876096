/**
 * Composition root: builds the schema, services and Yoga from validated config and an open database.
 * It never listens; main.ts and the tests do.
 */
import { createYoga, type Plugin, useReadinessCheck, type YogaServerInstance } from "graphql-yoga";
import type { YogaLogger } from "@graphql-yoga/logger";
import type { Config } from "./config.ts";
import type { GatehouseContext } from "./context.ts";
import type { Database } from "./infra/db/index.ts";
import { createAuthService } from "./modules/auth/auth.service.ts";
import { createAuthenticator } from "./modules/auth/authenticate.ts";
import { useConfirmationLink } from "./modules/auth/confirmation-link.ts";
import { createPasswordHasher } from "./modules/auth/passwords.ts";
import { createRefreshCookies, isNonSimpleRequest, type RefreshCookies } from "./modules/auth/refresh-cookie.ts";
import { ErrorCode, GatehouseError } from "./errors.ts";
import { loadSigningKeys, type SigningKeys } from "./modules/auth/signing-keys.ts";
import { createTokenService } from "./modules/auth/tokens.ts";
import { createEmailService, type EmailService } from "./modules/email/email.service.ts";
import { createRequestAuthorizer } from "./modules/roles/authorizer.ts";
import { createRoleResolverRegistry, type RoleResolverRegistry } from "./modules/roles/role-resolvers.ts";
import { createSettingsService } from "./modules/settings/settings.service.ts";
import { schema } from "./schema/index.ts";

/** Header that marks a GET or form request as deliberate in cookie mode (see useCsrfGuard). */
export const CSRF_HEADER = "x-gatehouse-csrf";

export interface AppDependencies {
  config: Config;
  database: Database;
  logger: YogaLogger;
  /** Custom dynamic roles (`$name` -> resolver) usable as ACL principals; see docs/authorization.md. */
  roleResolvers?: RoleResolverRegistry;
}

export interface App {
  yoga: YogaServerInstance<Record<string, unknown>, GatehouseContext>;
  /** Email templates and the outbox; its worker runs from createApp until close. */
  email: EmailService;
  /** Releases what the app holds (not the database, which the caller opened). */
  close(): Promise<void>;
}

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
  roleResolvers = createRoleResolverRegistry(),
}: AppDependencies): Promise<App> {
  const { prisma } = database;
  const email = createEmailService({ config, prisma, logger });
  const keys = await loadSigningKeys(config.jwt, config.dataDir);
  const tokens = createTokenService(keys, { issuer: config.jwt.issuer, audience: config.jwt.audience });
  const authService = createAuthService({
    prisma,
    passwords: createPasswordHasher({ cost: config.bcryptCost }),
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

  const yoga = createYoga<Record<string, unknown>, GatehouseContext>({
    schema,
    graphqlEndpoint: "/graphql",
    healthCheckEndpoint: "/health",
    landingPage: false,
    graphiql: config.graphiql,
    logging: logger,
    // Development shows the original message of unexpected errors; never stack traces elsewhere.
    maskedErrors: { isDev: config.nodeEnv === "development" },
    plugins: [
      useReadinessCheck({ endpoint: "/ready", check: () => database.isReachable() }),
      useJwks(keys),
      useConfirmationLink(authService, settings),
      useResponseCookies(cookiesOf),
      ...(config.authCookie ? [useCsrfGuard()] : []),
    ],
    context: async ({ request }): Promise<GatehouseContext> => {
      const cookies = createRefreshCookies(request, { enabled: config.authCookie, maxAgeSeconds: cookieMaxAge });
      cookiesOf.set(request, cookies);
      const viewer = await authenticate(request);
      return {
        prisma,
        viewer,
        ip: undefined,
        userAgent: request.headers.get("user-agent") ?? undefined,
        request,
        auth: { service: authService, cookies },
        // Roles come from the database on each request, never from the token.
        authz: createRequestAuthorizer({ prisma, viewer: () => viewer, resolvers: roleResolvers }),
        settings,
      };
    },
  });

  email.worker.start();
  return {
    yoga,
    email,
    async close() {
      await yoga.dispose();
      await email.close();
    },
  };
}
