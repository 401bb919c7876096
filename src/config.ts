/**
 * The one place that reads the environment. Everything is validated once; every problem is reported
 * together, and the result is a typed, camelCase object.
 */
import { resolve } from "node:path";
import { z } from "zod";

export type Environment = Record<string, string | undefined>;

/** Validated Gatehouse configuration. */
export interface Config {
  /** `development`, `production` or `test`. Production refuses development defaults. */
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
  /** Default sender of emails. */
  emailFrom: string;
  /** Redis for shared rate-limit state between several instances. */
  redisUrl: string | undefined;
  /** First admin account, created at start when no admin exists yet. */
  admin: { email: string; password: string } | undefined;
  logLevel: "debug" | "info" | "warn" | "error";
  /** GraphiQL at /graphql (development only unless GRAPHIQL=true). */
  graphiql: boolean;
  /** bcrypt work factor for new password hashes (BCRYPT_COST, default 10 as in Strapi). */
  bcryptCost: number;
  jwt: JwtConfig;
  /** Refresh token delivered as an HttpOnly cookie instead of in the response body (AUTH_COOKIE). */
  authCookie: boolean;
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
   * verify, so a rotated-out key keeps its tokens valid until they expire. Required in production for
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

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** A lifespan in whole seconds. */
const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().trim().min(1).default("0.0.0.0"),
  DATABASE_URL: optionalString.pipe(url(["postgres:", "postgresql:"]).optional()),
  DATA_DIR: z.string().trim().min(1).default("./data"),
  PUBLIC_URL: optionalString.pipe(url(["http:", "https:"]).optional()),
  SMTP_URL: optionalString.pipe(url(["smtp:", "smtps:"]).optional()),
  EMAIL_FROM: z.string().trim().min(3).default("Gatehouse <no-reply@localhost>"),
  REDIS_URL: optionalString.pipe(url(["redis:", "rediss:"]).optional()),
  ADMIN_EMAIL: optionalString.pipe(z.email({ message: "must be an email address" }).optional()),
  ADMIN_PASSWORD: optionalString,
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  GRAPHIQL: optionalString.pipe(booleanFlag.optional()),
  BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(10),
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
});

/** Rules spanning several variables, checked on the raw values so they are reported with the rest. */
function crossFieldProblems(env: Environment): string[] {
  const problems: string[] = [];
  const set = (name: string) => (env[name] ?? "").trim() !== "";
  if (set("ADMIN_EMAIL") !== set("ADMIN_PASSWORD")) {
    problems.push("ADMIN_EMAIL and ADMIN_PASSWORD: set both or neither");
  }
  if (env.NODE_ENV === "production") {
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
  if (env.JWT_ALGORITHM === "HS256" && !set("JWT_SECRET") && env.NODE_ENV !== "production") {
    problems.push("JWT_SECRET: required with JWT_ALGORITHM=HS256");
  }
  return problems;
}

/** Thrown with every configuration problem at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export function loadConfig(env: Environment = process.env): Config {
  const parsed = envSchema.safeParse(env);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
  problems.push(...crossFieldProblems(env));
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);

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
    redisUrl: e.REDIS_URL,
    admin: e.ADMIN_EMAIL && e.ADMIN_PASSWORD ? { email: e.ADMIN_EMAIL, password: e.ADMIN_PASSWORD } : undefined,
    logLevel: e.LOG_LEVEL,
    graphiql: e.GRAPHIQL ?? e.NODE_ENV === "development",
    bcryptCost: e.BCRYPT_COST,
    authCookie: e.AUTH_COOKIE ?? false,
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
