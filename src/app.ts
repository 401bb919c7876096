/**
 * Composition root: Yoga over the schema, the HTTP layer and the GraphQL context, on top of the services
 * layer; in gateway mode the Hive gateway runtime over the supergraph instead (gateway-mode.ts), with the
 * same HTTP layer and context. It never listens; main.ts and the tests do.
 */
import { createYoga, type YogaServerInstance } from "graphql-yoga";
import type { GatehouseContext } from "./context.ts";
import { createContextFactory } from "./context.ts";
import { maskErrorWithCode } from "./errors.ts";
import { createClientIpResolver, type NodeServerContext } from "./http/client-ip.ts";
import { corsPolicy } from "./http/cors.ts";
import { GRAPHQL_ENDPOINT, HEALTH_ENDPOINT, httpPlugins } from "./http/index.ts";
import { createResponseCookies } from "./http/use-response-cookies.ts";
import { defaultRulesOf } from "./modules/access/default-rules.ts";
import type { Gateway } from "./modules/gateway/gateway.ts";
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
  /** Gateway mode (GATEWAY_SUBGRAPHS set): the supergraph's state, and a refresh that does not wait for the poll. */
  gateway: Gateway | undefined;
  /** Releases what the app holds (not the database or Redis, which the caller opened). */
  close(): Promise<void>;
}

export async function createApp(deps: AppDependencies): Promise<App> {
  const { config, database, logger } = deps;
  const services = deps.services ?? (await createServices(deps));
  const clientIp = createClientIpResolver(config.trustedProxies);
  const cookies = createResponseCookies({ enabled: config.authCookie, maxAgeSeconds: config.jwt.maxSessionLifespan });

  const context = createContextFactory({ services, clientIp, cookies: cookies.forRequest, defaultRules: defaultRulesOf(schema) });
  let gateway: Gateway | undefined;
  let isReady: () => Promise<boolean | Response> = () => database.isReachable();
  const plugins = httpPlugins({ config, services, clientIp, cookies, isReady: () => isReady() });
  if (config.gateway) {
    // Loaded only in gateway mode: the Hive gateway runtime and its dependencies are most of the modules
    // a start would otherwise load (over a thousand files), and standalone mode never uses them.
    const { createGatewayMode, gatewayReadiness } = await import("./gateway-mode.ts");
    const started = await createGatewayMode({ config, gatewayConfig: config.gateway, services, logger, plugins, context });
    isReady = () => gatewayReadiness(started, database);
    gateway = started;
  }

  const yoga = gateway?.runtime ?? createYoga<NodeServerContext, GatehouseContext>({
    schema,
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    healthCheckEndpoint: HEALTH_ENDPOINT,
    landingPage: false,
    // GraphiQL is served by the HTTP layer (http/use-graphiql.ts), offline and under its own CSP.
    graphiql: false,
    logging: logger,
    // Development shows the original message of unexpected errors; never stack traces elsewhere.
    maskedErrors: { isDev: config.nodeEnv === "development", maskError: maskErrorWithCode },
    // One operation per request: JSON arrays would multiply every per-request limit.
    batching: false,
    // No file uploads on an auth server (use-json-only refuses multipart bodies anyway).
    multipart: false,
    cors: corsPolicy(config.corsOrigins),
    plugins,
    context,
  });

  services.email.worker.start();
  services.auth.mailRequests.start();
  services.retention.start();
  return {
    yoga,
    services,
    security: services.security,
    email: services.email,
    gateway,
    async close() {
      if (gateway) await gateway.close();
      else await yoga.dispose();
      if (deps.services) await Promise.all([services.auth.mailRequests.stop(), services.email.worker.stop(), services.retention.stop()]);
      else await services.close();
    },
  };
}
