/**
 * Opens the database Gatehouse runs on: PostgreSQL when a URL is given, otherwise an embedded PGlite
 * (PostgreSQL compiled to WASM). Both are reached through the same @prisma/adapter-pg: PGlite is served
 * on a private unix socket by pglite-socket, so the app speaks one SQL dialect in every mode.
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../../generated/prisma/client.ts";
import { connectionFromUrl } from "./connection.ts";
import { createPglite } from "./pglite.ts";

export { connectionFromUrl };

export type DatabaseTarget =
  | { kind: "postgres"; url: string }
  /** `dataDir` undefined keeps the database in memory (tests). */
  | { kind: "pglite"; dataDir?: string };

export interface Database {
  prisma: PrismaClient;
  /** Connection settings for plain `pg` clients (migrations, tests). */
  connection: pg.ClientConfig;
  /** Runs `SELECT 1`; false when the database cannot be reached. */
  isReachable(): Promise<boolean>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /**
   * Called with every SQL statement Prisma sends (tests count them to prove a query's statement count
   * does not grow with its rows). Off by default: query events cost a little on every statement.
   */
  onQuery?: (sql: string) => void;
}

export async function openDatabase(target: DatabaseTarget, options: DatabaseOptions = {}): Promise<Database> {
  return target.kind === "postgres" ? openPostgres(target.url, options) : openPglite(target.dataDir, options);
}

function createClient(adapter: PrismaPg, { onQuery }: DatabaseOptions): PrismaClient {
  if (!onQuery) return new PrismaClient({ adapter });
  const prisma = new PrismaClient({ adapter, log: [{ emit: "event", level: "query" }] });
  prisma.$on("query", (event) => onQuery(event.query));
  return prisma;
}


async function openPostgres(url: string, options: DatabaseOptions): Promise<Database> {
  const connection = connectionFromUrl(url);
  const prisma = createClient(new PrismaPg({ ...connection, max: 10 }), options);
  return {
    prisma,
    connection,
    isReachable: () => ping(prisma),
    close: () => prisma.$disconnect(),
  };
}

async function openPglite(dataDir: string | undefined, options: DatabaseOptions): Promise<Database> {
  // Imported here: a server on PostgreSQL never loads the embedded database.
  const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const pglite = await createPglite(dataDir);

  // Unix socket paths are limited to ~107 bytes, so the socket lives in a short temp dir, not DATA_DIR.
  // pg connects to `<host>/.s.PGSQL.<port>` when host is a directory.
  const socketDir = await mkdtemp(join(tmpdir(), "gatehouse-pg-"));
  // PGlite is a single session: the server queues queries from its connections one at a time. With
  // maxConnections 1, pg's reconnects under load failed with EPIPE, hence a few spare connections.
  const server = new PGLiteSocketServer({ db: pglite, path: join(socketDir, ".s.PGSQL.5432"), maxConnections: 8 });
  await server.start();

  const connection: pg.ClientConfig = { host: socketDir, port: 5432, user: "postgres", database: "postgres" };
  // One pooled connection: interleaving statements of two transactions on PGlite's single session
  // would mix them up.
  const prisma = createClient(new PrismaPg({ ...connection, max: 1 }), options);
  return {
    prisma,
    connection,
    isReachable: () => ping(prisma),
    async close() {
      await prisma.$disconnect();
      await server.stop();
      await pglite.close();
      await rm(socketDir, { recursive: true, force: true });
    },
  };
}

async function ping(prisma: PrismaClient): Promise<boolean> {
  try {
    await prisma.$queryRaw`SELECT 1`;
    return true;
  } catch {
    return false;
  }
}
