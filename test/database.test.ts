import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, startDatabase } from "../src/database.ts";
import { applyMigrations, defaultMigrationsDir, readMigrations } from "../src/infra/db/migrations.ts";
import { seedDatabase } from "../src/database.ts";
import { createPasswordHasher } from "../src/modules/auth/passwords.ts";
import { createTestDatabase, type TestDatabase } from "./helpers/database.ts";

const passwords = createPasswordHasher({ cost: 4 });

describe("migrations and seeding", () => {
  let testDatabase: TestDatabase;
  let database: Database & { migrationsApplied: string[] };

  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    database = await startDatabase(testDatabase.target, { passwords });
  });
  afterAll(async () => {
    await database?.close();
    await testDatabase?.drop();
  });

  it("applies every migration once and records it as prisma migrate does", async () => {
    const migrations = await readMigrations();
    expect(database.migrationsApplied).toEqual(migrations.map((m) => m.name));

    const rows = await database.prisma.$queryRaw<{ migration_name: string; checksum: string }[]>`
      SELECT migration_name, checksum FROM "_prisma_migrations" ORDER BY migration_name`;
    const first = migrations[0]!;
    const sql = await readFile(join(defaultMigrationsDir, first.name, "migration.sql"), "utf8");
    expect(rows[0]).toEqual({
      migration_name: first.name,
      checksum: createHash("sha256").update(sql).digest("hex"),
    });

    expect(await applyMigrations(database.connection)).toEqual([]);
  });

  it("refuses to start when an applied migration was edited afterwards", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gatehouse-migrations-"));
    try {
      await cp(defaultMigrationsDir, dir, { recursive: true });
      const first = (await readMigrations(dir))[0]!;
      await writeFile(join(dir, first.name, "migration.sql"), `${first.sql}\n-- edited\n`);
      await expect(applyMigrations(database.connection, dir)).rejects.toThrow(/was changed after it was applied/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("rolls a failing migration back and records nothing", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gatehouse-migrations-"));
    try {
      await cp(defaultMigrationsDir, dir, { recursive: true });
      await rm(join(dir, "migration_lock.toml"), { force: true });
      const broken = join(dir, "99990101000000_broken");
      await cp(join(dir, (await readMigrations(dir))[0]!.name), broken, { recursive: true });
      await writeFile(join(broken, "migration.sql"), `CREATE TABLE "half_done" (id int);\nSELECT no_such_function();\n`);
      await expect(applyMigrations(database.connection, dir)).rejects.toThrow(/99990101000000_broken failed/);

      const client = new pg.Client(database.connection);
      await client.connect();
      const tables = await client.query(`SELECT to_regclass('half_done') AS t`);
      const recorded = await client.query(`SELECT 1 FROM "_prisma_migrations" WHERE migration_name LIKE '%broken'`);
      await client.end();
      expect(tables.rows[0].t).toBeNull();
      expect(recorded.rowCount).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("seeds the built-in roles and settings, and never overwrites what an admin changed", async () => {
    await database.prisma.role.update({ where: { type: "public" }, data: { description: "Changed by an admin" } });
    await database.prisma.setting.update({ where: { key: "advanced" }, data: { value: { allowRegister: false } } });

    await seedDatabase(database.prisma, { passwords });

    const roles = await database.prisma.role.findMany({ orderBy: { id: "asc" } });
    expect(roles.map((r) => r.type)).toEqual(["public", "authenticated", "admin"]);
    expect(roles[0]?.description).toBe("Changed by an admin");
    const advanced = await database.prisma.setting.findUniqueOrThrow({ where: { key: "advanced" } });
    expect(advanced.value).toEqual({ allowRegister: false });
  });

  it("creates the first admin from ADMIN_EMAIL/ADMIN_PASSWORD once, and never overwrites one", async () => {
    const first = await seedDatabase(database.prisma, {
      passwords,
      admin: { email: "Root@Example.com", password: "first admin passphrase" },
    });
    expect(first.createdAdmin).toBe("root@example.com");
    const admin = await database.prisma.user.findUniqueOrThrow({
      where: { email: "root@example.com" },
      include: { primaryRole: true },
    });
    expect(admin.primaryRole.type).toBe("admin");
    expect(admin.confirmed).toBe(true);
    expect(await passwords.verify("first admin passphrase", admin.passwordHash)).toBe(true);

    const second = await seedDatabase(database.prisma, {
      passwords,
      admin: { email: "other@example.com", password: "another passphrase" },
    });
    expect(second.createdAdmin).toBeUndefined();
    expect(await database.prisma.user.count()).toBe(1);
    const unchanged = await database.prisma.user.findUniqueOrThrow({ where: { email: "root@example.com" } });
    expect(unchanged.passwordHash).toBe(admin.passwordHash);
  });
});

describe("the first admin's identity", () => {
  let testDatabase: TestDatabase;
  let database: Database;

  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    database = await startDatabase(testDatabase.target, { passwords });
  });
  afterAll(async () => {
    await database?.close();
    await testDatabase?.drop();
  });

  const addUser = async (username: string, email: string) => {
    const role = await database.prisma.role.findUniqueOrThrow({ where: { type: "authenticated" } });
    await database.prisma.user.create({ data: { username, usernameKey: username.toLowerCase(), email, primaryRoleId: role.id } });
  };

  it("refuses an ADMIN_EMAIL that belongs to an existing user, and changes nothing", async () => {
    await addUser("someone", "taken@example.com");
    await expect(seedDatabase(database.prisma, { passwords, admin: { email: "Taken@Example.com", password: "first admin passphrase" } })).rejects.toThrow(
      /belongs to an existing user/,
    );
    const user = await database.prisma.user.findUniqueOrThrow({ where: { email: "taken@example.com" }, include: { primaryRole: true } });
    expect(user.primaryRole.type).toBe("authenticated");
  });

  it("takes the next free username, case-insensitively, when the email's local part is taken", async () => {
    await addUser("ROOT", "upper-root@example.com");
    const seeded = await seedDatabase(database.prisma, { passwords, admin: { email: "root@example.com", password: "first admin passphrase" } });
    expect(seeded.createdAdmin).toBe("root@example.com");
    const admin = await database.prisma.user.findUniqueOrThrow({ where: { email: "root@example.com" } });
    expect(admin).toMatchObject({ username: "root-2", usernameKey: "root-2" });
  });
});
