/**
 * Retention: rows of every kind are made the way clients make them (over HTTP), aged by backdating them
 * in the database, and pruned by the job run through the service. What is still due to be used stays,
 * and keeps working over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RETENTION_LOCK_KEY } from "../src/modules/retention/retention.service.ts";
import { createUser, signIn } from "./helpers/auth.ts";
import { type MailServer, startMailServer } from "./helpers/mail.ts";
import { errorCode, startTestServer, type TestServer } from "./helpers/server.ts";
import { ForgotPassword, Me } from "./operations/auth.ts";
import { Logout, Refresh } from "./operations/sessions.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS);
const sessionIdOf = (jwt: string) =>
  (JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString()) as { sid: string }).sid;

describe("retention", () => {
  let server: TestServer;
  let mail: MailServer;
  beforeAll(async () => {
    mail = await startMailServer();
    server = await startTestServer({ SMTP_URL: mail.url, AUDIT_RETENTION_DAYS: "30" });
    await createUser(server.prisma, { username: "uma", email: "uma@example.com" });
    await createUser(server.prisma, { username: "vic", email: "vic@example.com" });
  });
  afterAll(async () => {
    await server?.close();
    await mail?.stop();
  });

  async function sentResetEmail(address: string) {
    const since = mail.messages.length;
    expect((await server.gql(ForgotPassword, { email: address })).data?.forgotPassword?.ok).toBe(true);
    await mail.lastEmailTo(address, { since });
    for (let tries = 0; tries < 100; tries++) {
      const row = await server.prisma.emailOutbox.findFirst({ where: { to: address, status: "SENT" } });
      if (row) return row;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`the email to ${address} was never marked SENT`);
  }

  it("prunes ended sessions, spent refresh tokens, expired codes, delivered emails and old audit entries, and keeps the rest", async () => {
    // Sessions: one signed out, one past its absolute end, one idle too long, one in use.
    const loggedOut = await signIn(server, "uma");
    expect((await server.gql(Logout, {}, loggedOut)).data?.logout.ok).toBe(true);
    const expired = await signIn(server, "uma");
    await server.prisma.session.update({ where: { id: sessionIdOf(expired.jwt) }, data: { expiresAt: daysAgo(1) } });
    const idle = await signIn(server, "uma");
    await server.prisma.session.update({ where: { id: sessionIdOf(idle.jwt) }, data: { lastUsedAt: daysAgo(15) } });
    const active = await signIn(server, "uma");
    const activeId = sessionIdOf(active.jwt);

    // Refresh tokens of the active session: two rotated (one past its expiry), and the current one.
    const first = (await server.gql(Refresh, { refreshToken: active.refreshToken })).data!.refresh;
    const second = (await server.gql(Refresh, { refreshToken: first.refreshToken })).data!.refresh;
    const tokens = await server.prisma.refreshToken.findMany({ where: { sessionId: activeId }, orderBy: { createdAt: "asc" } });
    expect(tokens.map((token) => token.rotatedAt !== null)).toEqual([true, true, false]);
    await server.prisma.refreshToken.update({ where: { id: tokens[0]!.id }, data: { expiresAt: daysAgo(1) } });

    // One-time codes and their delivered emails: one of each aged.
    const umaEmail = await sentResetEmail("uma@example.com");
    const vicEmail = await sentResetEmail("vic@example.com");
    const umaCode = await server.prisma.oneTimeToken.findFirstOrThrow({ where: { user: { username: "uma" } } });
    await server.prisma.oneTimeToken.update({ where: { id: umaCode.id }, data: { expiresAt: daysAgo(1 / 24) } });
    await server.prisma.emailOutbox.update({ where: { id: umaEmail.id }, data: { sentAt: daysAgo(2) } });
    const failedEmail = await server.prisma.emailOutbox.create({
      data: { to: "gone@example.com", from: "x@example.com", subject: "never sent", status: "FAILED", text: "code", createdAt: daysAgo(40) },
    });
    // Failed a day ago: its body is kept for `gatehouse outbox retry`.
    const recentFailure = await server.prisma.emailOutbox.create({
      data: { to: "later@example.com", from: "x@example.com", subject: "failed", status: "FAILED", text: "code", createdAt: daysAgo(1) },
    });

    // Audit entries (the sign-ins above wrote some): one past AUDIT_RETENTION_DAYS=30, one just inside it.
    const entries = await server.prisma.auditLog.findMany({ orderBy: { id: "asc" }, take: 2 });
    expect(entries).toHaveLength(2);
    await server.prisma.auditLog.update({ where: { id: entries[0]!.id }, data: { createdAt: daysAgo(31) } });
    await server.prisma.auditLog.update({ where: { id: entries[1]!.id }, data: { createdAt: daysAgo(29) } });
    const auditBefore = await server.prisma.auditLog.count();

    const outcome = await server.services.retention.runOnce();
    expect(outcome).toEqual({ status: "pruned", sessions: 3, refreshTokens: 1, oneTimeCodes: 1, oauthStates: 0, outbox: 1, audit: 1 });

    expect((await server.prisma.session.findMany()).map((session) => session.id)).toEqual([activeId]);
    expect((await server.prisma.refreshToken.findMany({ orderBy: { createdAt: "asc" } })).map((token) => token.id)).toEqual(
      tokens.slice(1).map((token) => token.id),
    );
    const vic = await server.prisma.user.findUniqueOrThrow({ where: { username: "vic" } });
    expect((await server.prisma.oneTimeToken.findMany()).map((code) => code.userId)).toEqual([vic.id]);
    expect((await server.prisma.emailOutbox.findMany({ orderBy: { id: "asc" } })).map((row) => row.id)).toEqual([vicEmail.id, failedEmail.id, recentFailure.id]);
    expect(await server.prisma.emailOutbox.findUniqueOrThrow({ where: { id: failedEmail.id } })).toMatchObject({ html: null, text: null });
    expect((await server.prisma.emailOutbox.findUniqueOrThrow({ where: { id: recentFailure.id } })).text).toBe("code");
    expect(await server.prisma.auditLog.count()).toBe(auditBefore - 1);
    expect(await server.prisma.auditLog.findUnique({ where: { id: entries[0]!.id } })).toBeNull();
    expect(await server.prisma.auditLog.findUnique({ where: { id: entries[1]!.id } })).not.toBeNull();

    // What was kept still works: the session's access token, and its current refresh token.
    expect((await server.gql(Me, undefined, active)).data?.me?.username).toBe("uma");
    const third = await server.gql(Refresh, { refreshToken: second.refreshToken });
    expect(third.errors).toBeUndefined();
    // A kept rotated token is still recognised as a replay and ends the session.
    expect(errorCode(await server.gql(Refresh, { refreshToken: first.refreshToken }))).toBe("UNAUTHENTICATED");
    expect(errorCode(await server.gql(Refresh, { refreshToken: third.data!.refresh.refreshToken }))).toBe("UNAUTHENTICATED");
    expect((await server.prisma.session.findUniqueOrThrow({ where: { id: activeId } })).revokedReason).toBe("refresh-token-reuse");
  });

  it("prunes nothing more on a second run", async () => {
    // The session revoked for reuse above is the only row that became due.
    expect(await server.services.retention.runOnce()).toEqual({ status: "pruned", sessions: 1, refreshTokens: 0, oneTimeCodes: 0, oauthStates: 0, outbox: 0, audit: 0 });
    expect(await server.services.retention.runOnce()).toEqual({ status: "pruned", sessions: 0, refreshTokens: 0, oneTimeCodes: 0, oauthStates: 0, outbox: 0, audit: 0 });
  });

  it("never runs twice at once in one process: a second call joins the run in progress", async () => {
    const [a, b] = [server.services.retention.runOnce(), server.services.retention.runOnce()];
    expect(a).toBe(b);
    expect((await a).status).toBe("pruned");
  });

  // Several instances share one PostgreSQL database (PGlite is one process, with one connection).
  it.runIf(process.env.GATEHOUSE_TEST_DB === "postgres")("skips a round while another instance holds the lock", async () => {
    const signedOut = await signIn(server, "vic");
    await server.gql(Logout, {}, signedOut);
    const whileHeld = await server.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT pg_advisory_xact_lock(${RETENTION_LOCK_KEY})::text`;
      return server.services.retention.runOnce();
    });
    expect(whileHeld).toEqual({ status: "skipped" });
    expect(await server.prisma.session.count({ where: { id: sessionIdOf(signedOut.jwt) } })).toBe(1);
    expect(await server.services.retention.runOnce()).toMatchObject({ status: "pruned", sessions: 1 });
  });
});

describe("the retention job's schedule", () => {
  it("starts with the app, prunes every RETENTION_INTERVAL_SECONDS on its own, and stops when the app closes", async () => {
    const server = await startTestServer({ RETENTION_INTERVAL_SECONDS: "1" });
    const { retention } = server.services;
    try {
      expect(retention.started).toBe(true);
      await createUser(server.prisma, { username: "wes", email: "wes@example.com" });
      const signedOut = await signIn(server, "wes");
      await server.gql(Logout, {}, signedOut);
      const id = sessionIdOf(signedOut.jwt);
      // Nobody calls runOnce here: the scheduled run deletes the ended session.
      for (let tries = 0; tries < 200 && (await server.prisma.session.count({ where: { id } })) > 0; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(await server.prisma.session.count({ where: { id } })).toBe(0);
    } finally {
      await server.close();
    }
    expect(retention.started).toBe(false);
  });
});
