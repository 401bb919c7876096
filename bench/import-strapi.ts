/**
 * How long does `gatehouse import strapi` take for a large export? Builds a Strapi 5 export of
 * BENCH_USERS users (default 10,000; bcrypt hashes are copied, so one hash serves every user), then runs
 * the real CLI on it, on a fresh embedded database (or the PostgreSQL of BENCH_DATABASE_URL, which must be
 * an empty database you created for this), and prints the wall time of the whole command (process start,
 * migrations, reading the archive, the import) and of a second, idempotent run that skips every user.
 * Target (issue 12): 10,000 users in under a minute.
 * Run: npm run bench:import-strapi
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "@graphql-yoga/logger";
import { loadConfig } from "../src/config.ts";
import { startDatabase } from "../src/database.ts";
import { createPasswordHasher } from "../src/modules/auth/passwords.ts";
import { readStrapiArchive } from "../src/modules/strapi-import/strapi-archive.ts";
import { createServices } from "../src/services.ts";
import { buildStrapiExport } from "../test/fixtures/strapi-export.ts";

const users = Number(process.env.BENCH_USERS ?? 10_000);
const databaseUrl = process.env.BENCH_DATABASE_URL;
const root = new URL("..", import.meta.url).pathname;

const roles = [
  { id: 1, name: "Authenticated", type: "authenticated", permissions: ["plugin::users-permissions.user.me"] },
  { id: 2, name: "Public", type: "public" },
  { id: 3, name: "Editor", type: "editor", permissions: ["plugin::users-permissions.user.find"] },
];
const hash = (await import("bcryptjs")).default.hashSync("a benchmark passphrase", 10);
const started = performance.now();
const fixture = await buildStrapiExport({
  roles,
  users: Array.from({ length: users }, (_, i) => ({
    id: i + 1,
    username: `user${i + 1}`,
    email: `user${i + 1}@example.com`,
    hash,
    role: i % 10 === 0 ? 3 : 1,
  })),
});
console.log(`built an export of ${users} users in ${Math.round(performance.now() - started)} ms: ${fixture.file}`);

const dataDir = await mkdtemp(join(tmpdir(), "gatehouse-bench-import-"));
function runImport(): Promise<{ ms: number; summary: { created: number; skipped: number; failed: number } }> {
  const begin = performance.now();
  const child = spawn(process.execPath, ["bin/gatehouse.js", "import", "strapi", fixture.file], {
    cwd: root,
    env: { PATH: process.env.PATH, NODE_ENV: "development", DATA_DIR: dataDir, ...(databaseUrl && { DATABASE_URL: databaseUrl }) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) =>
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`gatehouse import strapi exited with ${code}\n${out}`));
      resolve({ ms: Math.round(performance.now() - begin), summary: JSON.parse(out) });
    }),
  );
}

/** The phases inside one process, on a fresh in-memory PGlite: reading the archive, then the import. */
async function phases() {
  const config = loadConfig({ NODE_ENV: "test", DATA_DIR: dataDir, LOG_LEVEL: "error" });
  const passwords = createPasswordHasher({ cost: 4 });
  const database = await startDatabase({ kind: "pglite" }, { passwords });
  const services = await createServices({ config, database, logger: createLogger("error"), passwords });
  try {
    const t0 = performance.now();
    const data = await readStrapiArchive(fixture.file);
    const t1 = performance.now();
    const summary = await services.strapiImport.importStrapi(data, { actorId: null }, {});
    const t2 = performance.now();
    return { readMs: Math.round(t1 - t0), importMs: Math.round(t2 - t1), created: summary.created };
  } finally {
    await services.close();
    await database.close();
  }
}

try {
  const before = loadavg().map((load) => load.toFixed(2));
  const first = await runImport();
  const second = await runImport();
  const inside = await phases();
  console.log(`\nmachine: ${cpus().length} cores, load average before ${before.join(" ")}; ${databaseUrl ? "PostgreSQL" : "embedded PGlite"}`);
  console.log("| run | users | created | skipped | failed | wall time |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
  for (const [name, run] of [["first import", first], ["second (idempotent)", second]] as const) {
    console.log(`| ${name} | ${users} | ${run.summary.created} | ${run.summary.skipped} | ${run.summary.failed} | ${(run.ms / 1000).toFixed(1)} s |`);
  }
  console.log(`\nin one process (in-memory PGlite): reading the archive ${inside.readMs} ms, importing ${inside.created} users ${inside.importMs} ms`);
  console.log(`\ntarget: ${users} users in under 60 s: ${first.ms < 60_000 ? "met" : "NOT met"}`);
} finally {
  await rm(dataDir, { recursive: true, force: true });
  await rm(fixture.dir, { recursive: true, force: true });
}
