/**
 * A fresh database for one test file: an in-memory PGlite, or (GATEHOUSE_TEST_DB=postgres) a uniquely
 * named database on the PostgreSQL server of TEST_DATABASE_URL, dropped afterwards.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import type { DatabaseTarget } from "../../src/infra/db/index.ts";
import { connectionFromUrl } from "../../src/infra/db/database.ts";

export interface TestDatabase {
  target: DatabaseTarget;
  kind: "pglite" | "postgres";
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (process.env.GATEHOUSE_TEST_DB !== "postgres") {
    return { target: { kind: "pglite" }, kind: "pglite", drop: async () => undefined };
  }
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) throw new Error("GATEHOUSE_TEST_DB=postgres needs TEST_DATABASE_URL");

  const name = `gatehouse_test_${randomBytes(6).toString("hex")}`;
  await adminQuery(serverUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    target: { kind: "postgres", url: url.toString() },
    kind: "postgres",
    drop: () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client(connectionFromUrl(serverUrl));
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
