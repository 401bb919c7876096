/**
 * The admin page (packages/admin) in a real browser (headless Chromium) against the real server on the
 * default configuration (AUTH_COOKIE off): its files and their policy, signing in with the refresh token
 * in the HttpOnly cookie (asked for per request), refusing a non-admin, the users page (create, sign in as
 * the new user through the API, block and see the API refuse them, delete), and no request leaving
 * 127.0.0.1. Screenshots at desktop and phone widths go to test/screenshots/ (git-ignored).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_CSP } from "../src/http/use-admin-page.ts";
import { REFRESH_COOKIE } from "../src/modules/auth/refresh-cookie.ts";
import { ADMIN_EMAIL, ADMIN_ENV, ADMIN_PASSWORD, screenshot, signInThroughPage } from "./helpers/admin-page.ts";
import { createUser } from "./helpers/auth.ts";
import { launchBrowser, type TestBrowser } from "./helpers/browser.ts";
import { errorCode, startTestServer, type TestServer } from "./helpers/server.ts";
import { Login, Register } from "./operations/auth.ts";

describe("the admin page", () => {
  let server: TestServer;
  let browser: TestBrowser;
  beforeAll(async () => {
    server = await startTestServer(ADMIN_ENV);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("serves its built files under /admin/ with their content types and a self-only policy, index.html for deep links, 404 for unknown files", async () => {
    const redirect = await fetch(`${server.url}/admin`, { redirect: "manual" });
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get("location")).toBe("/admin/");

    const index = await fetch(`${server.url}/admin/`);
    expect(index.status).toBe(200);
    expect(index.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(index.headers.get("content-security-policy")).toBe(`${ADMIN_CSP}; frame-ancestors 'none'`);
    const html = await index.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//); // nothing from another origin
    const script = html.match(/src="(\/admin\/assets\/[^"]+\.js)"/)?.[1];
    const style = html.match(/href="(\/admin\/assets\/[^"]+\.css)"/)?.[1];
    expect(script).toBeDefined();
    expect(style).toBeDefined();

    const js = await fetch(`${server.url}${script}`);
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(await js.text()).not.toMatch(/https?:\/\/(?!www\.w3\.org)/); // no CDN or remote URL in the bundle
    const css = await fetch(`${server.url}${style}`);
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");

    const deepLink = await fetch(`${server.url}/admin/users/42`);
    expect(deepLink.status).toBe(200);
    expect(await deepLink.text()).toBe(html);

    for (const path of ["/admin/missing.js", "/admin/assets/nope.css", "/admin/../package.json", "/admin/%2e%2e/package.json"]) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).toBe(404);
      expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe("NOT_FOUND");
    }
    const post = await fetch(`${server.url}/admin/`, { method: "POST" });
    expect(post.status).toBe(404);
  });

  it("delivers the refresh token as an HttpOnly cookie to a request that asks for it, with AUTH_COOKIE off", async () => {
    const asked = await server.gql(Login, { input: { identifier: ADMIN_EMAIL, password: ADMIN_PASSWORD } }, {
      headers: { "x-gatehouse-refresh-cookie": "httpOnly" },
    });
    expect(asked.data?.login.jwt).toBeTruthy();
    expect(asked.data?.login.refreshToken).toBeNull();
    const setCookie = asked.headers.get("set-cookie") ?? "";
    expect(setCookie).toContain(`${REFRESH_COOKIE}=`);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);

    const plain = await server.gql(Login, { input: { identifier: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
    expect(plain.data?.login.refreshToken).toBeTruthy();
    expect(plain.headers.get("set-cookie")).toBeNull();
  });

  it("refuses a non-admin with a clear message and keeps no session for them", async () => {
    await createUser(server.prisma, { username: "reader", email: "reader@example.com", password: "reader password 123" });
    const page = await browser.newPage();
    await signInThroughPage(page, server.url, "reader", "reader password 123");
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("may not use the admin page");
    await page.reload();
    await page.getByLabel("Email or username").waitFor();
    expect((await browser.context.cookies(server.url)).find((cookie) => cookie.name === REFRESH_COOKIE)).toBeUndefined();
    await page.close();
  });

  it("shows the server's message for wrong credentials", async () => {
    const page = await browser.newPage();
    await signInThroughPage(page, server.url, ADMIN_EMAIL, "wrong password");
    await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/invalid/i);
    await screenshot(page, "sign-in-error");
    await page.close();
  });

  it("signs an admin in, creates a user who then signs in through the API, blocks them so the API refuses them, deletes them, and signs out", async () => {
    const page = await browser.newPage();
    await signInThroughPage(page, server.url, ADMIN_EMAIL, ADMIN_PASSWORD);
    await expect(page.getByRole("heading", { name: "Users" }).waitFor()).resolves.toBeUndefined();
    expect(new URL(page.url()).pathname).toBe("/admin/");

    // The refresh token is in an HttpOnly cookie the page's scripts cannot read; a reload keeps the session.
    const cookies = await browser.context.cookies(server.url);
    expect(cookies.find((cookie) => cookie.name === REFRESH_COOKIE)?.httpOnly).toBe(true);
    expect(await page.evaluate(() => document.cookie)).toBe("");
    await page.reload();
    await page.getByRole("heading", { name: "Users" }).waitFor();
    await page.locator(`tr[data-user="root"], tr[data-user]`).first().waitFor();

    // Create a user through the form.
    await page.getByRole("button", { name: "New user" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Username").fill("newbie");
    await dialog.getByLabel("Email", { exact: true }).fill("newbie@example.com");
    await dialog.getByLabel("Password", { exact: true }).fill("a fresh pass phrase 456");
    await dialog.getByLabel("Email confirmed").check();
    await screenshot(page, "user-form");
    await dialog.getByRole("button", { name: "Create user" }).click();
    await expect.poll(() => page.locator(".sr-status").textContent()).toContain("newbie was created");
    const row = page.locator('tr[data-user="newbie"]');
    await row.waitFor();

    const login = () => server.gql(Login, { input: { identifier: "newbie", password: "a fresh pass phrase 456" } });
    const asNewUser = await login();
    expect(asNewUser.errors).toBeUndefined();
    expect(asNewUser.data?.login.user.username).toBe("newbie");

    // Search and filters.
    await page.getByLabel("Search").fill("newb");
    await page.getByRole("button", { name: "Search" }).click();
    await expect.poll(() => page.locator("tr[data-user]").count()).toBe(1);
    await page.getByLabel("Blocked", { exact: true }).selectOption("yes");
    await expect.poll(() => page.locator(".empty").textContent()).toContain("No user matches");
    await screenshot(page, "users-empty");
    await page.getByRole("button", { name: "Clear" }).click();
    await row.waitFor();
    await screenshot(page, "users");

    // Block: the API refuses them.
    await row.getByRole("button", { name: "Block newbie" }).click();
    await expect.poll(() => row.locator('[data-label="Blocked"]').textContent()).toBe("Yes");
    const blocked = await login();
    expect(errorCode(blocked)).toBeDefined();
    expect(blocked.data?.login ?? null).toBeNull();
    expect(await server.prisma.user.findFirstOrThrow({ where: { username: "newbie" } })).toMatchObject({ blocked: true });

    // Edit: a profile field and the email.
    await row.getByRole("button", { name: "Edit newbie" }).click();
    await dialog.getByLabel("Email", { exact: true }).fill("newbie2@example.com");
    await dialog.getByLabel("Profile fields (JSON)").fill('{"city": "Lyon"}');
    await dialog.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => row.locator('[data-label="Email"]').textContent()).toBe("newbie2@example.com");
    expect(await server.prisma.user.findFirstOrThrow({ where: { username: "newbie" } })).toMatchObject({
      email: "newbie2@example.com",
      profile: { city: "Lyon" },
    });

    // Delete, after confirming; Cancel first changes nothing.
    await row.getByRole("button", { name: "Delete newbie" }).click();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    expect(await server.prisma.user.count({ where: { username: "newbie" } })).toBe(1);
    await row.getByRole("button", { name: "Delete newbie" }).click();
    await screenshot(page, "user-delete");
    await dialog.getByRole("button", { name: "Delete user" }).click();
    await expect.poll(() => page.locator('tr[data-user="newbie"]').count()).toBe(0);
    expect(await server.prisma.user.count({ where: { username: "newbie" } })).toBe(0);

    // Sign out: the cookie is cleared and a reload shows the sign-in form.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("Email or username").waitFor();
    await screenshot(page, "sign-in");
    expect((await browser.context.cookies(server.url)).find((cookie) => cookie.name === REFRESH_COOKIE)).toBeUndefined();
    await page.reload();
    await page.getByLabel("Email or username").waitFor();

    expect(browser.consoleErrors.filter((error) => !error.includes("status of 4"))).toEqual([]);
    expect(browser.externalRequests).toEqual([]);
    await page.close();
  }, 120_000);

  it("lists, creates and deletes roles; a deep link opens the page; the deleted role's users move to the default role", async () => {
    const page = await browser.newPage();
    await signInThroughPage(page, server.url, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.getByRole("link", { name: "Roles" }).click();
    await page.getByRole("heading", { name: "Roles" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/admin/roles");
    await page.locator('tr[data-role="admin"]').waitFor();

    await page.getByRole("button", { name: "New role" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name").fill("Editors");
    await dialog.getByLabel("Description").fill("People who edit");
    await dialog.getByRole("button", { name: "Create role" }).click();
    await expect.poll(() => page.locator(".sr-status").textContent()).toContain("Editors was saved");
    const role = await server.prisma.role.findFirstOrThrow({ where: { name: "Editors" } });
    expect(role.description).toBe("People who edit");
    await createUser(server.prisma, { username: "editor1", email: "editor1@example.com", roleType: role.type });

    await page.reload();
    const row = page.locator(`tr[data-role="${role.type}"]`);
    await row.waitFor();
    await screenshot(page, "roles");

    await row.getByRole("button", { name: "Delete Editors" }).click();
    await dialog.getByRole("button", { name: "Delete role" }).click();
    await expect.poll(() => row.count()).toBe(0);
    expect(await server.prisma.role.count({ where: { name: "Editors" } })).toBe(0);
    const editor = await server.prisma.user.findFirstOrThrow({ where: { username: "editor1" }, include: { primaryRole: true } });
    expect(editor.primaryRole.type).toBe("authenticated");
    expect(browser.externalRequests).toEqual([]);
    await page.close();
  }, 120_000);

  it("changes an advanced setting, and the API follows it: with sign-ups off, register is refused", async () => {
    const page = await browser.newPage();
    await signInThroughPage(page, server.url, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.getByRole("link", { name: "Settings" }).click();
    const allow = page.getByLabel("Allow sign-ups");
    await allow.waitFor();
    expect(await allow.isChecked()).toBe(true);
    await allow.uncheck();
    await page.getByLabel("Profile fields accepted at sign-up").fill("firstName, lastName");
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect.poll(() => page.locator(".sr-status").textContent()).toContain("The settings were saved");
    await screenshot(page, "settings");

    const row = await server.prisma.setting.findUniqueOrThrow({ where: { key: "advanced" } });
    expect(row.value).toMatchObject({ allowRegister: false, registerAllowedFields: ["firstName", "lastName"] });
    const refused = await server.gql(Register, {
      input: { username: "latecomer", email: "latecomer@example.com", password: "a fresh pass phrase 789" },
    });
    expect(refused.data?.register ?? null).toBeNull();
    expect(errorCode(refused)).toBeDefined();
    await page.reload();
    await page.getByLabel("Allow sign-ups").waitFor();
    expect(await page.getByLabel("Allow sign-ups").isChecked()).toBe(false);
    expect(browser.externalRequests).toEqual([]);
    await page.close();
  }, 120_000);

  it("shows the audit entries of what the earlier tests did, filtered by action", async () => {
    const page = await browser.newPage();
    await signInThroughPage(page, server.url, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.getByRole("link", { name: "Audit log" }).click();
    await page.getByRole("heading", { name: "Audit log" }).waitFor();
    await page.locator("tr[data-action]").first().waitFor();
    for (const action of ["USER_CREATED", "USER_BLOCKED", "USER_DELETED", "ROLE_CHANGED", "SETTINGS_CHANGED", "LOGIN_FAILED"]) {
      await page.getByLabel("Action").selectOption(action);
      const rows = page.locator("tr[data-action]");
      await expect.poll(async () => new Set(await rows.evaluateAll((all) => all.map((row) => row.getAttribute("data-action")))), { timeout: 15_000 })
        .toEqual(new Set([action]));
      const stored = await server.prisma.auditLog.count({ where: { action } });
      expect(stored).toBeGreaterThan(0);
      await expect.poll(() => rows.count()).toBe(Math.min(stored, 25));
    }
    await page.getByLabel("Action").selectOption("USER_BLOCKED");
    await expect.poll(() => page.locator('tr[data-action="USER_BLOCKED"] [data-label="Actor"]').first().textContent()).toBe("root");
    await screenshot(page, "audit-log");
    expect(browser.externalRequests).toEqual([]);
    await page.close();
  }, 120_000);
});
