import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, type SignedIn, signIn } from "./helpers/auth.ts";
import { startTestServer, type TestServer } from "./helpers/server.ts";
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
    expect(listed.data?.settings.emailTemplates.map((t) => t.name)).toEqual(["emailConfirmation", "resetPassword", "passwordChanged"]);
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
