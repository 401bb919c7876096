/**
 * The embedded PostgreSQL (PGlite) as Gatehouse opens it: with small shared buffers, and a new database
 * unpacked from a template the build prepares instead of running initdb at the first start.
 *
 * initdb is most of a first start: PGlite runs it in a second, temporary PGlite instance, whose memory
 * the process keeps (≈ 700 MB RSS after a first start, ≈ 10 s on a busy two-core machine). The build
 * (`npm run build`, run by postinstall) runs it once and dumps the result; the server only unpacks it.
 * Without the template (a build that never ran), PGlite falls back to its own initdb.
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { buildDir } from "../project-files.ts";

/**
 * PostgreSQL's default 128 MB of shared buffers is zeroed at boot and so stays resident: it was most of
 * an idle embedded server's memory. PGlite reads its files through Node from the local disk, whose page
 * cache keeps them warm anyway, so 16 MB (2,048 pages) is ample for an auth server's hot rows and indexes.
 */
const SHARED_BUFFERS = "16MB";

// Imported on use: a server on PostgreSQL never loads the embedded database.
const loadPglite = () => import("@electric-sql/pglite");

/** PGlite's version: a template is only read by the version that wrote it. */
function pgliteVersion(): string {
  let dir = dirname(createRequire(import.meta.url).resolve("@electric-sql/pglite"));
  for (; dirname(dir) !== dir; dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (!existsSync(file)) continue;
    const { name, version } = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
    if (name === "@electric-sql/pglite" && version) return version;
  }
  throw new Error("Cannot find the version of @electric-sql/pglite");
}

/** Where the build keeps the template of this PGlite version. */
export function pgliteTemplateFile(): string {
  return join(buildDir, "pglite", `template-${pgliteVersion()}.tar.gz`);
}

/** Creates the template unless it exists: initdb once, its data directory dumped as a gzipped tar. */
export async function preparePgliteTemplate(): Promise<{ file: string; created: boolean }> {
  const file = pgliteTemplateFile();
  if (existsSync(file)) return { file, created: false };
  const { PGlite } = await loadPglite();
  const db = await PGlite.create();
  try {
    const dump = await db.dumpDataDir("gzip");
    await mkdir(dirname(file), { recursive: true });
    // Written aside and renamed: a concurrent build or server never reads half a template.
    const partial = `${file}.${process.pid}.partial`;
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, file);
  } finally {
    await db.close();
  }
  // Templates of other PGlite versions are of no further use.
  for (const name of await readdir(dirname(file))) {
    if (name !== basename(file) && !name.endsWith(".partial")) await rm(join(dirname(file), name), { force: true });
  }
  return { file, created: true };
}

/**
 * Opens PGlite on `dataDir` (in memory without one), unpacking `templateFile` (the build's by default)
 * when the database is new.
 */
export async function createPglite(dataDir?: string, templateFile = pgliteTemplateFile()): Promise<PGlite> {
  const { PGlite } = await loadPglite();
  const isNew = !dataDir || !existsSync(join(dataDir, "PG_VERSION"));
  const template = isNew ? await readFile(templateFile).catch(() => undefined) : undefined;
  return PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    ...(template ? { loadDataDir: new Blob([template]) } : {}),
    startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${SHARED_BUFFERS}`],
  });
}
