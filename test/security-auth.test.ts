/**
 * The security services on the auth surface, over HTTP. Abuse resistance as the auth mutations use it:
 * per-field limits under concurrency (in memory and on Redis), lockout per account and IP, the password
 * policy, and the audit trail they leave. Hostile input: forged and malformed tokens, oversized and binary
 * strings, look-alike addresses, flooding through aliases; every answer is a clear error with a stable
 * code, never a 5xx or a stack trace; nothing is stored; the server stays healthy.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { exportSPKI, importJWK, type JWK, SignJWT, UnsecuredJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, signIn } from "./helpers/auth.ts";
import { startTestServer, type TestServer } from "./helpers/server.ts";
import { ForgotPassword, Login, Register } from "./operations/auth.ts";

const ISSUER = "https://auth.example.com";
const AUDIENCE = "gatehouse";

type Body = { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };

const codeOf = (result: { errors?: { extensions?: { code?: string } }[] }) => result.errors?.[0]?.extensions?.code;

async function floodOfLogins(server: TestServer) {
  await createUser(server.prisma, { username: "victim", email: "victim@example.com" });
  const results = await Promise.all(
    Array.from({ length: 20 }, () => server.gql(Login, { input: { identifier: "victim", password: "wrong guess" } })),
  );
  const codes = results.map(codeOf);
  // A LOGIN_FAILED audit row is written exactly when a password was evaluated and failed.
  const evaluated = await server.prisma.auditLog.count({ where: { action: "LOGIN_FAILED" } });
  const limited = results.filter((r) => codeOf(r) === "RATE_LIMITED");
  return { codes, evaluated, limited };
}

// The Redis case needs REDIS_URL (CI sets it; every machine of this project runs Redis on 6379).
const stores: [string, Record<string, string>][] = [
  ["in memory", {}],
  ...(process.env.REDIS_URL ? [["on Redis", { REDIS_URL: process.env.REDIS_URL }] as [string, Record<string, string>]] : []),
];

describe.each(stores)("20 parallel logins against a limit of 3, %s", (_store, env) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ ...env, RATE_LIMIT_MAX: "3", LOCKOUT_MAX_FAILURES: "100" });
  });
  afterAll(() => server?.close());

  it("evaluates exactly 3 passwords and answers the rest RATE_LIMITED with the seconds to wait", async () => {
    const { codes, evaluated, limited } = await floodOfLogins(server);
    expect(codes.filter((c) => c === "BAD_USER_INPUT")).toHaveLength(3);
    expect(limited).toHaveLength(17);
    expect(evaluated).toBe(3);
    for (const result of limited) {
      const retryAfter = result.errors?.[0]?.extensions?.retryAfter;
      expect(typeof retryAfter).toBe("number");
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
    }
  });
});

describe("lockout per account and IP", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ TRUSTED_PROXIES: "127.0.0.1", LOCKOUT_MAX_FAILURES: "3", LOCKOUT_BASE_SECONDS: "60" });
    await createUser(server.prisma, { username: "wendy", email: "wendy@example.com" });
  });
  afterAll(() => server?.close());

  const from = (ip: string) => ({ headers: { "x-forwarded-for": ip } });

  it("locks the attacker's address after 3 failures while the owner still signs in from elsewhere", async () => {
    for (let i = 0; i < 3; i++) {
      const failed = await server.gql(Login, { input: { identifier: "wendy", password: `guess ${i}` } }, from("203.0.113.7"));
      expect(codeOf(failed)).toBe("BAD_USER_INPUT");
    }
    const locked = await server.gql(Login, { input: { identifier: "wendy", password: "correct horse battery staple" } }, from("203.0.113.7"));
    expect(codeOf(locked)).toBe("ACCOUNT_LOCKED");
    expect(locked.errors?.[0]?.extensions?.retryAfter).toBeGreaterThan(0);

    const owner = await server.gql(Login, { input: { identifier: "wendy", password: "correct horse battery staple" } }, from("198.51.100.20"));
    expect(owner.data?.login.jwt).toBeTruthy();

    const entries = await server.prisma.auditLog.findMany({ where: { action: "ACCOUNT_LOCKED" } });
    expect(entries).toHaveLength(1);
    expect(entries[0]?.ip).toBe("203.0.113.7");
  });

  it("locks unknown identifiers the same way, so a lock reveals nothing", async () => {
    for (let i = 0; i < 3; i++) await server.gql(Login, { input: { identifier: "ghost", password: `guess ${i}` } }, from("203.0.113.8"));
    const locked = await server.gql(Login, { input: { identifier: "ghost", password: "anything" } }, from("203.0.113.8"));
    expect(codeOf(locked)).toBe("ACCOUNT_LOCKED");
  });
});

describe("IPv6 clients share their network's budgets", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      TRUSTED_PROXIES: "127.0.0.1",
      REQUEST_RATE_LIMIT_MAX: "6",
      RATE_LIMITS: JSON.stringify({ forgotPassword: { max: 2, windowSeconds: 60 } }),
      LOCKOUT_MAX_FAILURES: "2",
    });
    await createUser(server.prisma, { username: "xavi", email: "xavi@example.com" });
  });
  afterAll(() => server?.close());

  const from = (ip: string) => ({ headers: { "x-forwarded-for": ip } });
  const roles = (ip: string) => server.post(JSON.stringify({ query: "{ roles { id } }" }), { "x-forwarded-for": ip });

  it("counts requests per /64: a new address in the same /64 is refused, another /64 is not", async () => {
    const statuses = [];
    for (let host = 1; host <= 7; host++) statuses.push((await roles(`2001:db8:a:1::${host}`)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429]);
    expect((await roles("2001:db8:a:1:ffff:ffff:ffff:ffff")).status).toBe(429);
    expect((await roles("2001:db8:a:2::1")).status).toBe(200);
  });

  it("counts per-field limits per /64", async () => {
    const forgot = (email: string, ip: string) => server.gql(ForgotPassword, { email }, from(ip));
    expect((await forgot("one@example.com", "2001:db8:b:1::1")).data?.forgotPassword?.ok).toBe(true);
    expect((await forgot("two@example.com", "2001:db8:b:1::2")).data?.forgotPassword?.ok).toBe(true);
    expect(codeOf(await forgot("three@example.com", "2001:db8:b:1:dead:beef::3"))).toBe("RATE_LIMITED");
    expect((await forgot("four@example.com", "2001:db8:b:2::1")).data?.forgotPassword?.ok).toBe(true);
  });

  it("locks the account for the whole /64, not for another one, and audits the full addresses", async () => {
    const login = (password: string, ip: string) => server.gql(Login, { input: { identifier: "xavi", password } }, from(ip));
    expect(codeOf(await login("guess one", "2001:db8:c:1::1"))).toBe("BAD_USER_INPUT");
    expect(codeOf(await login("guess two", "2001:db8:c:1::2"))).toBe("BAD_USER_INPUT");
    expect(codeOf(await login("correct horse battery staple", "2001:db8:c:1::3"))).toBe("ACCOUNT_LOCKED");
    expect((await login("correct horse battery staple", "2001:db8:c:2::1")).data?.login.jwt).toBeTruthy();

    const failures = await server.prisma.auditLog.findMany({ where: { action: "LOGIN_FAILED" }, orderBy: { id: "asc" } });
    expect(failures.map((entry) => entry.ip)).toEqual(["2001:db8:c:1::1", "2001:db8:c:1::2"]);
    const locked = await server.prisma.auditLog.findFirstOrThrow({ where: { action: "ACCOUNT_LOCKED" } });
    expect(locked.ip).toBe("2001:db8:c:1::2");
  });
});

describe("RATE_LIMIT_IPV6_PREFIX", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ TRUSTED_PROXIES: "127.0.0.1", REQUEST_RATE_LIMIT_MAX: "2", RATE_LIMIT_IPV6_PREFIX: "56" });
  });
  afterAll(() => server?.close());

  it("groups IPv6 clients by the configured prefix", async () => {
    const roles = (ip: string) => server.post(JSON.stringify({ query: "{ roles { id } }" }), { "x-forwarded-for": ip });
    const statuses = [];
    // 2001:db8:d:100::/56 holds the /64s 2001:db8:d:100:: to 2001:db8:d:1ff::.
    for (const ip of ["2001:db8:d:101::1", "2001:db8:d:1fe::1", "2001:db8:d:1aa::1", "2001:db8:d:200::1"]) {
      statuses.push((await roles(ip)).status);
    }
    expect(statuses).toEqual([200, 200, 429, 200]);
  });
});

describe("password policy at registration", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it.each([
    ["too short", "short"],
    ["a common password", "password123"],
    ["containing the username", "xavier-is-my-name"],
    ["containing the email's local part", "my xavier.q mailbox"],
  ])("refuses a password %s with BAD_USER_INPUT and stores nothing", async (_why, password) => {
    const result = await server.gql(Register, { input: { username: "xavier", email: "xavier.q@example.com", password } });
    expect(codeOf(result)).toBe("BAD_USER_INPUT");
    expect(result.errors?.[0]?.extensions?.problems).toBeDefined();
    expect(await server.prisma.user.count({ where: { username: "xavier" } })).toBe(0);
  });

  it("accepts a 64-character passphrase with no composition rules", async () => {
    const password = "all lower case words and spaces are fine when the phrase is long";
    expect(password.length).toBe(64);
    const result = await server.gql(Register, { input: { username: "yara", email: "yara@example.com", password } });
    expect(result.errors).toBeUndefined();
    expect(result.data?.register.jwt).toBeTruthy();
  });

  it("does not truncate at bcrypt's 72 bytes: passphrases differing only after byte 72 do not match", async () => {
    const prefix = "this passphrase is deliberately longer than seventy-two bytes, so that  ";
    expect(Buffer.byteLength(prefix)).toBe(72);
    const registered = await server.gql(Register, {
      input: { username: "zane", email: "zane@example.com", password: `${prefix}the ending matters` },
    });
    expect(registered.errors).toBeUndefined();
    const other = await server.gql(Login, { input: { identifier: "zane", password: `${prefix}the ending differs` } });
    expect(other.errors?.[0]?.message).toBe("Invalid identifier or password");
    const same = await server.gql(Login, { input: { identifier: "zane", password: `${prefix}the ending matters` } });
    expect(same.data?.login.jwt).toBeTruthy();
  });
});

describe("audit trail of sign-ins", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await createUser(server.prisma, { username: "abel", email: "abel@example.com" });
  });
  afterAll(() => server?.close());

  it("records success and failure with address and user agent, and never the password", async () => {
    const headers = { headers: { "user-agent": "audit-test/1.0" } };
    await server.gql(Login, { input: { identifier: "abel", password: "the wrong one" } }, headers);
    await server.gql(Login, { input: { identifier: "abel", password: "correct horse battery staple" } }, headers);
    const rows = await server.prisma.auditLog.findMany({ orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.action, r.success])).toEqual([
      ["LOGIN_FAILED", false],
      ["LOGIN_SUCCEEDED", true],
    ]);
    for (const row of rows) {
      expect(row.ip).toBe("127.0.0.1");
      expect(row.userAgent).toBe("audit-test/1.0");
      expect(JSON.stringify(row)).not.toMatch(/the wrong one|correct horse/);
    }
  });
});

describe("hostile input to the auth surface", () => {
  let server: TestServer;
  let victimId: string;
  let privateJwk: JWK;

  beforeAll(async () => {
    server = await startTestServer({ PUBLIC_URL: ISSUER });
    victimId = String((await createUser(server.prisma, { username: "victim", email: "victim@example.com" })).id);
    const stored = JSON.parse(await readFile(join(server.dataDir, "keys", "signing-keys.EdDSA.json"), "utf8"));
    privateJwk = stored.keys[0];
  });
  afterAll(() => server?.close());

  async function ours(claims: Record<string, unknown>, configure: (jwt: SignJWT) => SignJWT = (jwt) => jwt) {
    const key = await importJWK(privateJwk, "EdDSA");
    const jwt = new SignJWT({ roles: ["admin"], ...claims })
      .setProtectedHeader({ alg: "EdDSA", kid: privateJwk.kid })
      .setSubject(victimId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setJti("hostile");
    return configure(jwt).sign(key);
  }

  const forgedTokens: [string, () => Promise<string>][] = [
    ["alg none", async () => new UnsecuredJWT({ sub: victimId }).setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt().setExpirationTime("5m").encode()],
    ["HS256 signed with the public key", async () => {
      const publicKey = await importJWK({ ...privateJwk, d: undefined }, "EdDSA");
      const pem = await exportSPKI(publicKey as CryptoKey);
      return new SignJWT({ roles: [] }).setProtectedHeader({ alg: "HS256", kid: privateJwk.kid }).setSubject(victimId).setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt().setJti("x").setExpirationTime("5m").sign(new TextEncoder().encode(pem));
    }],
    ["an unknown kid", async () => {
      const key = await importJWK(privateJwk, "EdDSA");
      return new SignJWT({ roles: [] }).setProtectedHeader({ alg: "EdDSA", kid: "someone-elses" }).setSubject(victimId).setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt().setJti("x").setExpirationTime("5m").sign(key);
    }],
    ["an expired token", () => ours({}, (jwt) => jwt.setExpirationTime(Math.floor(Date.now() / 1000) - 60))],
    ["a future nbf", () => ours({}, (jwt) => jwt.setNotBefore("10m").setExpirationTime("20m"))],
    ["a wrong audience", () => ours({}, (jwt) => jwt.setAudience("another-api").setExpirationTime("5m"))],
    ["a tampered payload", async () => {
      const [header, , signature] = (await signIn(server, "victim")).jwt.split(".");
      const payload = Buffer.from(JSON.stringify({ sub: "1", roles: ["admin"], iss: ISSUER, aud: AUDIENCE, exp: 4102444800, iat: 1, jti: "x" })).toString("base64url");
      return `${header}.${payload}.${signature}`;
    }],
    ["a valid signature without a session", () => ours({ sid: "00000000-0000-4000-8000-000000000000" }, (jwt) => jwt.setExpirationTime("5m"))],
    ["a sub that is not a user id", () => ours({}, (jwt) => jwt.setSubject("1 OR 1=1").setExpirationTime("5m"))],
  ];

  it.each(forgedTokens)("refuses %s with UNAUTHENTICATED", async (_name, make) => {
    const response = await server.post(JSON.stringify({ query: "{ me { id username } }" }), { authorization: `Bearer ${await make()}` });
    expect(response.status).toBeLessThan(500);
    const body = (await response.json()) as Body;
    expect(body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(JSON.stringify(body)).not.toMatch(/\.ts:\d+|\bat [\w.]+ \(/);
    expect(body.data ?? null).toBeNull();
  });

  const mutation = (query: string, variables: Record<string, unknown>) => JSON.stringify({ query, variables });
  const register = "mutation R($u: String!, $e: String!, $p: String!) { register(input: { username: $u, email: $e, password: $p }) { jwt } }";
  const login = "mutation L($i: String!, $p: String!) { login(input: { identifier: $i, password: $p }) { jwt } }";
  const hostileInputs: [string, string, string][] = [
    ["a 100 kB username", mutation(register, { u: "u".repeat(100_000), e: "a@example.com", p: "a fine passphrase" }), "BAD_USER_INPUT"],
    ["a 100 kB password", mutation(register, { u: "longpw", e: "b@example.com", p: "p".repeat(100_000) }), "BAD_USER_INPUT"],
    ["a null byte in the username", mutation(register, { u: "nul\u0000name", e: "c@example.com", p: "a fine passphrase" }), "BAD_USER_INPUT"],
    ["a null byte in the password", mutation(register, { u: "nulpw", e: "d@example.com", p: "a fine\u0000passphrase" }), "BAD_USER_INPUT"],
    ["a Cyrillic look-alike email", mutation(register, { u: "lookalike", e: "vіctim@example.com", p: "a fine passphrase" }), "BAD_USER_INPUT"],
    ["a full-width look-alike username", mutation(register, { u: "ｖｉｃｔｉｍ", e: "e@example.com", p: "a fine passphrase" }), "BAD_USER_INPUT"],
    ["an email with a newline (header injection)", mutation(register, { u: "inject", e: "f@example.com\nBcc: x@evil.test", p: "a fine passphrase" }), "BAD_USER_INPUT"],
    ["a 100 kB identifier", mutation(login, { i: "i".repeat(100_000), p: "x" }), "BAD_USER_INPUT"],
    ["a look-alike identifier", mutation(login, { i: "vіctim", p: "correct horse battery staple" }), "BAD_USER_INPUT"],
    ["an identifier that is SQL", mutation(login, { i: "' OR 1=1 --", p: "x" }), "BAD_USER_INPUT"],
    ["a non-string password", mutation(login, { i: "victim", p: { $ne: null } }), "BAD_USER_INPUT"],
    ["two logins as aliases in one request", JSON.stringify({ query: 'mutation { a: login(input: { identifier: "victim", password: "x" }) { jwt } b: login(input: { identifier: "victim", password: "y" }) { jwt } }' }), "OPERATION_LIMIT_EXCEEDED"],
  ];

  it.each(hostileInputs)("answers %s with a clear error and stores nothing", async (_name, body, code) => {
    const before = await counts();
    const response = await server.post(body);
    expect(response.status).toBeLessThan(500);
    const json = (await response.json()) as Body;
    expect(json.errors?.[0]?.extensions?.code).toBe(code);
    expect(JSON.stringify(json)).not.toMatch(/\.ts:\d+|\bat [\w.]+ \(/);
    expect(await counts()).toEqual(before);
  });

  it("is still healthy and serves the real user afterwards", async () => {
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect((await fetch(`${server.url}/ready`)).status).toBe(200);
    expect((await signIn(server, "victim")).jwt).toBeTruthy();
  });

  async function counts() {
    const [users, sessions, codes, emails] = await Promise.all([
      server.prisma.user.count(),
      server.prisma.session.count(),
      server.prisma.oneTimeToken.count(),
      server.prisma.emailOutbox.count(),
    ]);
    return { users, sessions, codes, emails };
  }
});
