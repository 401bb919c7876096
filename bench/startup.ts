/**
 * Cold start and idle memory of the server as `npm start` runs it, on the embedded database:
 * a first start (fresh DATA_DIR: migrations, seed, key generation) and a restart on the same DATA_DIR.
 * Run: npm run bench:startup
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;

async function startOnce(dataDir: string): Promise<{ readyMs: number; rssMb: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", NODE_ENV: "development" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /(http:\/\/localhost:\d+)\/graphql/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`exited ${code}: ${output}`)));
  });
  const readyMs = performance.now() - started;
  await fetch(`${url}/ready`);
  await new Promise((resolve) => setTimeout(resolve, 2000)); // idle
  const status = await readFile(`/proc/${child.pid}/status`, "utf8");
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  await new Promise<void>((resolve) => {
    child.on("exit", () => resolve());
    child.kill("SIGTERM");
  });
  return { readyMs, rssMb: rssKb / 1024 };
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
