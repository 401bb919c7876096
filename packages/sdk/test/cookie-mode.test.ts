/**
 * The SDK against a server in cookie mode (AUTH_COOKIE=true), through a fetch that keeps cookies like a
 * browser: the refresh token lives only in the HttpOnly cookie, never in JavaScript's reach.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../../../test/helpers/auth.ts";
import { startTestServer, type TestServer } from "../../../test/helpers/server.ts";
import { type AuthChange, createGatehouseClient, CSRF_HEADER, type TokenStorage } from "../src/index.ts";
import { browserCookies } from "./helpers/browser-cookies.ts";
import { recordingFetch } from "./helpers/recording-fetch.ts";

const REFRESH_COOKIE = "__Host-gatehouse-refresh";
const PASSWORD = "correct horse battery staple";

const expOf = (jwt: string) => (JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString()) as { exp: number }).exp;
const outlive = (jwt: string) => new Promise((resolve) => setTimeout(resolve, expOf(jwt) * 1000 - Date.now() + 1_000));

describe("@gatehouse/sdk in cookie mode", () => {
  let server: TestServer;
  let url: string;

  beforeAll(async () => {
    server = await startTestServer({ AUTH_COOKIE: "true", ACCESS_TOKEN_LIFESPAN: "3" });
    url = `${server.url}/graphql`;
    await createUser(server.prisma, { username: "mia", email: "mia@example.com", password: PASSWORD });
  }, 60_000);
  afterAll(() => server?.close());

  it("signs in with the cookie, refreshes once for twenty callers without argument, survives a reload, and signs out", { timeout: 60_000 }, async () => {
    // The recorder sits between the browser and the network, so it sees the cookie header too.
    const recorder = recordingFetch();
    const browser = browserCookies(recorder.fetch);
    // A storage the SDK must leave alone in cookie mode.
    const touched: string[] = [];
    const storage: TokenStorage = {
      getItem: (key) => {
        touched.push(`get ${key}`);
        return null;
      },
      setItem: (key) => void touched.push(`set ${key}`),
      removeItem: (key) => void touched.push(`remove ${key}`),
    };
    const client = createGatehouseClient({ url, fetch: browser.fetch, cookieMode: true, storage });
    const changes: AuthChange[] = [];
    client.onAuthChange((change) => changes.push(change));

    const signedIn = await client.login({ identifier: "mia", password: PASSWORD });
    expect(signedIn).toMatchObject({ signedIn: true, user: { username: "mia" } });
    const firstCookie = browser.get(REFRESH_COOKIE);
    expect(firstCookie).toBeTruthy();
    for (const request of recorder.requests) {
      expect(request.credentials).toBe("include");
      expect(request.headers.get(CSRF_HEADER)).toBeTruthy();
    }

    const expired = (await client.accessToken())!;
    await outlive(expired);
    recorder.requests.length = 0;
    const users = await Promise.all(Array.from({ length: 20 }, () => client.me()));
    expect(users.map((user) => user?.username)).toEqual(Array(20).fill("mia"));
    expect(recorder.count("Refresh")).toBe(1);
    expect(recorder.requests[0]).toMatchObject({ operation: "Refresh", variables: {} });
    expect(recorder.requests[0]!.headers.get("cookie")).toContain(`${REFRESH_COOKIE}=${firstCookie}`);
    const rotated = browser.get(REFRESH_COOKIE);
    expect(rotated).toBeTruthy();
    expect(rotated).not.toBe(firstCookie);
    expect(changes).toEqual([
      { signedIn: true, cause: "signIn" },
      { signedIn: true, cause: "refresh" },
    ]);

    // A reload: a new client in the same browser finds the session through the cookie.
    const reloaded = createGatehouseClient({ url, fetch: browser.fetch, cookieMode: true });
    expect((await reloaded.me())?.username).toBe("mia");

    await reloaded.logout();
    expect(browser.get(REFRESH_COOKIE)).toBeUndefined();
    expect(await reloaded.me()).toBeNull();
    expect(touched).toEqual([]);
  });

  it("finds out once that a fresh page is signed out, and does not ask again", { timeout: 30_000 }, async () => {
    const browser = browserCookies();
    const recorder = recordingFetch(browser.fetch);
    const client = createGatehouseClient({ url, fetch: recorder.fetch, cookieMode: true });
    const changes: AuthChange[] = [];
    client.onAuthChange((change) => changes.push(change));

    expect(await client.me()).toBeNull();
    expect(await client.me()).toBeNull();
    expect(await client.accessToken()).toBeNull();
    expect(recorder.requests.map((request) => request.operation)).toEqual(["Refresh", "Me", "Me"]);
    expect(changes).toEqual([{ signedIn: false, cause: "sessionEnded" }]);

    // Signing in (here, or in another tab of the same browser) is what makes it try again.
    await client.login({ identifier: "mia@example.com", password: PASSWORD });
    expect((await client.me())?.username).toBe("mia");
    expect(changes.at(-1)).toEqual({ signedIn: true, cause: "signIn" });
  });
});
