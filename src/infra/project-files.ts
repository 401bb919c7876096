/** Files of the Gatehouse checkout read at run time, found from the sources and from the build alike. */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The nearest directory above this file holding package.json and prisma/: the project root. The sources
 * (src/infra/) and the build (dist/, bundled) sit at different depths below it.
 */
function findProjectRoot(): string {
  const from = dirname(fileURLToPath(import.meta.url));
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "prisma"))) return dir;
    if (dirname(dir) === dir) throw new Error(`No Gatehouse project (package.json and prisma/) above ${from}`);
  }
}

export const projectRoot = findProjectRoot();

/** prisma/migrations: what the migration runner applies. */
export const migrationsDir = join(projectRoot, "prisma", "migrations");

/** Where the build writes what it prepares for the server (dist/). */
export const buildDir = join(projectRoot, "dist");
