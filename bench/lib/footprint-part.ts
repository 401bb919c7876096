/**
 * One part of Gatehouse alone in a process, for bench/footprint.ts: opened as Gatehouse opens it, used
 * once, then idle. Prints "ready" on stdout when it is; the parent reads the process's memory from /proc.
 *
 *   part.mjs node                       Node.js and nothing else
 *   part.mjs prisma <postgres url>      the database layer of src/infra/db (pg pool, Prisma client on
 *                                       @prisma/adapter-pg) after one model query
 *   part.mjs pglite <data dir>          the embedded database (src/infra/db/pglite.ts) after one query
 *
 * bench/footprint.ts bundles this file with esbuild and runs it with plain node, so that no TypeScript
 * loader sits in the process being measured. Each part imports only its own modules.
 */

const [part, target] = process.argv.slice(2);

async function open(): Promise<void> {
  switch (part) {
    case "node":
      return;
    case "prisma": {
      // The same pool and client the server builds; a model query, so Prisma's query compiler (WASM) runs.
      const { openDatabase } = await import("../../src/infra/db/index.ts");
      const database = await openDatabase({ kind: "postgres", url: target! });
      await database.prisma.role.count();
      return;
    }
    case "pglite": {
      const { createPglite } = await import("../../src/infra/db/pglite.ts");
      const pglite = await createPglite(target!);
      await pglite.query("SELECT count(*) FROM roles");
      return;
    }
    default:
      throw new Error(`unknown part ${part}`);
  }
}

await open();
console.log("ready");
// Idle until the parent stops it.
setInterval(() => undefined, 60_000);
