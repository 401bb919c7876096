/**
 * The admin page's permission matrix, ACL rules and email templates in a real browser (headless Chromium)
 * against the real server and a real SMTP listener: a tick proved by an API call as a user of the role,
 * a rule created and deleted with "who may call this field?" agreeing with the API, and an edited
 * template previewed by the server, refused while broken, then used by the next email. Nothing leaves
 * 127.0.0.1. Screenshots go to test/screenshots/ (git-ignored).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_ENV, screenshot, signInThroughPage } from "./helpers/admin-page.ts";
import { createUser, signIn } from "./helpers/auth.ts";
import { launchBrowser, type TestBrowser } from "./helpers/browser.ts";
import { type MailServer, startMailServer } from "./helpers/mail.ts";
import { errorCode, startTestServer, type TestServer } from "./helpers/server.ts";
import { ForgotPassword } from "./operations/auth.ts";
import { Users } from "./operations/users.ts";

describe("the admin page's permissions and email templates", () => {
  let server: TestServer;
  let browser: TestBrowser;
  let mail: MailServer;
  beforeAll(async () => {
    mail = await startMailServer();
    server = await startTestServer({ ...ADMIN_ENV, SMTP_URL: mail.url });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await mail?.stop();
  });

  it("creates a role, ticks a permission in its matrix, and a user of the role may then call the field; unticking refuses them again", async () => {
    const page = await browser.newPage();
    await signInThroughPage(page, server.url);
    await page.getByRole("link", { name: "Roles" }).click();
    await page.getByRole("button", { name: "New role" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name").fill("Reviewers");
    await dialog.getByRole("button", { name: "Create role" }).click();
    await expect.poll(() => page.locator(".sr-status").textContent()).toContain("Reviewers was saved");
    const role = await server.prisma.role.findFirstOrThrow({ where: { name: "Reviewers" } });
    await createUser(server.prisma, { username: "rita", email: "rita@example.com", roleType: role.type });
    const rita = await signIn(server, "rita");
    expect(errorCode(await server.gql(Users, {}, { headers: rita.headers }))).toBe("FORBIDDEN");

    await page.getByRole("link", { name: "Permissions of Reviewers" }).click();
    await page.getByRole("heading", { name: "Permissions of Reviewers" }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/admin/roles/${role.id}/permissions`);
    const users = page.locator('tr[data-resource="Query.users"]');
    expect(await users.getAttribute("data-decision")).toBe("REFUSED");
    await page.getByLabel("Allow Query.users").check();
    await expect.poll(() => users.getAttribute("data-decision")).toBe("ALL");
    await expect.poll(() => users.locator('[data-label="Decided by"]').textContent()).toMatch(/^Stored rule #\d+: ALLOW reviewers$/);
    expect(await server.prisma.aclRule.count({ where: { resource: "Query.users", principalId: role.type, permission: "ALLOW" } })).toBe(1);
    expect((await server.gql(Users, {}, { headers: rita.headers })).errors).toBeUndefined();

    await page.getByLabel("Filter fields").fill("users");
    await screenshot(page, "role-permissions");
    await page.getByLabel("Allow Query.users").uncheck();
    await expect.poll(() => users.getAttribute("data-decision")).toBe("REFUSED");
    expect(await server.prisma.aclRule.count({ where: { principalId: role.type } })).toBe(0);
    expect(errorCode(await server.gql(Users, {}, { headers: rita.headers }))).toBe("FORBIDDEN");

    // A deep link opens the matrix after a reload.
    await page.reload();
    await page.getByRole("heading", { name: "Permissions of Reviewers" }).waitFor();
    expect(browser.externalRequests).toEqual([]);
    await page.close();
  }, 120_000);

  it("creates and deletes an ACL rule, and 'who may call this field?' agrees with the API", async () => {
    const reader = await createUser(server.prisma, { username: "reader", email: "reader@example.com" });
    const signedIn = await signIn(server, "reader");
    const page = await browser.newPage();
    await signInThroughPage(page, server.url);
    await page.getByRole("link", { name: "ACL rules" }).click();
    await page.getByRole("heading", { name: "ACL rules" }).waitFor();
    await expect.poll(() => page.locator(".empty").textContent()).toContain("No rule is stored");

    // Refused with the server's message.
    await page.getByRole("button", { name: "New rule" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Resource").fill("not a coordinate");
    await dialog.getByLabel("Principal", { exact: true }).fill("authenticated");
    await dialog.getByRole("button", { name: "Create rule" }).click();
    await expect.poll(() => dialog.getByRole("alert").textContent()).toContain("resource must be a schema coordinate");

    await dialog.getByLabel("Resource").fill("Query.users");
    await dialog.getByLabel("Access type").selectOption("READ");
    await dialog.getByLabel("Principal type").selectOption("USER");
    await dialog.getByLabel("Principal", { exact: true }).fill(String(reader.id));
    await dialog.getByRole("button", { name: "Create rule" }).click();
    await expect.poll(() => page.locator(".sr-status").textContent()).toContain("The rule on Query.users was created");
    const rule = await server.prisma.aclRule.findFirstOrThrow({ where: { resource: "Query.users", principalType: "USER" } });
    expect(rule).toMatchObject({ accessType: "READ", principalId: String(reader.id), permission: "ALLOW" });
    expect((await server.gql(Users, {}, { headers: signedIn.headers })).errors).toBeUndefined();

    await page.getByLabel("Field", { exact: true }).fill("Query.users");
    await page.getByRole("button", { name: "Check" }).click();
    const answer = page.getByRole("table", { name: "Who may call Query.users" });
    await expect.poll(() => answer.locator(`tr[data-principal="USER ${reader.id}"]`).getAttribute("data-decision")).toBe("ALL");
    expect(await answer.locator('tr[data-principal="ROLE admin"]').getAttribute("data-decision")).toBe("ALL");
    expect(await answer.locator('tr[data-principal="ROLE authenticated"]').getAttribute("data-decision")).toBe("REFUSED");
    await screenshot(page, "acl-rules");

    await page.getByRole("button", { name: `Delete rule ${rule.id}` }).click();
    await dialog.getByRole("button", { name: "Delete rule" }).click();
    await expect.poll(() => page.locator(".empty").textContent()).toContain("No rule is stored");
    expect(await server.prisma.aclRule.count()).toBe(0);
    expect(errorCode(await server.gql(Users, {}, { headers: signedIn.headers }))).toBe("FORBIDDEN");
    expect(browser.externalRequests).toEqual([]);
    await page.close();
  }, 120_000);

  it("previews an edited email template, refuses it while broken, saves it, and the next email uses it", async () => {
    const user = await createUser(server.prisma, { username: "forgetful", email: "forgetful@example.com" });
    const page = await browser.newPage();
    await signInThroughPage(page, server.url);
    await page.getByRole("link", { name: "Email templates" }).click();
    await page.getByLabel("Email", { exact: true }).selectOption("resetPassword");
    const subject = page.getByLabel("Subject");
    await expect.poll(() => subject.inputValue()).not.toBe("");
    expect(await page.locator("#template-variables").textContent()).toContain("<%= USER.username %>");

    await subject.fill("Hi <%= PASSWORD %>");
    await expect.poll(() => page.locator('[data-preview="error"]').textContent()).toContain('Unknown variable "PASSWORD"');
    await page.getByRole("button", { name: "Save template" }).click();
    await expect.poll(() => page.locator("form .error").textContent()).toContain('Unknown variable "PASSWORD"');

    await subject.fill("A fresh start for <%= USER.username %>");
    await page.getByLabel("Reply-to").fill("help@example.com");
    await expect.poll(() => page.locator('[data-preview="subject"]').textContent()).toBe("A fresh start for jane.doe");
    const frame = page.frameLocator('iframe[title="HTML part"]');
    await expect.poll(() => frame.locator("body").textContent()).toContain("jane.doe");
    await screenshot(page, "email-templates");
    await page.getByRole("button", { name: "Save template" }).click();
    await expect.poll(() => page.locator(".sr-status").textContent()).toContain("The password reset template was saved");

    const since = mail.messages.length;
    expect((await server.gql(ForgotPassword, { email: user.email })).data?.forgotPassword?.ok).toBe(true);
    const email = await mail.lastEmailTo(user.email, { since });
    expect(email.subject).toBe("A fresh start for forgetful");
    expect(email.replyTo ?? "").toContain("help@example.com");
    expect(browser.consoleErrors.filter((error) => !error.includes("status of 4"))).toEqual([]);
    expect(browser.externalRequests).toEqual([]);
    await page.close();
  }, 120_000);

  it("shows the audit entries of the ticks, the rules and the template change", async () => {
    const page = await browser.newPage();
    await signInThroughPage(page, server.url);
    await page.getByRole("link", { name: "Audit log" }).click();
    await page.locator("tr[data-action]").first().waitFor();
    for (const action of ["ACL_CHANGED", "SETTINGS_CHANGED", "ROLE_CHANGED"]) {
      await page.getByLabel("Action").selectOption(action);
      const rows = page.locator("tr[data-action]");
      await expect.poll(async () => new Set(await rows.evaluateAll((all) => all.map((row) => row.getAttribute("data-action"))))).toEqual(new Set([action]));
      const stored = await server.prisma.auditLog.count({ where: { action } });
      expect(stored).toBeGreaterThan(0);
      await expect.poll(() => rows.count()).toBe(Math.min(stored, 25));
    }
    // An entry's details name what changed, never the template itself.
    await page.getByLabel("Action").selectOption("SETTINGS_CHANGED");
    const details = page.locator('tr[data-action="SETTINGS_CHANGED"]').first().locator("details");
    await details.locator("summary").click();
    await expect.poll(() => details.locator("pre").textContent()).toContain("emailTemplates.resetPassword.subject");
    expect(await details.locator("pre").textContent()).not.toContain("A fresh start");
    // The tick and the untick (a rule stored, then dropped), and the rule created and deleted on the rules page.
    expect(await server.prisma.auditLog.count({ where: { action: "ACL_CHANGED" } })).toBe(4);
    expect(browser.externalRequests).toEqual([]);
    await page.close();
  }, 120_000);
});
