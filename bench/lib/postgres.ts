/**
 * Databases the harness owns on the PostgreSQL server DATABASE_URL points at. It creates and drops only
 * databases whose name contains "bench", never the one a URL names for other uses.
 */
import pg from "pg";
import { connectionFromUrl } from "../../src/infra/db/connection.ts";

export interface BenchDatabase {
  name: string;
  url: string;
  connection: pg.ClientConfig;
  drop(): Promise<void>;
}

/** `gatehouse_bench`, or DATABASE_URL's own database name when it contains "bench". */
export function benchDatabaseName(databaseUrl: string): string {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  return /bench/i.test(name) ? name : "gatehouse_bench";
}

async function onMaintenanceDatabase<T>(databaseUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(connectionFromUrl(databaseUrl, { database: "postgres" }));
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database `name` (dropping a leftover of an interrupted run first). */
export async function createBenchDatabase(databaseUrl: string, name: string): Promise<BenchDatabase> {
  if (!/^[a-z0-9_]*bench[a-z0-9_]*$/.test(name)) throw new Error(`refusing to manage database "${name}"`);
  await onMaintenanceDatabase(databaseUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
  });
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    connection: connectionFromUrl(url.toString()),
    drop: () => onMaintenanceDatabase(databaseUrl, async (client) => void (await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))),
  };
}
