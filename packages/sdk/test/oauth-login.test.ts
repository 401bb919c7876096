/**
 * `oauthLogin` against the real server and a real OpenID provider (oidc-provider on loopback): the page a
 * provider sign-in returns to hands its `?loginCode=` to the SDK, which then holds the session like `login`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorize, browse, CookieJar, type IdentityProvider, startIdentityProvider } from "../../../test/helpers/identity-provider.ts";
import { freePort, startTestServer, type TestServer } from "../../../test/helpers/server.ts";
import { type AuthChange, createGatehouseClient, GatehouseError } from "../src/index.ts";
import { mapStorage } from "./helpers/map-storage.ts";

const FRONT_END = "http://app.test/auth/done";

describe("oauthLogin", () => {
  let server: TestServer;
  let idp: IdentityProvider;

  beforeAll(async () => {
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    idp = await startIdentityProvider({ redirectUris: [`${publicUrl}/connect/corp/callback`] });
    server = await startTestServer({ PUBLIC_URL: publicUrl }, { port });
    // Setup through the services an admin's mutations call.
    await server.services.settings.update({ advanced: { providerRedirectUrls: [FRONT_END] } }, { actorId: null });
    await server.services.oauth.updateProvider(
      "corp",
      { enabled: true, clientId: idp.clientId, clientSecret: idp.clientSecret, issuer: idp.issuer },
      { actorId: null },
    );
    idp.accounts.set("sdk-sub", { email: "sdk@corp.test", email_verified: true });
  });
  afterAll(async () => {
    await server?.close();
    await idp?.close();
  });

  async function loginCode() {
    const jar = new CookieJar();
    const started = await browse(`${server.url}/connect/corp?redirect=${encodeURIComponent(FRONT_END)}`, jar);
    const back = await authorize(started.headers.get("location")!, "sdk-sub", `${server.url}/connect/corp/callback`);
    const done = await browse(back, jar);
    return new URL(done.headers.get("location")!).searchParams.get("loginCode")!;
  }

  it("signs in with the loginCode, like login, and refuses it a second time", async () => {
    const client = createGatehouseClient({ url: `${server.url}/graphql`, storage: mapStorage() });
    const changes: AuthChange[] = [];
    client.onAuthChange((change) => changes.push(change));
    const code = await loginCode();
    const result = await client.oauthLogin(code);
    expect(result).toMatchObject({ signedIn: true, user: { email: "sdk@corp.test", confirmed: true } });
    expect(changes).toEqual([{ signedIn: true, cause: "signIn" }]);
    expect((await client.me())?.email).toBe("sdk@corp.test");
    const again = await client.oauthLogin(code).catch((error: unknown) => error);
    expect(again).toBeInstanceOf(GatehouseError);
    expect(again).toMatchObject({ code: "BAD_USER_INPUT", reason: "INVALID_CODE" });
  });
});
