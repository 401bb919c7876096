import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql } from "./gql/index.ts";
import { type SignedIn, signIn } from "./helpers/auth.ts";
import { startTestServer, type TestServer } from "./helpers/server.ts";

const ReadSettings = graphql(`
  query ReadSettings {
    settings {
      allowRegister
      uniqueEmail
      emailConfirmation
      defaultRole
      resetPasswordUrl
      emailConfirmationRedirection
      registerAllowedFields
    }
  }
`);

const UpdateSettings = graphql(`
  mutation UpdateSettings($input: SettingsInput!) {
    updateSettings(input: $input) {
      allowRegister
      emailConfirmation
      defaultRole
      resetPasswordUrl
      registerAllowedFields
    }
  }
`);

describe("settings", () => {
  let server: TestServer;
  let admin: SignedIn;
  beforeAll(async () => {
    server = await startTestServer({ ADMIN_EMAIL: "root@example.com", ADMIN_PASSWORD: "root passphrase here" });
    admin = await signIn(server, "root@example.com", "root passphrase here");
  });
  afterAll(() => server?.close());

  it("shows admins Strapi's defaults", async () => {
    const result = await server.gql(ReadSettings, undefined, admin);
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
});
