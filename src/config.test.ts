import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, UNSET_NODE_ENV_HINT } from "./config.ts";

/** These tests describe a chosen mode; an unset NODE_ENV (production) has its own tests below. */
const configOf = (env: Record<string, string>) => loadConfig({ NODE_ENV: "development", ...env });

/** The problems a ConfigError lists; `load` defaults to development (see configOf). */
function problemsOf(env: Record<string, string>, load: (env: Record<string, string>) => unknown = configOf): string[] {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("runs in development with nothing else set: embedded database, port 4000", () => {
    const config = configOf({});
    expect(config).toMatchObject({
      nodeEnv: "development",
      port: 4000,
      host: "0.0.0.0",
      databaseUrl: undefined,
      publicUrl: "http://localhost:4000",
      graphiql: true,
      bcryptCost: 10,
      admin: undefined,
    });
    expect(config.dataDir).toMatch(/\/data$/);
  });

  it("reads every documented variable into camelCase fields", () => {
    const config = configOf({
      NODE_ENV: "production",
      PORT: "8080",
      HOST: "127.0.0.1",
      DATABASE_URL: "postgresql://gh:secret@db:5432/gatehouse",
      PUBLIC_URL: "https://auth.example.com/",
      SMTP_URL: "smtp://mail:25",
      EMAIL_FROM: "Auth <auth@example.com>",
      REDIS_URL: "redis://cache:6379",
      ADMIN_EMAIL: "Admin@Example.com",
      ADMIN_PASSWORD: "a long admin passphrase",
      LOG_LEVEL: "warn",
      DATA_DIR: "/var/lib/gatehouse",
      JWT_SIGNING_KEYS: '{"keys":[]}',
    });
    expect(config).toMatchObject({
      nodeEnv: "production",
      port: 8080,
      host: "127.0.0.1",
      databaseUrl: "postgresql://gh:secret@db:5432/gatehouse",
      publicUrl: "https://auth.example.com",
      smtpUrl: "smtp://mail:25",
      emailFrom: "Auth <auth@example.com>",
      redisUrl: "redis://cache:6379",
      admin: { email: "Admin@Example.com", password: "a long admin passphrase" },
      logLevel: "warn",
      dataDir: "/var/lib/gatehouse",
      graphiql: false,
    });
  });

  it("reports every problem at once", () => {
    const problems = problemsOf({
      PORT: "not-a-port",
      DATABASE_URL: "mysql://nope",
      LOG_LEVEL: "loud",
      ADMIN_EMAIL: "not-an-email",
    });
    expect(problems.map((p) => p.split(":")[0]).sort()).toEqual(["ADMIN_EMAIL", "ADMIN_EMAIL and ADMIN_PASSWORD", "DATABASE_URL", "LOG_LEVEL", "PORT"]);
  });

  it("refuses production without an https PUBLIC_URL", () => {
    expect(problemsOf({ NODE_ENV: "production" })).toContain("PUBLIC_URL: required in production");
    expect(problemsOf({ NODE_ENV: "production", PUBLIC_URL: "http://auth.example.com" })).toContain(
      "PUBLIC_URL: must use https in production",
    );
  });

  it("refuses production without configured signing keys, or HS256 without a secret", () => {
    const production = { NODE_ENV: "production", PUBLIC_URL: "https://auth.example.com" };
    expect(problemsOf(production)).toEqual(["JWT_SIGNING_KEYS: required in production (a JWK set of private keys)"]);
    expect(problemsOf({ ...production, JWT_ALGORITHM: "HS256" })).toEqual([
      "JWT_SECRET: required in production with HS256",
    ]);
    expect(problemsOf({ JWT_ALGORITHM: "HS256" })).toEqual(["JWT_SECRET: required with JWT_ALGORITHM=HS256"]);
    expect(problemsOf({ JWT_ALGORITHM: "HS256", JWT_SECRET: "short" })).toEqual([
      "JWT_SECRET: must be at least 32 characters",
    ]);
  });

  it("reads token lifespans with Strapi's defaults", () => {
    expect(configOf({}).jwt).toMatchObject({
      mode: "refresh",
      algorithm: "EdDSA",
      audience: "gatehouse",
      issuer: "http://localhost:4000",
      accessTokenLifespan: 600,
      maxRefreshTokenLifespan: 30 * 86400,
      idleRefreshTokenLifespan: 14 * 86400,
      maxSessionLifespan: 86400,
      idleSessionLifespan: 7200,
      legacyTokenLifespan: 30 * 86400,
      resetPasswordTokenLifespan: 3600,
      emailConfirmationTokenLifespan: 86400,
    });
  });

  it("wants ADMIN_EMAIL and ADMIN_PASSWORD together", () => {
    expect(problemsOf({ ADMIN_EMAIL: "admin@example.com" })).toEqual([
      "ADMIN_EMAIL and ADMIN_PASSWORD: set both or neither",
    ]);
  });

  it("reads the email outbox knobs, with defaults, and refuses nonsense", () => {
    expect(configOf({}).emailOutbox).toEqual({
      maxAttempts: 10,
      retryBaseMs: 30_000,
      retryMaxMs: 3_600_000,
      pollIntervalMs: 5_000,
    });
    const config = configOf({
      EMAIL_MAX_ATTEMPTS: "3",
      EMAIL_RETRY_BASE_MS: "100",
      EMAIL_RETRY_MAX_MS: "1000",
      EMAIL_POLL_INTERVAL_MS: "250",
    });
    expect(config.emailOutbox).toEqual({ maxAttempts: 3, retryBaseMs: 100, retryMaxMs: 1000, pollIntervalMs: 250 });
    expect(problemsOf({ EMAIL_MAX_ATTEMPTS: "0", EMAIL_POLL_INTERVAL_MS: "soon" }).map((p) => p.split(":")[0]).sort()).toEqual([
      "EMAIL_MAX_ATTEMPTS",
      "EMAIL_POLL_INTERVAL_MS",
    ]);
  });

  it("bounds concurrent bcrypt hashes by the CPUs, leaving a thread of libuv's pool free, unless BCRYPT_CONCURRENCY says otherwise", () => {
    const cpus = availableParallelism();
    expect(configOf({}).bcryptConcurrency).toBe(Math.max(1, Math.min(cpus, 3)));
    expect(configOf({ UV_THREADPOOL_SIZE: "16" }).bcryptConcurrency).toBe(Math.min(cpus, 15));
    expect(configOf({ UV_THREADPOOL_SIZE: "1" }).bcryptConcurrency).toBe(1);
    expect(configOf({ BCRYPT_CONCURRENCY: "6" }).bcryptConcurrency).toBe(6);
    expect(problemsOf({ BCRYPT_CONCURRENCY: "0", UV_THREADPOOL_SIZE: "many" })).toEqual([
      expect.stringContaining("BCRYPT_CONCURRENCY"),
      expect.stringContaining("UV_THREADPOOL_SIZE"),
    ]);
  });

  it("treats empty variables as unset", () => {
    expect(configOf({ DATABASE_URL: "", SMTP_URL: " " }).databaseUrl).toBeUndefined();
  });

  it("defaults the abuse limits: Strapi's 10 per minute per field, lockout after 5, body 100 KiB", () => {
    const config = configOf({});
    expect(config.rateLimits.login).toEqual({ max: 10, windowSeconds: 60 });
    expect(Object.keys(config.rateLimits).sort()).toEqual(
      ["changePassword", "emailConfirmation", "forgotPassword", "login", "oauthLogin", "refresh", "register", "resetPassword", "sendEmailConfirmation"],
    );
    expect(config).toMatchObject({
      requestRateLimit: { max: 600, windowSeconds: 60 },
      trustedProxies: [],
      lockout: { maxFailures: 5, windowSeconds: 900, baseLockSeconds: 60, maxLockSeconds: 3600 },
      passwordPolicy: { minLength: 8, maxLength: 256 },
      operationLimits: { maxDepth: 10, maxAliases: 15, maxCost: 5000, maxTokens: 1000, maxDirectives: 50 },
      maxBodyBytes: 102_400,
      introspection: true,
      corsOrigins: [],
      redisKeyPrefix: "gatehouse",
    });
  });

  it("reads the abuse-resistance variables, with RATE_LIMITS overriding single fields", () => {
    const config = configOf({
      RATE_LIMIT_MAX: "20",
      RATE_LIMIT_WINDOW_SECONDS: "120",
      RATE_LIMITS: '{"login":{"max":5,"windowSeconds":60}}',
      REQUEST_RATE_LIMIT_MAX: "100",
      TRUSTED_PROXIES: "10.0.0.0/8, ::1",
      LOCKOUT_MAX_FAILURES: "3",
      PASSWORD_MIN_LENGTH: "15",
      GRAPHQL_MAX_DEPTH: "7",
      MAX_BODY_BYTES: "4096",
      INTROSPECTION: "false",
      CORS_ORIGINS: "https://app.example.com,http://localhost:5173",
      REDIS_KEY_PREFIX: "gh-prod",
    });
    expect(config.rateLimits.login).toEqual({ max: 5, windowSeconds: 60 });
    expect(config.rateLimits.register).toEqual({ max: 20, windowSeconds: 120 });
    expect(config).toMatchObject({
      requestRateLimit: { max: 100, windowSeconds: 60 },
      trustedProxies: ["10.0.0.0/8", "::1"],
      lockout: { maxFailures: 3 },
      passwordPolicy: { minLength: 15 },
      operationLimits: { maxDepth: 7 },
      maxBodyBytes: 4096,
      introspection: false,
      corsOrigins: ["https://app.example.com", "http://localhost:5173"],
      redisKeyPrefix: "gh-prod",
    });
  });

  it("groups IPv6 clients per /64 unless RATE_LIMIT_IPV6_PREFIX (32 to 128) says otherwise", () => {
    expect(configOf({}).rateLimitIpv6Prefix).toBe(64);
    expect(configOf({ RATE_LIMIT_IPV6_PREFIX: "56" }).rateLimitIpv6Prefix).toBe(56);
    for (const value of ["16", "129", "sixty-four"]) {
      expect(problemsOf({ RATE_LIMIT_IPV6_PREFIX: value }).map((p) => p.split(":")[0])).toEqual(["RATE_LIMIT_IPV6_PREFIX"]);
    }
  });

  it("prunes audit entries after 180 days, hourly, unless AUDIT_RETENTION_DAYS and RETENTION_INTERVAL_SECONDS say otherwise", () => {
    expect(configOf({}).retention).toEqual({ auditRetentionDays: 180, intervalSeconds: 3600 });
    expect(configOf({ AUDIT_RETENTION_DAYS: "30", RETENTION_INTERVAL_SECONDS: "600" }).retention).toEqual({
      auditRetentionDays: 30,
      intervalSeconds: 600,
    });
    expect(problemsOf({ AUDIT_RETENTION_DAYS: "0", RETENTION_INTERVAL_SECONDS: "hourly" }).map((p) => p.split(":")[0]).sort()).toEqual([
      "AUDIT_RETENTION_DAYS",
      "RETENTION_INTERVAL_SECONDS",
    ]);
  });

  it("turns introspection off in production unless INTROSPECTION=true", () => {
    const production = {
      NODE_ENV: "production",
      PUBLIC_URL: "https://auth.example.com",
      JWT_ALGORITHM: "HS256",
      JWT_SECRET: "a production secret of at least 32 characters",
    };
    expect(configOf(production).introspection).toBe(false);
    expect(configOf({ ...production, INTROSPECTION: "true" }).introspection).toBe(true);
  });

  it("reads SUBGRAPH_SDL_TOKEN, a secret of at least 32 characters, absent by default", () => {
    expect(configOf({}).subgraphSdlToken).toBeUndefined();
    expect(configOf({ SUBGRAPH_SDL_TOKEN: "a router secret of at least 32 characters" }).subgraphSdlToken).toBe(
      "a router secret of at least 32 characters",
    );
    expect(problemsOf({ SUBGRAPH_SDL_TOKEN: "short" })).toEqual(["SUBGRAPH_SDL_TOKEN: must be at least 32 characters"]);
  });

  it("reports malformed abuse-resistance variables", () => {
    expect(
      problemsOf({
        RATE_LIMITS: '{"logn":{"max":3,"windowSeconds":60}}',
        TRUSTED_PROXIES: "10.0.0.0/33",
        CORS_ORIGINS: "https://app.example.com/path",
        PASSWORD_MIN_LENGTH: "6",
      }).map((p) => p.split(/[.:]/)[0]).sort(),
    ).toEqual(["CORS_ORIGINS", "PASSWORD_MIN_LENGTH", "RATE_LIMITS", "TRUSTED_PROXIES"]);
    expect(problemsOf({ RATE_LIMITS: "{not json" })).toEqual(["RATE_LIMITS: must be JSON"]);
  });

  it("leaves gateway mode off without GATEWAY_SUBGRAPHS, and reads its settings with defaults", () => {
    expect(configOf({}).gateway).toBeUndefined();
    expect(configOf({ GATEWAY_SUBGRAPHS: "posts=http://127.0.0.1:4101/graphql" }).gateway).toEqual({
      subgraphs: [{ name: "posts", url: "http://127.0.0.1:4101/graphql" }],
      pollSeconds: 30,
      timeoutMs: 5000,
      forwardHeaders: [],
      defaultAccess: "deny",
    });
    const config = configOf({
      GATEWAY_SUBGRAPHS: " posts = http://127.0.0.1:4101/graphql , orders=https://orders.internal/graphql",
      GATEWAY_POLL_SECONDS: "5",
      GATEWAY_TIMEOUT_MS: "1500",
      GATEWAY_FORWARD_HEADERS: "Accept-Language, x-tenant, accept-language",
      GATEWAY_DEFAULT_ACCESS: "allow",
    });
    expect(config.gateway).toEqual({
      subgraphs: [
        { name: "posts", url: "http://127.0.0.1:4101/graphql" },
        { name: "orders", url: "https://orders.internal/graphql" },
      ],
      pollSeconds: 5,
      timeoutMs: 1500,
      forwardHeaders: ["accept-language", "x-tenant"],
      defaultAccess: "allow",
    });
  });

  it("reports every malformed subgraph and refuses to forward credentials or Gatehouse's headers", () => {
    expect(
      problemsOf({
        GATEWAY_SUBGRAPHS:
          "posts=http://a/graphql,posts=http://b/graphql,gatehouse=http://c/graphql,orders,9lives=http://d/graphql,files=ftp://e",
      }),
    ).toEqual([
      'GATEWAY_SUBGRAPHS: "posts" is listed twice',
      `GATEWAY_SUBGRAPHS: "gatehouse" is the name of Gatehouse's own subgraph`,
      'GATEWAY_SUBGRAPHS: "orders" must be name=url',
      'GATEWAY_SUBGRAPHS: "9lives" must start with a letter and hold only letters, digits, - and _',
      'GATEWAY_SUBGRAPHS: the URL of "files" must start with http:// or https://',
    ]);
    expect(problemsOf({ JWT_AUDIENCE: "posts", GATEWAY_SUBGRAPHS: "posts=http://a/graphql" })).toEqual([
      `GATEWAY_SUBGRAPHS: "posts" is JWT_AUDIENCE, the audience of Gatehouse's own tokens`,
    ]);
    for (const header of ["Authorization", "cookie", "X-Gatehouse-User", "host", "bad header"]) {
      expect(problemsOf({ GATEWAY_FORWARD_HEADERS: `x-tenant,${header}` })).toHaveLength(1);
    }
    expect(
      problemsOf({ GATEWAY_POLL_SECONDS: "0", GATEWAY_TIMEOUT_MS: "soon", GATEWAY_DEFAULT_ACCESS: "maybe" })
        .map((p) => p.split(":")[0])
        .sort(),
    ).toEqual(["GATEWAY_DEFAULT_ACCESS", "GATEWAY_POLL_SECONDS", "GATEWAY_TIMEOUT_MS"]);
  });

  describe("with NODE_ENV unset (secure by default)", () => {
    const keys = '{"keys":[]}';

    it("runs as production: no GraphiQL, no introspection", () => {
      const config = loadConfig({ PUBLIC_URL: "https://auth.example.com", JWT_SIGNING_KEYS: keys });
      expect(config).toMatchObject({ nodeEnv: "production", graphiql: false, introspection: false });
    });

    it("refuses development secrets and http URLs, and says in one message what to set", () => {
      let error: unknown;
      try {
        loadConfig({});
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const { problems, hint, message } = error as ConfigError;
      expect(problems).toEqual([
        "PUBLIC_URL: required in production",
        "JWT_SIGNING_KEYS: required in production (a JWK set of private keys)",
      ]);
      expect(hint).toBe(UNSET_NODE_ENV_HINT);
      expect(message).toContain("npm run dev");
      expect(problemsOf({ PUBLIC_URL: "http://auth.example.com", JWT_SIGNING_KEYS: keys }, loadConfig)).toEqual([
        "PUBLIC_URL: must use https in production",
      ]);
    });

    it("gives no hint when a mode was chosen", () => {
      expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(ConfigError);
      expect(() => loadConfig({ NODE_ENV: "production" })).not.toThrow(/npm run dev/);
    });
  });
});

