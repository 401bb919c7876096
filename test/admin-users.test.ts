/**
 * The admin page's user actions, audit filters and providers in a real browser (headless Chromium) against
 * the real server: a further role added and removed (user_roles rows checked), a locked-out user unlocked
 * who can then sign in through the API, every session of a user revoked so that their refresh token is
 * refused, the audit log filtered by result and by IP, a generic provider configured and enabled (the
 * secret never comes back, neither to the page nor through the API), a refused save showing the server's
 * message, and the redirect allow-list saved into the settings. Nothing leaves 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_EMAIL, ADMIN_ENV, ADMIN_PASSWORD, screenshot, signInThroughPage } from "./helpers/admin-page.ts";
import { createUser, type SignedIn, signIn } from "./helpers/auth.ts";
import { launchBrowser, type TestBrowser } from "./helpers/browser.ts";
import { errorCode, startTestServer, type TestServer } from "./helpers/server.ts";
import { Login } from "./operations/auth.ts";
import { AuthProviders } from "./operations/oauth.ts";
import { CreateRole } from "./operations/roles.ts";
import { Refresh } from "./operations/sessions.ts";
import { Settings } from "./operations/settings.ts";

const PASSWORD = "correct horse battery staple";
const SECRET = "acme-client-secret-0123456789";

describe("the admin page: user actions, audit filters, providers", () => {
  let server: TestServer;
  let browser: TestBrowser;
  let admin: SignedIn;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    // Two failures lock an identifier, so a test can lock a user out quickly.
    server = await startTestServer({ ...ADMIN_ENV, LOCKOUT_MAX_FAILURES: "2" });
    browser = await launchBrowser();
    admin = await signIn(server, ADMIN_EMAIL, ADMIN_PASSWORD);
    for (const name of ["carol", "dave", "erin"]) {
      ids[name] = (await createUser(server.prisma, { username: name, email: `${name}@example.com` })).id;
    }
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A page signed in as the admin, on the users page. */
  async function adminPage() {
    const page = await browser.newPage();
    await signInThroughPage(page, server.url);
    await page.getByRole("heading", { name: "Users" }).waitFor();
    return page;
  }

  const pageErrors = () => browser.consoleErrors.filter((error) => !error.includes("status of 4"));

  it("gives a user a further role and takes it away again", async () => {
    const created = await server.gql(CreateRole, { data: { name: "Editors", type: "editors" } }, { headers: admin.headers });
    expect(created.errors).toBeUndefined();
    const roleId = Number(created.data!.createRole.id);
    const page = await adminPage();
    const row = page.locator('tr[data-user="carol"]');
    await row.getByRole("button", { name: "Edit carol" }).click();
    const dialog = page.getByRole("dialog");
    await expect.poll(() => dialog.getByRole("group", { name: "Further roles" }).textContent()).toContain("None.");

    await dialog.getByLabel("Add a further role").selectOption({ label: "Editors" });
    await dialog.getByRole("button", { name: "Add role" }).click();
    const chip = dialog.locator('li[data-role="editors"]');
    await chip.waitFor();
    await expect.poll(() => dialog.locator(".status-line").textContent()).toBe("Editors was added.");
    expect(await server.prisma.userRole.findMany({ where: { userId: ids.carol } })).toEqual([
      expect.objectContaining({ userId: ids.carol, roleId }),
    ]);
    await screenshot(page, "user-roles");
    await expect.poll(() => row.locator('[data-label="Role"]').textContent()).toBe("Authenticated + Editors");

    await chip.getByRole("button", { name: "Remove role Editors" }).click();
    await expect.poll(() => chip.count()).toBe(0);
    await expect.poll(() => dialog.locator(".status-line").textContent()).toBe("Editors was removed.");
    expect(await server.prisma.userRole.count({ where: { userId: ids.carol } })).toBe(0);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => row.locator('[data-label="Role"]').textContent()).toBe("Authenticated");
    expect(pageErrors()).toEqual([]);
    await page.close();
  }, 120_000);

  it("unlocks a user locked out by failed sign-ins, who can then sign in through the API", async () => {
    const login = (password: string) => server.gql(Login, { input: { identifier: "dave", password } });
    for (const attempt of ["wrong 1", "wrong 2"]) expect(errorCode(await login(attempt))).toBe("BAD_USER_INPUT");
    expect(errorCode(await login(PASSWORD))).toBe("ACCOUNT_LOCKED");

    const page = await adminPage();
    await page.locator('tr[data-user="dave"]').getByRole("button", { name: "Unlock dave" }).click();
    await expect.poll(() => page.locator(".sr-status").textContent()).toContain("dave is unlocked");
    const signedIn = await login(PASSWORD);
    expect(signedIn.errors).toBeUndefined();
    expect(signedIn.data?.login.user.username).toBe("dave");
    expect(await server.prisma.auditLog.count({ where: { action: "ACCOUNT_UNLOCKED", targetId: String(ids.dave) } })).toBe(1);
    expect(pageErrors()).toEqual([]);
    await page.close();
  }, 120_000);

  it("revokes every session of a user after a confirmation, and the API refuses their refresh token", async () => {
    const erin = await signIn(server, "erin");
    expect(erin.refreshToken).toBeTruthy();
    const page = await adminPage();
    const revoke = page.locator('tr[data-user="erin"]').getByRole("button", { name: "Revoke sessions of erin" });
    const dialog = page.getByRole("dialog");

    // Cancel changes nothing.
    await revoke.click();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await server.prisma.session.count({ where: { userId: ids.erin, revokedAt: null } })).toBe(1);

    await revoke.click();
    await expect.poll(() => dialog.getByRole("heading").textContent()).toBe("Revoke every session of erin?");
    await screenshot(page, "user-revoke-sessions");
    await dialog.getByRole("button", { name: "Revoke sessions" }).click();
    await expect.poll(() => page.locator(".sr-status").textContent()).toBe("Every session of erin has ended.");
    expect(await dialog.count()).toBe(0);

    const sessions = await server.prisma.session.findMany({ where: { userId: ids.erin } });
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ revokedReason: "revoked-by-admin" });
    expect(sessions[0]!.revokedAt).not.toBeNull();
    expect(errorCode(await server.gql(Refresh, { refreshToken: erin.refreshToken }))).toBe("UNAUTHENTICATED");
    expect(pageErrors()).toEqual([]);
    await page.close();
  }, 120_000);

  it("filters the audit log by result and by IP", async () => {
    // The server trusts no proxy, so every request here comes from 127.0.0.1: one entry from elsewhere.
    await server.prisma.auditLog.create({
      data: { action: "LOGIN_FAILED", success: false, ip: "203.0.113.9", metadata: { reason: "INVALID_CREDENTIALS" } },
    });
    const page = await adminPage();
    await page.getByRole("link", { name: "Audit log" }).click();
    await page.getByRole("heading", { name: "Audit log" }).waitFor();
    const rows = page.locator("tr[data-action]");
    await rows.first().waitFor();
    const results = () => rows.locator('[data-label="Result"]').allTextContents();

    await page.getByLabel("Result").selectOption("no");
    const failures = await server.prisma.auditLog.count({ where: { success: false } });
    expect(failures).toBeGreaterThanOrEqual(3); // dave's two failed sign-ins and the entry above
    await expect.poll(async () => new Set(await results())).toEqual(new Set(["Failed"]));
    await expect.poll(() => rows.count()).toBe(Math.min(failures, 25));

    await page.getByLabel("IP address").fill("203.0.113.9");
    await page.getByRole("button", { name: "Filter" }).click();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.locator('[data-label="IP"]').textContent()).toBe("203.0.113.9");
    await screenshot(page, "audit-log-filters");

    await page.getByLabel("Result").selectOption("yes");
    await expect.poll(() => page.locator(".empty").textContent()).toContain("No entry matches");
    await page.getByLabel("IP address").fill("127.0.0.1");
    await page.getByRole("button", { name: "Filter" }).click();
    await expect.poll(async () => new Set(await results())).toEqual(new Set(["Succeeded"]));
    expect(new Set(await rows.locator('[data-label="IP"]').allTextContents())).toEqual(new Set(["127.0.0.1"]));
    expect(pageErrors()).toEqual([]);
    await page.close();
  }, 120_000);

  it("configures and enables a provider (the secret never comes back), shows a refused save's message, and saves a redirect URL", async () => {
    const page = await adminPage();
    await page.getByRole("link", { name: "Providers" }).click();
    await page.getByRole("heading", { name: "Sign-in providers" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/admin/providers");
    const github = page.locator('tr[data-provider="github"]');
    await github.waitFor();
    expect(await github.locator('[data-label="Status"]').textContent()).toBe("Disabled");
    const dialog = page.getByRole("dialog");

    // Enabling without a client id: the server refuses and says why; nothing is stored.
    await github.getByRole("button", { name: "Configure GitHub" }).click();
    await dialog.getByLabel(/^Enabled/).check();
    await dialog.getByRole("button", { name: "Save provider" }).click();
    await expect.poll(() => dialog.getByRole("alert").textContent()).toBe("clientId is required to enable a provider");
    await screenshot(page, "provider-refused");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    expect(await server.prisma.authProvider.count({ where: { name: "github" } })).toBe(0);

    // A generic OpenID Connect provider, enabled in the same save.
    await page.getByRole("button", { name: "New provider" }).click();
    await dialog.getByLabel("Name").fill("acme");
    await dialog.getByLabel(/^Enabled/).check();
    await dialog.getByLabel("Client id").fill("acme-client");
    await dialog.getByLabel("Client secret").fill(SECRET);
    await dialog.getByLabel("Issuer (OpenID Connect)").fill("https://idp.example.com");
    await dialog.getByLabel("Scopes").fill("openid email");
    await screenshot(page, "provider-form");
    await dialog.getByRole("button", { name: "Save provider" }).click();
    await expect.poll(() => page.locator(".sr-status").textContent()).toBe("acme was saved.");
    const acme = page.locator('tr[data-provider="acme"]');
    await expect.poll(() => acme.locator('[data-label="Status"]').textContent()).toBe("Enabled");
    expect(await acme.locator('[data-label="Client secret"]').textContent()).toBe("set");
    expect(await acme.locator('[data-label="Client id"]').textContent()).toBe("acme-client");

    const stored = await server.prisma.authProvider.findUniqueOrThrow({ where: { name: "acme" } });
    expect(stored).toMatchObject({ enabled: true, clientId: "acme-client", issuer: "https://idp.example.com", scopes: ["openid", "email"] });
    expect(stored.clientSecret).toBeTruthy();
    expect(stored.clientSecret).not.toContain(SECRET);
    const listed = await server.gql(AuthProviders, {}, { headers: admin.headers });
    expect(listed.data?.authProviders.find((provider) => provider.name === "acme")).toMatchObject({
      enabled: true,
      hasClientSecret: true,
      clientId: "acme-client",
    });
    expect(JSON.stringify(listed)).not.toContain(SECRET);

    // Reopened: the secret field is empty, and saving another field keeps the stored secret.
    await acme.getByRole("button", { name: "Configure acme" }).click();
    expect(await dialog.getByLabel("Client secret").inputValue()).toBe("");
    expect(await dialog.textContent()).toContain("A secret is set.");
    await dialog.getByLabel("Client id").fill("acme-client-2");
    await dialog.getByRole("button", { name: "Save provider" }).click();
    await expect.poll(() => acme.locator('[data-label="Client id"]').textContent()).toBe("acme-client-2");
    const resaved = await server.prisma.authProvider.findUniqueOrThrow({ where: { name: "acme" } });
    expect(resaved.clientSecret).toBe(stored.clientSecret);
    expect(await page.content()).not.toContain(SECRET);

    // Removing the secret of an enabled provider is refused with the server's reason; the secret stays.
    await acme.getByRole("button", { name: "Configure acme" }).click();
    await dialog.getByLabel("Remove the stored secret").check();
    expect(await dialog.getByLabel("Client secret").isDisabled()).toBe(true);
    await dialog.getByRole("button", { name: "Save provider" }).click();
    await expect.poll(() => dialog.getByRole("alert").textContent()).toBe("clientSecret is required to enable a provider");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    expect((await server.prisma.authProvider.findUniqueOrThrow({ where: { name: "acme" } })).clientSecret).toBe(stored.clientSecret);

    // Disable from the row.
    await acme.getByRole("button", { name: "Disable acme" }).click();
    await expect.poll(() => acme.locator('[data-label="Status"]').textContent()).toBe("Disabled");
    expect((await server.prisma.authProvider.findUniqueOrThrow({ where: { name: "acme" } })).enabled).toBe(false);

    // Disabled, its secret can be removed: the row says so and nothing is stored.
    await acme.getByRole("button", { name: "Configure acme" }).click();
    await dialog.getByLabel("Remove the stored secret").check();
    await dialog.getByRole("button", { name: "Save provider" }).click();
    await expect.poll(() => acme.locator('[data-label="Client secret"]').textContent()).toBe("not set");
    expect((await server.prisma.authProvider.findUniqueOrThrow({ where: { name: "acme" } })).clientSecret).toBeNull();
    await acme.getByRole("button", { name: "Configure acme" }).click();
    expect(await dialog.textContent()).toContain("No secret is set.");
    expect(await dialog.getByLabel("Remove the stored secret").count()).toBe(0);
    await dialog.getByRole("button", { name: "Cancel" }).click();

    // The redirect allow-list: a URL the server refuses shows its message and is not stored; a good one is.
    const allowList = page.getByRole("region", { name: "Redirect allow-list" });
    await allowList.getByLabel("Redirect URL to add").fill("ftp://files.example.com/callback");
    await allowList.getByRole("button", { name: "Add URL" }).click();
    await allowList.getByRole("button", { name: "Save redirect URLs" }).click();
    await expect.poll(() => allowList.getByRole("alert").textContent()).toContain("providerRedirectUrls must be");
    expect((await server.gql(Settings, {}, { headers: admin.headers })).data?.settings.providerRedirectUrls).toEqual([]);
    await allowList.getByRole("button", { name: "Remove ftp://files.example.com/callback" }).click();
    await allowList.getByLabel("Redirect URL to add").fill("https://app.example.com/auth/callback");
    await allowList.getByRole("button", { name: "Add URL" }).click();
    await allowList.getByRole("button", { name: "Save redirect URLs" }).click();
    await expect.poll(() => allowList.locator(".status-line").textContent()).toBe("The redirect URLs were saved.");
    const settings = await server.gql(Settings, {}, { headers: admin.headers });
    expect(settings.data?.settings.providerRedirectUrls).toEqual(["https://app.example.com/auth/callback"]);
    await screenshot(page, "providers");

    await page.reload();
    await page.locator('li[data-url="https://app.example.com/auth/callback"]').waitFor();
    expect(await page.content()).not.toContain(SECRET);
    expect(pageErrors()).toEqual([]);
    expect(browser.externalRequests).toEqual([]);
    await page.close();
  }, 120_000);
});
