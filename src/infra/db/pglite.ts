/**
 * The embedded PostgreSQL (PGlite) as Gatehouse opens it: with small shared buffers, and a new database
 * unpacked from a template the build prepares instead of running initdb at the first start.
 *
 * initdb is most of a first start: PGlite runs it in a second, temporary PGlite instance, whose memory
 * the process keeps (≈ 700 MB RSS after a first start, ≈ 10 s on a busy two-core machine). The build
 * (`npm run build`, run by postinstall) runs it once; the server copies the resulting data directory.
 * Without the template (a build that never ran), PGlite falls back to its own initdb.
 */
import { existsSync, readFileSync } from "node:fs";
import { cp, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
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

/** The build's template of this PGlite version: a data directory, and the same as a gzipped tar. */
export interface PgliteTemplate {
  /** Copied into a new data directory on disk (a native copy: no tar to unpack through PGlite's FS). */
  dir: string;
  /** Unpacked by PGlite into an in-memory database (the tests'). */
  tarball: string;
}

/** Where the build keeps the template of this PGlite version. */
export function pgliteTemplate(): PgliteTemplate {
  const base = join(buildDir, "pglite", `template-${pgliteVersion()}`);
  return { dir: base, tarball: `${base}.tar.gz` };
}

/** Creates the template unless it exists: initdb once, into a directory, also dumped as a gzipped tar. */
export async function preparePgliteTemplate(): Promise<{ template: PgliteTemplate; created: boolean }> {
  const template = pgliteTemplate();
  if (existsSync(template.dir) && existsSync(template.tarball)) return { template, created: false };
  const { PGlite } = await loadPglite();
  // Made aside and renamed: a concurrent build or server never sees half a template.
  const partial = `${template.dir}.${process.pid}.partial`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(dirname(partial), { recursive: true });
  const db = await PGlite.create({ dataDir: partial });
  try {
    const dump = await db.dumpDataDir("gzip");
    await writeFile(`${partial}.tar.gz`, Buffer.from(await dump.arrayBuffer()));
  } finally {
    await db.close();
  }
  await rm(template.dir, { recursive: true, force: true });
  await rename(partial, template.dir);
  await rename(`${partial}.tar.gz`, template.tarball);
  // Templates of other PGlite versions are of no further use.
  const current = new Set([basename(template.dir), basename(template.tarball)]);
  for (const name of await readdir(dirname(template.dir))) {
    if (!current.has(name) && !name.includes(".partial")) await rm(join(dirname(template.dir), name), { recursive: true, force: true });
  }
  return { template, created: true };
}

/**
 * Opens PGlite on `dataDir` (in memory without one), starting from `template` (the build's by default)
 * when the database is new.
 */
export async function createPglite(dataDir?: string, template: PgliteTemplate = pgliteTemplate()): Promise<PGlite> {
  const { PGlite } = await loadPglite();
  let tarball: Blob | undefined;
  if (!dataDir) tarball = await readFile(template.tarball).then((bytes) => new Blob([new Uint8Array(bytes)]), () => undefined);
  else if (!existsSync(join(dataDir, "PG_VERSION")) && existsSync(template.dir)) {
    await cp(template.dir, dataDir, { recursive: true });
  }
  return PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    ...(tarball ? { loadDataDir: tarball } : {}),
    startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${SHARED_BUFFERS}`],
  });
}
