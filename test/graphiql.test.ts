/**
 * GraphiQL in a real browser (headless Chromium), served by the real server in development mode, with no
 * request leaving 127.0.0.1: the page loads from the installed package, opens with the example tabs and
 * the Bearer hint, and runs what is typed into its editors, showing the server's answers, under a CSP that
 * the page never trips.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BEARER_PLACEHOLDER, GRAPHIQL_TABS } from "../src/http/graphiql-examples.ts";
import { launchBrowser, type TestBrowser } from "./helpers/browser.ts";
import { startTestServer, type TestServer } from "./helpers/server.ts";

const ADMIN_EMAIL = "root@example.com";
const ADMIN_PASSWORD = "a long admin password 1";

/** Monaco renders spaces as U+00A0 and lines without line breaks; JSON survives both. */
const editorText = async (page: Page, selector: string) => ((await page.locator(`${selector} .view-lines`).first().textContent()) ?? "").replace(/\u00a0/g, " ");

const QUERY_EDITOR = ".graphiql-query-editor";
const TOOL_EDITOR = ".graphiql-editor-tool .graphiql-editor:not(.hidden)";
const RESPONSE = ".graphiql-response";

const squeeze = (value: string) => value.replace(/\s+/g, "");

/** Replaces an editor's text as a person would: click into it, select all, then type (or paste) the text. */
async function typeInto(page: Page, selector: string, text: string, how: "type" | "paste" = "type") {
  await page.locator(`${selector} .monaco-editor`).first().click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  // Monaco closes brackets and quotes as they open and types over them as they are closed: the text ends up as typed.
  if (how === "type") await page.keyboard.type(text);
  else await page.keyboard.insertText(text);
  await expect.poll(async () => squeeze(await editorText(page, selector))).toBe(squeeze(text));
}

type Result = { data?: Record<string, unknown> | null; errors?: { extensions?: Record<string, unknown> }[] };

/**
 * Runs the active tab with the run button and returns the response pane's JSON once a new one is shown.
 * Compared without whitespace: the pane re-wraps long lines when the layout changes.
 */
async function run(page: Page): Promise<Result> {
  const before = squeeze(await editorText(page, RESPONSE));
  await page.locator(".graphiql-execute-button").click();
  const parsed = async () => {
    const text = await editorText(page, RESPONSE);
    if (squeeze(text) === before) return undefined;
    try {
      return JSON.parse(text) as Result;
    } catch {
      return undefined; // still being written
    }
  };
  await expect.poll(parsed, { timeout: 20_000 }).toBeDefined();
  return (await parsed())!;
}

/** Tabs are draggable (their buttons move under a pointer click): select one the way its onClick sees it. */
const selectTab = (page: Page, index: number) => page.locator(`#graphiql-session-tab-${index}`).dispatchEvent("click");

