/**
 * The flows that depend on email, followed the way a user follows them: the code or link comes out of a
 * real SMTP listener, not out of the database.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, setAdvancedSettings, signIn } from "./helpers/auth.ts";
import { type MailServer, startMailServer } from "./helpers/mail.ts";
import { startTestServer, type TestServer } from "./helpers/server.ts";
import {
  ChangePassword,
  ConfirmEmail,
  ForgotPassword,
  Login,
  Me,
  RegisterPending,
  ResendConfirmation,
  ResetPassword,
} from "./operations/auth.ts";

/** The link in an email body that starts with `prefix`. */
function linkIn(text: string, prefix: string): URL {
  const match = new RegExp(`${prefix.replace(/[.?*+^$()|[\]\\/]/g, "\\$&")}\\S*`).exec(text);
  if (!match) throw new Error(`no link starting with ${prefix} in:\n${text}`);
  return new URL(match[0].replace(/[>)\].,]+$/, ""));
}

describe("password reset by email", () => {
  let server: TestServer;
  let mail: MailServer;
  beforeAll(async () => {
    mail = await startMailServer();
    server = await startTestServer({ SMTP_URL: mail.url, PUBLIC_URL: "http://gatehouse.test" });
    await createUser(server.prisma, { username: "nina", email: "nina@example.com" });
    await createUser(server.prisma, { username: "oscar", email: "oscar@example.com", blocked: true });
    await setAdvancedSettings(server.prisma, { resetPasswordUrl: "https://app.example.com/reset" });
  });
  afterAll(async () => {
    await server?.close();
    await mail?.stop();
  });

  it("mails a single-use code that resets the password and ends every other session", async () => {
    const before = await signIn(server, "nina");
    const since = mail.messages.length;
    const asked = await server.gql(ForgotPassword, { email: "NINA@example.com" });
    expect(asked.data?.forgotPassword?.ok).toBe(true);

    const email = await mail.lastEmailTo("nina@example.com", { since });
    const link = linkIn(email.text, "https://app.example.com/reset?code=");
    const code = link.searchParams.get("code")!;
    expect(code.length).toBeGreaterThanOrEqual(43); // 256 bits, base64url
    // Only the hash is stored.
    expect(await server.prisma.oneTimeToken.count({ where: { tokenHash: code } })).toBe(0);

    const beforeReset = mail.messages.length;
    const reset = await server.gql(ResetPassword, { code, password: "a fresh reset passphrase", passwordConfirmation: "a fresh reset passphrase" });
    expect(reset.errors).toBeUndefined();
    expect(reset.data?.resetPassword?.user.username).toBe("nina");
    expect(reset.data?.resetPassword?.jwt).toBeTruthy();
    // The owner is told, with the way back in case it was not them.
    const notice = await mail.lastEmailTo("nina@example.com", { since: beforeReset });
    expect(notice.subject).toBe("Your password was changed");
    expect(linkIn(notice.text, "https://app.example.com/reset").pathname).toBe("/reset");

    const oldSession = await server.gql(Me, undefined, before);
    expect(oldSession.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect((await signIn(server, "nina", "a fresh reset passphrase")).jwt).toBeTruthy();

    const again = await server.gql(ResetPassword, { code, password: "yet another passphrase", passwordConfirmation: "yet another passphrase" });
    expect(again.errors?.[0]).toMatchObject({ message: "Incorrect code provided", extensions: { code: "BAD_USER_INPUT" } });
  });

  it("refuses an expired code", async () => {
    const since = mail.messages.length;
    await server.gql(ForgotPassword, { email: "nina@example.com" });
    const code = linkIn((await mail.lastEmailTo("nina@example.com", { since })).text, "https://app.example.com/reset?code=").searchParams.get("code")!;
    await server.prisma.oneTimeToken.updateMany({ where: { purpose: "PASSWORD_RESET", usedAt: null }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const reset = await server.gql(ResetPassword, { code, password: "too late passphrase", passwordConfirmation: "too late passphrase" });
    expect(reset.errors?.[0]).toMatchObject({ message: "Incorrect code provided", extensions: { code: "BAD_USER_INPUT" } });
  });

  it("checks the confirmation before spending the code", async () => {
    const since = mail.messages.length;
    await server.gql(ForgotPassword, { email: "nina@example.com" });
    const code = linkIn((await mail.lastEmailTo("nina@example.com", { since })).text, "https://app.example.com/reset?code=").searchParams.get("code")!;
    const mismatch = await server.gql(ResetPassword, { code, password: "one passphrase here", passwordConfirmation: "another one" });
    expect(mismatch.errors?.[0]).toMatchObject({ message: "Passwords do not match", extensions: { code: "BAD_USER_INPUT" } });
    const beforeReset = mail.messages.length;
    const reset = await server.gql(ResetPassword, { code, password: "one passphrase here", passwordConfirmation: "one passphrase here" });
    expect(reset.errors).toBeUndefined();
    expect((await mail.lastEmailTo("nina@example.com", { since: beforeReset })).subject).toBe("Your password was changed");
  });

  it("answers ok for unknown and blocked addresses too, and sends them nothing", async () => {
    const since = mail.messages.length;
    for (const email of ["nobody@example.com", "oscar@example.com", "not an email"]) {
      const result = await server.gql(ForgotPassword, { email });
      expect(result.errors).toBeUndefined();
      expect(result.data?.forgotPassword?.ok).toBe(true);
    }
    // A known address afterwards proves the worker ran; nothing else arrived before it.
    await server.gql(ForgotPassword, { email: "nina@example.com" });
    await mail.lastEmailTo("nina@example.com", { since });
    expect(mail.messages.slice(since).map((m) => m.to)).toEqual([["nina@example.com"]]);
    expect(await server.prisma.emailOutbox.count({ where: { to: { in: ["nobody@example.com", "oscar@example.com"] } } })).toBe(0);
  });

  it("sends a notice when the password is changed", async () => {
    const session = await signIn(server, "nina", "one passphrase here");
    const since = mail.messages.length;
    const changed = await server.gql(
      ChangePassword,
      { currentPassword: "one passphrase here", password: "changed passphrase!", passwordConfirmation: "changed passphrase!" },
      session,
    );
    expect(changed.errors).toBeUndefined();
    const notice = await mail.lastEmailTo("nina@example.com", { since });
    expect(notice.subject).toBe("Your password was changed");
    expect(notice.text).toContain("Hello nina");
    expect(linkIn(notice.text, "https://app.example.com/reset").pathname).toBe("/reset");
    expect(notice.text).not.toContain("changed passphrase!");
    // Composed by the worker after the change committed: the request row is gone, one email went out.
    expect(await server.prisma.mailRequest.count()).toBe(0);
    expect(mail.messages.slice(since).map((m) => m.subject)).toEqual(["Your password was changed"]);
  });
});

describe("email confirmation", () => {
  let server: TestServer;
  let mail: MailServer;
  beforeAll(async () => {
    mail = await startMailServer();
    server = await startTestServer({ SMTP_URL: mail.url });
    await setAdvancedSettings(server.prisma, { emailConfirmation: true });
  });
  afterAll(async () => {
    await server?.close();
    await mail?.stop();
  });

  it("registers without a token, refuses login until confirmed, then confirms with the mailed code", async () => {
    const since = mail.messages.length;
    const registered = await server.gql(RegisterPending, {
      input: { username: "pat", email: "pat@example.com", password: "a long passphrase for p" },
    });
    expect(registered.errors).toBeUndefined();
    expect(registered.data?.register).toEqual({ jwt: null, user: { username: "pat", confirmed: false } });

    const early = await server.gql(Login, { input: { identifier: "pat", password: "a long passphrase for p" } });
    expect(early.errors?.[0]).toMatchObject({ message: "Your account email is not confirmed", extensions: { code: "FORBIDDEN" } });

    const email = await mail.lastEmailTo("pat@example.com", { since });
    const link = linkIn(email.text, "http://localhost");
    const confirmation = link.searchParams.get("confirmation")!;
    const confirmed = await server.gql(ConfirmEmail, { confirmation });
    expect(confirmed.errors).toBeUndefined();
    expect(confirmed.data?.emailConfirmation?.user).toEqual({ username: "pat", confirmed: true });
    expect(confirmed.data?.emailConfirmation?.jwt).toBeTruthy();

    const reused = await server.gql(ConfirmEmail, { confirmation });
    expect(reused.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect((await server.gql(Login, { input: { identifier: "pat", password: "a long passphrase for p" } })).data?.login.jwt).toBeTruthy();
  });

  it("confirms through the emailed link in a browser and redirects", async () => {
    await setAdvancedSettings(server.prisma, { emailConfirmationRedirection: "https://app.example.com/welcome" });
    const since = mail.messages.length;
    await server.gql(RegisterPending, { input: { username: "quinn", email: "quinn@example.com", password: "a long passphrase for q" } });
    const email = await mail.lastEmailTo("quinn@example.com", { since });
    const link = linkIn(email.text, "http://localhost");
    // The link points at PUBLIC_URL; follow it on the test server's address.
    const response = await fetch(`${server.url}${link.pathname}${link.search}`, { redirect: "manual" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("https://app.example.com/welcome");
    expect((await server.prisma.user.findUniqueOrThrow({ where: { username: "quinn" } })).confirmed).toBe(true);

    const replay = await fetch(`${server.url}${link.pathname}${link.search}`, { redirect: "manual" });
    expect(replay.status).toBe(400);
  });

  it("resends the confirmation only to unconfirmed accounts, answering ok for everyone", async () => {
    await createUser(server.prisma, { username: "rita", email: "rita@example.com", confirmed: false });
    const since = mail.messages.length;
    for (const email of ["pat@example.com", "ghost@example.com", "rita@example.com"]) {
      const result = await server.gql(ResendConfirmation, { email });
      expect(result.data?.sendEmailConfirmation?.ok).toBe(true);
    }
    const email = await mail.lastEmailTo("rita@example.com", { since });
    expect(mail.messages.slice(since).map((m) => m.to)).toEqual([["rita@example.com"]]);
    const confirmation = linkIn(email.text, "http://localhost").searchParams.get("confirmation")!;
    expect((await server.gql(ConfirmEmail, { confirmation })).data?.emailConfirmation?.user.confirmed).toBe(true);
  });

  it("refuses an invalid confirmation code", async () => {
    const result = await server.gql(ConfirmEmail, { confirmation: "forged" });
    expect(result.errors?.[0]).toMatchObject({ message: "Invalid token", extensions: { code: "BAD_USER_INPUT" } });
  });
});
