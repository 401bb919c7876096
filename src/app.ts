/**
 * Composition root: builds the schema, services and Yoga from validated config and an open database.
 * It never listens; main.ts and the tests do.
 */
import { createYoga, useReadinessCheck, type YogaServerInstance } from "graphql-yoga";
import type { YogaLogger } from "@graphql-yoga/logger";
import type { Config } from "./config.ts";
import type { GatehouseContext } from "./context.ts";
import type { Database } from "./infra/db/index.ts";
import { createRequestAuthorizer } from "./modules/roles/authorizer.ts";
import { createRoleResolverRegistry, type RoleResolverRegistry } from "./modules/roles/role-resolvers.ts";
import { schema } from "./schema/index.ts";

export interface AppDependencies {
  config: Config;
  database: Database;
  logger: YogaLogger;
  /** Custom dynamic roles (`$name` -> resolver) usable as ACL principals; see docs/authorization.md. */
  roleResolvers?: RoleResolverRegistry;
}

export interface App {
  yoga: YogaServerInstance<Record<string, unknown>, GatehouseContext>;
  /** Releases what the app holds (not the database, which the caller opened). */
  close(): Promise<void>;
}

export function createApp({
  config,
  database,
  logger,
  roleResolvers = createRoleResolverRegistry(),
}: AppDependencies): App {
  const yoga = createYoga<Record<string, unknown>, GatehouseContext>({
    schema,
    graphqlEndpoint: "/graphql",
    healthCheckEndpoint: "/health",
    landingPage: false,
    graphiql: config.graphiql,
    logging: logger,
    // Development shows the original message of unexpected errors; never stack traces elsewhere.
    maskedErrors: { isDev: config.nodeEnv === "development" },
    plugins: [useReadinessCheck({ endpoint: "/ready", check: () => database.isReachable() })],
    context: ({ request }): GatehouseContext => {
      const context: GatehouseContext = {
        prisma: database.prisma,
        viewer: null,
        ip: undefined,
        userAgent: request.headers.get("user-agent") ?? undefined,
        request,
        authz: createRequestAuthorizer({
          prisma: database.prisma,
          viewer: () => context.viewer,
          resolvers: roleResolvers,
        }),
      };
      return context;
    },
  });

  return {
    yoga,
    async close() {
      await yoga.dispose();
    },
  };
}
