/**
 * First-start data: built-in roles, default settings and, when configured, the first admin. Seeding only
 * ever inserts what is missing: it never overwrites a role, a setting or a user an admin has changed.
 */
import type { PrismaClient } from "../../generated/prisma/client.ts";
import type { PasswordHasher } from "../../modules/auth/passwords.ts";
import { BuiltinRoleType, builtinRoles } from "../../modules/roles/builtin-roles.ts";
import { defaultSettings } from "../../modules/settings/settings.defaults.ts";

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
