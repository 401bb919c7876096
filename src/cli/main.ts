/**
 * `gatehouse`, the operator CLI: the server's services, configured by the server's environment. Every
 * failure is one line on stderr and exit code 1; output meant for scripts comes with `--json`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command, CommanderError } from "commander";
import { projectRoot } from "../infra/project-files.ts";
import { describeError, printJson, printTable } from "./cli-kit.ts";
import { registerKeyCommands } from "./commands/keys.ts";
import { registerStrapiImport } from "./commands/import-strapi.ts";
import { registerUserCommands } from "./commands/users.ts";
import { withRuntime } from "./runtime.ts";

// Found from the root, not from this file: the sources (src/cli/) and the build (dist/) sit at different depths.
const { version } = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as { version: string };

const program = new Command("gatehouse")
  .description("Operate Gatehouse: migrations, users, roles, rules, keys, email, Strapi import")
  .version(version)
  .showSuggestionAfterError()
  .exitOverride();

program
  .command("migrate")
  .description("apply pending database migrations (the server also applies them at start)")
  .option("--json", "print { applied } as JSON")
  .action((flags: { json?: boolean }) =>
    withRuntime("migrate", async ({ database }) => {
      const applied = database.migrationsApplied;
      if (flags.json) printJson({ applied });
      else console.log(applied.length > 0 ? `applied ${applied.length} migration(s): ${applied.join(", ")}` : "the database is up to date");
    }),
  );

registerUserCommands(program);

program
  .command("roles")
  .description("static roles")
  .command("list")
  .description("every role, in id order")
  .option("--json", "print the roles as JSON")
  .action((flags: { json?: boolean }) =>
    withRuntime("roles list", async ({ services }) => {
      const counts = await services.prisma.user.groupBy({ by: ["primaryRoleId"], _count: { _all: true } });
      const usersOf = new Map(counts.map((row) => [row.primaryRoleId, row._count._all]));
      const roles = (await services.roles.list()).map((role) => ({
        id: role.id,
        type: role.type,
        name: role.name,
        description: role.description,
        users: usersOf.get(role.id) ?? 0,
      }));
      if (flags.json) printJson(roles);
      else printTable(roles, ["id", "type", "name", "users", "description"]);
    }),
  );

program
  .command("acl")
  .description("stored access rules (the defaults declared on fields are in docs/authorization.md)")
  .command("list")
  .description("every stored rule, in id order")
  .option("--json", "print the rules as JSON")
  .action((flags: { json?: boolean }) =>
    withRuntime("acl list", async ({ services }) => {
      const rules = (await services.access.listRules()).map(({ createdAt, ...rule }) => ({ ...rule, createdAt: createdAt.toISOString() }));
      if (flags.json) printJson(rules);
      else printTable(rules, ["id", "resource", "accessType", "principalType", "principalId", "permission"]);
    }),
  );

registerKeyCommands(program);

program
  .command("schema")
  .description("the GraphQL schema")
  .command("print")
  .description("print the schema's SDL (as committed in schema.graphql)")
  .option("--subgraph", "print the federation subgraph SDL instead, as `_service { sdl }` answers (subgraph.graphql)")
  .action(async (flags: { subgraph?: boolean }) => {
    // Imported here: building the schema takes a moment that other commands need not pay.
    const { printSchema, printSubgraphSchema } = await import("../schema/index.ts");
    process.stdout.write(`${flags.subgraph ? printSubgraphSchema() : printSchema()}\n`);
  });

program
  .command("outbox")
  .description("the email outbox")
  .command("retry")
  .description("put FAILED emails back to PENDING with a fresh budget of attempts (after fixing the mail server)")
  .option("--json", "print { requeued } as JSON")
  .action((flags: { json?: boolean }) =>
    withRuntime("outbox retry", async ({ services }) => {
      const requeued = await services.email.retryFailed();
      if (flags.json) printJson({ requeued });
      else console.log(`${requeued} failed email(s) back to pending; the server's outbox worker sends them`);
    }),
  );

registerStrapiImport(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander has printed its message (or the help, or the version) already.
    process.exitCode = error.exitCode;
  } else {
    process.stderr.write(`gatehouse: ${describeError(error)}\n`);
    process.exitCode = 1;
  }
}