describe("GraphiQL", () => {
  let server: TestServer;
  let browser: TestBrowser;
  beforeAll(async () => {
    server = await startTestServer({ NODE_ENV: "development", ADMIN_EMAIL, ADMIN_PASSWORD });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("serves the page from the installed package under a CSP with no remote origin and no inline script but its own", async () => {
    const response = await fetch(`${server.url}/graphql`, { headers: { accept: "text/html" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/(^|; )script-src 'sha256-[A-Za-z0-9+/=]+'(;|$)/);
    expect(csp).toMatch(/(^|; )default-src 'none'(;|$)/);
    expect(csp).toMatch(/(^|; )connect-src 'self'(;|$)/);
    expect(csp).toMatch(/(^|; )frame-ancestors 'none'(;|$)/);
    expect(csp).not.toMatch(/https?:|\*/);
    const html = await response.text();
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)="(https?:)?\/\//);
    // Any other GET /graphql is still GraphQL: only Accept: text/html gets the page.
    const get = await fetch(`${server.url}/graphql?query=${encodeURIComponent("{ __typename }")}`, { headers: { accept: "application/json" } });
    expect(await get.json()).toEqual({ data: { __typename: "Query" } });
  });

  it("opens with the example operations, signs in from the editor, and runs me with the pasted Bearer token", { timeout: 120_000 }, async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/graphql`);

    // One tab per main flow, login first.
    const titles = page.locator("button[id^='graphiql-session-tab-']");
    await expect.poll(() => titles.count(), { timeout: 60_000 }).toBe(GRAPHIQL_TABS.length);
    expect(await titles.evaluateAll((buttons) => buttons.map((button) => button.getAttribute("title")))).toEqual(["Login", "Me", "Register", "Refresh", "Sessions"]);
    await expect.poll(() => editorText(page, QUERY_EDITOR), { timeout: 30_000 }).toContain("mutation Login");

    // The tabs that need a user carry the Bearer hint in their headers editor.
    await selectTab(page, 1);
    await expect.poll(() => editorText(page, QUERY_EDITOR)).toContain("query Me");
    await expect.poll(() => editorText(page, TOOL_EDITOR)).toContain(`"Authorization": "${BEARER_PLACEHOLDER}"`);

    // A new tab opens with the default headers (an empty Authorization to fill in): sign in from its editor.
    await page.locator("button.graphiql-tab-add").click();
    await expect.poll(() => titles.count()).toBe(GRAPHIQL_TABS.length + 1);
    await page.locator(".graphiql-editor-tools button", { hasText: "Headers" }).click();
    await expect.poll(() => editorText(page, TOOL_EDITOR)).toBe('{  "Authorization": ""}');
    await typeInto(page, QUERY_EDITOR, `mutation SignIn { login(input: { identifier: "${ADMIN_EMAIL}", password: "${ADMIN_PASSWORD}" }) { jwt user { email } } }`);
    const login = await run(page);
    expect(login.errors).toBeUndefined();
    const { jwt: shown, user } = login.data?.login as { jwt: string; user: { email: string } };
    // The response pane wraps the long token over several lines, indenting each: a JWT has no whitespace.
    const jwt = shown.replace(/\s+/g, "");
    expect(user.email).toBe(ADMIN_EMAIL);
    expect(jwt.split(".")).toHaveLength(3);

    // Then the Me example in the same tab (switching tabs races GraphiQL 5's per-tab operation name, which
    // can stay "SignIn" for a while): first with the hint's placeholder, then with the pasted token.
    await typeInto(page, QUERY_EDITOR, GRAPHIQL_TABS[1]!.query, "paste");
    await typeInto(page, TOOL_EDITOR, `{ "Authorization": "${BEARER_PLACEHOLDER}" }`, "paste");
    const unsigned = await run(page);
    expect(unsigned.errors?.[0]?.extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "INVALID_TOKEN" });
    await typeInto(page, TOOL_EDITOR, `{ "Authorization": "Bearer ${jwt}" }`, "paste");
    const me = await run(page);
    expect(me.data?.me).toMatchObject({ email: ADMIN_EMAIL, role: { type: "admin" } });

    expect(browser.consoleErrors.filter((text) => /Content.Security.Policy|Refused to/i.test(text))).toEqual([]);
    expect(browser.externalRequests).toEqual([]);
    await page.close();
  });

  it("fails a test whose page tries to leave 127.0.0.1, before anything is sent", async () => {
    const other = await launchBrowser();
    const page = await other.newPage();
    await page.route(`${server.url}/page`, (route) =>
      route.fulfill({ contentType: "text/html", body: '<img src="https://cdn.invalid/logo.png"><script src="http://cdn.invalid/graphiql.js"></script>' }),
    );
    await page.goto(`${server.url}/page`);
    expect(other.externalRequests.sort()).toEqual(["http://cdn.invalid/graphiql.js", "https://cdn.invalid/logo.png"]);
    await expect(other.close()).rejects.toThrow(/tried to leave 127\.0\.0\.1/);
  });
});
