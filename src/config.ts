/**
 * The one place that reads the environment. Everything is validated once; every problem is reported
 * together, and the result is a typed, camelCase object.
 */
import { isIP } from "node:net";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { z } from "zod";
import { parseEncryptionKey } from "./lib/encryption.ts";
import { RATE_LIMITED_FIELDS, type RateLimitedField } from "./rate-limited-fields.ts";

export { RATE_LIMITED_FIELDS, type RateLimitedField } from "./rate-limited-fields.ts";

export type Environment = Record<string, string | undefined>;

/** Validated Gatehouse configuration. */
export interface Config {
  /**
   * `development`, `production` or `test` (NODE_ENV, default production: secure unless told otherwise).
   * Production refuses development defaults; development is explicit (`npm run dev`).
   */
  nodeEnv: "development" | "production" | "test";
  /** TCP port of the HTTP server (PORT, default 4000). */
  port: number;
  /** Interface to bind (HOST, default 0.0.0.0). */
  host: string;
  /** PostgreSQL URL; when absent the embedded PGlite database under `dataDir` is used. */
  databaseUrl: string | undefined;
  /** Directory for the embedded database, development keys and development mail (DATA_DIR, default ./data). */
  dataDir: string;
  /** Public base URL of this server, used in emails and as the JWT issuer (required in production). */
  publicUrl: string;
  /** SMTP server for outgoing mail; without it mail is written to the log and to files under DATA_DIR. */
  smtpUrl: string | undefined;
  /** Default sender of emails (EMAIL_FROM); email templates may override name and address. */
  emailFrom: string;
  /** Delivery of the email outbox. */
  emailOutbox: {
    /** Attempts per email before it is marked FAILED (EMAIL_MAX_ATTEMPTS, default 10: about 4 h of retries). */
    maxAttempts: number;
    /** Delay after the first failure, doubled after each further one (EMAIL_RETRY_BASE_MS, default 30 s). */
    retryBaseMs: number;
    /** Longest delay between two attempts (EMAIL_RETRY_MAX_MS, default 1 h). */
    retryMaxMs: number;
    /** How often the worker looks for due emails besides being woken on enqueue (EMAIL_POLL_INTERVAL_MS, default 5 s). */
    pollIntervalMs: number;
  };
  /** Redis for shared rate-limit state between several instances. */
  redisUrl: string | undefined;
  /** Prefix of every Redis key Gatehouse writes (REDIS_KEY_PREFIX, default "gatehouse"). */
  redisKeyPrefix: string;
  /** The in-process cache of authentication and authorization state (docs/performance.md). */
  authCache: AuthCacheConfig;
  /** First admin account, created at start when no admin exists yet. */
  admin: { email: string; password: string } | undefined;
  logLevel: "debug" | "info" | "warn" | "error";
  /** GraphiQL at /graphql (development only unless GRAPHIQL=true). */
  graphiql: boolean;
  /** bcrypt work factor for new password hashes (BCRYPT_COST, default 10 as in Strapi). */
  bcryptCost: number;
  /**
   * bcrypt hashes computed at once (BCRYPT_CONCURRENCY); further sign-ins wait their turn. Default: one
   * per CPU, and at least one thread of libuv's pool (UV_THREADPOOL_SIZE, default 4) left to the
   * WebCrypto token checks of every other request (src/modules/auth/passwords.ts).
   */
  bcryptConcurrency: number;
  /** Per-field rate limits of the sensitive auth mutations (see src/modules/rate-limit). */
  rateLimits: RateLimitsConfig;
  /** Request-level limit per client IP on /graphql, answered with HTTP 429 and Retry-After. */
  requestRateLimit: RateLimitRule;
  /**
   * Reset, confirmation and sign-up-notice emails per address, whatever the number of source IPs
   * (EMAIL_RATE_LIMIT_MAX, default 3, per EMAIL_RATE_LIMIT_WINDOW_SECONDS, default 3600). Requests over
   * the budget are dropped silently by the mail-request worker: the caller's answer never changes.
   */
  emailRateLimit: RateLimitRule;
  /**
   * IPv6 clients share every per-IP limit (request rate, per-field limits, lockout) with their whole
   * network of this prefix length (RATE_LIMIT_IPV6_PREFIX, 32-128, default 64: one subscriber's usual
   * allocation). The audit log keeps the full address.
   */
  rateLimitIpv6Prefix: number;
  /**
   * Addresses or CIDR ranges of reverse proxies whose X-Forwarded-For is believed (TRUSTED_PROXIES,
   * comma separated, default none: the socket address is the client).
   */
  trustedProxies: string[];
  /** Failed-login lockout per account and client IP (see src/modules/auth/lockout.ts). */
  lockout: LockoutConfig;
  /** Password policy (NIST SP 800-63B-4). */
  passwordPolicy: { minLength: number; maxLength: number };
  /** Per-operation limits enforced before execution. */
  operationLimits: OperationLimitsConfig;
  /** Largest accepted request body in bytes (MAX_BODY_BYTES, default 102400); larger ones get HTTP 413. */
  maxBodyBytes: number;
  /** Whether introspection is allowed (INTROSPECTION; default: everywhere except production). */
  introspection: boolean;
  /**
   * The secret a router sends as `x-gatehouse-sdl-token` to read `_service { sdl }` while introspection
   * is off (SUBGRAPH_SDL_TOKEN, at least 32 characters; default none: `_service` then follows INTROSPECTION alone).
   */
  subgraphSdlToken: string | undefined;
  /** Origins allowed to call the API from a browser (CORS_ORIGINS, comma separated; default none). */
  corsOrigins: string[];
  jwt: JwtConfig;
  /** Refresh token delivered as an HttpOnly cookie instead of in the response body (AUTH_COOKIE). */
  authCookie: boolean;
  /** Gateway mode, on when GATEWAY_SUBGRAPHS lists downstream subgraphs; undefined otherwise. */
  gateway: GatewayModeConfig | undefined;
  /** The background job that prunes ended sessions, spent tokens and codes, sent emails and old audit entries. */
  retention: RetentionConfig;
  /**
   * Key that encrypts OAuth client secrets at rest (AUTH_PROVIDER_SECRET_KEY: 32 bytes as 64 hex digits or
   * base64). Outside production a key is generated and kept under DATA_DIR/keys when unset; production
   * stores no client secret without it.
   */
  authProviderSecretKey: string | undefined;
}

