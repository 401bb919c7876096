import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, setAdvancedSettings, type SignedIn, signIn } from "./helpers/auth.ts";
import { type MailServer, startMailServer } from "./helpers/mail.ts";
import { errorCode, startTestServer, type TestServer } from "./helpers/server.ts";
import { CreateAclRule } from "./operations/access.ts";
import { ForgotPassword, Register } from "./operations/auth.ts";
import { Users } from "./operations/users.ts";
import { EmailTemplates, Settings, UpdateSettings } from "./operations/settings.ts";

describe("settings", () => {
  let server: TestServer;
  let admin: SignedIn;
  beforeAll(async () => {
    server = await startTestServer({ ADMIN_EMAIL: "root@example.com", ADMIN_PASSWORD: "root passphrase here" });
    admin = await signIn(server, "root@example.com", "root passphrase here");
  });
  afterAll(() => server?.close());

  it("shows admins Strapi's defaults", async () => {
    const result = await server.gql(Settings, undefined, admin);
    expect(result.errors).toBeUndefined();
    expect(result.data?.settings).toEqual({
      allowRegister: true,
      uniqueEmail: true,
      emailConfirmation: false,
      defaultRole: "authenticated",
      resetPasswordUrl: null,
      emailConfirmationRedirection: null,
      registerAllowedFields: [],
      providerRedirectUrls: [],
    });
  });

  it("applies an admin's change at once, without restart", async () => {
    const result = await server.gql(
      UpdateSettings,
      { input: { emailConfirmation: true, resetPasswordUrl: "https://app.example.com/reset", registerAllowedFields: ["company"] } },
      admin,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.updateSettings).toMatchObject({
      allowRegister: true,
      emailConfirmation: true,
      resetPasswordUrl: "https://app.example.com/reset",
      registerAllowedFields: ["company"],
    });
    const stored = await server.prisma.setting.findUniqueOrThrow({ where: { key: "advanced" } });
    expect(stored.value).toMatchObject({ emailConfirmation: true, registerAllowedFields: ["company"] });
  });

  it.each([
    [{ defaultRole: "no-such-role" }],
    [{ defaultRole: "public" }],
    [{ resetPasswordUrl: "javascript:alert(1)" }],
    [{ registerAllowedFields: ["confirmed"] }],
    [{ registerAllowedFields: ["has space"] }],
    [{ uniqueEmail: false }],
  ])("refuses %j with BAD_USER_INPUT and keeps what was stored", async (input) => {
    const before = await server.prisma.setting.findUniqueOrThrow({ where: { key: "advanced" } });
    const result = await server.gql(UpdateSettings, { input }, admin);
    expect(result.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const after = await server.prisma.setting.findUniqueOrThrow({ where: { key: "advanced" } });
    expect(after.value).toEqual(before.value);
  });

  it("is refused to anonymous callers (UNAUTHENTICATED) and to non-admins (FORBIDDEN)", async () => {
    await createUser(server.prisma, { username: "plain", email: "plain@example.com" });
    const user = await signIn(server, "plain");
    expect((await server.gql(Settings)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect((await server.gql(Settings, undefined, user)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const attempt = await server.gql(UpdateSettings, { input: { allowRegister: false } }, user);
    expect(attempt.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await server.prisma.setting.findUniqueOrThrow({ where: { key: "advanced" } })).value).toMatchObject({ allowRegister: true });
  });

  it("lists the email templates with their defaults and lets admins change one", async () => {
    const listed = await server.gql(EmailTemplates, undefined, admin);
    expect(listed.data?.settings.emailTemplates.map((t) => t.name)).toEqual(["emailConfirmation", "resetPassword", "passwordChanged", "signUpAttempt"]);
    expect(listed.data?.settings.emailTemplates[1]?.body).toContain("<%= TOKEN %>");

    const changed = await server.gql(
      UpdateSettings,
      { input: { emailTemplates: [{ name: "resetPassword", fromName: "ACME Accounts", subject: "Reset your ACME password" }] } },
      admin,
    );
    expect(changed.errors).toBeUndefined();
    expect(changed.data?.updateSettings.emailTemplates[1]).toEqual({
      name: "resetPassword",
      fromName: "ACME Accounts",
      subject: "Reset your ACME password",
    });
  });

  it.each([
    ["MJML that does not validate", { name: "emailConfirmation" as const, body: "<mjml><mj-body><mj-nope>hi</mj-nope></mj-body></mjml>" }],
    ["a template with code in it", { name: "emailConfirmation" as const, body: "<mjml><mj-body><mj-section><mj-column><mj-text><% process.exit() %></mj-text></mj-column></mj-section></mj-body></mjml>" }],
    ["a sender name with a line break", { name: "emailConfirmation" as const, fromName: "Evil\r\nBcc: x@evil.test" }],
    ["a reply-to that is not an address", { name: "emailConfirmation" as const, replyTo: "nope" }],
  ])("refuses %s with BAD_USER_INPUT and keeps the stored templates", async (_why, template) => {
    const before = await server.prisma.setting.findUnique({ where: { key: "email-templates" } });
    const result = await server.gql(UpdateSettings, { input: { emailTemplates: [template], allowRegister: false } }, admin);
    expect(result.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(await server.prisma.setting.findUnique({ where: { key: "email-templates" } })).toEqual(before);
    expect((await server.prisma.setting.findUniqueOrThrow({ where: { key: "advanced" } })).value).toMatchObject({ allowRegister: true });
  });
});

describe("the default role never carries an admin's powers", () => {
  let server: TestServer;
  let admin: SignedIn;
  const defaultRole = async () =>
    ((await server.prisma.setting.findUniqueOrThrow({ where: { key: "advanced" } })).value as { defaultRole: string }).defaultRole;

  beforeAll(async () => {
    server = await startTestServer({ ADMIN_EMAIL: "root@example.com", ADMIN_PASSWORD: "root passphrase here" });
    admin = await signIn(server, "root@example.com", "root passphrase here");
    await server.prisma.role.createMany({ data: [{ name: "Staff", type: "staff" }, { name: "Members", type: "members" }] });
    // Stored directly: Staff is not the default role, so the rule itself is allowed.
    await server.prisma.aclRule.create({ data: { resource: "Mutation.*", principalType: "ROLE", principalId: "staff", permission: "ALLOW" } });
  });
  afterAll(() => server?.close());

  it.each(["admin", "staff"])("refuses defaultRole %j and keeps the stored one", async (type) => {
    const result = await server.gql(UpdateSettings, { input: { defaultRole: type } }, admin);
    expect(errorCode(result)).toBe("BAD_USER_INPUT");
    expect(result.errors?.[0]?.extensions?.field).toBe("defaultRole");
    expect(await defaultRole()).toBe("authenticated");
  });

  it("refuses a rule that would give the default role, or a role everybody holds, everything", async () => {
    expect((await server.gql(UpdateSettings, { input: { defaultRole: "members" } }, admin)).errors).toBeUndefined();
    const rule = (principalId: string, resource = "*", permission: "ALLOW" | "DENY" = "ALLOW") => ({
      data: { resource, accessType: "*", principalType: "ROLE" as const, principalId, permission },
    });
    for (const [principal, resource] of [
      ["members", "*"],
      ["members", "Mutation.*"],
      ["members", "Query.*"],
      ["authenticated", "*"],
      ["public", "Mutation.*"],
      ["$everyone", "*"],
      ["$authenticated", "Query.*"],
      ["$unauthenticated", "*"],
      ["$owner", "Mutation.*"],
    ] as const) {
      const result = await server.gql(CreateAclRule, rule(principal, resource), admin);
      expect(errorCode(result), `${resource} for ${principal}`).toBe("BAD_USER_INPUT");
    }
    expect(await server.prisma.aclRule.count({ where: { principalId: { not: "staff" } } })).toBe(0);
    // Narrower rules, and DENY, are fine; so is everything for a role that is not the default.
    for (const allowed of [rule("members", "Query.users"), rule("members", "*", "DENY"), rule("staff", "*")]) {
      expect((await server.gql(CreateAclRule, allowed, admin)).errors).toBeUndefined();
    }

    // A newcomer gets the default role, and with it nothing of an admin's.
    const registered = await server.gql(Register, { input: { username: "newcomer", email: "newcomer@example.com", password: "correct horse battery staple" } });
    expect(registered.errors).toBeUndefined();
    expect(registered.data?.register.user.role?.type).toBe("members");
    const asNewcomer = { headers: { authorization: `Bearer ${registered.data!.register.jwt}` } };
    expect(errorCode(await server.gql(UpdateSettings, { input: { defaultRole: "authenticated" } }, asNewcomer))).toBe("FORBIDDEN");
    expect((await server.gql(Users, {}, asNewcomer)).errors).toBeUndefined();
  });
});

describe("URL settings in production", () => {
  let server: TestServer;
  let mail: MailServer;
  let admin: SignedIn;
  const stored = async () => (await server.prisma.setting.findUniqueOrThrow({ where: { key: "advanced" } })).value;

  beforeAll(async () => {
    mail = await startMailServer();
    server = await startTestServer({
      NODE_ENV: "production",
      PUBLIC_URL: "https://auth.example.com",
      JWT_ALGORITHM: "HS256",
      JWT_SECRET: "a production secret of at least 32 characters",
      SMTP_URL: mail.url,
      ADMIN_EMAIL: "root@example.com",
      ADMIN_PASSWORD: "root passphrase here",
    });
    admin = await signIn(server, "root@example.com", "root passphrase here");
  });
  afterAll(async () => {
    await server?.close();
    await mail?.stop();
  });

  it.each([
    ["resetPasswordUrl", "http://app.example.com/reset"],
    ["emailConfirmationRedirection", "http://app.example.com/welcome"],
    ["resetPasswordUrl", "http://localhost:3000/reset"],
    ["emailConfirmationRedirection", "ftp://app.example.com/welcome"],
  ] as const)("refuses %s %j with BAD_USER_INPUT and keeps what was stored", async (key, url) => {
    const before = await stored();
    const result = await server.gql(UpdateSettings, { input: { [key]: url } }, admin);
    expect(errorCode(result)).toBe("BAD_USER_INPUT");
    expect(result.errors?.[0]?.extensions?.field).toBe(key);
    expect(await stored()).toEqual(before);
  });

  it("refuses plain-http provider redirect URLs with BAD_USER_INPUT, accepts https ones, and drops http ones stored before", async () => {
    const refused = await server.gql(UpdateSettings, { input: { providerRedirectUrls: ["https://app.example.com/done", "http://app.example.com/done"] } }, admin);
    expect(errorCode(refused)).toBe("BAD_USER_INPUT");
    expect(refused.errors?.[0]?.extensions?.field).toBe("providerRedirectUrls");
    const accepted = await server.gql(UpdateSettings, { input: { providerRedirectUrls: ["https://app.example.com/done"] } }, admin);
    expect(accepted.errors).toBeUndefined();
    await setAdvancedSettings(server.prisma, { providerRedirectUrls: ["https://app.example.com/done", "http://app.example.com/old"] });
    expect((await server.gql(Settings, undefined, admin)).data?.settings.providerRedirectUrls).toEqual(["https://app.example.com/done"]);
  });

  it("accepts https URLs", async () => {
    const input = { resetPasswordUrl: "https://app.example.com/reset", emailConfirmationRedirection: "https://app.example.com/welcome" };
    expect((await server.gql(UpdateSettings, { input }, admin)).errors).toBeUndefined();
    expect(await stored()).toMatchObject(input);
  });

  it("never mails a plain-http link stored before (a database brought over from development)", async () => {
    await setAdvancedSettings(server.prisma, { resetPasswordUrl: "http://app.example.com/reset" });
    expect((await server.gql(Settings, undefined, admin)).data?.settings.resetPasswordUrl).toBeNull();
    const since = mail.messages.length;
    await server.gql(ForgotPassword, { email: "root@example.com" });
    const email = await mail.lastEmailTo("root@example.com", { since });
    expect(email.text).toContain("https://auth.example.com/reset-password?code=");
    expect(email.text).not.toContain("http://app.example.com");
  });
});

describe("URL settings outside production", () => {
  it("still accept plain http, for local front-ends", async () => {
    const server = await startTestServer({ ADMIN_EMAIL: "root@example.com", ADMIN_PASSWORD: "root passphrase here" });
    try {
      const admin = await signIn(server, "root@example.com", "root passphrase here");
      const result = await server.gql(UpdateSettings, { input: { resetPasswordUrl: "http://localhost:3000/reset" } }, admin);
      expect(result.data?.updateSettings.resetPasswordUrl).toBe("http://localhost:3000/reset");
    } finally {
      await server.close();
    }
  });
});
