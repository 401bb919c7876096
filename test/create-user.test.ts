/**
 * `createUser`: admins create accounts, with a password (policy applies) or without one, in which case the
 * user receives a set-password link by email and follows it. Over HTTP, with a real SMTP listener.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, type SignedIn, signIn } from "./helpers/auth.ts";
import { type MailServer, startMailServer } from "./helpers/mail.ts";
import { errorCode, startTestServer, type TestServer } from "./helpers/server.ts";
import { Login, ResetPassword } from "./operations/auth.ts";
import { CreateUser } from "./operations/users.ts";

const PASSPHRASE = "a perfectly good passphrase";

describe("createUser", () => {
  let server: TestServer;
  let mail: MailServer;
  let admin: SignedIn;
  let member: SignedIn;
  beforeAll(async () => {
    mail = await startMailServer();
    server = await startTestServer({ SMTP_URL: mail.url, PUBLIC_URL: "http://gatehouse.test" });
    await createUser(server.prisma, { username: "root", email: "root@example.com", roleType: "admin" });
    await createUser(server.prisma, { username: "member", email: "member@example.com" });
    admin = await signIn(server, "root");
    member = await signIn(server, "member");
  });
  afterAll(async () => {
    await server?.close();
    await mail?.stop();
  });

  it("creates an account with a password that signs in, with the default role, audited", async () => {
    const created = await server.gql(
      CreateUser,
      { data: { username: "Ada", email: "ADA@Example.com", password: PASSPHRASE, confirmed: true, profile: { team: "analytics" } } },
      { headers: admin.headers },
    );
    expect(created.errors).toBeUndefined();
    expect(created.data?.createUser).toMatchObject({
      username: "Ada",
      email: "ada@example.com",
      provider: "local",
      confirmed: true,
      blocked: false,
      profile: { team: "analytics" },
      role: { type: "authenticated" },
    });
    const login = await server.gql(Login, { input: { identifier: "ada@example.com", password: PASSPHRASE } });
    expect(login.data?.login.user.username).toBe("Ada");

    const entry = await server.prisma.auditLog.findFirstOrThrow({ where: { action: "USER_CREATED", targetId: created.data!.createUser.id } });
    expect(entry.actorId).toBe(Number(admin.userId));
    expect(entry.metadata).toMatchObject({ credentials: "given" });
  });

  it("emails a set-password link when no password is given; the link sets it and signs in", async () => {
    const since = mail.messages.length;
    const created = await server.gql(
      CreateUser,
      { data: { username: "grace", email: "grace@example.com", role: "admin", confirmed: true } },
      { headers: admin.headers },
    );
    expect(created.errors).toBeUndefined();
    expect(created.data?.createUser.role.type).toBe("admin");
    const user = await server.prisma.user.findUniqueOrThrow({ where: { email: "grace@example.com" } });
    expect(user.passwordHash).toBeNull();

    // Sent after the commit by the mail-request worker, which audits nothing of its own: USER_CREATED says it.
    const email = await mail.lastEmailTo("grace@example.com", { since });
    const code = /reset-password\?code=([\w-]+)/.exec(email.text)?.[1];
    expect(code).toBeTruthy();
    expect(await server.prisma.mailRequest.count()).toBe(0);
    const entries = await server.prisma.auditLog.findMany({ where: { targetId: String(user.id) }, select: { action: true, metadata: true } });
    expect(entries).toEqual([{ action: "USER_CREATED", metadata: expect.objectContaining({ credentials: "email-link" }) }]);
    const reset = await server.gql(ResetPassword, { code: code!, password: PASSPHRASE, passwordConfirmation: PASSPHRASE });
    expect(reset.errors).toBeUndefined();
    expect(reset.data?.resetPassword?.user.username).toBe("grace");
    const login = await server.gql(Login, { input: { identifier: "grace", password: PASSPHRASE } });
    expect(login.data?.login.jwt).toBeTruthy();
  });

  it("asks for no set-password email for an account created blocked", async () => {
    const created = await server.gql(
      CreateUser,
      { data: { username: "mallory", email: "mallory@example.com", blocked: true } },
      { headers: admin.headers },
    );
    expect(created.errors).toBeUndefined();
    expect(await server.prisma.mailRequest.count({ where: { email: "mallory@example.com" } })).toBe(0);
    const entry = await server.prisma.auditLog.findFirstOrThrow({ where: { action: "USER_CREATED", targetId: created.data!.createUser.id } });
    expect(entry.metadata).toMatchObject({ credentials: "none" });
  });

  it("applies the identity rules and the password policy", async () => {
    const badEmail = await server.gql(CreateUser, { data: { username: "someone", email: "not-an-email" } }, { headers: admin.headers });
    expect(errorCode(badEmail)).toBe("BAD_USER_INPUT");
    expect(badEmail.errors?.[0]?.extensions?.field).toBe("email");

    const weak = await server.gql(
      CreateUser,
      { data: { username: "someone", email: "someone@example.com", password: "password" } },
      { headers: admin.headers },
    );
    expect(errorCode(weak)).toBe("BAD_USER_INPUT");
    expect(await server.prisma.user.count({ where: { email: "someone@example.com" } })).toBe(0);

    const taken = await server.gql(CreateUser, { data: { username: "ADA", email: "other@example.com" } }, { headers: admin.headers });
    expect(taken.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "IDENTITY_TAKEN" });

    const noRole = await server.gql(
      CreateUser,
      { data: { username: "someone", email: "someone@example.com", role: "no-such-role" } },
      { headers: admin.headers },
    );
    expect(noRole.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "role" });
  });

  it("is for admins only", async () => {
    const data = { username: "intruder", email: "intruder@example.com", password: PASSPHRASE };
    expect(errorCode(await server.gql(CreateUser, { data }, { headers: member.headers }))).toBe("FORBIDDEN");
    expect(errorCode(await server.gql(CreateUser, { data }))).toBe("UNAUTHENTICATED");
    expect(await server.prisma.user.count({ where: { username: "intruder" } })).toBe(0);
  });
});
