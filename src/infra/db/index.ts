import type { PasswordHasher } from "../../modules/auth/passwords.ts";
import { type Database, type DatabaseOptions, type DatabaseTarget, openDatabase } from "./database.ts";
import { applyMigrations } from "./migrations.ts";
import { seedDatabase, type SeedOptions } from "./seed.ts";

export type { Database, DatabaseOptions, DatabaseTarget } from "./database.ts";

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
