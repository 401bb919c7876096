/**
 * Migrations that rewrite existing rows, run against a database holding data written under the earlier
 * schema: each test applies the migrations before the one under test, inserts rows as an older Gatehouse
 * would have, then applies the rest and checks what became of them.
 */
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../src/infra/db/index.ts";
import { applyMigrations, defaultMigrationsDir, readMigrations } from "../src/infra/db/migrations.ts";
import { createTestDatabase, type TestDatabase } from "./helpers/database.ts";

let testDatabase: TestDatabase | undefined;
let database: Database | undefined;
afterEach(async () => {
  await database?.close();
  await testDatabase?.drop();
  database = testDatabase = undefined;
});

/** A database migrated up to (not including) `migration`, with `setup` run on it; returns a query function. */
async function databaseBefore(migration: string, setup: string) {
  const dir = await mkdtemp(join(tmpdir(), "gatehouse-migrations-"));
  try {
    await cp(defaultMigrationsDir, dir, { recursive: true });
    const names = (await readMigrations(dir)).map((m) => m.name);
    expect(names).toContain(migration);
    for (const later of names.filter((name) => name >= migration)) await rm(join(dir, later), { recursive: true });
    testDatabase = await createTestDatabase();
    database = await openDatabase(testDatabase.target);
    await applyMigrations(database.connection, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const query = async (sql: string) => {
    const client = new pg.Client(database!.connection);
    await client.connect();
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  };
  await query(setup);
  return { query, upgrade: () => applyMigrations(database!.connection) };
}

describe("20261201143000_acl_rules_name_roles_by_type", () => {
  it("rewrites rules that named a role by display name to its type, and leaves rules naming a type alone", async () => {
    const { query, upgrade } = await databaseBefore(
      "20261201143000_acl_rules_name_roles_by_type",
      `INSERT INTO roles (document_id, name, type, updated_at) VALUES
         ('r1', 'Red team', 'red', now()), ('r2', 'Admin', 'admin', now()), ('r3', 'red', 'lookalike', now()),
         ('r4', 'Ops', 'ops', now());
       INSERT INTO acl_rules (resource, access_type, principal_type, principal_id, permission) VALUES
         ('Query.roles', '*', 'ROLE', 'Red team', 'ALLOW'),
         ('Query.users', '*', 'ROLE', 'red', 'ALLOW'),
         ('Query.users', '*', 'ROLE', 'Admin', 'DENY'),
         ('Query.role', '*', 'ROLE', 'Ops', 'DENY'),
         ('Query.role', '*', 'ROLE', 'ops', 'ALLOW'),
         ('Query.roles', 'READ', 'ROLE', 'Ops', 'ALLOW'),
         ('Query.roles', 'READ', 'ROLE', 'ops', 'DENY'),
         ('Query.me', '*', 'ROLE', '$owner', 'ALLOW'),
         ('Query.me', '*', 'USER', '1', 'ALLOW');`,
    );
    await upgrade();
    const rules = await query(`SELECT resource, principal_type, principal_id, permission FROM acl_rules ORDER BY id`);
    const role = (resource: string, principal_id: string, permission: string) => ({ resource, principal_type: "ROLE", principal_id, permission });
    expect(rules).toEqual([
      role("Query.roles", "red", "ALLOW"),
      // Already a type ("red" is also the look-alike's display name): it meant the Red team.
      role("Query.users", "red", "ALLOW"),
      role("Query.users", "admin", "DENY"),
      // The same rule under the name and the type: one is kept, a DENY when either was (DENY won before).
      role("Query.role", "ops", "DENY"),
      role("Query.roles", "ops", "DENY"),
      role("Query.me", "$owner", "ALLOW"),
      { resource: "Query.me", principal_type: "USER", principal_id: "1", permission: "ALLOW" },
    ]);
  });
});

describe("20261201150000_username_key", () => {
  it("backfills the case-folded key and renames later accounts whose usernames differ only in case", async () => {
    const { query, upgrade } = await databaseBefore(
      "20261201150000_username_key",
      `INSERT INTO roles (id, document_id, name, type, updated_at) VALUES (1, 'r1', 'Authenticated', 'authenticated', now());
       INSERT INTO users (id, document_id, username, email, primary_role_id, updated_at) VALUES
         (1, 'u1', 'Ada', 'ada@example.com', 1, now()),
         (2, 'u2', 'bob', 'bob@example.com', 1, now()),
         (3, 'u3', 'ADA', 'ada2@example.com', 1, now()),
         (4, 'u4', 'ａｄａ', 'ada3@example.com', 1, now()),
         (5, 'u5', 'Zoë', 'zoe@example.com', 1, now());`,
    );
    await upgrade();
    expect(await query(`SELECT id, username, username_key FROM users ORDER BY id`)).toEqual([
      { id: 1, username: "Ada", username_key: "ada" },
      { id: 2, username: "bob", username_key: "bob" },
      { id: 3, username: "ADA-3", username_key: "ada-3" },
      { id: 4, username: "ａｄａ-4", username_key: "ada-4" },
      { id: 5, username: "Zoë", username_key: "zoë" },
    ]);
    await expect(
      query(`INSERT INTO users (id, document_id, username, username_key, email, primary_role_id, updated_at) VALUES (6, 'u6', 'aDa', 'ada', 'x@example.com', 1, now())`),
    ).rejects.toThrow(/users_username_key_key/);
  });
});
