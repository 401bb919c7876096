/**
 * The app's database at start: open it (infra/db), apply pending migrations, and seed first-start data:
 * built-in roles, default settings and, when configured, the first admin. Seeding only ever inserts what
 * is missing: it never overwrites a role, a setting or a user an admin has changed. It sits above the
 * modules, since it knows their data; the infrastructure below knows none of it.
 */
import type { PrismaClient } from "./generated/prisma/client.ts";
import { type Database, type DatabaseOptions, type DatabaseTarget, openDatabase } from "./infra/db/index.ts";
import { applyMigrations } from "./infra/db/migrations.ts";

export type { Database, DatabaseOptions, DatabaseTarget } from "./infra/db/index.ts";
import type { PasswordHasher } from "./modules/auth/passwords.ts";
import { BuiltinRoleType, builtinRoles } from "./modules/roles/builtin-roles.ts";
import { defaultSettings } from "./modules/settings/settings.defaults.ts";

export interface SeedOptions {
  admin?: { email: string; password: string };
  passwords: PasswordHasher;
}

export interface SeedResult {
  /** Email of the admin created by this run, if one was. */
  createdAdmin?: string;
}

export async function seedDatabase(prisma: PrismaClient, options: SeedOptions): Promise<SeedResult> {
  await prisma.role.createMany({ data: builtinRoles, skipDuplicates: true });
  await prisma.setting.createMany({
    data: Object.entries(defaultSettings).map(([key, value]) => ({ key, value: value as object })),
    skipDuplicates: true,
  });
  if (!options.admin) return {};

  const adminRole = await prisma.role.findUniqueOrThrow({ where: { type: BuiltinRoleType.ADMIN } });
  const existingAdmin = await prisma.user.findFirst({
    where: { OR: [{ primaryRoleId: adminRole.id }, { roles: { some: { roleId: adminRole.id } } }] },
    select: { id: true },
  });
  if (existingAdmin) return {};

  const email = options.admin.email.toLowerCase();
  await prisma.user.create({
    data: {
      email,
      username: email,
      passwordHash: await options.passwords.hash(options.admin.password),
      confirmed: true,
      primaryRoleId: adminRole.id,
    },
  });
  return { createdAdmin: email };
}

/** Opens the database, applies pending migrations and seeds what is missing. */
export async function startDatabase(
  target: DatabaseTarget,
  seed: { admin?: SeedOptions["admin"]; passwords: PasswordHasher },
  options: DatabaseOptions = {},
): Promise<Database & { migrationsApplied: string[]; createdAdmin?: string }> {
  const database = await openDatabase(target, options);
  try {
    const migrationsApplied = await applyMigrations(database.connection);
    const { createdAdmin } = await seedDatabase(database.prisma, seed);
    return Object.assign(database, { migrationsApplied, createdAdmin });
  } catch (error) {
    await database.close();
    throw error;
  }
}
