/**
 * `npm run bench`: Gatehouse under load against a bare graphql-yoga baseline, in one run.
 *
 *   npm run bench                      embedded PGlite (and PostgreSQL too when DATABASE_URL is set)
 *   npm run bench -- --quick           1-second rounds (3 s for hashing), a smoke run of a few minutes
 *   npm run bench -- --scale           also `me` and `login` with 1,000,000 users (needs DATABASE_URL)
 *   npm run bench -- --db postgres     only one database (postgres, pglite, or both comma separated)
 *   npm run bench -- --rounds 5 --duration 20 --alg ES256 --cost 10
 *   npm run bench -- --only gateway    only some workloads (comma separated names, see WORKLOADS)
 *
 * Every server is a separate process started as users start it (Gatehouse through its `npm start`
 * command, NODE_ENV=production, every setting explicit); autocannon drives them from this process.
 * With DATABASE_URL the harness creates and drops its own databases (gatehouse_bench, gatehouse_bench_1m)
 * on that server. Results: a table on stdout and JSON under bench/results/ (git-ignored).
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { availableParallelism, cpus, loadavg, totalmem, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../src/config.ts";
import { LISTENER_APPLICATION_NAME } from "../src/infra/change-feed/postgres-listener.ts";
import { createPasswordHasher } from "../src/modules/auth/passwords.ts";
import { measureBcryptLimit } from "./lib/bcrypt-limit.ts";
import { AUDIENCE, baseEnv, type GatehouseOptions, PUBLIC_URL, ROOT, startCommand, startGatehouse } from "./lib/gatehouse.ts";
import { directSubgraphPlan, GATEWAY_WORKLOAD, gatewayLocalPlan, gatewayPlan, startGatewayTargets } from "./lib/gateway.ts";
import { gql, login, mapConcurrent } from "./lib/graphql.ts";
import { forgedToken, generateBenchKey, JWT_ALGORITHMS, type JwtAlgorithm, signToken } from "./lib/keys.ts";
import { runLoad, type LoadResult } from "./lib/load.ts";
import type { ProcessMemory } from "./lib/memory.ts";
import { startStatementCounter } from "./lib/pg-statement-counter.ts";
import { benchDatabaseName, type BenchDatabase, createBenchDatabase } from "./lib/postgres.ts";
import { printReport, type BenchReport, type Footprint, type SoakResult, type StatementCount } from "./lib/report.ts";
import { type Contender, runRounds, type Sample, type WorkloadResult } from "./lib/rounds.ts";
import { seedPglite, seedPostgres, type UserGroup, usernameOf } from "./lib/seed.ts";
import { freePort, killAllServers, type ServerProcess, spawnServer } from "./lib/server-process.ts";
import { round, sleep } from "./lib/stats.ts";
import {
  invalidTokenPlan,
  loginPlan,
  ME_QUERY,
  mePlan,
  refreshPlan,
  REGISTER_PASSWORD,
  registerPlan,
  type RequestPlan,
  type Target,
  USERS_QUERY,
  usersPlan,
} from "./lib/workloads.ts";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    scale: { type: "boolean", default: false },
    db: { type: "string" },
    rounds: { type: "string" },
    duration: { type: "string" },
    alg: { type: "string", default: "EdDSA" },
    cost: { type: "string", default: "10" },
    only: { type: "string" },
    soak: { type: "string" },
  },
});

const WORKLOADS = ["me", "invalid", "users", "refresh", "login", "register", "flood", "gateway", "soak"] as const;
const only = args.only?.split(",").map((name) => name.trim());
for (const name of only ?? []) if (!(WORKLOADS as readonly string[]).includes(name)) throw new Error(`--only: one of ${WORKLOADS.join(", ")}`);
const want = (name: (typeof WORKLOADS)[number]) => !only || only.includes(name);
/** The gateway workload alone needs neither the baseline nor the seeded Gatehouses. */
const gatewayOnly = only?.length === 1 && only[0] === "gateway";

