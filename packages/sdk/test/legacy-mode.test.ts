/**
 * The SDK against a server in legacy mode (JWT_MODE=legacy): one long-lived JWT and no refresh token, so
 * the client uses the token until it expires and then reports the session over, without trying to refresh.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../../../test/helpers/auth.ts";
import { startTestServer, type TestServer } from "../../../test/helpers/server.ts";
import { type AuthChange, createGatehouseClient, REFRESH_TOKEN_STORAGE_KEY } from "../src/index.ts";
import { mapStorage } from "./helpers/map-storage.ts";
import { recordingFetch } from "./helpers/recording-fetch.ts";

const expOf = (jwt: string) => (JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString()) as { exp: number }).exp;

describe("@gatehouse/sdk in legacy mode", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ JWT_MODE: "legacy", LEGACY_JWT_LIFESPAN: "3" });
    await createUser(server.prisma, { username: "lee", email: "lee@example.com" });
  }, 60_000);
  afterAll(() => server?.close());

  it("keeps the one token until it expires, then signs out without a refresh", { timeout: 30_000 }, async () => {
    const storage = mapStorage([[REFRESH_TOKEN_STORAGE_KEY, "left over from refresh mode"]]);
    const recorder = recordingFetch();
    const client = createGatehouseClient({ url: `${server.url}/graphql`, fetch: recorder.fetch, storage });
    const changes: AuthChange[] = [];
    client.onAuthChange((change) => changes.push(change));

    await client.login({ identifier: "lee", password: "correct horse battery staple" });
    expect(storage.items.size).toBe(0); // no refresh token in this mode, and no stale one kept
    expect((await client.me())?.username).toBe("lee");

    const token = (await client.accessToken())!;
    await new Promise((resolve) => setTimeout(resolve, expOf(token) * 1000 - Date.now() + 1_000));
    expect(await client.me()).toBeNull();
    expect(await client.accessToken()).toBeNull();
    expect(recorder.count("Refresh")).toBe(0);
    expect(changes).toEqual([
      { signedIn: true, cause: "signIn" },
      { signedIn: false, cause: "sessionEnded" },
    ]);
  });
});
