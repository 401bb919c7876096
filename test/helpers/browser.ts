/**
 * A real browser for tests: Debian's Chromium (/usr/bin/chromium, which .ci/run installs) driven by
 * playwright-core. Every request the page makes goes through an interceptor: anything for another host
 * than the loopback address is aborted and recorded, and `close()` then fails the test, so a page that
 * would fetch from a CDN or phone home is caught here rather than on an air-gapped network.
 */
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";

/**
 * Without the networking flags Chromium keeps trying to reach Google's services (component updates,
 * sync, QUIC probes) and floods a closed network with refused connections (NOTES.md).
 */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const LOOPBACK = new Set(["127.0.0.1"]);

/** Whether a URL stays on this machine; data: and blob: URLs never reach the network. */
export function staysLocal(url: string): boolean {
  const parsed = new URL(url);
  if (parsed.protocol === "data:" || parsed.protocol === "blob:" || parsed.href === "about:blank") return true;
  return LOOPBACK.has(parsed.hostname);
}

export interface TestBrowser {
  browser: Browser;
  context: BrowserContext;
  /** Opens a page that records its console errors (CSP violations among them) in `consoleErrors`. */
  newPage(): Promise<Page>;
  /** URLs the pages tried to load from anywhere but 127.0.0.1 (all of them were aborted). */
  externalRequests: string[];
  /** Console errors and uncaught exceptions of every page opened with newPage. */
  consoleErrors: string[];
  /** Closes the browser; throws when a page tried to leave 127.0.0.1. */
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  const context = await browser.newContext({ serviceWorkers: "block" });
  const externalRequests: string[] = [];
  const consoleErrors: string[] = [];

  await context.route("**/*", async (route) => {
    const url = route.request().url();
    if (staysLocal(url)) return route.continue();
    externalRequests.push(url);
    return route.abort("blockedbyclient");
  });
  await context.routeWebSocket(
    (url) => !staysLocal(url.href),
    async (socket) => {
      externalRequests.push(socket.url());
      await socket.close();
    },
  );

  return {
    browser,
    context,
    externalRequests,
    consoleErrors,
    async newPage() {
      const page = await context.newPage();
      page.on("console", (message) => {
        if (message.type() === "error") consoleErrors.push(message.text());
      });
      page.on("pageerror", (error) => consoleErrors.push(String(error)));
      return page;
    },
    async close() {
      await browser.close();
      if (externalRequests.length > 0) {
        throw new Error(`The page tried to leave 127.0.0.1:\n${externalRequests.join("\n")}`);
      }
    },
  };
}