const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;
const databases = (args.db ?? (databaseUrl ? "postgres,pglite" : "pglite")).split(",").map((d) => d.trim());
for (const db of databases) if (db !== "postgres" && db !== "pglite") throw new Error(`--db: unknown database ${db}`);
if (databases.includes("postgres") && !databaseUrl) throw new Error("--db postgres needs DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/gatehouse_bench)");
if (args.scale && !(databaseUrl && databases.includes("postgres"))) throw new Error("--scale needs PostgreSQL: set DATABASE_URL");
const algorithm = args.alg as JwtAlgorithm;
if (!JWT_ALGORITHMS.includes(algorithm)) throw new Error(`--alg: one of ${JWT_ALGORITHMS.join(", ")}`);

/** Seconds of the `me` soak per Gatehouse: 5 minutes in a full run, none in a quick one unless asked for. */
const soakSeconds = Number(args.soak ?? (args.quick && !only?.includes("soak") ? 0 : 300));
if (!(soakSeconds >= 0)) throw new Error("--soak: seconds, 0 for none");

const connections = { me: 10, invalid: 10, users: 4, refresh: 8, login: 8, register: 8, floodMe: 2, gateway: 10 };
const rounds = Number(args.rounds ?? 3);
const settings = {
  quick: args.quick,
  rounds,
  seconds: Number(args.duration ?? (args.quick ? 1 : 10)),
  warmupSeconds: args.quick ? 0.5 : 3,
  /** Rounds of the hashing workloads last at least this long: one login takes up to a second on a busy machine. */
  hashingSeconds: args.quick ? 3 : 10,
  pauseMs: 500,
  /** Idle time before reading a server's memory. */
  settleMs: args.quick ? 1000 : 3000,
  algorithm,
  bcryptCost: Number(args.cost),
  users: 1000,
  loginUsers: 100,
  scaleUsers: 1_000_000,
  connections,
  /**
   * Sessions `refresh` rotates. A round's end cuts off one request per connection, whose rotated token
   * is lost with its answer: one session per connection and measurement, plus spares.
   */
  refreshSessions: connections.refresh * (rounds + 1) + 16,
  /** bcrypt verifications in flight when measuring the limit: more than libuv's 4 threads, as logins are. */
  bcryptConcurrency: 8,
};
if (!(settings.rounds >= 1 && settings.seconds > 0 && settings.bcryptCost >= 4 && settings.bcryptCost <= 15)) {
  throw new Error("--rounds must be ≥ 1, --duration > 0, --cost 4..15");
}

/** `me` users get a cost-4 hash so that 1,000 sign-ins take seconds; `me` never checks a password. */
const ME_PASSWORD = "bench me passphrase";
const LOGIN_PASSWORD = "bench login passphrase";
const ADMIN = { email: "bench-admin@bench.example", password: "bench admin passphrase" };

/** What each Gatehouse computes as BCRYPT_CONCURRENCY's default from its environment (src/config.ts). */
const serverBcryptConcurrency = loadConfig({ NODE_ENV: "development", ...startCommand().env }).bcryptConcurrency;

const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const resultsDir = join(ROOT, "bench", "results", stamp);
await mkdir(resultsDir, { recursive: true });
const workDir = await mkdtemp(join(tmpdir(), "gatehouse-bench-"));

const cleanups: (() => Promise<unknown>)[] = [];
/** Stops the servers (gracefully, then for good), drops the bench databases, removes the temp dir. */
async function cleanUp() {
  for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => console.error(`cleanup: ${(error as Error).message}`));
  cleanups.length = 0;
  killAllServers();
}
process.once("SIGINT", () => {
  console.error("\ninterrupted: stopping servers and dropping bench databases");
  void cleanUp().finally(() => process.exit(130));
});
cleanups.push(() => rm(workDir, { recursive: true, force: true }));

