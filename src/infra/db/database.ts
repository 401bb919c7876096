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
import { CHANGE_CHANNEL } from "../change-feed/changes.ts";
import { connectionFromUrl } from "./connection.ts";
import { lockDataDir } from "./data-dir-lock.ts";
import { createPglite } from "./pglite.ts";

export { connectionFromUrl };

export type DatabaseTarget =
  | { kind: "postgres"; url: string }
  /** `dataDir` undefined keeps the database in memory (tests). */
  | { kind: "pglite"; dataDir?: string };

export interface Database {
  /** PostgreSQL server, or the embedded PGlite of this one process. */
  kind: DatabaseTarget["kind"];
  prisma: PrismaClient;
  /** Connection settings for plain `pg` clients (migrations, tests). */
  connection: pg.ClientConfig;
  /** Runs `SELECT 1`; false when the database cannot be reached. */
  isReachable(): Promise<boolean>;
  /**
   * The change-feed payloads (infra/change-feed/changes.ts) of transactions committed through this
   * database's own connections, delivered as the commit returns: every pooled connection LISTENs on
   * CHANGE_CHANNEL and keeps the notifications its own backend sent. Other writers reach this process
   * through the change feed's remote transport.
   */
  ownChanges: { subscribe(listener: (payload: string) => void): () => void };
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /**
   * Called with every SQL statement Prisma sends (tests count them to prove a query's statement count
   * does not grow with its rows). Off by default: query events cost a little on every statement.
   */
  onQuery?: (sql: string) => void;
  /**
   * Who opens an embedded database on disk, as a second process is told when refused ("the Gatehouse
   * server", "gatehouse users list"): see data-dir-lock.ts. Default "a Gatehouse process".
   */
  holder?: string;
}

export async function openDatabase(target: DatabaseTarget, options: DatabaseOptions = {}): Promise<Database> {
  return target.kind === "postgres" ? openPostgres(target.url, options) : openPglite(target.dataDir, options);
}

/**
 * A pg pool whose connections LISTEN on the change channel first thing. `own` says which notifications
 * a connection's own transactions sent: PostgreSQL names the sending backend; PGlite is one backend.
 */
function listeningPool(config: pg.PoolConfig, own: "by-backend" | "all") {
  const listeners = new Set<(payload: string) => void>();
  const pool = new pg.Pool({
    ...config,
    // Before the pool hands the connection out: no statement of ours can commit unheard.
    onConnect: async (client) => {
      client.on("notification", (notification) => {
        if (notification.channel !== CHANGE_CHANNEL || notification.payload === undefined) return;
        const processId = (client as unknown as { processID: number | null }).processID;
        if (own === "by-backend" && notification.processId !== processId) return;
        for (const listener of listeners) listener(notification.payload);
      });
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    },
  });
  const ownChanges = {
    subscribe(listener: (payload: string) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
  return { adapter: new PrismaPg(pool, { disposeExternalPool: true }), ownChanges };
}

function createClient(adapter: PrismaPg, { onQuery }: DatabaseOptions): PrismaClient {
  if (!onQuery) return new PrismaClient({ adapter });
  const prisma = new PrismaClient({ adapter, log: [{ emit: "event", level: "query" }] });
  prisma.$on("query", (event) => onQuery(event.query));
  return prisma;
}


async function openPostgres(url: string, options: DatabaseOptions): Promise<Database> {
  const connection = connectionFromUrl(url);
  const { adapter, ownChanges } = listeningPool({ ...connection, max: 10 }, "by-backend");
  const prisma = createClient(adapter, options);
  return {
    kind: "postgres",
    prisma,
    connection,
    ownChanges,
    isReachable: () => ping(prisma),
    close: () => prisma.$disconnect(),
  };
}

async function openPglite(dataDir: string | undefined, options: DatabaseOptions): Promise<Database> {
  // Imported here: a server on PostgreSQL never loads the embedded database.
  const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const unlock = dataDir ? await lockDataDir(dataDir, options.holder ?? "a Gatehouse process") : async () => undefined;
  const pglite = await createPglite(dataDir).catch(async (error: unknown) => {
    await unlock();
    throw error;
  });

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
  const { adapter, ownChanges } = listeningPool({ ...connection, max: 1 }, "all");
  const prisma = createClient(adapter, options);
  return {
    kind: "pglite",
    prisma,
    connection,
    ownChanges,
    isReachable: () => ping(prisma),
    async close() {
      await prisma.$disconnect();
      await server.stop();
      await pglite.close();
      await rm(socketDir, { recursive: true, force: true });
      await unlock();
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
