/**
 * Where an idle server's memory goes: the idle RSS of `npm start` beside that of the parts it is built on,
 * each alone in a process of its own (bench/lib/footprint-part.ts), in one run with interleaved rounds.
 *
 *   npm run bench:footprint                    PGlite; PostgreSQL too when DATABASE_URL is set
 *   npm run bench:footprint -- --rounds 5      more rounds (default 3); medians are reported
 *   npm run bench:footprint -- --settle 3000   ms between ready and the reading (default 3000, as npm run bench)
 *
 * The parts: Node.js alone; the database layer of src/infra/db on PostgreSQL (pg pool and Prisma client,
 * after one model query, so that Prisma's WASM query compiler is loaded and has run); the embedded PGlite
 * alone, opened as Gatehouse opens it on a copy of Gatehouse's own data directory, after one query.
 * With DATABASE_URL the script creates and drops its own database (gatehouse_footprint_bench).
 */
import { spawn } from "node:child_process";
import { cp, mkdir, mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import * as esbuild from "esbuild";
import { coldStartOptions, ROOT, startGatehouse } from "./lib/gatehouse.ts";
import { generateBenchKey } from "./lib/keys.ts";
import { processMemory } from "./lib/memory.ts";
import { type BenchDatabase, createBenchDatabase } from "./lib/postgres.ts";
import { killAllServers } from "./lib/server-process.ts";
import { median, round, sleep } from "./lib/stats.ts";

const { values: args } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    settle: { type: "string", default: "3000" },
  },
});
const rounds = Number(args.rounds);
const settleMs = Number(args.settle);
const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;

const workDir = await mkdtemp(join(tmpdir(), "gatehouse-footprint-"));
process.on("SIGINT", () => {
  killAllServers();
  process.exit(130);
});

/** The part script as plain JavaScript, packages left to node_modules as the server's build leaves them. */
async function bundlePart(): Promise<string> {
  const outdir = join(ROOT, "bench", "results", "footprint");
  await rm(outdir, { recursive: true, force: true });
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { part: "bench/lib/footprint-part.ts" },
    outdir,
    outExtension: { ".js": ".mjs" },
    // Each part's modules in chunks of their own, loaded only by that part.
    splitting: true,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    external: ["graphql", "@node-rs/*", "@electric-sql/*", "@prisma/client", "pg-native"],
    banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
    logLevel: "warning",
  });
  return join(outdir, "part.mjs");
}

/** Runs one part until it says "ready", waits `settleMs`, reads its RSS and stops it. */
async function measurePart(partFile: string, part: string, target?: string): Promise<number> {
  const child = spawn(process.execPath, [partFile, part, ...(target ? [target] : [])], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve());
    child.once("exit", (code) => reject(new Error(`part ${part} exited with ${code}: ${stderr.trim()}`)));
  });
  await sleep(settleMs);
  const { rssMb } = await processMemory(child.pid!);
  child.kill("SIGKILL");
  await exited;
  return rssMb;
}

const key = await generateBenchKey("EdDSA");

/** `npm start` on `dataDir` (and `database`), its idle RSS `settleMs` after the first 200, then stopped. */
async function measureGatehouse(dataDir: string, database: BenchDatabase | undefined): Promise<number> {
  const server = await startGatehouse(coldStartOptions("gatehouse", key, dataDir, database?.url));
  await sleep(settleMs);
  const { rssMb } = await server.memory();
  await server.stop();
  return rssMb;
}

interface Row {
  label: string;
  measure: () => Promise<number>;
  samples: number[];
}

let database: BenchDatabase | undefined;
try {
  console.log(`${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  const partFile = await bundlePart();
  const pgliteDir = join(workDir, "pglite");
  await mkdir(pgliteDir);
  // First starts: migrations and seed, so that every measured start below is a restart on the same data.
  await measureGatehouse(pgliteDir, undefined);
  const rows: Row[] = [{ label: "Node.js alone", measure: () => measurePart(partFile, "node"), samples: [] }];
  if (databaseUrl) {
    database = await createBenchDatabase(databaseUrl, "gatehouse_footprint_bench");
    const postgresDir = join(workDir, "postgres");
    await mkdir(postgresDir);
    await measureGatehouse(postgresDir, database);
    rows.push(
      { label: "Gatehouse, PostgreSQL (npm start, idle)", measure: () => measureGatehouse(postgresDir, database), samples: [] },
      { label: "database layer alone: pg + Prisma client, one query", measure: () => measurePart(partFile, "prisma", database!.url), samples: [] },
    );
  }
  rows.push(
    { label: "Gatehouse, PGlite (npm start, idle)", measure: () => measureGatehouse(pgliteDir, undefined), samples: [] },
    {
      label: "PGlite alone, Gatehouse's data, one query",
      async measure() {
        // A copy: the part opens the data directory without the server's lock.
        const copy = join(workDir, "pglite-copy");
        await rm(copy, { recursive: true, force: true });
        await cp(join(pgliteDir, "pglite"), copy, { recursive: true });
        return measurePart(partFile, "pglite", copy);
      },
      samples: [],
    },
  );

  for (let r = 0; r < rounds; r++) {
    for (const row of rows) row.samples.push(await row.measure());
    console.log(`round ${r + 1}: ${rows.map((row) => `${row.label} ${Math.round(row.samples.at(-1)!)} MB`).join(", ")}`);
  }

  console.log(`\nIdle RSS, MB: medians of ${rounds} rounds, read ${settleMs} ms after ready; load average now ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  const table = [["process", "median", "min–max"], ...rows.map((row) => [row.label, String(round(median(row.samples), 0)), `${Math.round(Math.min(...row.samples))}–${Math.round(Math.max(...row.samples))}`])];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((line) => line[i]!.length)));
  for (const line of table) console.log(line.map((cell, i) => cell.padEnd(widths[i]!)).join("  "));
} finally {
  await database?.drop();
  await rm(workDir, { recursive: true, force: true });
}
