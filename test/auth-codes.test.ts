/**
 * Reset and confirmation codes stop working once the account they were issued for changes: a new email
 * (an admin's updateUser) or a new password (changePassword, resetPassword). Codes come out of a real
 * SMTP listener, as a user would get them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, setAdvancedSettings, type SignedIn, signIn } from "./helpers/auth.ts";
import { type MailServer, startMailServer } from "./helpers/mail.ts";
import { errorCode, startTestServer, type TestServer } from "./helpers/server.ts";
import { ChangePassword, ConfirmEmail, ForgotPassword, RegisterPending, ResetPassword } from "./operations/auth.ts";
import { UpdateUserIdentity } from "./operations/users.ts";

const PASSWORD = "correct horse battery staple";

describe("codes die with the email or password they were issued under", () => {
  let server: TestServer;
  let mail: MailServer;
  let admin: SignedIn;

  beforeAll(async () => {
    mail = await startMailServer();
    server = await startTestServer({ SMTP_URL: mail.url, PUBLIC_URL: "http://gatehouse.test" });
    await createUser(server.prisma, { username: "root", email: "root@example.com", roleType: "admin" });
    admin = await signIn(server, "root");
    await setAdvancedSettings(server.prisma, { resetPasswordUrl: "https://app.example.com/reset" });
  });
  afterAll(async () => {
    await server?.close();
    await mail?.stop();
  });

  const codeIn = (text: string, parameter: "code" | "confirmation") => {
    const match = new RegExp(`[?&]${parameter}=([A-Za-z0-9_-]+)`).exec(text);
    if (!match?.[1]) throw new Error(`no ${parameter} in:\n${text}`);
    return match[1];
  };
  const resetCodeFor = async (address: string) => {
    const since = mail.messages.length;
    expect((await server.gql(ForgotPassword, { email: address })).data?.forgotPassword?.ok).toBe(true);
    return codeIn((await mail.lastEmailTo(address, { since })).text, "code");
  };
  const reset = (code: string, password = "a brand new passphrase") =>
    server.gql(ResetPassword, { code, password, passwordConfirmation: password });
  /** Registers an account that must confirm its email; returns its id and the mailed confirmation code. */
  const registerPending = async (username: string) => {
    await setAdvancedSettings(server.prisma, { emailConfirmation: true });
    const address = `${username}@example.com`;
    const since = mail.messages.length;
    const registered = await server.gql(RegisterPending, { input: { username, email: address, password: PASSWORD } });
    expect(registered.data?.register.user.confirmed).toBe(false);
    const confirmation = codeIn((await mail.lastEmailTo(address, { since })).text, "confirmation");
    const { id } = await server.prisma.user.findUniqueOrThrow({ where: { email: address } });
    return { id: String(id), address, confirmation };
  };
  const confirmedState = async (id: string) => (await server.prisma.user.findUniqueOrThrow({ where: { id: Number(id) } })).confirmed;

  it("an admin's change of email spends the reset code mailed to the old address", async () => {
    const user = await createUser(server.prisma, { username: "rhea", email: "rhea@example.com" });
    const code = await resetCodeFor("rhea@example.com");
    const changed = await server.gql(UpdateUserIdentity, { id: String(user.id), data: { email: "rhea@new.example.com" } }, admin);
    expect(changed.data?.updateUser.email).toBe("rhea@new.example.com");
    expect((await reset(code)).errors?.[0]).toMatchObject({ message: "Incorrect code provided", extensions: { code: "BAD_USER_INPUT" } });
    expect((await signIn(server, "rhea")).jwt).toBeTruthy(); // The old password still works: nothing was reset.
  });

  it("an admin's change of email spends the confirmation code mailed to the old address", async () => {
    const pending = await registerPending("saul");
    await server.gql(UpdateUserIdentity, { id: pending.id, data: { email: "saul@new.example.com" } }, admin);
    const confirmed = await server.gql(ConfirmEmail, { confirmation: pending.confirmation });
    expect(errorCode(confirmed)).toBe("BAD_USER_INPUT");
    expect(await confirmedState(pending.id)).toBe(false);
  });

  it("keeps the codes when the email is written again unchanged, or other fields change", async () => {
    const user = await createUser(server.prisma, { username: "tara", email: "tara@example.com" });
    const code = await resetCodeFor("tara@example.com");
    await server.gql(UpdateUserIdentity, { id: String(user.id), data: { email: "TARA@example.com", username: "tara2" } }, admin);
    expect((await reset(code)).errors).toBeUndefined();
  });

  it("changePassword spends an outstanding reset code and confirmation code", async () => {
    const pending = await registerPending("ulla");
    const resetCode = await resetCodeFor(pending.address);
    await setAdvancedSettings(server.prisma, { emailConfirmation: false });
    const ulla = await signIn(server, "ulla");
    const changed = await server.gql(
      ChangePassword,
      { currentPassword: PASSWORD, password: "a completely fresh passphrase", passwordConfirmation: "a completely fresh passphrase" },
      ulla,
    );
    expect(changed.errors).toBeUndefined();
    expect(errorCode(await reset(resetCode))).toBe("BAD_USER_INPUT");
    expect(errorCode(await server.gql(ConfirmEmail, { confirmation: pending.confirmation }))).toBe("BAD_USER_INPUT");
    expect(await confirmedState(pending.id)).toBe(false);
  });

  it("resetPassword spends an outstanding confirmation code", async () => {
    const pending = await registerPending("vera");
    const resetCode = await resetCodeFor(pending.address);
    expect((await reset(resetCode)).errors).toBeUndefined();
    expect(errorCode(await server.gql(ConfirmEmail, { confirmation: pending.confirmation }))).toBe("BAD_USER_INPUT");
    expect(await confirmedState(pending.id)).toBe(false);
    await setAdvancedSettings(server.prisma, { emailConfirmation: false });
  });
});
