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
import { normalizePassword } from "./modules/security/password-policy.ts";
import { BuiltinRoleType, builtinRoles } from "./modules/roles/builtin-roles.ts";
import { defaultSettings } from "./modules/settings/settings.defaults.ts";
import { parseEmail, usernameColumns, usernameFromEmail, usernameKey } from "./modules/users/identity.ts";

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

  const email = parseEmail(options.admin.email);
  if (await prisma.user.findUnique({ where: { email }, select: { id: true } })) {
    // Never promote an existing account on a restart's say-so: an admin decides that.
    throw new Error(`ADMIN_EMAIL ${email} belongs to an existing user who is not an admin; promote them or choose another address`);
  }
  await prisma.user.create({
    data: {
      email,
      ...usernameColumns(await freeUsername(prisma, usernameFromEmail(email) ?? "admin")),
      passwordHash: await options.passwords.hash(normalizePassword(options.admin.password)),
      confirmed: true,
      primaryRoleId: adminRole.id,
    },
  });
  return { createdAdmin: email };
}

/** `wanted` when no account holds it (in any case), otherwise `wanted-2`, `wanted-3`, ... */
async function freeUsername(prisma: PrismaClient, wanted: string): Promise<string> {
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? wanted : `${wanted}-${n}`;
    if (!(await prisma.user.findUnique({ where: { usernameKey: usernameKey(candidate) }, select: { id: true } }))) return candidate;
  }
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
