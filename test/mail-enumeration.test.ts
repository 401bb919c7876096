/**
 * The mutations that mail an address tell nobody whether it belongs to an account (issue 9 items 9, 10
 * and 14), over HTTP against a real database and a real SMTP listener:
 * - forgotPassword and sendEmailConfirmation do the same database work for every address (the SQL they
 *   send is compared statement by statement); the worker then mails real accounts and nobody else;
 * - register with a taken address, confirmation on, answers as for a new one and mails the owner;
 * - however many IPs ask, an address receives at most EMAIL_RATE_LIMIT_MAX emails per window.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, setAdvancedSettings } from "./helpers/auth.ts";
import { type MailServer, startMailServer } from "./helpers/mail.ts";
import { errorCode, startTestServer, type TestServer } from "./helpers/server.ts";
import { ForgotPassword, Register, ResendConfirmation } from "./operations/auth.ts";

/** Waits until every mail request has been handled and every queued email sent (or given up). */
async function settled(server: TestServer, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [requests, pending] = await Promise.all([
      server.prisma.mailRequest.count(),
      server.prisma.emailOutbox.count({ where: { status: "PENDING" } }),
    ]);
    if (requests === 0 && pending === 0) return;
    if (Date.now() > deadline) throw new Error(`not settled: ${requests} mail requests, ${pending} emails pending`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Stops both workers (mail requests, outbox), so that only the request path sends SQL. */
async function pauseWorkers(server: TestServer) {
  await Promise.all([server.services.auth.mailRequests.stop(), server.email.worker.stop()]);
}

function resumeWorkers(server: TestServer) {
  server.services.auth.mailRequests.start();
  server.email.worker.start();
}

/**
 * The SQL a request sends (pause the workers first), without two readers that run on their own clock:
 * the ACL reads its rules and roles for the anonymous caller with a short cache (the same for every
 * address), and the email service warms its templates up (reading settings) 5 s after start, into
 * whichever request runs then. Neither flow reads settings on the request path; the assertions on
 * `users` and on the one INSERT below hold whatever is filtered.
 */
async function sqlOf(server: TestServer, send: () => Promise<unknown>) {
  server.sql.reset();
  await send();
  return server.sql.statements.filter((sql) => !/"public"\."(acl_rules|roles|settings)"/.test(sql));
}

describe("forgotPassword and sendEmailConfirmation do the same work for every address", () => {
  let server: TestServer;
  let mail: MailServer;
  beforeAll(async () => {
    mail = await startMailServer();
    server = await startTestServer({ SMTP_URL: mail.url, TRUSTED_PROXIES: "127.0.0.1" }, { recordSql: true });
    await createUser(server.prisma, { username: "nina", email: "nina@example.com" });
    await createUser(server.prisma, { username: "ursula", email: "ursula@example.com", confirmed: false });
    await createUser(server.prisma, { username: "oscar", email: "oscar@example.com", blocked: true });
  });
  afterAll(async () => {
    await server?.close();
    await mail?.stop();
  });

  it("sends the same SQL for a known and an unknown address, then mails only the account", async () => {
    await pauseWorkers(server);
    const from = { headers: { "x-forwarded-for": "198.51.100.9", "user-agent": "enumeration-probe" } };
    const known = await sqlOf(server, () => server.gql(ForgotPassword, { email: "Nina@example.com" }, from));
    const unknown = await sqlOf(server, () => server.gql(ForgotPassword, { email: "nobody@example.com" }, from));
    const blocked = await sqlOf(server, () => server.gql(ForgotPassword, { email: "oscar@example.com" }, from));
    // No account is looked up on the request path: the one write is the mail request.
    expect(known.filter((sql) => sql.includes('"public"."users"'))).toEqual([]);
    expect(known.filter((sql) => sql.startsWith("INSERT"))).toEqual([expect.stringContaining('"public"."mail_requests"')]);
    expect(unknown).toEqual(known);
    expect(blocked).toEqual(known);
    // Nothing about the account was touched on the request path: no code, no email, no audit entry yet.
    expect(await server.prisma.mailRequest.count()).toBe(3);
    expect(await server.prisma.oneTimeToken.count()).toBe(0);
    expect(await server.prisma.emailOutbox.count()).toBe(0);

    const since = mail.messages.length;
    resumeWorkers(server);
    await settled(server);
    const email = await mail.lastEmailTo("nina@example.com", { since });
    expect(email.subject).toBe("Reset password");
    expect(mail.messages.slice(since).map((m) => m.to)).toEqual([["nina@example.com"]]);
    // The worker audits the request with the requester's address and user agent.
    const entry = await server.prisma.auditLog.findFirstOrThrow({ where: { action: "PASSWORD_RESET_REQUESTED" } });
    expect(entry).toMatchObject({ ip: "198.51.100.9", userAgent: "enumeration-probe" });
  });

  it("does the same for sendEmailConfirmation: one row for every address, an email only for the unconfirmed account", async () => {
    await pauseWorkers(server);
    const unconfirmed = await sqlOf(server, () => server.gql(ResendConfirmation, { email: "ursula@example.com" }));
    const confirmed = await sqlOf(server, () => server.gql(ResendConfirmation, { email: "nina@example.com" }));
    const unknown = await sqlOf(server, () => server.gql(ResendConfirmation, { email: "nobody@example.com" }));
    expect(confirmed).toEqual(unconfirmed);
    expect(unknown).toEqual(unconfirmed);

    const since = mail.messages.length;
    resumeWorkers(server);
    await settled(server);
    expect((await mail.lastEmailTo("ursula@example.com", { since })).subject).toBe("Account confirmation");
    expect(mail.messages.slice(since).map((m) => m.to)).toEqual([["ursula@example.com"]]);
  });

  it("keeps a request until the worker runs: a restart loses none", async () => {
    await pauseWorkers(server);
    await server.gql(ForgotPassword, { email: "nina@example.com" });
    expect(await server.prisma.mailRequest.count()).toBe(1);
    const since = mail.messages.length;
    resumeWorkers(server);
    await settled(server);
    expect((await mail.lastEmailTo("nina@example.com", { since })).subject).toBe("Reset password");
  });
});

describe("register with a taken address while email confirmation is on", () => {
  let server: TestServer;
  let mail: MailServer;
  const password = "a long enough passphrase";
  beforeAll(async () => {
    mail = await startMailServer();
    server = await startTestServer({ SMTP_URL: mail.url });
    await createUser(server.prisma, { username: "olga", email: "olga@example.com" });
    await setAdvancedSettings(server.prisma, { emailConfirmation: true });
  });
  afterAll(async () => {
    await server?.close();
    await mail?.stop();
  });

  it("answers exactly as for a new address, creates nothing, and mails the owner instead", async () => {
    const since = mail.messages.length;
    const fresh = await server.gql(Register, { input: { username: "newcomer", email: "fresh@example.com", password } });
    const taken = await server.gql(Register, { input: { username: "intruder", email: "OLGA@example.com", password } });
    expect(fresh.errors).toBeUndefined();
    expect(taken.errors).toBeUndefined();
    const shape = (user: NonNullable<typeof fresh.data>["register"]["user"]) => ({
      ...user,
      id: /^\d+$/.test(user.id),
      documentId: /^c[0-9a-z]{24}$/.test(user.documentId),
    });
    expect(shape(taken.data!.register.user)).toEqual({ ...shape(fresh.data!.register.user), username: "intruder", email: "olga@example.com" });
    expect(taken.data!.register).toMatchObject({ jwt: null, refreshToken: null, user: { id: expect.any(String), confirmed: false } });
    expect(fresh.data!.register).toMatchObject({ jwt: null, refreshToken: null });
    // The neutral answer's id is one nobody holds, and no account was made for it.
    expect(await server.prisma.user.findUnique({ where: { id: Number(taken.data!.register.user.id) } })).toBeNull();
    expect(await server.prisma.user.count({ where: { username: "intruder" } })).toBe(0);

    await settled(server);
    const notice = await mail.lastEmailTo("olga@example.com", { since });
    expect(notice.subject).toBe("Someone tried to sign up with your address");
    expect(notice.text).toContain("olga");
    expect((await mail.lastEmailTo("fresh@example.com", { since })).subject).toBe("Account confirmation");
    expect(mail.messages.slice(since).map((m) => m.to[0]).sort()).toEqual(["fresh@example.com", "olga@example.com"]);
    const audited = await server.prisma.auditLog.findFirstOrThrow({ where: { action: "SIGN_UP_WITH_TAKEN_EMAIL" } });
    expect(audited.targetType).toBe("User");
  });

  it("refuses a taken username with Strapi's message whatever the email, so it tells nothing about the email", async () => {
    for (const email of ["someone-new@example.com", "olga@example.com"]) {
      const result = await server.gql(Register, { input: { username: "OLGA", email, password } });
      expect(result.errors?.[0]).toMatchObject({ message: "Email or Username are already taken", extensions: { code: "BAD_USER_INPUT" } });
    }
  });

  it("keeps Strapi's answer for a taken email when confirmation is off: the caller would get a session", async () => {
    await setAdvancedSettings(server.prisma, { emailConfirmation: false });
    try {
      const result = await server.gql(Register, { input: { username: "another", email: "olga@example.com", password } });
      expect(errorCode(result)).toBe("BAD_USER_INPUT");
      expect(result.errors?.[0]?.message).toBe("Email or Username are already taken");
    } finally {
      await setAdvancedSettings(server.prisma, { emailConfirmation: true });
    }
  });
});

describe("mail bombing: EMAIL_RATE_LIMIT_MAX emails per address, whatever the number of IPs", () => {
  let server: TestServer;
  let mail: MailServer;
  beforeAll(async () => {
    mail = await startMailServer();
    server = await startTestServer({ SMTP_URL: mail.url, TRUSTED_PROXIES: "127.0.0.1", EMAIL_RATE_LIMIT_MAX: "2" });
    await createUser(server.prisma, { username: "vera", email: "vera@example.com", confirmed: false });
    await createUser(server.prisma, { username: "walt", email: "walt@example.com" });
  });
  afterAll(async () => {
    await server?.close();
    await mail?.stop();
  });

  it("answers every request the same and sends the address 2 emails, from 6 requests over 6 IPs", async () => {
    const since = mail.messages.length;
    for (const [index, resend] of [false, true, false, true, false, false].entries()) {
      const from = { headers: { "x-forwarded-for": `203.0.113.${index + 1}` } };
      const result = resend
        ? await server.gql(ResendConfirmation, { email: "vera@example.com" }, from)
        : await server.gql(ForgotPassword, { email: "vera@example.com" }, from);
      expect(result.errors).toBeUndefined();
      await settled(server);
    }
    await server.gql(ForgotPassword, { email: "walt@example.com" });
    await settled(server);
    await mail.lastEmailTo("walt@example.com", { since });
    expect(mail.messages.slice(since).filter((m) => m.to.includes("vera@example.com"))).toHaveLength(2);
    // Another address has its own budget.
    expect(mail.messages.slice(since).filter((m) => m.to.includes("walt@example.com"))).toHaveLength(1);
    expect(await server.prisma.oneTimeToken.count({ where: { user: { email: "vera@example.com" } } })).toBe(2);
  });
});