export interface AuthCacheConfig {
  /**
   * Entries of each authentication cache (AUTH_CACHE_SIZE, default 10000, least recently used out first;
   * 0 turns the caches off): token states, one per (user, session), and users' held roles.
   */
  maxUsers: number;
  /**
   * What keeps the cache exact across instances on PostgreSQL (AUTH_CHANGE_FEED): `postgres`, LISTEN on
   * the notifications the database's triggers send for every writer; `redis`, pub/sub on REDIS_URL,
   * published by the Gatehouse services after their commits. Default: `redis` when REDIS_URL is set,
   * `postgres` otherwise. The embedded database is one process and always uses its own notifications.
   */
  feed: "postgres" | "redis";
}

export interface RetentionConfig {
  /** Audit entries older than this many days are deleted (AUDIT_RETENTION_DAYS, default 180). */
  auditRetentionDays: number;
  /** Seconds between two runs; the first comes one interval after start (RETENTION_INTERVAL_SECONDS, default 3600). */
  intervalSeconds: number;
}

/** Name of Gatehouse's own, in-process subgraph in the supergraph; no downstream subgraph may take it. */
export const LOCAL_SUBGRAPH_NAME = "gatehouse";

/** A downstream subgraph composed into the supergraph. */
export interface SubgraphEndpoint {
  /** Its name in the supergraph, the `aud` of the tokens minted for it, and how errors name it. */
  name: string;
  /** Its GraphQL endpoint (http or https). */
  url: string;
}

