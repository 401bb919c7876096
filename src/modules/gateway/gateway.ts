/**
 * Gateway mode: Gatehouse serves a supergraph of its own subgraph and the downstream subgraphs of
 * GATEWAY_SUBGRAPHS through @graphql-hive/gateway-runtime (query planning is the runtime's, never ours).
 *   - Gatehouse's own subgraph runs in process: the runtime's requests to it go to `local.fetch` with the
 *     gateway's context, never over HTTP, so its `_entities` is not reachable from outside.
 *   - Downstream subgraphs get a token minted for them, never the client's credentials (subgraph-identity.ts).
 *   - The ACL covers downstream fields before any subgraph is called (use-gateway-acl.ts).
 *   - A subgraph that is down or slower than GATEWAY_TIMEOUT_MS nulls only its fields, with an error that
 *     names it and nothing internal (subgraph-errors.ts). Nothing is retried, so neither are mutations.
 */
import { join } from "node:path";
import { createGatewayRuntime, type GatewayPlugin, type GatewayRuntime } from "@graphql-hive/gateway-runtime";
import { Logger as HiveLogger, type LogLevel as HiveLogLevel } from "@graphql-hive/logger";
import httpTransport from "@graphql-mesh/transport-http";
import type { YogaLogger } from "@graphql-yoga/logger";
import { type CORSOptions, maskError as yogaMaskError, type Plugin } from "graphql-yoga";
import { type GatewayModeConfig, LOCAL_SUBGRAPH_NAME } from "../../config.ts";
import type { AccessType, AclRule } from "../access/acl.ts";
import { classifyField, guardedDownstreamFields, indexLocalSubgraph } from "./coordinates.ts";
import { createSubgraphErrorMask } from "./subgraph-errors.ts";
import { createSubgraphHeaders, type MintSubgraphToken } from "./subgraph-identity.ts";
import { createSupergraphSource, type SupergraphStatus } from "./supergraph-source.ts";
import { decideDownstream, type GatewayAuthorizer, useGatewayAcl } from "./use-gateway-acl.ts";

/**
 * The URL the supergraph records for Gatehouse's own subgraph. Requests to it never leave the process;
 * `.invalid` (RFC 2606) can never resolve, should one ever try.
 */
export const LOCAL_SUBGRAPH_URL = "http://gatehouse.invalid/graphql";

export interface LocalSubgraph<TContext> {
  /** Gatehouse's subgraph SDL (printSubgraphSchema of its schema). */
  sdl: string;
  /** Answers the runtime's request to Gatehouse's subgraph, with the gateway's context of the request. */
  fetch(request: Request, context: TContext): Response | Promise<Response>;
}

export interface GatewayDependencies<TContext extends object, TViewer> {
  config: GatewayModeConfig;
  /** DATA_DIR: the last good composition is kept under DATA_DIR/gateway. */
  dataDir: string;
  local: LocalSubgraph<TContext>;
  /**
   * Builds what the gateway adds to each request's context (the authenticated caller, the authorizer)
   * from Yoga's initial context (`request`, and the server's own, such as Node's `req`). Throwing a
   * GraphQLError refuses the whole request: an invalid token never downgrades to anonymous.
   */
  context(initial: { request: Request } & Record<string, unknown>): Promise<Partial<TContext>> | Partial<TContext>;
  viewerOf(context: TContext): TViewer | null;
  authorizerOf(context: TContext): GatewayAuthorizer;
  mintSubgraphToken: MintSubgraphToken<TViewer>;
  logger: YogaLogger;
  logLevel: HiveLogLevel;
  /** The guards every /graphql has (limits, armor, CSRF, ...), as Yoga plugins. */
  // Guards are typed for their own server contexts (Node's req for client-ip, ...).
  plugins?: Plugin<any, any>[];
  /** Errors that did not come from a subgraph are masked by this (Gatehouse's usual mask by default). */
  maskError?: typeof yogaMaskError;
  /** Development shows unexpected errors' messages (never a subgraph's internals). */
  isDev?: boolean;
  /** Yoga options shared with the standalone /graphql. */
  yoga?: { graphqlEndpoint?: string; graphiql?: boolean; cors?: (request: Request) => CORSOptions };
}

export interface DownstreamField {
  resource: string;
  accessType: AccessType;
}

export interface Gateway {
  /** A Yoga server: `gateway.runtime.fetch` or `createServer(gateway.runtime)`. */
  runtime: GatewayRuntime;
  /** What /ready reports: which subgraphs are served, stale or missing. */
  status(): SupergraphStatus;
  /** Reads the subgraphs and recomposes now instead of at the next poll. */
  refresh(): Promise<void>;
  /** The downstream fields under the ACL, given the rules in force. */
  downstreamFields(rules: readonly AclRule[]): Promise<DownstreamField[]>;
  /** Those of them the caller may use, decided as a request would (for `myPermissions`). */
  allowedDownstreamFields(authorizer: GatewayAuthorizer): Promise<DownstreamField[]>;
  close(): Promise<void>;
}

/**
 * The runtime's own log lines, written through Gatehouse's logger. It logs a failed subgraph request with
 * the body it sent: bodies and variables (a client's input, maybe a secret) are left out.
 */
