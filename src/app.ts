/**
 * Composition root: Yoga over the schema, the HTTP layer and the GraphQL context, on top of the services
 * layer. It never listens; main.ts and the tests do.
 */
import { createYoga, type YogaServerInstance } from "graphql-yoga";
import type { GatehouseContext } from "./context.ts";
import { createContextFactory } from "./context.ts";
import { maskErrorWithCode } from "./errors.ts";
import { createClientIpResolver, type NodeServerContext } from "./http/client-ip.ts";
import { corsPolicy } from "./http/cors.ts";
import { GRAPHQL_ENDPOINT, httpPlugins } from "./http/index.ts";
import { createResponseCookies } from "./http/use-response-cookies.ts";
import { schema } from "./schema/index.ts";
import { createServices, type Services, type ServicesDependencies } from "./services.ts";

export type AppDependencies = ServicesDependencies & {
  /** Services built beforehand (by the caller, who then closes them); built from the rest otherwise. */
  services?: Services;
};

export interface App {
  yoga: YogaServerInstance<NodeServerContext, GatehouseContext>;
  services: Services;
  /** Rate limits, lockout and password policy, as the resolvers see them in `ctx.services.security`. */
  security: Services["security"];
  /** Email templates and the outbox; its worker runs from createApp until close. */
  email: Services["email"];
  /** Releases what the app holds (not the database or Redis, which the caller opened). */
  close(): Promise<void>;
}

export async function createApp(deps: AppDependencies): Promise<App> {
  const { config, database, logger } = deps;
  const services = deps.services ?? (await createServices(deps));
  const clientIp = createClientIpResolver(config.trustedProxies);
  const cookies = createResponseCookies({ enabled: config.authCookie, maxAgeSeconds: config.jwt.maxSessionLifespan });

  const yoga = createYoga<NodeServerContext, GatehouseContext>({
    schema,
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    healthCheckEndpoint: "/health",
    landingPage: false,
    graphiql: config.graphiql,
    logging: logger,
    // Development shows the original message of unexpected errors; never stack traces elsewhere.
    maskedErrors: { isDev: config.nodeEnv === "development", maskError: maskErrorWithCode },
    // One operation per request: JSON arrays would multiply every per-request limit.
    batching: false,
    // No file uploads on an auth server (use-json-only refuses multipart bodies anyway).
    multipart: false,
    cors: corsPolicy(config.corsOrigins),
    plugins: httpPlugins({ config, services, clientIp, cookies, isReady: () => database.isReachable() }),
    context: createContextFactory({ services, clientIp, cookies: cookies.forRequest }),
  });

  services.email.worker.start();
  services.retention.start();
  return {
    yoga,
    services,
    security: services.security,
    email: services.email,
    async close() {
      await yoga.dispose();
      if (deps.services) await Promise.all([services.email.worker.stop(), services.retention.stop()]);
      else await services.close();
    },
  };
}
