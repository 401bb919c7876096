/**
 * Composition root: builds the schema, services and Yoga from validated config and an open database.
 * It never listens; main.ts and the tests do.
 */
import { createYoga, useReadinessCheck, type YogaServerInstance } from "graphql-yoga";
import type { YogaLogger } from "@graphql-yoga/logger";
import type { Config } from "./config.ts";
import type { GatehouseContext } from "./context.ts";
import type { Database } from "./infra/db/index.ts";
import { createEmailService, type EmailService } from "./modules/email/email.service.ts";
import { schema } from "./schema/index.ts";

export interface AppDependencies {
  config: Config;
  database: Database;
  logger: YogaLogger;
}

export interface App {
  yoga: YogaServerInstance<Record<string, unknown>, GatehouseContext>;
  /** Email templates and the outbox; its worker runs from createApp until close. */
  email: EmailService;
  /** Releases what the app holds (not the database, which the caller opened). */
  close(): Promise<void>;
}

export function createApp({ config, database, logger }: AppDependencies): App {
  const email = createEmailService({ config, prisma: database.prisma, logger });
  email.worker.start();
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
    context: ({ request }): GatehouseContext => ({
      prisma: database.prisma,
      viewer: null,
      ip: undefined,
      userAgent: request.headers.get("user-agent") ?? undefined,
      request,
    }),
  });

  return {
    yoga,
    email,
    async close() {
      await yoga.dispose();
      await email.close();
    },
  };
}
