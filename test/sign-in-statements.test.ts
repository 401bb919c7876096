/**
 * Issue 10's sign-in throughput: bcrypt is a fixed cost, so what login, register and refresh may still
 * cut is their SQL. These tests count the statements each sends once the server is warm (held roles and
 * settings served from the change-fed caches), with the statement recorder of `startTestServer`, and
 * check that the answers are still the whole answers.
 */
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, signIn } from "./helpers/auth.ts";
import { startTestServer, type TestServer } from "./helpers/server.ts";
import { MyPermissions } from "./operations/access.ts";
import { Login, Me, Register } from "./operations/auth.ts";
import { Refresh } from "./operations/sessions.ts";

/** The outbox worker and the retention job would add statements of their own to a count. */
const quiet = { EMAIL_POLL_INTERVAL_MS: "3600000", RETENTION_INTERVAL_SECONDS: "86400" };

/** Statements that only a transaction around several writes needs. */
const transactionControl = /^\s*(BEGIN|COMMIT|ROLLBACK)\b/i;

describe("statements of a warm sign-in", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(quiet, { recordSql: true });
    await createUser(server.prisma, { username: "alice", email: "alice@example.com" });
    await createUser(server.prisma, { username: "boss", email: "boss@example.com", roleType: "admin" });
    // Warms the settings and the held roles of the users signed in below.
    await signIn(server, "alice");
    await signIn(server, "boss");
    await server.gql(Register, { input: { username: "warmup", email: "warmup@example.com", password: "correct horse battery staple" } });
  });
  afterAll(() => server?.close());

  it("login sends two: the account with its role, then the audit entry, session and refresh token together", async () => {
    server.sql.reset();
    const result = await server.gql(Login, { input: { identifier: "alice@example.com", password: "correct horse battery staple" } });
    expect(result.data?.login).toMatchObject({ user: { username: "alice" } });
    expect(server.sql.statements).toHaveLength(2);
    expect(server.sql.statements.filter((sql) => transactionControl.test(sql))).toEqual([]);

    const token = await server.gql(Me, {}, { headers: { authorization: `Bearer ${result.data!.login.jwt}` } });
    expect(token.data?.me).toMatchObject({ username: "alice", role: { type: "authenticated" } });
    const entry = await server.prisma.auditLog.findFirstOrThrow({ where: { action: "LOGIN_SUCCEEDED" }, orderBy: { id: "desc" } });
    expect(entry).toMatchObject({ success: true, actorId: Number(result.data!.login.user.id), targetType: "User", targetId: result.data!.login.user.id });
  });

  it("puts the roles authorization uses in the token, from the held-roles cache", async () => {
    server.sql.reset();
    const boss = await signIn(server, "boss@example.com");
    expect(server.sql.statements).toHaveLength(2);
    expect(decodeJwt(boss.jwt).roles).toEqual(["authenticated", "admin"]);
  });

  it("register sends four: the default role, the account, its held roles (a new user is never cached), and the sign-in writes", async () => {
    server.sql.reset();
    const input = { username: "newcomer", email: "newcomer@example.com", password: "correct horse battery staple" };
    const result = await server.gql(Register, { input });
    expect(result.data?.register).toMatchObject({ user: { username: "newcomer", confirmed: true, role: { type: "authenticated", name: "Authenticated" } } });
    expect(server.sql.statements).toHaveLength(4);
    expect(server.sql.statements.filter((sql) => transactionControl.test(sql))).toEqual([]);
    expect(decodeJwt(result.data!.register.jwt!).roles).toEqual(["authenticated"]);
    const entry = await server.prisma.auditLog.findFirstOrThrow({ where: { action: "USER_REGISTERED" }, orderBy: { id: "desc" } });
    expect(entry).toMatchObject({ success: true, actorId: Number(result.data!.register.user.id) });
  });

  it("refresh sends two: the token with its session and user, then the claim, the session's use and the next token together", async () => {
    const alice = await signIn(server, "alice");
    await server.gql(MyPermissions, {}, { headers: alice.headers });
    server.sql.reset();
    const refreshed = await server.gql(Refresh, { refreshToken: alice.refreshToken });
    expect(refreshed.data?.refresh?.refreshToken).toEqual(expect.any(String));
    expect(server.sql.statements).toHaveLength(2);
    expect(server.sql.statements.filter((sql) => transactionControl.test(sql))).toEqual([]);
    expect(decodeJwt(refreshed.data!.refresh.jwt).sid).toBe(decodeJwt(alice.jwt).sid);

    // The rotated token is spent: presented again, it revokes the session, so its successor is refused too.
    expect((await server.gql(Refresh, { refreshToken: alice.refreshToken })).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const successor = await server.gql(Refresh, { refreshToken: refreshed.data!.refresh.refreshToken });
    expect(successor.errors?.[0]?.extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "INVALID_TOKEN" });
  });
});