const log = (message: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

// ---------------------------------------------------------------------------------------------------
// Targets

interface GatehouseTarget extends Target {
  server: ServerProcess;
  footprint: Footprint;
  options: GatehouseOptions;
  database?: BenchDatabase;
}

const hasher = createPasswordHasher({ cost: settings.bcryptCost });
await hasher.verify("warm the timing-equaliser hash", null);
const loginHash = await hasher.hash(LOGIN_PASSWORD);
const meHash = await createPasswordHasher({ cost: 4 }).hash(ME_PASSWORD);
const gatehouseKey = await generateBenchKey(algorithm);

async function startBaseline(): Promise<Target & { server: ServerProcess; footprint: Footprint }> {
  const key = await generateBenchKey(algorithm);
  const port = await freePort();
  const server = await spawnServer({
    name: "baseline",
    command: [process.execPath, "--import", "tsx", "bench/baseline-server.ts"],
    cwd: ROOT,
    env: {
      ...baseEnv(),
      NODE_ENV: "production",
      PORT: String(port),
      JWT_ALGORITHM: algorithm,
      JWT_VERIFIER: JSON.stringify(key.verifier),
      JWT_ISSUER: PUBLIC_URL,
      JWT_AUDIENCE: AUDIENCE,
    },
    port,
    logFile: join(resultsDir, "baseline.log"),
  });
  cleanups.push(() => server.stop());
  await sleep(settings.settleMs);
  const idle = await server.memory();
  const meTokens = await Promise.all(
    Array.from({ length: settings.users }, (_, i) => {
      const username = usernameOf("me", i + 1);
      return signToken(key, { issuer: PUBLIC_URL, audience: AUDIENCE, subject: String(i + 1), extra: { username, email: `${username}@bench.example` } });
    }),
  );
  return {
    id: "baseline",
    label: "baseline (bare yoga + jose)",
    url: server.url,
    meTokens,
    invalidToken: await forgedToken(key, { issuer: PUBLIC_URL, audience: AUDIENCE, subject: "1" }),
    server,
    footprint: { restartMs: server.coldStartMs, idle },
  };
}

/** `databaseSuffix` tells apart the PostgreSQL databases of several targets. */
async function startGatehouseTarget(kind: "postgres" | "pglite", id: string, label: string, totalUsers: number, databaseSuffix = ""): Promise<GatehouseTarget> {
  const dataDir = join(workDir, id);
  await mkdir(dataDir, { recursive: true });
  let database: BenchDatabase | undefined;
  if (kind === "postgres") {
    database = await createBenchDatabase(databaseUrl!, benchDatabaseName(databaseUrl!) + databaseSuffix);
    cleanups.push(() => database!.drop());
  }
  const options: GatehouseOptions = {
    name: `gatehouse ${id}`,
    key: gatehouseKey,
    databaseUrl: database?.url,
    dataDir,
    bcryptCost: settings.bcryptCost,
    admin: ADMIN,
    logFile: join(resultsDir, `gatehouse-${id}.log`),
  };

  log(`${label}: first start on an empty database`);
  const first = await startGatehouse(options);
  await first.stop();

  const groups: UserGroup[] = [
    { group: "me", count: settings.users, passwordHash: meHash },
    { group: "login", count: settings.loginUsers, passwordHash: loginHash },
  ];
  // The admin created at the first start is the one further user.
  const filler = totalUsers - settings.users - settings.loginUsers - 1;
  if (filler > 0) groups.push({ group: "filler", count: filler, passwordHash: loginHash });
  const seedStarted = performance.now();
  if (database) await seedPostgres(database.connection, groups);
  else await seedPglite(join(dataDir, "pglite"), groups);
  log(`${label}: seeded ${totalUsers.toLocaleString("en")} users in ${round((performance.now() - seedStarted) / 1000)} s`);

  const server = await startGatehouse(options);
  cleanups.push(() => server.stop());
  await sleep(settings.settleMs);
  const idle = await server.memory();
  log(`${label}: restarted in ${Math.round(server.coldStartMs)} ms (first start ${Math.round(first.coldStartMs)} ms), idle RSS ${Math.round(idle.rssMb)} MB`);

  const signInStarted = performance.now();
  const meNumbers = Array.from({ length: settings.users }, (_, i) => i + 1);
  const meTokens = (await mapConcurrent(meNumbers, 8, (n) => login(server.url, usernameOf("me", n), ME_PASSWORD))).map((t) => t.jwt);
  const refreshTokens = (
    await mapConcurrent(meNumbers.slice(0, settings.refreshSessions), 8, (n) => login(server.url, usernameOf("me", n), ME_PASSWORD))
  ).map((t) => t.refreshToken);
  const adminToken = (await login(server.url, ADMIN.email, ADMIN.password)).jwt;
  log(`${label}: ${meTokens.length + refreshTokens.length + 1} sign-ins in ${round((performance.now() - signInStarted) / 1000)} s`);

  return {
    id,
    label,
    url: server.url,
    meTokens,
    invalidToken: await forgedToken(gatehouseKey, { issuer: PUBLIC_URL, audience: AUDIENCE, subject: "1" }),
    gatehouse: { adminToken, refreshTokens, loginUsers: { group: "login", count: settings.loginUsers, password: LOGIN_PASSWORD } },
    server,
    options,
    footprint: { firstStartMs: first.coldStartMs, restartMs: server.coldStartMs, idle },
    ...(database ? { database } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------
// SQL statements per request, counted on the wire between a Gatehouse and PostgreSQL

async function countStatements(target: GatehouseTarget): Promise<StatementCount[]> {
  const connection = target.database!.connection;
  // The change feed's listener heartbeats on its own connection, for no request: not counted.
  const counter = await startStatementCounter({ host: String(connection.host), port: Number(connection.port) }, [LISTENER_APPLICATION_NAME]);
  const proxied = new URL(target.database!.url);
  proxied.host = `127.0.0.1:${counter.port}`;
  const server = await startGatehouse({
    ...target.options,
    name: "gatehouse counted",
    databaseUrl: proxied.toString(),
    logFile: join(resultsDir, "gatehouse-statement-count.log"),
    // Nothing but the requests below may talk to the database meanwhile.
    env: { EMAIL_POLL_INTERVAL_MS: "3600000" },
  });
  try {
    if (counter.unreadableConnections > 0) throw new Error("the connection to PostgreSQL is encrypted: statements cannot be counted");
    const url = server.url;
    const counts: StatementCount[] = [];
    const countEach = async (
      operation: string,
      times: number,
      send: (i: number) => Promise<boolean>,
      prepare?: (i: number) => Promise<void>,
      warmEach = false,
    ) => {
      // Warm-up: the first requests of an operation may fill caches. `warmEach` sends every request once
      // beforehand (the same tokens), so what is counted is the steady state of a warm server.
      for (let i = 0; i < (warmEach ? times : 3); i++) {
        await prepare?.(warmEach ? i : times + i);
        await send(warmEach ? i : times + i);
      }
      const perRequest: number[] = [];
      let sql: string[] = [];
      for (let i = 0; i < times; i++) {
        await prepare?.(i);
        await sleep(30);
        const before = counter.statements.length;
        if (!(await send(i))) throw new Error(`statement count: ${operation} failed`);
        await sleep(50); // statements a request leaves running after its answer count too
        perRequest.push(counter.statements.length - before);
        sql = counter.statements.slice(before);
      }
      counts.push({ operation, perRequest, sql: sql.map((s) => s.replace(/\s+/g, " ").slice(0, 400)) });
    };
    const meOk = async (i: number) => (await gql<{ me: { id: string } }>(url, ME_QUERY, {}, target.meTokens[i % target.meTokens.length])).data?.me?.id !== undefined;
    await countEach("me", 20, meOk, undefined, true);
    await countEach("users(first: 100) with roles", 5, async () => ((await gql<{ users: unknown }>(url, USERS_QUERY, {}, target.gatehouse!.adminToken)).data?.users ?? null) !== null);
    await countEach("invalid token", 5, async () => (await gql(url, ME_QUERY, {}, target.invalidToken)).errors?.[0]?.extensions?.code === "UNAUTHENTICATED");
    await countEach("login", 5, async (i) => Boolean(await login(url, usernameOf("login", (i % settings.loginUsers) + 1), LOGIN_PASSWORD)));
    const refreshTokens: string[] = [];
    await countEach(
      "refresh",
      5,
      async () => {
        const token = refreshTokens.shift();
        const result = await gql<{ refresh: { jwt: string } }>(url, "mutation($t: String!) { refresh(refreshToken: $t) { jwt refreshToken } }", { t: token });
        return Boolean(result.data?.refresh?.jwt);
      },
      async (i) => void refreshTokens.push((await login(url, usernameOf("me", (i % settings.users) + 1), ME_PASSWORD)).refreshToken),
    );
    const registerPrefix = `bench-count-${Date.now()}`;
    await countEach("register", 5, async (i) => {
      const username = `${registerPrefix}-${i}`;
      const result = await gql<{ register: { jwt: string } }>(
        url,
        "mutation($u: String!, $e: String!, $p: String!) { register(input: { username: $u, email: $e, password: $p }) { jwt } }",
        { u: username, e: `${username}@bench.example`, p: REGISTER_PASSWORD },
      );
      return Boolean(result.data?.register?.jwt);
    });
    return counts;
  } finally {
    await server.stop();
    await counter.close();
  }
}

// ---------------------------------------------------------------------------------------------------
// Workloads

const toSample = (result: LoadResult): Sample => ({
  rps: result.rps,
  p50: result.p50,
  p99: result.p99,
  errors: result.errors,
  ...(result.firstError ? { firstError: result.firstError } : {}),
});

const load = (target: Target, plan: RequestPlan, connections: number): Contender => ({
  id: target.id,
  measure: async (seconds) => toSample(await runLoad({ url: target.url, connections, duration: seconds, ...plan })),
});

/**
 * `me` round-robin for `seconds`, in slices of SOAK_SLICE_SECONDS with the server's RSS read after each
 * (report.ts `soakGrowth` compares the last third of the readings with the first).
 */
const SOAK_SLICE_SECONDS = 30;
async function soak(target: GatehouseTarget, seconds: number): Promise<SoakResult> {
  const slice = Math.min(SOAK_SLICE_SECONDS, seconds);
  const samples: SoakResult["samples"] = [];
  const plan = mePlan(target);
  for (let elapsed = 0; elapsed < seconds; elapsed += slice) {
    const result = await runLoad({ url: target.url, connections: settings.connections.me, duration: slice, ...plan });
    const memory = await target.server.memory();
    samples.push({ atSeconds: elapsed + slice, rps: result.rps, errors: result.errors, rssMb: memory.rssMb });
    log(`soak · ${target.id} · ${elapsed + slice} s: ${round(result.rps)} /s, RSS ${round(memory.rssMb)} MB, errors ${result.errors}`);
  }
  return { seconds, samples };
}

const bcryptContender: Contender = {
  id: "bcrypt-limit",
  measure: async (seconds) => {
    const limit = await measureBcryptLimit(hasher, {
      cost: settings.bcryptCost,
      seconds,
      concurrency: settings.bcryptConcurrency,
      password: LOGIN_PASSWORD,
      hash: loginHash,
    });
    return { rps: limit.verifyPerSecond, errors: 0 };
  },
};

/** `me` at a trickle (2 connections) while a login flood (as in `login`) keeps every core hashing. */
function meUnderFlood(target: Target): Contender {
  const me = mePlan(target);
  const logins = loginPlan(target);
  return {
    id: target.id,
    measure: async (seconds) => {
      const [meResult, loginResult] = await Promise.all([
        // The flood starts first and outlasts the measured `me` load on both ends.
        sleep(200).then(() => runLoad({ url: target.url, connections: settings.connections.floodMe, duration: seconds, ...me })),
        runLoad({ url: target.url, connections: settings.connections.login, duration: seconds + 0.4, ...logins }),
      ]);
      return { ...toSample(meResult), errors: meResult.errors + loginResult.errors, extra: { loginRps: loginResult.rps } };
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// The run

const startedAt = new Date();
const loadBefore = loadavg();
const workloads: WorkloadResult[] = [];
let statementCounts: StatementCount[] | undefined;
const footprints: Record<string, Footprint> = {};
const soaks: Record<string, SoakResult> = {};
let success = false;

try {
  log(`results in ${resultsDir}`);
  log(`rounds: ${settings.rounds} × ${settings.seconds} s, databases: ${databases.join(", ")}${args.scale ? ", scale" : ""}`);
  const baseline = gatewayOnly ? undefined : await startBaseline();
  if (baseline) {
    footprints.baseline = baseline.footprint;
    log(`baseline: ready in ${Math.round(baseline.server.coldStartMs)} ms, idle RSS ${Math.round(baseline.footprint.idle.rssMb)} MB`);
  }

  const gatehouses: GatehouseTarget[] = [];
  const smallTable = settings.users + settings.loginUsers + 1;
  if (gatewayOnly) log("gateway workload only: no baseline, no seeded Gatehouse");
  else if (databases.includes("postgres")) gatehouses.push(await startGatehouseTarget("postgres", "postgres", "Gatehouse PostgreSQL", smallTable));
  if (!gatewayOnly && databases.includes("pglite")) gatehouses.push(await startGatehouseTarget("pglite", "pglite", "Gatehouse PGlite", smallTable));
  const postgres = gatehouses.find((g) => g.id === "postgres");
  if (postgres) {
    log("counting SQL statements per request (PostgreSQL wire protocol)");
    statementCounts = await countStatements(postgres);
  }

  const roundOptions = {
    rounds: settings.rounds,
    seconds: settings.seconds,
    warmupSeconds: settings.warmupSeconds,
    pauseMs: settings.pauseMs,
    onSample: (workload: string, contender: string, roundNo: number, s: Sample) =>
      log(`${workload} · ${contender} · round ${roundNo}: ${round(s.rps)} /s, p99 ${s.p99 ?? "-"} ms, errors ${s.errors}${s.firstError ? ` (${s.firstError.slice(0, 160)})` : ""}`),
  };
  const c = settings.connections;
  const all = [...(baseline ? [baseline] : []), ...gatehouses];
  /**
   * Every user's first request is cold (their token state, roles and row are read: see the statement
   * counts); a running server has long made it. Each token is sent once first, so the rounds measure
   * that steady state, round-robin over all 1,000 users, rather than how fast the first pass goes.
   */
  const warmMe = async (targets: Target[]) => {
    for (const target of targets) await mapConcurrent(target.meTokens, c.me, (token) => gql(target.url, ME_QUERY, {}, token));
  };
  if (want("me") && baseline) {
    await warmMe(all);
    workloads.push(await runRounds("me", all.map((t) => load(t, mePlan(t), c.me)), "baseline", roundOptions));
  }
  if (want("invalid") && baseline) workloads.push(await runRounds("invalid token", all.map((t) => load(t, invalidTokenPlan(t), c.invalid)), "baseline", roundOptions));
  if (want("users") && gatehouses.length) workloads.push(await runRounds("users(first: 100)", gatehouses.map((t) => load(t, usersPlan(t), c.users)), undefined, roundOptions));
  if (want("refresh") && gatehouses.length) workloads.push(await runRounds("refresh", gatehouses.map((t) => load(t, refreshPlan(t), c.refresh)), undefined, roundOptions));
  const hashing = { ...roundOptions, seconds: Math.max(settings.seconds, settings.hashingSeconds) };
  if (want("login")) workloads.push(await runRounds("login", [bcryptContender, ...gatehouses.map((t) => load(t, loginPlan(t), c.login))], "bcrypt-limit", hashing));
  if (want("register")) {
    workloads.push(
      await runRounds("register", [bcryptContender, ...gatehouses.map((t) => load(t, registerPlan(`${stamp}-${t.id}`.toLowerCase()), c.register))], "bcrypt-limit", hashing),
    );
  }
  if (want("flood") && gatehouses.length) workloads.push(await runRounds("me during login flood", gatehouses.map(meUnderFlood), undefined, hashing));

  if (want("gateway")) {
    // Its own Gatehouse (PGlite, gateway mode) and posts subgraph, stopped before the footprints are read.
    const dataDir = join(workDir, "gateway");
    await mkdir(dataDir, { recursive: true });
    log("gateway: Gatehouse in gateway mode in front of examples/posts-subgraph");
    const targets = await startGatewayTargets({ key: gatehouseKey, dataDir, bcryptCost: settings.bcryptCost, admin: ADMIN, logDir: resultsDir });
    try {
      workloads.push(
        await runRounds(
          GATEWAY_WORKLOAD,
          [
            load(targets.gateway, gatewayPlan(targets.gateway), c.gateway),
            load(targets.direct, directSubgraphPlan(targets.direct, targets.userId), c.gateway),
            // Gatehouse's own share of the work: the same gateway, no downstream call.
            load(targets.gatewayLocal, gatewayLocalPlan(targets.gatewayLocal), c.gateway),
          ],
          targets.direct.id,
          // As long as the hashing rounds: a gateway request costs several `me`s, and a 1-second round on a
          // busy machine ends before most of its answers arrive.
          hashing,
        ),
      );
    } finally {
      for (const server of targets.servers.reverse()) await server.stop();
    }
  }

  await sleep(settings.settleMs);
  for (const target of all) {
    const after: ProcessMemory = await target.server.memory();
    footprints[target.id] = { ...target.footprint, after };
  }

  // Last, on servers that have run every workload: does memory stay flat under a steady `me` load?
  if (want("soak") && soakSeconds > 0 && !gatewayOnly) {
    for (const target of gatehouses) soaks[target.id] = await soak(target, soakSeconds);
  }

  if (args.scale && postgres) {
    const big = await startGatehouseTarget("postgres", "postgres-1m", "Gatehouse PostgreSQL, 1M users", settings.scaleUsers, "_1m");
    const pair = [postgres, big];
    await warmMe(pair);
    workloads.push(await runRounds("me (1M users)", pair.map((t) => load(t, mePlan(t), c.me)), "postgres", roundOptions));
    workloads.push(await runRounds("login (1M users)", pair.map((t) => load(t, loginPlan(t), c.login)), "postgres", hashing));
    await sleep(settings.settleMs);
    footprints["postgres-1m"] = { ...big.footprint, after: await big.server.memory() };
    await big.server.stop();
  }
  success = true;
} finally {
  if (!success) console.error(`bench failed; server logs are in ${resultsDir}`);
  await cleanUp();
}

const report: BenchReport = {
  startedAt: startedAt.toISOString(),
  finishedAt: new Date().toISOString(),
  machine: {
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? "unknown",
    memoryGb: round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverageBefore: loadBefore.map((v) => round(v, 2)),
    loadAverageAfter: loadavg().map((v) => round(v, 2)),
  },
  settings: { ...settings, databases, scale: args.scale, serverUvThreadpoolSize: startCommand().env.UV_THREADPOOL_SIZE ?? "default (4)", serverBcryptConcurrency },
  workloads,
  statementCounts,
  footprints,
  soaks,
};
await writeFile(join(resultsDir, "result.json"), `${JSON.stringify(report, null, 2)}\n`);
printReport(report);
log(`JSON: ${join(resultsDir, "result.json")}`);