/** Gatehouse as the gateway in front of downstream subgraphs (src/modules/gateway). */
export interface GatewayModeConfig {
  /** GATEWAY_SUBGRAPHS: comma-separated `name=url` pairs. */
  subgraphs: SubgraphEndpoint[];
  /** How often every subgraph's SDL is read again and the supergraph recomposed (GATEWAY_POLL_SECONDS, default 30). */
  pollSeconds: number;
  /** Longest wait for a subgraph, per request and per SDL fetch (GATEWAY_TIMEOUT_MS, default 5000). */
  timeoutMs: number;
  /**
   * Lower-cased client headers passed on to subgraphs (GATEWAY_FORWARD_HEADERS, default none; a request id
   * always goes). Authorization, Cookie and x-gatehouse-* are refused: subgraphs get a minted token instead.
   */
  forwardHeaders: string[];
  /**
   * `deny` (default): a downstream field no rule names is denied, like every Gatehouse field. `allow`: such
   * fields are left to the subgraph's own checks (GATEWAY_DEFAULT_ACCESS).
   */
  defaultAccess: "deny" | "allow";
}

/** At most `max` events per `windowSeconds` for one key. */
export interface RateLimitRule {
  max: number;
  windowSeconds: number;
}


/**
 * One rule per limited field (the mutations declared with `rateLimit: true`):
 * RATE_LIMIT_MAX/RATE_LIMIT_WINDOW_SECONDS, overridden by RATE_LIMITS.
 */
export type RateLimitsConfig = Record<RateLimitedField, RateLimitRule>;

export interface LockoutConfig {
  /** Failures per account and IP before the first lock (LOCKOUT_MAX_FAILURES, default 5). */
  maxFailures: number;
  /** Failures older than this are forgotten (LOCKOUT_WINDOW_SECONDS, default 900). */
  windowSeconds: number;
  /** Length of the first lock; each further lock doubles it (LOCKOUT_BASE_SECONDS, default 60). */
  baseLockSeconds: number;
  /** Longest lock (LOCKOUT_MAX_SECONDS, default 3600). */
  maxLockSeconds: number;
}

export interface OperationLimitsConfig {
  /** GRAPHQL_MAX_DEPTH, default 10. */
  maxDepth: number;
  /** GRAPHQL_MAX_ALIASES, default 15. */
  maxAliases: number;
  /** GRAPHQL_MAX_COST (graphql-armor's cost model), default 5000. */
  maxCost: number;
  /** GRAPHQL_MAX_TOKENS, default 1000. */
  maxTokens: number;
  /** GRAPHQL_MAX_DIRECTIVES, default 50. */
  maxDirectives: number;
}

/** Token settings; lifespans in seconds. Names and defaults follow Strapi's users-permissions sessions. */
export interface JwtConfig {
  /**
   * `refresh` (default): short access tokens plus rotating refresh tokens. `legacy`: one long-lived access
   * token and no refresh token, as Strapi's legacy-support mode.
   */
  mode: "refresh" | "legacy";
  /** Signing algorithm (JWT_ALGORITHM): EdDSA (default), ES256, RS256, or HS256 with JWT_SECRET. */
  algorithm: "EdDSA" | "ES256" | "RS256" | "HS256";
  /** HS256 shared secret (JWT_SECRET, at least 32 characters). */
  secret: string | undefined;
  /**
   * Private signing keys as a JSON Web Key Set (JWT_SIGNING_KEYS). The first key signs; the others only
   * verify, so a rotated-out key keeps its tokens valid until they expire. `gatehouse keys generate` and
   * `keys rotate` keep the second one as the next key (published before it signs; see signing-keys.ts). Required in production for
   * asymmetric algorithms; in development keys are generated and kept under DATA_DIR/keys.
   */
  signingKeys: string | undefined;
  /** `iss` claim (JWT_ISSUER, default PUBLIC_URL). */
  issuer: string;
  /** `aud` claim (JWT_AUDIENCE, default "gatehouse"). */
  audience: string;
  accessTokenLifespan: number;
  /** Lifespan of the single token in legacy mode (LEGACY_JWT_LIFESPAN, 30 days). */
  legacyTokenLifespan: number;
  maxRefreshTokenLifespan: number;
  idleRefreshTokenLifespan: number;
  maxSessionLifespan: number;
  idleSessionLifespan: number;
  /** Lifespan of password reset codes (RESET_PASSWORD_TOKEN_LIFESPAN, 1 hour). */
  resetPasswordTokenLifespan: number;
  /** Lifespan of email confirmation codes (EMAIL_CONFIRMATION_TOKEN_LIFESPAN, 24 hours). */
  emailConfirmationTokenLifespan: number;
}

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

