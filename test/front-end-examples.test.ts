/**
 * The README's "Use it from a front-end" examples, run as written against the real server: the Node one
 * (refresh-token mode) in a separate Node process, the cookie-mode one in headless Chromium as a page on
 * the server's origin, importing the SDK's built files. Each must print exactly the output the README shows.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RegisterDocument } from "./gql/graphql.ts";
import { launchBrowser, type TestBrowser } from "./helpers/browser.ts";
import { startTestServer, type TestServer } from "./helpers/server.ts";

const root = new URL("..", import.meta.url);
const read = (path: string) => readFile(new URL(path, root), "utf8");

/** The example file as the README quotes it, and the output block that follows it there. */
async function readmeExample(path: string) {
  const [readme, code] = await Promise.all([read("README.md"), read(path)]);
  const section = readme.slice(readme.indexOf("## Use it from a front-end"));
  const start = section.indexOf("```ts\n" + code + "```");
  expect(start, `README.md quotes ${path} verbatim under "Use it from a front-end"`).toBeGreaterThanOrEqual(0);
  const output = /```text\n([\s\S]*?)```/.exec(section.slice(start + code.length))?.[1];
  if (output === undefined) throw new Error(`README.md: no output block after ${path}`);
  return { code, output };
}

describe("README: use it from a front-end", () => {
  describe("in Node, with refresh tokens", () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer();
    });
    afterAll(() => server?.close());

    it("runs docs/examples/front-end.ts and prints what the README shows", async () => {
      const { output } = await readmeExample("docs/examples/front-end.ts");
      const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "docs/examples/front-end.ts"], {
        cwd: root,
        env: { ...process.env, GATEHOUSE_URL: `${server.url}/graphql` },
      });
      expect(stdout).toBe(output);
      // It really registered and signed in against this server.
      expect(await server.prisma.user.count({ where: { email: "grace@example.com" } })).toBe(1);
    });
  });

  describe("in a browser, in cookie mode", () => {
    let server: TestServer;
    let browser: TestBrowser;
    beforeAll(async () => {
      server = await startTestServer({ AUTH_COOKIE: "true" });
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    it("runs docs/examples/front-end-cookie-mode.ts as a page's script and logs what the README shows", { timeout: 60_000 }, async () => {
      const { code, output } = await readmeExample("docs/examples/front-end-cookie-mode.ts");
      const registered = await server.gql(RegisterDocument, {
        input: { username: "grace", email: "grace@example.com", password: "compiler pioneer 1952" },
      });
      expect(registered.errors).toBeUndefined();

      // The app's files on the server's origin (as a front-end served from the same site would be).
      const script = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
      const page = await browser.newPage();
      const logged: string[] = [];
      let finished!: () => void;
      const done = new Promise<void>((resolve) => (finished = resolve));
      page.on("console", (message) => {
        if (message.type() === "log") logged.push(message.text());
        if (message.text().startsWith("after logout")) finished();
      });
      await page.route(`${server.url}/app/**`, async (route) => {
        const path = new URL(route.request().url()).pathname;
        if (path === "/app/") {
          return route.fulfill({
            contentType: "text/html",
            body: `<!doctype html><script type="importmap">{"imports":{"@gatehouse/sdk":"/app/sdk/index.js"}}</script><script type="module" src="/app/example.js"></script>`,
          });
        }
        if (path === "/app/example.js") return route.fulfill({ contentType: "text/javascript", body: script });
        const file = path.replace(/^\/app\/sdk\//, "");
        if (!/^[\w/.-]+\.js$/.test(file) || file.includes("..")) return route.fulfill({ status: 404 });
        return route.fulfill({ contentType: "text/javascript", body: await read(`packages/sdk/dist/${file}`) });
      });
      await page.goto(`${server.url}/app/`);
      await done;
      expect(`${logged.join("\n")}\n`).toBe(output);
      expect(browser.consoleErrors).toEqual([]);
    });
  });
});
