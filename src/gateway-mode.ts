/**
 * Gateway mode's wiring (GATEWAY_SUBGRAPHS set): /graphql serves the supergraph of Gatehouse's schema and
 * the downstream subgraphs (src/modules/gateway), behind the same HTTP guards as the standalone /graphql.
 *   - A request is authenticated once, at the gateway, by the usual context factory: an invalid, expired
 *     or revoked token refuses the whole request. Gatehouse's own subgraph then runs in process on an
 *     inner Yoga whose context is that same context (same viewer, same authorizer, same cookies).
 *   - Subgraphs get tokens from the token service, signed with the current key.
 *   - Downstream fields are decided by the access module's authorizer with the stored rules.
 */
import type { YogaLogger } from "@graphql-yoga/logger";
import { createYoga, type Plugin } from "graphql-yoga";
import type { Config, GatewayModeConfig } from "./config.ts";
import type { GatehouseContext } from "./context.ts";
import { maskErrorWithCode } from "./errors.ts";
import { corsPolicy } from "./http/cors.ts";
import { GRAPHQL_ENDPOINT } from "./http/index.ts";
import type { RequestAuthorizer } from "./modules/access/authorizer.ts";
import type { Viewer } from "./modules/auth/authenticate.ts";
import { createGateway, type Gateway } from "./modules/gateway/gateway.ts";
import { printSubgraphSchema, schema } from "./schema/index.ts";
import type { Services } from "./services.ts";

export interface GatewayModeDependencies {
  config: Config;
  gatewayConfig: GatewayModeConfig;
  services: Services;
  logger: YogaLogger;
  /** The HTTP guards of /graphql (httpPlugins). */
  // Guards are typed for their own server contexts (Node's req for client-ip, ...).
  plugins: Plugin<any, any>[];
  /** The GraphQL context factory of the standalone /graphql. */
  context(initial: { request: Request } & Record<string, unknown>): Promise<GatehouseContext>;
}

/** The caller as the gateway hands them to the token service. */
interface GatewayCaller extends Viewer {
  authz: RequestAuthorizer;
}

/** Only Gatehouse's own context goes to its subgraph, not the gateway runtime's internals. */
function gatehouseContextOf(context: GatehouseContext): GatehouseContext {
  const { services, viewer, ip, userAgent, request, authz, cookies, downstream } = context;
  return { services, viewer, ip, userAgent, request, authz, cookies, downstream };
}

/**
 * /ready in gateway mode: 503 only when the database is unreachable; a stale or missing subgraph makes it
 * "degraded" but ready, since sign-in and every other subgraph still work.
 */
export async function gatewayReadiness(gateway: Gateway, database: { isReachable(): Promise<boolean> }): Promise<Response> {
  const reachable = await database.isReachable();
  const { subgraphs, composedAt } = gateway.status();
  const degraded = subgraphs.some((subgraph) => subgraph.state !== "ok");
  return Response.json(
    { status: reachable ? (degraded ? "degraded" : "ready") : "unavailable", database: reachable, composedAt, subgraphs },
    { status: reachable ? 200 : 503, headers: { "cache-control": "no-store" } },
  );
}

export async function createGatewayMode(deps: GatewayModeDependencies): Promise<Gateway> {
  const { config, gatewayConfig, services, logger, plugins, context } = deps;
  const isDev = config.nodeEnv === "development";
  // Gatehouse's subgraph, reached only by the gateway in process: the guards already ran at the gateway.
  const local = createYoga<{ gatewayContext: GatehouseContext }, GatehouseContext>({
    schema,
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    logging: logger,
    landingPage: false,
    graphiql: false,
    batching: false,
    multipart: false,
    maskedErrors: { isDev, maskError: maskErrorWithCode },
    context: ({ gatewayContext }) => gatehouseContextOf(gatewayContext),
  });

  const gateway: Gateway = await createGateway<GatehouseContext, GatewayCaller>({
    config: gatewayConfig,
    dataDir: config.dataDir,
    local: {
      sdl: printSubgraphSchema(),
      fetch: (request, gatewayContext) => local.fetch(request, { gatewayContext }),
    },
    async context(initial) {
      const built = await context(initial);
      return { ...built, downstream: gateway };
    },
    viewerOf: (ctx) => (ctx.viewer ? { ...ctx.viewer, authz: ctx.authz } : null),
    authorizerOf: (ctx) => ctx.authz,
    mintSubgraphToken: async ({ subgraph, viewer }) =>
      services.tokens.signSubgraphToken({
        subgraph,
        userId: viewer.userId,
        sessionId: viewer.sessionId,
        // Static role types, as in access tokens: a hint for the subgraph, loaded once per request.
        roles: (await viewer.authz.roles()).map((role) => role.type),
      }),
    logger,
    logLevel: config.logLevel,
    plugins,
    maskError: maskErrorWithCode,
    isDev,
    yoga: { graphqlEndpoint: GRAPHQL_ENDPOINT, cors: corsPolicy(config.corsOrigins) },
  });
  return gateway;
}