const url = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine((value) => URL.canParse(value) && protocols.includes(new URL(value).protocol), {
      message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}`,
    });

const booleanFlag = z
  .enum(["true", "false", "1", "0"], { message: "must be true or false" })
  .transform((value) => value === "true" || value === "1");

const positiveInt = z.coerce.number().int().min(1);

const commaList = z
  .string()
  .optional()
  .transform((value) => (value ?? "").split(",").map((item) => item.trim()).filter((item) => item !== ""));

const ipOrCidr = z.string().refine(
  (value) => {
    const [address, bits, extra] = value.split("/");
    if (extra !== undefined || !address || isIP(address) === 0) return false;
    if (bits === undefined) return true;
    const max = isIP(address) === 4 ? 32 : 128;
    return /^\d+$/.test(bits) && Number(bits) <= max;
  },
  { message: "must be IP addresses or CIDR ranges" },
);

const origin = z.string().refine((value) => URL.canParse(value) && new URL(value).origin === value, {
  message: "must be origins like https://app.example.com (scheme, host and port only)",
});

const subgraphName = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** `name=url` pairs; every malformed pair is reported, not only the first. */
const subgraphList = z
  .string()
  .optional()
  .transform((value, ctx): SubgraphEndpoint[] => {
    const subgraphs: SubgraphEndpoint[] = [];
    for (const entry of (value ?? "").split(",").map((item) => item.trim()).filter((item) => item !== "")) {
      const separator = entry.indexOf("=");
      const name = entry.slice(0, Math.max(separator, 0)).trim();
      const url = entry.slice(separator + 1).trim();
      const problem =
        separator < 0
          ? `"${entry}" must be name=url`
          : !subgraphName.test(name)
            ? `"${name}" must start with a letter and hold only letters, digits, - and _`
            : name.toLowerCase() === LOCAL_SUBGRAPH_NAME
              ? `"${name}" is the name of Gatehouse's own subgraph`
              : subgraphs.some((subgraph) => subgraph.name === name)
                ? `"${name}" is listed twice`
                : !URL.canParse(url) || !["http:", "https:"].includes(new URL(url).protocol)
                  ? `the URL of "${name}" must start with http:// or https://`
                  : undefined;
      if (problem) ctx.addIssue({ code: "custom", message: problem });
      else subgraphs.push({ name, url });
    }
    return subgraphs;
  });

/** Headers a gateway never passes on from the client: credentials, Gatehouse's own, and the framing ones. */
const unforwardableHeaders = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "host",
  "connection",
  "content-length",
  "content-type",
  "transfer-encoding",
  "te",
  "upgrade",
  "keep-alive",
  "expect",
]);
const headerName = z
  .string()
  .transform((value) => value.toLowerCase())
  .refine((value) => /^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(value), { message: "must be header names" })
  .refine((value) => !unforwardableHeaders.has(value) && !value.startsWith("x-gatehouse-"), {
    message: "must not name Authorization, Cookie, x-gatehouse-* or hop-by-hop headers",
  });

