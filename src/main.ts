/** Entry point: load config, open the database, build the app, listen, and shut down cleanly. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createLogger } from "@graphql-yoga/logger";
import { createApp } from "./app.ts";
import { ConfigError, loadConfig, type Config } from "./config.ts";
import { startDatabase } from "./database.ts";
import { connectRedis } from "./infra/redis/index.ts";
import { createPasswordHasher } from "./modules/auth/passwords.ts";

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

const startedAt = performance.now();
const config = configOrExit();
const logger = createLogger(config.logLevel);

const database = await startDatabase(
  config.databaseUrl
    ? { kind: "postgres", url: config.databaseUrl }
    : { kind: "pglite", dataDir: join(config.dataDir, "pglite") },
  { admin: config.admin, passwords: createPasswordHasher({ cost: config.bcryptCost }) },
  { holder: "the Gatehouse server" },
).catch((error: unknown) => {
  logger.error(`Could not open the database: ${(error as Error).message}`);
  process.exit(1);
});
if (database.migrationsApplied.length > 0) logger.info(`Applied migrations: ${database.migrationsApplied.join(", ")}`);
if (database.createdAdmin) logger.info(`Created the first admin: ${database.createdAdmin}`);

const redis = config.redisUrl
  ? await connectRedis(config.redisUrl).catch((error: unknown) => {
      logger.error(`Could not connect to Redis: ${(error as Error).message}`);
      process.exit(1);
    })
  : undefined;

const app = await createApp({ config, database, logger, redis });
const server = createServer(app.yoga);

server.listen(config.port, config.host, () => {
  const mode = config.databaseUrl ? "PostgreSQL" : `embedded PGlite in ${config.dataDir}`;
  const ms = Math.round(performance.now() - startedAt);
  const { port } = server.address() as AddressInfo;
  logger.info(`Gatehouse ready in ${ms} ms on ${mode}: http://localhost:${port}/graphql`);
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info(`${signal} received, shutting down`);
  server.closeIdleConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await app.close();
  await redis?.quit();
  await database.close();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
