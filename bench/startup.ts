/**
 * Cold start and idle memory of the server as `npm start` runs it (NODE_ENV=production, every setting
 * explicit), on both databases: a first start on an empty database (migrations, seed, admin) and
 * restarts on the same data. Cold start is spawn → first HTTP 200 from /graphql.
 *
 *   npm run bench:startup                        embedded PGlite; PostgreSQL too when DATABASE_URL is set
 *   npm run bench:startup -- --rounds 5          more rounds (default 3); medians are reported
 *   npm run bench:startup -- --compare DIR       also another checkout (e.g. `git archive` of an older
 *                                                commit with node_modules linked), measured in the same
 *                                                run, its starts interleaved with this checkout's
 *
 * With DATABASE_URL the script creates and drops its own databases (gatehouse_startup_bench_*).
 * npm run bench measures the same figures (once) beside its load workloads.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { coldStartOptions, ROOT, startGatehouse } from "./lib/gatehouse.ts";
import { generateBenchKey } from "./lib/keys.ts";
import { type BenchDatabase, createBenchDatabase } from "./lib/postgres.ts";
import { killAllServers } from "./lib/server-process.ts";
import { median, round, sleep } from "./lib/stats.ts";

const { values: args } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    compare: { type: "string" },
    settle: { type: "string", default: "2000" },
  },
});
const rounds = Number(args.rounds);
const settleMs = Number(args.settle);
const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;

interface Checkout {
  label: string;
  root: string;
}
const checkouts: Checkout[] = [{ label: "this checkout", root: ROOT }];
if (args.compare) checkouts.push({ label: `compare ${args.compare}`, root: resolve(args.compare) });

type DatabaseKind = "pglite" | "postgres";
const kinds: DatabaseKind[] = databaseUrl ? ["postgres", "pglite"] : ["pglite"];

interface StartSample {
  coldStartMs: number;
  /** CPU time of the server until its first 200. */
  cpuMs: number;
  idleRssMb: number;
}
/** checkout label → database → first starts and restarts. */
const samples = new Map<string, Record<DatabaseKind, { first: StartSample[]; restart: StartSample[] }>>();
for (const checkout of checkouts) {
  samples.set(checkout.label, { pglite: { first: [], restart: [] }, postgres: { first: [], restart: [] } });
}

const key = await generateBenchKey("EdDSA");
const workDir = await mkdtemp(join(tmpdir(), "gatehouse-startup-"));
const databases: BenchDatabase[] = [];
process.on("SIGINT", () => {
  killAllServers();
  process.exit(130);
});

async function startOnce(checkout: Checkout, dataDir: string, database: BenchDatabase | undefined): Promise<StartSample> {
  const server = await startGatehouse(coldStartOptions(`gatehouse (${checkout.label})`, key, dataDir, database?.url), checkout.root);
  await sleep(settleMs);
  const { rssMb } = await server.memory();
  await server.stop();
  return { coldStartMs: server.coldStartMs, cpuMs: server.coldStartCpuMs, idleRssMb: rssMb };
}

try {
  console.log(`${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  for (let r = 0; r < rounds; r++) {
    for (const kind of kinds) {
      for (const [i, checkout] of checkouts.entries()) {
        const dataDir = await mkdtemp(join(workDir, `${kind}-`));
        let database: BenchDatabase | undefined;
        if (kind === "postgres") {
          database = await createBenchDatabase(databaseUrl!, `gatehouse_startup_bench_${r}_${i}`);
          databases.push(database);
        }
        const first = await startOnce(checkout, dataDir, database);
        const restart = await startOnce(checkout, dataDir, database);
        const bucket = samples.get(checkout.label)![kind];
        bucket.first.push(first);
        bucket.restart.push(restart);
        const describe = (sample: StartSample) =>
          `${Math.round(sample.coldStartMs)} ms (CPU ${Math.round(sample.cpuMs)} ms, idle ${Math.round(sample.idleRssMb)} MB)`;
        console.log(`round ${r + 1} ${kind} ${checkout.label}: first start ${describe(first)}, restart ${describe(restart)}`);
        await database?.drop();
      }
    }
  }

  console.log(
    `\nMedians of ${rounds} rounds (cold start = spawn → first 200 from /graphql, wall clock and the server's CPU time; ` +
      `idle RSS ${settleMs} ms after it), load average now ${loadavg().map((l) => l.toFixed(1)).join(" ")}:`,
  );
  const rows: string[][] = [
    ["checkout", "database", "first start ms", "CPU ms", "idle RSS MB", "restart ms", "CPU ms", "idle RSS MB"],
  ];
  for (const checkout of checkouts) {
    for (const kind of kinds) {
      const { first, restart } = samples.get(checkout.label)![kind];
      rows.push([
        checkout.label,
        kind === "postgres" ? "PostgreSQL" : "PGlite",
        ...[first, restart].flatMap((runs) => [
          String(Math.round(median(runs.map((s) => s.coldStartMs)))),
          String(Math.round(median(runs.map((s) => s.cpuMs)))),
          String(round(median(runs.map((s) => s.idleRssMb)), 0)),
        ]),
      ]);
    }
  }
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) console.log(row.map((cell, column) => cell.padEnd(widths[column]!)).join("  "));
} finally {
  killAllServers();
  await Promise.all(databases.map((database) => database.drop().catch(() => undefined)));
  await rm(workDir, { recursive: true, force: true });
}
