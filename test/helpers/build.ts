/**
 * Tests that spawn the build (dist/main.js as `npm start` runs it, dist/cli.js behind bin/gatehouse.js)
 * rather than the sources. `npm test` rebuilds in pretest; a file run alone would otherwise test a stale
 * build and pass or fail for code that is no longer there.
 */
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";

const root = new URL("../..", import.meta.url).pathname;

/** Throws unless `file` (relative to the project root) exists and is newer than every file under src/. */
export async function assertFreshBuild(file: string): Promise<void> {
  const built = await stat(join(root, file)).catch(() => undefined);
  const sources = await readdir(join(root, "src"), { recursive: true, withFileTypes: true });
  const newest = Math.max(
    ...(await Promise.all(sources.filter((entry) => entry.isFile()).map(async (entry) => (await stat(join(entry.parentPath, entry.name))).mtimeMs))),
  );
  if (!built || built.mtimeMs < newest) throw new Error(`${file} is missing or older than src/: run \`npm run build\` first`);
}