const jsonOf = <T extends z.ZodType>(schema: T) =>
  z.string().transform((value, ctx) => {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "must be JSON" });
      return z.NEVER;
    }
  }).pipe(schema);

const rateLimitRule = z.strictObject({ max: positiveInt, windowSeconds: positiveInt });
const rateLimitOverrides = z
  .record(z.string(), rateLimitRule)
  .superRefine((overrides, ctx) => {
    for (const name of Object.keys(overrides)) {
      if ((RATE_LIMITED_FIELDS as readonly string[]).includes(name)) continue;
      ctx.addIssue({ code: "custom", message: `"${name}" is not a rate-limited field (those are: ${RATE_LIMITED_FIELDS.join(", ")})` });
    }
  })
  .transform((overrides) => overrides as Partial<Record<RateLimitedField, RateLimitRule>>);
const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** A lifespan in whole seconds. */
const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().trim().min(1).default("0.0.0.0"),
  DATABASE_URL: optionalString.pipe(url(["postgres:", "postgresql:"]).optional()),
  DATA_DIR: z.string().trim().min(1).default("./data"),
  PUBLIC_URL: optionalString.pipe(url(["http:", "https:"]).optional()),
  SMTP_URL: optionalString.pipe(url(["smtp:", "smtps:"]).optional()),
  EMAIL_FROM: z.string().trim().min(3).default("Gatehouse <no-reply@localhost>"),
  EMAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(10),
  EMAIL_RETRY_BASE_MS: z.coerce.number().int().min(10).default(30_000),
  EMAIL_RETRY_MAX_MS: z.coerce.number().int().min(10).default(3_600_000),
  EMAIL_POLL_INTERVAL_MS: z.coerce.number().int().min(10).default(5_000),
  REDIS_URL: optionalString.pipe(url(["redis:", "rediss:"]).optional()),
  REDIS_KEY_PREFIX: z.string().trim().min(1).default("gatehouse"),
  AUTH_CACHE_SIZE: z.coerce.number().int().min(0).max(10_000_000).default(10_000),
  AUTH_CHANGE_FEED: optionalString.pipe(z.enum(["postgres", "redis"]).optional()),
  ADMIN_EMAIL: optionalString.pipe(z.email({ message: "must be an email address" }).optional()),
  ADMIN_PASSWORD: optionalString,
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  GRAPHIQL: optionalString.pipe(booleanFlag.optional()),
  BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(10),
  BCRYPT_CONCURRENCY: positiveInt.max(1024).optional(),
  // Read only to size BCRYPT_CONCURRENCY's default; libuv itself reads it (1 to 1024).
  UV_THREADPOOL_SIZE: z.coerce.number().int().min(1).max(1024).default(4),
  RATE_LIMIT_MAX: positiveInt.default(10),
  RATE_LIMIT_WINDOW_SECONDS: positiveInt.default(60),
  RATE_LIMITS: optionalString.pipe(jsonOf(rateLimitOverrides).optional()),
  REQUEST_RATE_LIMIT_MAX: positiveInt.default(600),
  REQUEST_RATE_LIMIT_WINDOW_SECONDS: positiveInt.default(60),
  EMAIL_RATE_LIMIT_MAX: positiveInt.default(3),
  EMAIL_RATE_LIMIT_WINDOW_SECONDS: positiveInt.default(3600),
  RATE_LIMIT_IPV6_PREFIX: z.coerce.number().int().min(32).max(128).default(64),
  TRUSTED_PROXIES: commaList.pipe(z.array(ipOrCidr)),
  LOCKOUT_MAX_FAILURES: positiveInt.default(5),
  LOCKOUT_WINDOW_SECONDS: positiveInt.default(900),
  LOCKOUT_BASE_SECONDS: positiveInt.default(60),
  LOCKOUT_MAX_SECONDS: positiveInt.default(3600),
  PASSWORD_MIN_LENGTH: z.coerce.number().int().min(8).max(64).default(8),
  GRAPHQL_MAX_DEPTH: positiveInt.default(10),
  GRAPHQL_MAX_ALIASES: positiveInt.default(15),
  GRAPHQL_MAX_COST: positiveInt.default(5000),
  GRAPHQL_MAX_TOKENS: positiveInt.default(1000),
  GRAPHQL_MAX_DIRECTIVES: positiveInt.default(50),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(102_400),
  INTROSPECTION: optionalString.pipe(booleanFlag.optional()),
  SUBGRAPH_SDL_TOKEN: optionalString.pipe(z.string().min(32, { message: "must be at least 32 characters" }).optional()),
  CORS_ORIGINS: commaList.pipe(z.array(origin)),
  JWT_MODE: z.enum(["refresh", "legacy"]).default("refresh"),
  JWT_ALGORITHM: z.enum(["EdDSA", "ES256", "RS256", "HS256"]).default("EdDSA"),
  JWT_SECRET: optionalString.pipe(z.string().min(32, { message: "must be at least 32 characters" }).optional()),
  JWT_SIGNING_KEYS: optionalString,
  JWT_ISSUER: optionalString,
  JWT_AUDIENCE: z.string().trim().min(1).default("gatehouse"),
  ACCESS_TOKEN_LIFESPAN: seconds(10 * MINUTE),
  LEGACY_JWT_LIFESPAN: seconds(30 * DAY),
  MAX_REFRESH_TOKEN_LIFESPAN: seconds(30 * DAY),
  IDLE_REFRESH_TOKEN_LIFESPAN: seconds(14 * DAY),
  MAX_SESSION_LIFESPAN: seconds(DAY),
  IDLE_SESSION_LIFESPAN: seconds(2 * HOUR),
  RESET_PASSWORD_TOKEN_LIFESPAN: seconds(HOUR),
  EMAIL_CONFIRMATION_TOKEN_LIFESPAN: seconds(DAY),
  AUTH_COOKIE: optionalString.pipe(booleanFlag.optional()),
  GATEWAY_SUBGRAPHS: subgraphList,
  GATEWAY_POLL_SECONDS: positiveInt.default(30),
  GATEWAY_TIMEOUT_MS: positiveInt.default(5000),
  GATEWAY_FORWARD_HEADERS: commaList.pipe(z.array(headerName)),
  GATEWAY_DEFAULT_ACCESS: z.enum(["deny", "allow"]).default("deny"),
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(180),
  RETENTION_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(7 * DAY).default(HOUR),
  AUTH_PROVIDER_SECRET_KEY: optionalString.pipe(
    z.string().refine((value) => parseEncryptionKey(value) !== null, { message: "must be 32 bytes as 64 hex digits or base64" }).optional(),
  ),
});

