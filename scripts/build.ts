/**
 * Builds the server and the operator CLI into dist/ with esbuild, so that `npm start` and `gatehouse` run
 * plain JavaScript and never compile TypeScript at run time. Two entry points, src/main.ts (dist/main.js)
 * and src/cli/main.ts (dist/cli.js), and everything they import are bundled into ES modules, packages
 * included but for those listed in EXTERNAL, which load from node_modules as they do under tsx. Code splitting keeps modules
 * that src/ imports dynamically (gateway mode, and with it the Hive gateway runtime; the CLI's database
 * and services) out of the first file, so they cost nothing until they are used, and puts what both
 * entries share in common chunks. Source maps (`node --enable-source-maps`, and bin/gatehouse.js turns
 * them on for the CLI) point stack traces at the TypeScript sources.
 *
 *   npm run build   once; `npm install` (postinstall) and `npm test` (pretest) run it
 *   npm run dev     `--watch`: rebuild on every change and restart `node dist/main.js` on the new build
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readdir, rm } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { preparePgliteTemplate } from "../src/infra/db/pglite.ts";
import { precompileDefaultTemplates } from "../src/modules/email/precompiled-templates.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OUT_DIR = join(ROOT, "dist");
/** What `npm start` runs; `npm run dev` runs the same on every rebuild. */
const SERVER = ["--enable-source-maps", join(OUT_DIR, "main.js")];

/**
 * Packages left to node_modules. Everything else is bundled: a start used to load ~1,100 files from
 * node_modules (resolving, reading and compiling each, and parsing its source map), which was over a third
 * of its CPU time; bundled, they are a few chunks with what is unused shaken out (graphql-scalars alone
 * was 84 files for one scalar). Left out, each for its reason:
 * - graphql: one instance for everything (`instanceof GraphQLSchema` across packages), and the external
 *   packages below import it too;
 * - native code and WASM found next to the package's own files: @node-rs/bcrypt, PGlite, Prisma's runtime
 *   (its query compiler);
 * - loaded only on use, large, and shared with nothing else: the gateway runtime and composition (gateway
 *   mode), MJML and nodemailer (email), the password dictionary, ioredis (REDIS_URL; it also reads its own
 *   package.json through __dirname);
 * - build tools the CLI or scripts import: esbuild, tsx, prisma.
 */
const EXTERNAL = [
  "graphql",
  "@node-rs/*",
  "@electric-sql/*",
  "@prisma/client",
  "@graphql-hive/*",
  "@graphql-mesh/*",
  "@theguild/federation-composition",
  "mjml",
  "nodemailer",
  "@zxcvbn-ts/*",
  "ioredis",
  // pg's optional native binding, which pg requires only when asked to (never here).
  "pg-native",
  "esbuild",
  "tsx",
  "prisma",
];

const options: esbuild.BuildOptions = {
  absWorkingDir: ROOT,
  // dist/main.js is what `npm start` runs, dist/cli.js what bin/gatehouse.js imports.
  entryPoints: { main: "src/main.ts", cli: "src/cli/main.ts" },
  outdir: OUT_DIR,
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external: EXTERNAL,
  // CommonJS packages in the bundle call require() (for Node's modules and for external packages), which
  // an ES module does not have: give every output file one, resolving from where that file sits.
  banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
  // No keepNames: it wraps every function and class the bundle defines in a `__name()` call, and the
  // packages' request handlers define closures per request. Measured in one quick bench run each, `me` fell
  // from 83 % of the baseline to 58 % with it. Names can differ only where esbuild renames a collision
  // (`Foo2`); nothing here decides anything by a function's or class's name.
  keepNames: false,
  // Mappings only: stack traces need positions, not the sources' text, and a smaller map is quicker to
  // load under --enable-source-maps.
  sourcemap: "linked",
  sourcesContent: false,
  metafile: true,
  logLevel: "warning",
};

/** Removes code of earlier builds (chunk names carry a content hash, so old ones would pile up). */
async function removeStale(result: esbuild.BuildResult): Promise<void> {
  const current = new Set(Object.keys(result.metafile?.outputs ?? {}).map((file) => join(ROOT, file)));
  const entries = await readdir(OUT_DIR, { recursive: true, withFileTypes: true }).catch(() => []);
  await Promise.all(
    entries
      .filter((entry) => entry.isFile() && /\.js(\.map)?$/.test(entry.name) && !current.has(join(entry.parentPath, entry.name)))
      .map((entry) => rm(join(entry.parentPath, entry.name), { force: true })),
  );
}

async function buildOnce(): Promise<void> {
  const started = performance.now();
  const result = await esbuild.build(options);
  await removeStale(result);
  const files = Object.keys(result.metafile?.outputs ?? {}).filter((file) => file.endsWith(".js"));
  console.log(`Built ${files.length} files into ${relative(ROOT, OUT_DIR)}/ in ${Math.round(performance.now() - started)} ms`);
  await prepareData();
}

/**
 * Data files the server reads from dist/: the embedded database's template (src/infra/db/pglite.ts, made
 * once per PGlite version) and the default email templates compiled with MJML (precompiled-templates.ts).
 */
async function prepareData(): Promise<void> {
  const started = performance.now();
  const { template, created } = await preparePgliteTemplate();
  if (created) console.log(`Prepared ${relative(ROOT, template.dir)} in ${Math.round(performance.now() - started)} ms`);
  const { file: templates, written } = await precompileDefaultTemplates();
  if (written) console.log(`Compiled the default email templates into ${relative(ROOT, templates)}`);
}

/** Rebuilds on change and runs the server on each successful build, stopping the previous one first. */
async function watch(): Promise<void> {
  let server: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  // A restart waits for the old process to exit: one process per data dir (PGlite), and the port is free.
  let restarting: Promise<void> = Promise.resolve();

  const stopServer = async () => {
    server?.kill("SIGTERM");
    await exited;
    server = undefined;
  };
  const startServer = () => {
    const child = spawn(process.execPath, SERVER, { cwd: ROOT, stdio: "inherit" });
    exited = new Promise((resolve) => child.once("exit", () => resolve()));
    server = child;
  };

  const restart: esbuild.Plugin = {
    name: "restart-server",
    setup(build) {
      build.onEnd((result) => {
        if (result.errors.length > 0) {
          console.error("Build failed; the server keeps running the previous build");
          return;
        }
        restarting = restarting.then(async () => {
          await stopServer();
          await removeStale(result);
          startServer();
        });
      });
    },
  };

  await prepareData();
  const context = await esbuild.context({ ...options, plugins: [restart] });
  await context.watch();
  const shutdown = async () => {
    await context.dispose();
    await restarting;
    await stopServer();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown());
  process.on("SIGTERM", () => void shutdown());
}

if (process.argv.includes("--watch")) await watch();
else await buildOnce();
