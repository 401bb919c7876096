/**
 * `extensions.reason` over HTTP: every expected failure of the main flows carries its reason from the
 * catalogue (errors.ts) beside Strapi's message and code, and a reason never tells apart what the
 * message does not (unknown account vs wrong password).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, setAdvancedSettings, signIn } from "./helpers/auth.ts";
import { startTestServer, type TestServer } from "./helpers/server.ts";
import { ChangePassword, ConfirmEmail, Login, Me, Register, ResetPassword } from "./operations/auth.ts";
import { Refresh } from "./operations/sessions.ts";
import { Users } from "./operations/users.ts";

const first = (result: { errors?: { message: string; extensions?: Record<string, unknown> }[] }) => {
  const error = result.errors?.[0];
  return { message: error?.message, code: error?.extensions?.code, reason: error?.extensions?.reason };
};

const password = "correct horse battery staple";

describe("failure reasons", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      TRUSTED_PROXIES: "127.0.0.1",
      LOCKOUT_MAX_FAILURES: "3",
      RATE_LIMITS: '{"resetPassword":{"max":4,"windowSeconds":60}}',
    });
    await createUser(server.prisma, { username: "rhea", email: "rhea@example.com" });
    await createUser(server.prisma, { username: "blocked", email: "blocked@example.com", blocked: true });
    await createUser(server.prisma, { username: "pending", email: "pending@example.com", confirmed: false });
  });
  afterAll(() => server?.close());

  it("login: INVALID_CREDENTIALS for a wrong password and for an unknown account alike", async () => {
    const wrong = first(await server.gql(Login, { input: { identifier: "rhea", password: "not the password" } }));
    const unknown = first(await server.gql(Login, { input: { identifier: "nobody@example.com", password: "not the password" } }));
    expect(wrong).toEqual({ message: "Invalid identifier or password", code: "BAD_USER_INPUT", reason: "INVALID_CREDENTIALS" });
    expect(unknown).toEqual(wrong);
  });

  it("login: EMAIL_NOT_CONFIRMED and ACCOUNT_BLOCKED after the right password", async () => {
    await setAdvancedSettings(server.prisma, { emailConfirmation: true });
    try {
      expect(first(await server.gql(Login, { input: { identifier: "pending", password } }))).toEqual({
        message: "Your account email is not confirmed",
        code: "FORBIDDEN",
        reason: "EMAIL_NOT_CONFIRMED",
      });
    } finally {
      await setAdvancedSettings(server.prisma, { emailConfirmation: false });
    }
    expect(first(await server.gql(Login, { input: { identifier: "blocked", password } }))).toEqual({
      message: "Your account has been blocked by an administrator",
      code: "FORBIDDEN",
      reason: "ACCOUNT_BLOCKED",
    });
  });

  it("login: ACCOUNT_LOCKED once the client used its failures", async () => {
    const from = { headers: { "x-forwarded-for": "198.51.100.40" } };
    for (let i = 0; i < 3; i++) await server.gql(Login, { input: { identifier: "rhea", password: "guess" } }, from);
    expect(first(await server.gql(Login, { input: { identifier: "rhea", password } }, from))).toMatchObject({
      code: "ACCOUNT_LOCKED",
      reason: "ACCOUNT_LOCKED",
    });
  });

  it("register: INVALID_INPUT, PASSWORD_POLICY, IDENTITY_TAKEN and REGISTRATION_DISABLED", async () => {
    const input = (username: string, email: string, secret = "a long passphrase for sign-up") => ({ input: { username, email, password: secret } });
    expect(first(await server.gql(Register, input("newbie", "not an email")))).toMatchObject({ code: "BAD_USER_INPUT", reason: "INVALID_INPUT" });
    const weak = await server.gql(Register, input("newbie", "newbie@example.com", "password"));
    expect(first(weak)).toMatchObject({ code: "BAD_USER_INPUT", reason: "PASSWORD_POLICY" });
    expect(weak.errors?.[0]?.extensions?.problems).toContain("COMMON_PASSWORD");
    expect(first(await server.gql(Register, input("rhea", "other@example.com")))).toEqual({
      message: "Email or Username are already taken",
      code: "BAD_USER_INPUT",
      reason: "IDENTITY_TAKEN",
    });
    await setAdvancedSettings(server.prisma, { allowRegister: false });
    try {
      expect(first(await server.gql(Register, input("latecomer", "late@example.com")))).toEqual({
        message: "Register action is currently disabled",
        code: "FORBIDDEN",
        reason: "REGISTRATION_DISABLED",
      });
    } finally {
      await setAdvancedSettings(server.prisma, { allowRegister: true });
    }
  });

  it("resetPassword and emailConfirmation: PASSWORD_MISMATCH, INVALID_CODE, then RATE_LIMITED", async () => {
    const reset = (code: string, confirmation = "a brand new passphrase") =>
      server.gql(ResetPassword, { code, password: "a brand new passphrase", passwordConfirmation: confirmation });
    expect(first(await reset("forged", "something else"))).toEqual({ message: "Passwords do not match", code: "BAD_USER_INPUT", reason: "PASSWORD_MISMATCH" });
    expect(first(await reset("forged"))).toEqual({ message: "Incorrect code provided", code: "BAD_USER_INPUT", reason: "INVALID_CODE" });
    expect(first(await server.gql(ConfirmEmail, { confirmation: "forged" }))).toEqual({ message: "Invalid token", code: "BAD_USER_INPUT", reason: "INVALID_CODE" });
    await reset("forged");
    await reset("forged");
    expect(first(await reset("forged"))).toMatchObject({ code: "RATE_LIMITED", reason: "RATE_LIMITED" });
  });

  it("changePassword: WRONG_CURRENT_PASSWORD and SAME_PASSWORD", async () => {
    const { headers } = await signIn(server, "rhea@example.com");
    const change = (currentPassword: string, next: string) =>
      server.gql(ChangePassword, { currentPassword, password: next, passwordConfirmation: next }, { headers });
    expect(first(await change("not it", "another long passphrase"))).toMatchObject({ code: "BAD_USER_INPUT", reason: "WRONG_CURRENT_PASSWORD" });
    expect(first(await change(password, password))).toMatchObject({ code: "BAD_USER_INPUT", reason: "SAME_PASSWORD" });
  });

  it("tokens: INVALID_TOKEN for a bad refresh token or bearer token", async () => {
    expect(first(await server.gql(Refresh, { refreshToken: "forged" }))).toEqual({
      message: "Invalid refresh token",
      code: "UNAUTHENTICATED",
      reason: "INVALID_TOKEN",
    });
    expect(first(await server.gql(Refresh, {}))).toMatchObject({ code: "UNAUTHENTICATED", reason: "INVALID_TOKEN" });
    const forged = await server.gql(Me, undefined, { headers: { authorization: "Bearer not.a.jwt" } });
    expect(first(forged)).toMatchObject({ code: "UNAUTHENTICATED", reason: "INVALID_TOKEN" });
  });

  it("access: SIGN_IN_REQUIRED for anonymous callers, NOT_ALLOWED for signed-in ones", async () => {
    expect(first(await server.gql(Me))).toMatchObject({ code: "UNAUTHENTICATED", reason: "SIGN_IN_REQUIRED" });
    const { headers } = await signIn(server, "rhea");
    expect(first(await server.gql(Users, undefined, { headers }))).toMatchObject({ code: "FORBIDDEN", reason: "NOT_ALLOWED" });
  });
});
