/**
 * A command's view of Gatehouse: the server's configuration (the same environment), its database
 * (migrated and seeded as the server would at start) and the services layer. The embedded database can
 * only be opened while the server is not running on it: the data directory's lock says who holds it.
 */
import { userInfo } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { type Config, loadConfig } from "../config.ts";
import type { Database } from "../database.ts";
import type { AuditSource } from "../modules/audit/audit.service.ts";
import type { Services } from "../services.ts";

export interface Runtime {
  config: Config;
  database: Database & { migrationsApplied: string[] };
  services: Services;
  redis: Redis | undefined;
  /** How the CLI's actions appear in the audit log: no actor, the operating-system user as user agent. */
  source: AuditSource;
}

function operator(): string {
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}

/** Runs `action` with the runtime open, and closes everything afterwards, also on failure. */
export async function withRuntime<T>(command: string, action: (runtime: Runtime) => Promise<T>): Promise<T> {
  const config = loadConfig();
  // Loaded on use: `--help`, `keys` and bad input answer without loading the database and every service.
  const [{ createLogger }, { startDatabase }, { connectRedis }, { createPasswordHasher }, { createServices }] = await Promise.all([
    import("@graphql-yoga/logger"),
    import("../database.ts"),
    import("../infra/redis/index.ts"),
    import("../modules/auth/passwords.ts"),
    import("../services.ts"),
  ]);
  const passwords = createPasswordHasher({ cost: config.bcryptCost, concurrency: config.bcryptConcurrency });
  const database = await startDatabase(
    config.databaseUrl ? { kind: "postgres", url: config.databaseUrl } : { kind: "pglite", dataDir: join(config.dataDir, "pglite") },
    { admin: config.admin, passwords },
    { holder: `gatehouse ${command}` },
  );
  let redis: Redis | undefined;
  let services: Services | undefined;
  try {
    redis = config.redisUrl ? await connectRedis(config.redisUrl) : undefined;
    // Warnings and errors go to stderr; stdout stays for the command's output (and --json).
    services = await createServices({ config, database, logger: createLogger("warn"), redis, passwords });
    return await action({ config, database, services, redis, source: { actorId: null, ip: null, userAgent: `gatehouse-cli (${operator()})` } });
  } finally {
    await services?.close();
    await redis?.quit().catch(() => undefined);
    await database.close();
  }
}
