/** `gatehouse import strapi FILE`: users, roles and role permissions from a Strapi 5 export. */
import { type Command, Option } from "commander";
import { SingleBar } from "cli-progress";
import { readStrapiArchive, StrapiArchiveError } from "../../modules/strapi-import/strapi-archive.ts";
import type { OnConflict } from "../../modules/strapi-import/strapi-import.service.ts";
import { CliError, positiveInt, printJson } from "../cli-kit.ts";
import { withRuntime } from "../runtime.ts";

export function registerStrapiImport(program: Command): void {
  program
    .command("import")
    .description("bring users from another system")
    .command("strapi")
    .description(
      "import users-permissions users (bcrypt hashes unchanged), roles and role permissions from `strapi export --no-encrypt`; " +
        "prints a JSON summary and exits 1 if any row failed",
    )
    .argument("<file>", "the export: .tar, or .tar.gz when compressed")
    .addOption(new Option("--on-conflict <mode>", "a user that already exists is skipped, or updated from the export").choices(["skip", "update"]).default("skip"))
    .option("--dry-run", "report what would be imported without writing anything")
    .option("--batch-size <n>", "users per insert", positiveInt("--batch-size"), 1000)
    .action(async (file: string, flags: { onConflict: OnConflict; dryRun?: boolean; batchSize: number }) => {
      const data = await readStrapiArchive(file).catch((error: unknown) => {
        throw error instanceof StrapiArchiveError ? new CliError(error.message) : error;
      });
      const summary = await withRuntime("import strapi", async ({ services, source }) => {
        // On a terminal only: scripts read the summary on stdout, and the bar goes to stderr.
        const bar = process.stderr.isTTY ? new SingleBar({ stream: process.stderr, format: "users {bar} {value}/{total} {percentage}%" }) : null;
        bar?.start(data.users.length, 0);
        try {
          return await services.strapiImport.importStrapi(data, source, {
            onConflict: flags.onConflict,
            dryRun: flags.dryRun,
            batchSize: flags.batchSize,
            onProgress: (done) => bar?.update(done),
          });
        } finally {
          bar?.stop();
        }
      });
      printJson(summary);
      if (process.stderr.isTTY) {
        process.stderr.write(
          `${summary.created} created, ${summary.updated} updated, ${summary.skipped} skipped, ${summary.failed} failed${summary.dryRun ? " (dry run: nothing was written)" : ""}\n`,
        );
      }
      if (summary.failed > 0) process.exitCode = 1;
    });
}
