/** Entry point: load config, open the database, build the app, listen, and shut down cleanly. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createLogger } from "@graphql-yoga/logger";
import { ConfigError, loadConfig, type Config } from "./config.ts";
import { startDatabase } from "./database.ts";
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

const config = configOrExit();
const logger = createLogger(config.logLevel);
// The app's modules (schema, services, Yoga: most of a start's work) load while the database opens, which
// mostly waits: on PostgreSQL's answers, or on PGlite's WASM compiling off the main thread.
const loadingApp = import("./app.ts");
// A failed load is reported where it is awaited, not as an unhandled rejection while the database opens.
loadingApp.catch(() => undefined);

// One hasher, so one queue of bcrypt work, for the first admin's seed and every request after it.
const passwords = createPasswordHasher({ cost: config.bcryptCost, concurrency: config.bcryptConcurrency });
const database = await startDatabase(
  config.databaseUrl
    ? { kind: "postgres", url: config.databaseUrl }
    : { kind: "pglite", dataDir: join(config.dataDir, "pglite") },
  { admin: config.admin, passwords },
  { holder: "the Gatehouse server" },
).catch((error: unknown) => {
  logger.error(`Could not open the database: ${(error as Error).message}`);
  process.exit(1);
});
if (database.migrationsApplied.length > 0) logger.info(`Applied migrations: ${database.migrationsApplied.join(", ")}`);
if (database.createdAdmin) logger.info(`Created the first admin: ${database.createdAdmin}`);

const { redisUrl } = config;
const redis = redisUrl
  ? await import("./infra/redis/index.ts").then(({ connectRedis }) => connectRedis(redisUrl)).catch((error: unknown) => {
      logger.error(`Could not connect to Redis: ${(error as Error).message}`);
      process.exit(1);
    })
  : undefined;

const { createApp } = await loadingApp;
const app = await createApp({ config, database, logger, redis, passwords });
const server = createServer(app.yoga);

server.listen(config.port, config.host, () => {
  const mode = config.databaseUrl ? "PostgreSQL" : `embedded PGlite in ${config.dataDir}`;
  // Since the process started (performance's time origin), module loading included.
  const ms = Math.round(performance.now());
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
