/**
 * The abuse-resistance services as the auth mutations use them, over HTTP: per-field limits under
 * concurrency (in memory and on Redis), lockout per account and IP, the password policy, and the audit
 * trail they leave.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql } from "./gql/index.ts";
import { createUser } from "./helpers/auth.ts";
import { startTestServer, type TestServer } from "./helpers/server.ts";

const FloodLogin = graphql(`
  mutation FloodLogin($identifier: String!, $password: String!) {
    login(input: { identifier: $identifier, password: $password }) {
      jwt
    }
  }
`);

const PolicyRegister = graphql(`
  mutation PolicyRegister($input: UsersPermissionsRegisterInput!) {
    register(input: $input) {
      jwt
    }
  }
`);

const codeOf = (result: { errors?: { extensions?: { code?: string } }[] }) => result.errors?.[0]?.extensions?.code;

async function floodOfLogins(server: TestServer) {
  await createUser(server.prisma, { username: "victim", email: "victim@example.com" });
  const results = await Promise.all(
    Array.from({ length: 20 }, () => server.gql(FloodLogin, { identifier: "victim", password: "wrong guess" })),
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
      const failed = await server.gql(FloodLogin, { identifier: "wendy", password: `guess ${i}` }, from("203.0.113.7"));
      expect(codeOf(failed)).toBe("BAD_USER_INPUT");
    }
    const locked = await server.gql(FloodLogin, { identifier: "wendy", password: "correct horse battery staple" }, from("203.0.113.7"));
    expect(codeOf(locked)).toBe("ACCOUNT_LOCKED");
    expect(locked.errors?.[0]?.extensions?.retryAfter).toBeGreaterThan(0);

    const owner = await server.gql(FloodLogin, { identifier: "wendy", password: "correct horse battery staple" }, from("198.51.100.20"));
    expect(owner.data?.login.jwt).toBeTruthy();

    const entries = await server.prisma.auditLog.findMany({ where: { action: "ACCOUNT_LOCKED" } });
    expect(entries).toHaveLength(1);
    expect(entries[0]?.ip).toBe("203.0.113.7");
  });

  it("locks unknown identifiers the same way, so a lock reveals nothing", async () => {
    for (let i = 0; i < 3; i++) await server.gql(FloodLogin, { identifier: "ghost", password: `guess ${i}` }, from("203.0.113.8"));
    const locked = await server.gql(FloodLogin, { identifier: "ghost", password: "anything" }, from("203.0.113.8"));
    expect(codeOf(locked)).toBe("ACCOUNT_LOCKED");
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
    const result = await server.gql(PolicyRegister, { input: { username: "xavier", email: "xavier.q@example.com", password } });
    expect(codeOf(result)).toBe("BAD_USER_INPUT");
    expect(result.errors?.[0]?.extensions?.problems).toBeDefined();
    expect(await server.prisma.user.count({ where: { username: "xavier" } })).toBe(0);
  });

  it("accepts a 64-character passphrase with no composition rules", async () => {
    const password = "all lower case words and spaces are fine when the phrase is long";
    expect(password.length).toBe(64);
    const result = await server.gql(PolicyRegister, { input: { username: "yara", email: "yara@example.com", password } });
    expect(result.errors).toBeUndefined();
    expect(result.data?.register.jwt).toBeTruthy();
  });

  it("does not truncate at bcrypt's 72 bytes: passphrases differing only after byte 72 do not match", async () => {
    const prefix = "this passphrase is deliberately longer than seventy-two bytes, so that  ";
    expect(Buffer.byteLength(prefix)).toBe(72);
    const registered = await server.gql(PolicyRegister, {
      input: { username: "zane", email: "zane@example.com", password: `${prefix}the ending matters` },
    });
    expect(registered.errors).toBeUndefined();
    const other = await server.gql(FloodLogin, { identifier: "zane", password: `${prefix}the ending differs` });
    expect(other.errors?.[0]?.message).toBe("Invalid identifier or password");
    const same = await server.gql(FloodLogin, { identifier: "zane", password: `${prefix}the ending matters` });
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
    await server.gql(FloodLogin, { identifier: "abel", password: "the wrong one" }, headers);
    await server.gql(FloodLogin, { identifier: "abel", password: "correct horse battery staple" }, headers);
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
