/**
 * Cold start and idle memory of the server as `npm start` runs it, on the embedded database:
 * a first start (fresh DATA_DIR: migrations, seed, key generation) and restarts on the same DATA_DIR.
 * Run: npm run bench:startup  (npm run bench measures the same for both databases, in production mode)
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { baseEnv, ROOT, startCommand } from "./lib/gatehouse.ts";
import { freePort, spawnServer } from "./lib/server-process.ts";
import { sleep } from "./lib/stats.ts";

async function startOnce(dataDir: string): Promise<{ readyMs: number; rssMb: number }> {
  const port = await freePort();
  const { command, env } = startCommand();
  const server = await spawnServer({
    name: "gatehouse",
    command,
    cwd: ROOT,
    // Development: the server generates its own signing keys under DATA_DIR on the first start.
    env: { ...baseEnv(), ...env, DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "info", NODE_ENV: "development" },
    port,
    logFile: join(dataDir, "server.log"),
  });
  await sleep(2000); // idle
  const { rssMb } = await server.memory();
  await server.stop();
  return { readyMs: server.coldStartMs, rssMb };
}

const dataDir = await mkdtemp(join(tmpdir(), "gatehouse-bench-"));
try {
  const first = await startOnce(dataDir);
  const second = await startOnce(dataDir);
  const third = await startOnce(dataDir);
  console.log(`first start (fresh data dir): ready in ${first.readyMs.toFixed(0)} ms, idle RSS ${first.rssMb.toFixed(0)} MB`);
  for (const [name, run] of [["restart 1", second], ["restart 2", third]] as const) {
    console.log(`${name}: ready in ${run.readyMs.toFixed(0)} ms, idle RSS ${run.rssMb.toFixed(0)} MB`);
  }
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
