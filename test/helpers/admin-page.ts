/**
 * Driving the admin page (packages/admin) in tests: signing in through its form and writing screenshots at
 * desktop and phone widths to test/screenshots/ (git-ignored; docs/admin.md shows one of each).
 */
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";

export const ADMIN_EMAIL = "root@example.com";
export const ADMIN_PASSWORD = "a long admin password 1";
/** Server environment that seeds the admin account the page signs in with. */
export const ADMIN_ENV = { ADMIN_EMAIL, ADMIN_PASSWORD };

const SCREENSHOTS = fileURLToPath(new URL("../screenshots/", import.meta.url));
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  for (const [size, viewport] of [["desktop", DESKTOP], ["phone", PHONE]] as const) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: `${SCREENSHOTS}${name}-${size}.png`, fullPage: true });
  }
  await page.setViewportSize(DESKTOP);
}

export async function signInThroughPage(page: Page, url: string, identifier = ADMIN_EMAIL, password = ADMIN_PASSWORD) {
  // Fail at the step that is stuck rather than at the test's timeout.
  page.setDefaultTimeout(15_000);
  // Each sign-in starts from a fresh browser session (the pages share one context and its cookies).
  await page.context().clearCookies();
  await page.goto(`${url}/admin/`);
  await page.getByLabel("Email or username").fill(identifier);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}