/** An unset NODE_ENV means production: a forgotten variable must not open development shortcuts. */
const effectiveNodeEnv = (env: Environment) => env.NODE_ENV ?? "production";

/** Said once when the production checks fail only because nobody chose a mode. */
export const UNSET_NODE_ENV_HINT =
  "NODE_ENV is not set, so Gatehouse runs as production: set PUBLIC_URL (https) and JWT_SIGNING_KEYS " +
  "(or JWT_ALGORITHM=HS256 with JWT_SECRET), or run `npm run dev` (NODE_ENV=development) on a developer machine";

/** Rules spanning several variables, checked on the raw values so they are reported with the rest. */
function crossFieldProblems(env: Environment): string[] {
  const problems: string[] = [];
  const set = (name: string) => (env[name] ?? "").trim() !== "";
  if (set("ADMIN_EMAIL") !== set("ADMIN_PASSWORD")) {
    problems.push("ADMIN_EMAIL and ADMIN_PASSWORD: set both or neither");
  }
  if (env.AUTH_CHANGE_FEED?.trim() === "redis" && !set("REDIS_URL")) {
    problems.push("AUTH_CHANGE_FEED: redis needs REDIS_URL");
  }
  if (effectiveNodeEnv(env) === "production") {
    const publicUrl = env.PUBLIC_URL?.trim();
    if (!publicUrl) problems.push("PUBLIC_URL: required in production");
    else if (!publicUrl.startsWith("https://")) problems.push("PUBLIC_URL: must use https in production");
    // Development keys and secrets must never sign production tokens.
    if (env.JWT_ALGORITHM === "HS256") {
      if (!set("JWT_SECRET")) problems.push("JWT_SECRET: required in production with HS256");
    } else if (!set("JWT_SIGNING_KEYS")) {
      problems.push("JWT_SIGNING_KEYS: required in production (a JWK set of private keys)");
    }
  }
  // A token minted for a subgraph has the subgraph's name as audience: it must never pass as an access token.
  const audience = (env.JWT_AUDIENCE ?? "").trim();
  const subgraphNames = (env.GATEWAY_SUBGRAPHS ?? "").split(",").map((entry) => entry.split("=")[0]?.trim());
  if (audience !== "" && subgraphNames.includes(audience)) {
    problems.push(`GATEWAY_SUBGRAPHS: "${audience}" is JWT_AUDIENCE, the audience of Gatehouse's own tokens`);
  }
  if (env.JWT_ALGORITHM === "HS256" && !set("JWT_SECRET") && effectiveNodeEnv(env) !== "production") {
    problems.push("JWT_SECRET: required with JWT_ALGORITHM=HS256");
  }
  return problems;
}

