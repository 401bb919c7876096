/**
 * Servers under test run as their own processes, as users run them: spawned, polled until the first
 * HTTP 200 from /graphql (the cold start), measured through /proc, and stopped with SIGTERM.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:net";
import { type ProcessMemory, processCpuMs, processMemory } from "./memory.ts";
import { sleep } from "./stats.ts";

export interface ServerProcess {
  name: string;
  url: string;
  pid: number;
  /** Spawn to the first HTTP 200 from /graphql, ms. */
  coldStartMs: number;
  /**
   * CPU time the process used until that first 200, ms: on a shared machine, less at the mercy of other
   * jobs than the wall-clock time (it still includes the time GC and WASM compiler threads took).
   */
  coldStartCpuMs: number;
  /** Where the process's stdout and stderr go. */
  logFile: string;
  memory(): Promise<ProcessMemory>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  name: string;
  /** Executable and arguments; the executable is usually process.execPath. */
  command: [string, ...string[]];
  cwd: string;
  /** The complete environment of the process (nothing is inherited). */
  env: Record<string, string>;
  port: number;
  logFile: string;
  /** Longest wait for the first 200 (default 120 s). */
  timeoutMs?: number;
}

/** A TCP port that was free a moment ago (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** A query every GraphQL server answers, needing no token and no introspection. */
const PROBE = JSON.stringify({ query: "{ __typename }" });

async function answers200(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: PROBE,
      signal: AbortSignal.timeout(2000),
    });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

async function logTail(logFile: string, lines = 30): Promise<string> {
  const text = await readFile(logFile, "utf8").catch(() => "");
  return text.split("\n").slice(-lines).join("\n");
}

/** Every process spawned here, so that an interrupted run leaves none behind. */
const running = new Set<ChildProcess>();

export function killAllServers(): void {
  for (const child of running) child.kill("SIGKILL");
}

export async function spawnServer(options: SpawnOptions): Promise<ServerProcess> {
  const { name, command, cwd, env, port, logFile, timeoutMs = 120_000 } = options;
  const log = createWriteStream(logFile, { flags: "a" });
  await new Promise((resolve) => log.once("open", resolve));
  const started = performance.now();
  const child = spawn(command[0], command.slice(1), { cwd, env, stdio: ["ignore", log, log] });
  running.add(child);
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once("exit", (code, signal) => {
      exitCode = code ?? (signal ? -1 : null);
      running.delete(child);
      log.end();
      resolve();
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = started + timeoutMs;
  while (!(await answers200(url))) {
    if (exitCode !== undefined || performance.now() > deadline) {
      child.kill("SIGKILL");
      await exited;
      const why = exitCode !== undefined ? `exited with ${exitCode}` : `no 200 within ${timeoutMs} ms`;
      throw new Error(`${name} ${why}; last lines of ${logFile}:\n${await logTail(logFile)}`);
    }
    await sleep(20);
  }
  const coldStartMs = performance.now() - started;
  const coldStartCpuMs = await processCpuMs(child.pid!).catch(() => Number.NaN);
  return {
    name,
    url,
    pid: child.pid!,
    coldStartMs,
    coldStartCpuMs,
    logFile,
    memory: () => processMemory(child.pid!),
    async stop(graceMs = 15_000) {
      if (exitCode !== undefined) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
