/**
 * How a flood of `login` mutations delays everything else the server does: the event loop's delay
 * (perf_hooks.monitorEventLoopDelay) in the server process while a child process keeps CONCURRENCY
 * logins in flight for SECONDS, all to 127.0.0.1. The real app (createApp + node:http, PGlite in memory,
 * bcrypt cost 12) runs twice in the same process, once per password hasher:
 *
 * - production: passwords.ts, @node-rs/bcrypt on libuv's thread pool;
 * - before: bcryptjs compare()/hash() on the main thread (chunked, as the original stack did).
 *
 *   npm run bench:login-flood              (defaults: 8 concurrent, 10 s per hasher)
 *   npm run bench:login-flood -- 4 5       (4 concurrent, 5 s)
 *
 * Rate limits and the lockout are raised through config so that no login is refused.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { createLogger } from "@graphql-yoga/logger";
import bcryptjs from "bcryptjs";
import { createApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { startDatabase } from "../src/database.ts";
import { createPasswordHasher, type PasswordHasher } from "../src/modules/auth/passwords.ts";

const COST = 12;
const IDENTIFIER = "flood@example.com";
const PASSWORD = "a long flood passphrase";
/** Upper bound on requests per worker, whatever the duration: the flood always ends. */
const MAX_REQUESTS_PER_WORKER = 10_000;
/** What the flood child prints before its first request; its result (JSON) follows. */
const START_LINE = "flood starting\n";

const LOGIN = `mutation FloodLogin($identifier: String!, $password: String!) {
  login(input: { identifier: $identifier, password: $password }) { jwt }
}`;

interface FloodResult {
  ok: number;
  failed: number;
  seconds: number;
  firstError?: string;
}

/** Child side: CONCURRENCY workers each send logins one after another until the deadline (at least one each). */
async function flood(url: string, concurrency: number, seconds: number): Promise<FloodResult> {
  const body = JSON.stringify({ query: LOGIN, variables: { identifier: IDENTIFIER, password: PASSWORD } });
  const deadline = performance.now() + seconds * 1000;
  const result: FloodResult = { ok: 0, failed: 0, seconds: 0 };
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let sent = 0; sent < MAX_REQUESTS_PER_WORKER && (sent === 0 || performance.now() < deadline); sent++) {
        const response = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body });
        const json = (await response.json()) as { data?: { login?: { jwt?: string } }; errors?: unknown[] };
        if (json.data?.login?.jwt) result.ok++;
        else {
          result.failed++;
          result.firstError ??= JSON.stringify(json.errors ?? json).slice(0, 300);
        }
      }
    }),
  );
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

/** bcryptjs on the main thread: what the server hashed with before @node-rs/bcrypt. */
function createBcryptjsHasher(cost: number): PasswordHasher {
  const dummyHash = bcryptjs.hash("gatehouse-timing-equaliser", cost);
  return {
    hash: (password) => bcryptjs.hash(password, cost),
    async verify(password, passwordHash) {
      if (!passwordHash) return bcryptjs.compare(password, await dummyHash).then(() => false);
      return bcryptjs.compare(password, passwordHash).catch(() => false);
    },
  };
}

interface Measurement {
  hasher: string;
  p50: number;
  p99: number;
  max: number;
  loginsPerSecond: number;
  ok: number;
  failed: number;
}

const ms = (ns: number) => Math.round((ns / 1e6) * 10) / 10;

/** Runs the flood in a child process; `onStart` is called when the child has loaded and starts sending. */
function runFloodChild(url: string, concurrency: number, seconds: number, onStart: () => void): Promise<FloodResult> {
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--flood", url, String(concurrency), String(seconds)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  let started = false;
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    if (!started && output.includes(START_LINE)) {
      started = true;
      onStart();
    }
  });
  // A child that hangs is killed: the whole run stays bounded in time.
  const timer = setTimeout(() => child.kill("SIGKILL"), (seconds + 60) * 1000);
  return new Promise((resolve, reject) => {
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(output.slice(output.indexOf(START_LINE) + START_LINE.length)) as FloodResult);
      else reject(new Error(`flood child exited with ${code}: ${output}`));
    });
  });
}

async function measure(name: string, passwords: PasswordHasher, concurrency: number, seconds: number): Promise<Measurement> {
  const dataDir = await mkdtemp(join(tmpdir(), "gatehouse-flood-"));
  const config = loadConfig({
    NODE_ENV: "test",
    HOST: "127.0.0.1",
    PORT: "0",
    DATA_DIR: dataDir,
    LOG_LEVEL: "error",
    BCRYPT_COST: String(COST),
    ADMIN_EMAIL: IDENTIFIER,
    ADMIN_PASSWORD: PASSWORD,
    // Every login of the flood must reach the password check.
    RATE_LIMIT_MAX: "1000000",
    REQUEST_RATE_LIMIT_MAX: "1000000",
    LOCKOUT_MAX_FAILURES: "1000000",
  });
  const database = await startDatabase({ kind: "pglite" }, { admin: config.admin, passwords });
  const app = await createApp({ config, database, logger: createLogger(config.logLevel), passwords });
  const server = createServer(app.yoga);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    // One concurrent round first, so that the measurement starts from a warm server (JIT, caches, the
    // hasher's timing-equaliser hash). The first measurement in the process still shows one stall of
    // several hundred ms in `max`, whichever hasher runs first: compare p99, not max.
    const warm = await flood(url, concurrency, 0);
    if (warm.ok !== concurrency) throw new Error(`warm-up logins failed: ${warm.firstError}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const histogram = monitorEventLoopDelay({ resolution: 5 });
    // Measured from the child's first request: its own start-up (loading tsx) is not the server's doing.
    const result = await runFloodChild(url, concurrency, seconds, () => histogram.enable());
    histogram.disable();
    return {
      hasher: name,
      p50: ms(histogram.percentile(50)),
      p99: ms(histogram.percentile(99)),
      max: ms(histogram.max),
      loginsPerSecond: Math.round((result.ok / result.seconds) * 10) / 10,
      ok: result.ok,
      failed: result.failed,
    };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await app.close();
    await database.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--flood") {
  const [url, concurrency, seconds] = process.argv.slice(3);
  process.stdout.write(START_LINE);
  process.stdout.write(JSON.stringify(await flood(url!, Number(concurrency), Number(seconds))));
} else {
  const concurrency = Number(process.argv[2] ?? 8);
  const seconds = Number(process.argv[3] ?? 10);
  if (!(concurrency >= 1 && concurrency <= 64 && seconds > 0 && seconds <= 120)) {
    throw new Error("usage: login-flood.ts [concurrency 1..64] [seconds 0..120]");
  }
  const after = await measure("@node-rs/bcrypt via passwords.ts (libuv pool)", createPasswordHasher({ cost: COST }), concurrency, seconds);
  const before = await measure("bcryptjs (main thread)", createBcryptjsHasher(COST), concurrency, seconds);
  console.log(`Server event-loop delay during a login flood: ${concurrency} concurrent for ${seconds} s, bcrypt cost ${COST} (ms)`);
  console.table([after, before]);
  const ratio = after.p99 > 0 ? Math.round((before.p99 / after.p99) * 10) / 10 : Infinity;
  console.log(`p99 before/after: ${before.p99} ms / ${after.p99} ms = ${ratio}x`);
  console.log(`logins/s before/after: ${before.loginsPerSecond} / ${after.loginsPerSecond}`);
  if (after.failed + before.failed > 0) process.exitCode = 1;
}
