/**
 * Gatehouse as a separate process, started the way `npm start` starts it, in production mode with every
 * setting given explicitly (nothing comes from the caller's environment).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchKey } from "./keys.ts";
import { freePort, type ServerProcess, spawnServer } from "./server-process.ts";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/**
 * Limits raised through configuration so that no benchmark request is refused by them (they are never
 * disabled in code): every request still goes through the limiters and the lockout.
 */
export const RAISED_LIMITS = {
  RATE_LIMIT_MAX: "1000000000",
  REQUEST_RATE_LIMIT_MAX: "1000000000",
  LOCKOUT_MAX_FAILURES: "1000000000",
} as const;

/** The issuer Gatehouse signs with; production requires an https PUBLIC_URL (never contacted). */
export const PUBLIC_URL = "https://gatehouse.bench.invalid";
export const AUDIENCE = "gatehouse";

/**
 * What `npm start` runs, without npm in between (npm and a shell would add their own start-up time and
 * memory). Understands `tsx <file>` and `node [flags] <file>`, with optional VAR=value prefixes.
 */
export function startCommand(root = ROOT): { command: [string, ...string[]]; env: Record<string, string> } {
  const scripts = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts?: Record<string, string> }).scripts;
  const script = scripts?.start;
  if (!script) throw new Error("package.json has no start script");
  const words = script.trim().split(/\s+/);
  const env: Record<string, string> = {};
  while (words[0] && /^[A-Z_][A-Z0-9_]*=/.test(words[0])) {
    const [name, ...value] = words.shift()!.split("=");
    env[name!] = value.join("=");
  }
  const [program, ...args] = words;
  if (program === "node") return { command: [process.execPath, ...args], env };
  if (program === "tsx" && args.length > 0 && !args[0]!.startsWith("-")) {
    return { command: [process.execPath, "--import", "tsx", ...args], env };
  }
  throw new Error(`bench: cannot run the start script "${script}" directly; teach bench/lib/gatehouse.ts its form`);
}

/** The minimal environment any process needs, without the caller's Gatehouse settings. */
export function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ["PATH", "HOME", "TMPDIR", "LANG", "TZ"]) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

export interface GatehouseOptions {
  name: string;
  key: BenchKey;
  /** PostgreSQL URL; without it the embedded PGlite under `dataDir` is used. */
  databaseUrl?: string | undefined;
  dataDir: string;
  bcryptCost: number;
  admin: { email: string; password: string };
  logFile: string;
  /** Further settings (they win over the defaults here). */
  env?: Record<string, string>;
}

export function gatehouseEnv(options: GatehouseOptions, port: number): Record<string, string> {
  return {
    ...baseEnv(),
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: String(port),
    PUBLIC_URL,
    JWT_AUDIENCE: AUDIENCE,
    DATA_DIR: options.dataDir,
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    LOG_LEVEL: "info",
    BCRYPT_COST: String(options.bcryptCost),
    ADMIN_EMAIL: options.admin.email,
    ADMIN_PASSWORD: options.admin.password,
    // Tokens minted at the start must outlive a full run (the default is 10 minutes).
    ACCESS_TOKEN_LIFESPAN: "7200",
    ...RAISED_LIMITS,
    ...options.key.gatehouseEnv,
    ...options.env,
  };
}

/**
 * A server as the start-up and footprint benchmarks start it: the first admin seeded at a first start,
 * bcrypt cost 10, its output in `dataDir`/server.log.
 */
export function coldStartOptions(name: string, key: BenchKey, dataDir: string, databaseUrl: string | undefined): GatehouseOptions {
  return {
    name,
    key,
    databaseUrl,
    dataDir,
    bcryptCost: 10,
    admin: { email: "admin@bench.example", password: "bench admin passphrase" },
    logFile: join(dataDir, "server.log"),
  };
}

/** `npm start` of the checkout at `root` (this one by default), polled until its first 200. */
export async function startGatehouse(options: GatehouseOptions, root = ROOT): Promise<ServerProcess> {
  const port = await freePort();
  const { command, env } = startCommand(root);
  return spawnServer({
    name: options.name,
    command,
    cwd: root,
    env: { ...env, ...gatehouseEnv(options, port) },
    port,
    logFile: options.logFile,
  });
}