function hiveLogger(logger: YogaLogger, level: HiveLogLevel): HiveLogger {
  const withoutBodies = (attrs: unknown) =>
    JSON.parse(JSON.stringify(attrs, (key, value) => (key === "body" || key === "variables" ? undefined : value)));
  return new HiveLogger({
    level,
    writers: [
      {
        write(messageLevel, attrs, message) {
          const write = messageLevel === "trace" ? logger.debug : logger[messageLevel];
          write(`Gateway runtime: ${message ?? ""}`, ...(attrs ? [withoutBodies(attrs)] : []));
        },
      },
    ],
  });
}

export async function createGateway<TContext extends object, TViewer>(
  deps: GatewayDependencies<TContext, TViewer>,
): Promise<Gateway> {
  const { config, local, logger } = deps;
  const localIndex = indexLocalSubgraph(local.sdl);
  let runtime: GatewayRuntime | undefined;
  const subgraphHeaders = createSubgraphHeaders<TContext, TViewer>({
    localSubgraph: LOCAL_SUBGRAPH_NAME,
    forwardHeaders: config.forwardHeaders,
    viewerOf: deps.viewerOf,
    mintSubgraphToken: deps.mintSubgraphToken,
  });
  const source = createSupergraphSource({
    local: { name: LOCAL_SUBGRAPH_NAME, url: LOCAL_SUBGRAPH_URL, sdl: local.sdl },
    subgraphs: config.subgraphs,
    pollSeconds: config.pollSeconds,
    timeoutMs: config.timeoutMs,
    stateDir: join(deps.dataDir, "gateway"),
    logger,
    onChange: () => void runtime?.invalidateUnifiedGraph(),
  });
  await source.start();

  const contextPlugin: Plugin = {
    async onContextBuilding({ context, extendContext }) {
      extendContext((await deps.context(context as { request: Request } & Record<string, unknown>)) as object);
    },
  };
  // The runtime calls Gatehouse's subgraph through its usual fetch hook: answered in process.
  const localSubgraphPlugin: GatewayPlugin = {
    onFetch({ url, executionRequest, context, setFetchFn }) {
      if (executionRequest?.subgraphName !== LOCAL_SUBGRAPH_NAME && url !== LOCAL_SUBGRAPH_URL) return;
      setFetchFn((target, init) =>
        local.fetch(new Request(target, init as RequestInit), context as unknown as TContext),
      );
    },
  };

  runtime = createGatewayRuntime({
    supergraph: () => source.supergraph(),
    transports: { http: httpTransport },
    logging: hiveLogger(logger, deps.logLevel),
    // Downstream subgraphs only: Gatehouse's own work (a login's password hash) is not cut short.
    upstreamTimeout: ({ subgraphName }) => (subgraphName === LOCAL_SUBGRAPH_NAME ? undefined : config.timeoutMs),
    // Let requests in flight finish on the supergraph they started with when a new one is composed.
    gracefulSchemaReload: { drainTimeout: config.timeoutMs },
    propagateHeaders: {
      fromClientToSubgraphs: ({ context, request, subgraphName }) =>
        subgraphHeaders({ context: context as unknown as TContext, request, subgraphName }),
    },
    maskedErrors: {
      isDev: deps.isDev ?? false,
      maskError: createSubgraphErrorMask({
        localSubgraph: LOCAL_SUBGRAPH_NAME,
        logger,
        fallback: deps.maskError ?? yogaMaskError,
      }),
    },
    landingPage: false,
    graphiql: deps.yoga?.graphiql ?? false,
    graphqlEndpoint: deps.yoga?.graphqlEndpoint ?? "/graphql",
    healthCheckEndpoint: "/health",
    // One operation per request, no uploads: as the standalone /graphql.
    batching: false,
    multipart: false,
    cors: deps.yoga?.cors,
    plugins: () => [
      ...(deps.plugins ?? []),
      contextPlugin,
      localSubgraphPlugin,
      useGatewayAcl<TContext>({
        local: localIndex,
        defaultAccess: config.defaultAccess,
        authorizerOf: deps.authorizerOf,
        isSignedIn: (context) => deps.viewerOf(context) !== null,
      }),
    ],
  });
  const gateway = runtime;

  return {
    runtime: gateway,
    status: () => source.status(),
    refresh: () => source.refresh(),
    async downstreamFields(rules) {
      return guardedDownstreamFields(localIndex, await gateway.getSchema(), rules);
    },
    async allowedDownstreamFields(authorizer) {
      const [schema, rules] = await Promise.all([gateway.getSchema(), authorizer.rules()]);
      const decided = await Promise.all(
        guardedDownstreamFields(localIndex, schema, rules).map(async (field) => {
          const coordinate = classifyField(localIndex, schema, ...(field.resource.split(".") as [string, string]));
          const allowed = coordinate !== null && (await decideDownstream(authorizer, rules, coordinate, config.defaultAccess));
          return allowed ? [field] : [];
        }),
      );
      return decided.flat();
    },
    async close() {
      await source.close();
      await gateway.dispose();
    },
  };
}
