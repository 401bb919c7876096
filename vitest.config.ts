import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

/**
 * `unit` runs the pure tests beside the code. The integration suite (test/) runs on embedded PGlite, and
 * once more on PostgreSQL when TEST_DATABASE_URL is set (as CI does); each test file gets its own database.
 * `packages` runs the workspaces' tests (packages/*, examples/*), which start their own servers.
 */
const integration = (name: string, database: "pglite" | "postgres", exclude: string[] = []) => ({
  extends: true as const,
  test: {
    name,
    include: ["test/**/*.test.ts"],
    exclude: ["**/node_modules/**", ...exclude],
    env: { GATEHOUSE_TEST_DB: database },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

/** Files about the embedded database or independent of the database run once, on PGlite. */
const POSTGRES_EXCLUDED = ["test/database-pglite.test.ts", "test/main.test.ts", "test/schema.test.ts"];

export default defineConfig({
  // Pothos and Yoga load graphql's CommonJS build; without this, vitest would load the ESM build too and
  // graphql refuses to mix the two ("Cannot use GraphQLScalarType from another module or realm").
  resolve: { alias: { graphql: createRequire(import.meta.url).resolve("graphql") } },
  test: {
    projects: [
      { extends: true, test: { name: "unit", include: ["src/**/*.test.ts"] } },
      integration("pglite", "pglite"),
      {
        extends: true,
        test: {
          name: "packages",
          include: ["packages/*/test/**/*.test.ts", "examples/*/test/**/*.test.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      ...(process.env.TEST_DATABASE_URL ? [integration("postgres", "postgres", POSTGRES_EXCLUDED)] : []),
    ],
  },
});