/** Thrown with every configuration problem at once. */
export class ConfigError extends Error {
  constructor(
    readonly problems: string[],
    readonly hint?: string,
  ) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}${hint ? `\n${hint}` : ""}`);
    this.name = "ConfigError";
  }
}

export function loadConfig(env: Environment = process.env): Config {
  const parsed = envSchema.safeParse(env);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
  problems.push(...crossFieldProblems(env));
  if (!parsed.success || problems.length > 0) {
    throw new ConfigError(problems, env.NODE_ENV === undefined ? UNSET_NODE_ENV_HINT : undefined);
  }

  const e = parsed.data;
  const port = e.PORT;
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, "");
  return {
    nodeEnv: e.NODE_ENV,
    port,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: resolve(e.DATA_DIR),
    publicUrl,
    smtpUrl: e.SMTP_URL,
    emailFrom: e.EMAIL_FROM,
    emailOutbox: {
      maxAttempts: e.EMAIL_MAX_ATTEMPTS,
      retryBaseMs: e.EMAIL_RETRY_BASE_MS,
      retryMaxMs: e.EMAIL_RETRY_MAX_MS,
      pollIntervalMs: e.EMAIL_POLL_INTERVAL_MS,
    },
    redisUrl: e.REDIS_URL,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    authCache: { maxUsers: e.AUTH_CACHE_SIZE, feed: e.AUTH_CHANGE_FEED ?? (e.REDIS_URL ? "redis" : "postgres") },
    admin: e.ADMIN_EMAIL && e.ADMIN_PASSWORD ? { email: e.ADMIN_EMAIL, password: e.ADMIN_PASSWORD } : undefined,
    logLevel: e.LOG_LEVEL,
    graphiql: e.GRAPHIQL ?? e.NODE_ENV === "development",
    bcryptCost: e.BCRYPT_COST,
    bcryptConcurrency: e.BCRYPT_CONCURRENCY ?? Math.max(1, Math.min(availableParallelism(), e.UV_THREADPOOL_SIZE - 1)),
    rateLimits: Object.fromEntries(
      RATE_LIMITED_FIELDS.map((field) => [
        field,
        e.RATE_LIMITS?.[field] ?? { max: e.RATE_LIMIT_MAX, windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS },
      ]),
    ) as RateLimitsConfig,
    requestRateLimit: { max: e.REQUEST_RATE_LIMIT_MAX, windowSeconds: e.REQUEST_RATE_LIMIT_WINDOW_SECONDS },
    emailRateLimit: { max: e.EMAIL_RATE_LIMIT_MAX, windowSeconds: e.EMAIL_RATE_LIMIT_WINDOW_SECONDS },
    rateLimitIpv6Prefix: e.RATE_LIMIT_IPV6_PREFIX,
    trustedProxies: e.TRUSTED_PROXIES,
    lockout: {
      maxFailures: e.LOCKOUT_MAX_FAILURES,
      windowSeconds: e.LOCKOUT_WINDOW_SECONDS,
      baseLockSeconds: e.LOCKOUT_BASE_SECONDS,
      maxLockSeconds: e.LOCKOUT_MAX_SECONDS,
    },
    // 256 code points accept any passphrase (NIST asks for at least 64) while bounding hashing work.
    passwordPolicy: { minLength: e.PASSWORD_MIN_LENGTH, maxLength: 256 },
    operationLimits: {
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
      maxCost: e.GRAPHQL_MAX_COST,
      maxTokens: e.GRAPHQL_MAX_TOKENS,
      maxDirectives: e.GRAPHQL_MAX_DIRECTIVES,
    },
    maxBodyBytes: e.MAX_BODY_BYTES,
    introspection: e.INTROSPECTION ?? e.NODE_ENV !== "production",
    subgraphSdlToken: e.SUBGRAPH_SDL_TOKEN,
    corsOrigins: e.CORS_ORIGINS,
    authCookie: e.AUTH_COOKIE ?? false,
    gateway:
      e.GATEWAY_SUBGRAPHS.length > 0
        ? {
            subgraphs: e.GATEWAY_SUBGRAPHS,
            pollSeconds: e.GATEWAY_POLL_SECONDS,
            timeoutMs: e.GATEWAY_TIMEOUT_MS,
            forwardHeaders: [...new Set(e.GATEWAY_FORWARD_HEADERS)],
            defaultAccess: e.GATEWAY_DEFAULT_ACCESS,
          }
        : undefined,
    retention: { auditRetentionDays: e.AUDIT_RETENTION_DAYS, intervalSeconds: e.RETENTION_INTERVAL_SECONDS },
    authProviderSecretKey: e.AUTH_PROVIDER_SECRET_KEY,
    jwt: {
      mode: e.JWT_MODE,
      algorithm: e.JWT_ALGORITHM,
      secret: e.JWT_SECRET,
      signingKeys: e.JWT_SIGNING_KEYS,
      issuer: e.JWT_ISSUER ?? publicUrl,
      audience: e.JWT_AUDIENCE,
      accessTokenLifespan: e.ACCESS_TOKEN_LIFESPAN,
      legacyTokenLifespan: e.LEGACY_JWT_LIFESPAN,
      maxRefreshTokenLifespan: e.MAX_REFRESH_TOKEN_LIFESPAN,
      idleRefreshTokenLifespan: e.IDLE_REFRESH_TOKEN_LIFESPAN,
      maxSessionLifespan: e.MAX_SESSION_LIFESPAN,
      idleSessionLifespan: e.IDLE_SESSION_LIFESPAN,
      resetPasswordTokenLifespan: e.RESET_PASSWORD_TOKEN_LIFESPAN,
      emailConfirmationTokenLifespan: e.EMAIL_CONFIRMATION_TOKEN_LIFESPAN,
    },
  };
}

/**
 * One variable the operator named at run time (`gatehouse users create --password-env VAR`): this file
 * stays the only reader of the environment. Undefined when unset or empty.
 */
export function readNamedVariable(name: string, env: Environment = process.env): string | undefined {
  const value = env[name];
  return value === undefined || value === "" ? undefined : value;
}
