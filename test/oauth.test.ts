/**
 * Sign-in with OAuth 2 / OpenID Connect providers against a real OpenID provider (oidc-provider on
 * loopback, its own login and consent pages) and a loopback server that speaks GitHub's API: the whole
 * redirect flow to a session, the refused state, nonce and PKCE answers, replays, the redirect
 * allow-list, the email-linking rules, link and unlink, and the admin's provider settings.
 */
import { createHash, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, setAdvancedSettings, signIn, type SignedIn } from "./helpers/auth.ts";
import { authorize, browse, CookieJar, type IdentityProvider, startIdentityProvider } from "./helpers/identity-provider.ts";
import { errorCode, freePort, startTestServer, type TestServer } from "./helpers/server.ts";
import { Me } from "./operations/auth.ts";
import {
  AuthProviders,
  LinkProvider,
  MyLinkedProviders,
  OAuthLogin,
  ProviderRedirectUrls,
  UnlinkProvider,
  UpdateAuthProvider,
} from "./operations/oauth.ts";

/** The front-end page the flow returns to (never fetched: the tests read the redirect). */
const FRONT_END = "http://app.test/auth/done";
const ADMIN = { email: "root@example.com", password: "root passphrase here" };

let server: TestServer;
let idp: IdentityProvider;
let admin: SignedIn;

beforeAll(async () => {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  idp = await startIdentityProvider({ redirectUris: [`${publicUrl}/connect/corp/callback`] });
  server = await startTestServer({ PUBLIC_URL: publicUrl, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password }, { port });
  admin = await signIn(server, ADMIN.email, ADMIN.password);
  const settings = await server.gql(ProviderRedirectUrls, { urls: [FRONT_END] }, { headers: admin.headers });
  expect(settings.data?.updateSettings.providerRedirectUrls).toEqual([FRONT_END]);
  const corp = await server.gql(
    UpdateAuthProvider,
    { name: "corp", input: { enabled: true, clientId: idp.clientId, clientSecret: idp.clientSecret, issuer: idp.issuer } },
    { headers: admin.headers },
  );
  expect(corp.errors).toBeUndefined();
});

afterAll(async () => {
  await server?.close();
  await idp?.close();
});

const callbackPrefix = (provider = "corp") => `${server.url}/connect/${provider}/callback`;

/** GET /connect/:provider as a browser: the response and the browser's cookies for Gatehouse. */
async function start(provider = "corp", redirect: string | null = FRONT_END, jar = new CookieJar()) {
  const query = redirect === null ? "" : `?redirect=${encodeURIComponent(redirect)}`;
  const response = await browse(`${server.url}/connect/${provider}${query}`, jar);
  return { response, jar, location: response.headers.get("location") ?? "" };
}

/** Where the callback sent the browser, as a URL (the front-end page with its parameters). */
async function callback(url: string, jar: CookieJar) {
  const response = await browse(url, jar);
  expect(response.status).toBe(302);
  return new URL(response.headers.get("location")!);
}

/** The whole browser round trip as `accountId` at the IdP: the front-end URL it ends on. */
async function signInAtProvider(accountId: string, provider = "corp") {
  const started = await start(provider);
  expect(started.response.status).toBe(302);
  const back = await authorize(started.location, accountId, callbackPrefix(provider));
  return callback(back, started.jar);
}

async function exchange(loginCode: string | null) {
  expect(loginCode).toBeTruthy();
  return server.gql(OAuthLogin, { code: loginCode! });
}

const account = (sub: string, claims: Record<string, unknown>) => idp.accounts.set(sub, claims);

describe("the redirect flow with a real OpenID provider", () => {
  it("signs a new user in: 302 to the provider with PKCE and nonce, back with a loginCode, oauthLogin gives the session", async () => {
    account("alice-sub", { email: "Alice@Corp.test", email_verified: true, preferred_username: "alice" });
    const started = await start();
    expect(started.response.status).toBe(302);
    const authorization = new URL(started.location);
    expect(authorization.origin).toBe(idp.issuer);
    expect(authorization.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorization.searchParams.get("redirect_uri")).toBe(callbackPrefix());
    for (const name of ["state", "nonce", "code_challenge"]) expect(authorization.searchParams.get(name)).toMatch(/^[\w-]{43}$/);
    // The router's security headers, as on /graphql.
    expect(started.response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(started.response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(started.response.headers.get("cache-control")).toBe("no-store");
    const cookie = started.response.headers.getSetCookie().join("\n");
    expect(cookie).toMatch(/^gatehouse_oauth=[\w-]{43}; Max-Age=600; Path=\/connect; HttpOnly; SameSite=Lax$/);

    // Nothing the flow needs is stored in the clear: only hashes, and the nonce and verifier nowhere.
    const state = authorization.searchParams.get("state")!;
    const row = await server.prisma.oAuthState.findUniqueOrThrow({ where: { stateHash: createHash("sha256").update(state).digest("hex") } });
    const stored = JSON.stringify(row);
    for (const secret of [state, authorization.searchParams.get("nonce")!, started.jar.cookies.get("gatehouse_oauth")!]) {
      expect(stored).not.toContain(secret);
    }
    // Ten minutes from the start (createdAt is the database's clock, a moment later than the app's).
    const lifespan = row.expiresAt.getTime() - row.createdAt.getTime();
    expect(lifespan).toBeGreaterThan(590_000);
    expect(lifespan).toBeLessThanOrEqual(600_000);

    const back = await authorize(started.location, "alice-sub", callbackPrefix());
    const done = await callback(back, started.jar);
    expect(`${done.origin}${done.pathname}`).toBe(FRONT_END);
    expect(done.searchParams.get("error")).toBeNull();
    expect([...done.searchParams.keys()]).toEqual(["loginCode"]);

    const login = await exchange(done.searchParams.get("loginCode"));
    expect(login.errors).toBeUndefined();
    const session = login.data!.oauthLogin;
    expect(session.jwt).toBeTruthy();
    expect(session.refreshToken).toBeTruthy();
    expect(session.user).toMatchObject({ username: "alice", email: "alice@corp.test", confirmed: true });
    expect(session.user.linkedProviders).toEqual([{ provider: "corp", email: "alice@corp.test" }]);
    const me = await server.gql(Me, undefined, { headers: { authorization: `Bearer ${session.jwt}` } });
    expect(me.data?.me?.id).toBe(session.user.id);

    const user = await server.prisma.user.findUniqueOrThrow({ where: { email: "alice@corp.test" }, include: { identities: true } });
    expect(user).toMatchObject({ provider: "corp", passwordHash: null, confirmed: true });
    expect(user.identities.map(({ provider, subject }) => ({ provider, subject }))).toEqual([{ provider: "corp", subject: "alice-sub" }]);
    const entries = await server.prisma.auditLog.findMany({ where: { targetId: String(user.id) }, orderBy: { id: "asc" } });
    expect(entries.map((entry) => [entry.action, entry.success, entry.metadata])).toEqual([
      ["USER_REGISTERED", true, { provider: "corp", emailVerified: true }],
      ["PROVIDER_SIGN_IN", true, { provider: "corp" }],
      ["LOGIN_SUCCEEDED", true, { method: "oauth" }],
    ]);
    expect(entries.every((entry) => entry.ip === "127.0.0.1" && entry.userAgent !== null)).toBe(true);
  });

  it("refuses a replayed loginCode, and a made-up one", async () => {
    account("erin-sub", { email: "erin@corp.test", email_verified: true });
    const done = await signInAtProvider("erin-sub");
    const code = done.searchParams.get("loginCode");
    expect((await exchange(code)).data?.oauthLogin.jwt).toBeTruthy();
    for (const attempt of [code!, randomBytes(32).toString("base64url"), "x".repeat(5000)]) {
      const again = await server.gql(OAuthLogin, { code: attempt });
      expect(errorCode(again)).toBe("BAD_USER_INPUT");
      expect(again.errors?.[0]?.extensions?.reason).toBe("INVALID_CODE");
      expect(again.data).toBeNull();
    }
  });

  it("refuses a replayed callback: the state is spent by the first one", async () => {
    account("frank-sub", { email: "frank@corp.test", email_verified: true });
    const started = await start();
    const back = await authorize(started.location, "frank-sub", callbackPrefix());
    const jarCopy = new CookieJar();
    for (const [name, value] of started.jar.cookies) jarCopy.cookies.set(name, value);
    expect((await callback(back, started.jar)).searchParams.get("loginCode")).toBeTruthy();
    const replay = await callback(back, jarCopy);
    expect(replay.searchParams.get("loginCode")).toBeNull();
    expect(replay.searchParams.get("error")).toBe("INVALID_STATE");
  });

  it("lets exactly one of two simultaneous callbacks, and of two simultaneous oauthLogin calls, through", async () => {
    account("race-sub", { email: "race@corp.test", email_verified: true });
    const started = await start();
    const back = await authorize(started.location, "race-sub", callbackPrefix());
    const twin = new CookieJar();
    for (const [name, value] of started.jar.cookies) twin.cookies.set(name, value);
    const answers = await Promise.all([callback(back, started.jar), callback(back, twin)]);
    const codes = answers.map((url) => url.searchParams.get("loginCode")).filter((code) => code !== null);
    expect(codes).toHaveLength(1);
    expect(answers.map((url) => url.searchParams.get("error")).filter(Boolean)).toEqual(["INVALID_STATE"]);
    const logins = await Promise.all([server.gql(OAuthLogin, { code: codes[0]! }), server.gql(OAuthLogin, { code: codes[0]! })]);
    expect(logins.filter((login) => login.data?.oauthLogin.jwt)).toHaveLength(1);
    expect(logins.map((login) => login.errors?.[0]?.extensions?.reason).filter(Boolean)).toEqual(["INVALID_CODE"]);
  });

  it("binds the state to the browser that started it: another browser's callback is refused, the right one still works", async () => {
    account("gina-sub", { email: "gina@corp.test", email_verified: true });
    const started = await start();
    const back = await authorize(started.location, "gina-sub", callbackPrefix());
    const stranger = await callback(back, new CookieJar());
    expect(stranger.searchParams.get("error")).toBe("INVALID_STATE");
    const forged = new CookieJar();
    forged.cookies.set("gatehouse_oauth", randomBytes(32).toString("base64url"));
    expect((await callback(back, forged)).searchParams.get("error")).toBe("INVALID_STATE");
    expect((await callback(back, started.jar)).searchParams.get("loginCode")).toBeTruthy();
  });

  it("answers an unknown or altered state with a 400 page and no redirect", async () => {
    const started = await start();
    for (const query of ["code=abc", "code=abc&state=forged", `code=abc&state=${new URL(started.location).searchParams.get("state")}x`]) {
      const response = await browse(`${callbackPrefix()}?${query}`, started.jar);
      expect(response.status).toBe(400);
      expect(response.headers.get("location")).toBeNull();
      expect(response.headers.get("x-gatehouse-reason")).toBe("INVALID_STATE");
      expect(await response.text()).toContain("invalid or has expired");
    }
  });

  it("refuses an injected code: PKCE binds the code to the flow that asked for it", async () => {
    account("mallory-sub", { email: "mallory@corp.test", email_verified: true });
    const victim = await start();
    const attacker = await start();
    const victimBack = new URL(await authorize(victim.location, "mallory-sub", callbackPrefix()));
    const attackerBack = new URL(await authorize(attacker.location, "mallory-sub", callbackPrefix()));
    // The attacker's code with the victim's state and cookie.
    victimBack.searchParams.set("code", attackerBack.searchParams.get("code")!);
    const done = await callback(victimBack.toString(), victim.jar);
    expect(done.searchParams.get("error")).toBe("PROVIDER_ERROR");
    expect(done.searchParams.get("loginCode")).toBeNull();
    const failed = await server.prisma.auditLog.findFirst({ where: { action: "PROVIDER_SIGN_IN", success: false }, orderBy: { id: "desc" } });
    expect(failed?.metadata).toMatchObject({ provider: "corp", reason: "PROVIDER_ERROR" });
  });

  it("refuses a code issued for another PKCE challenge", async () => {
    account("pkce-sub", { email: "pkce@corp.test", email_verified: true });
    const started = await start();
    const tampered = new URL(started.location);
    tampered.searchParams.set("code_challenge", createHash("sha256").update("another verifier").digest("base64url"));
    const back = await authorize(tampered.toString(), "pkce-sub", callbackPrefix());
    expect((await callback(back, started.jar)).searchParams.get("error")).toBe("PROVIDER_ERROR");
    expect(await server.prisma.user.count({ where: { email: "pkce@corp.test" } })).toBe(0);
  });

  it("refuses an ID token whose nonce is not the flow's", async () => {
    account("nonce-sub", { email: "nonce@corp.test", email_verified: true });
    const started = await start();
    const tampered = new URL(started.location);
    tampered.searchParams.set("nonce", randomBytes(32).toString("base64url"));
    const back = await authorize(tampered.toString(), "nonce-sub", callbackPrefix());
    expect((await callback(back, started.jar)).searchParams.get("error")).toBe("PROVIDER_ERROR");
    expect(await server.prisma.user.count({ where: { email: "nonce@corp.test" } })).toBe(0);
    const failed = await server.prisma.auditLog.findFirst({ where: { action: "PROVIDER_SIGN_IN", success: false }, orderBy: { id: "desc" } });
    expect((failed?.metadata as { detail?: string }).detail).toContain('unexpected ID Token "nonce" claim value');
  });

  it("takes a form-posted answer (response_mode=form_post, as Apple sends) by bouncing it to the GET callback", async () => {
    account("form-sub", { email: "form@corp.test", email_verified: true });
    const started = await start();
    const back = new URL(await authorize(started.location, "form-sub", callbackPrefix()));
    // The provider's auto-submitted form is a cross-site POST: no SameSite=Lax cookie comes with it.
    const posted = await fetch(callbackPrefix(), {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: back.searchParams.toString(),
    });
    expect(posted.status).toBe(200);
    const html = await posted.text();
    const target = /<meta http-equiv="refresh" content="0;url=([^"]+)">/.exec(html)?.[1]?.replace(/&#38;/g, "&");
    expect(target).toBe(`/connect/corp/callback?${back.searchParams.toString()}`);
    // The bounce is a navigation from Gatehouse's own page, so the browser sends the cookie this time.
    const done = await callback(`${server.url}${target}`, started.jar);
    expect(done.searchParams.get("loginCode")).toBeTruthy();
    const other = await fetch(callbackPrefix(), { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(other.status).toBe(400);
  });

  it("passes a provider's refusal on as PROVIDER_DENIED", async () => {
    const started = await start();
    const state = new URL(started.location).searchParams.get("state")!;
    const done = await callback(`${callbackPrefix()}?error=access_denied&state=${state}`, started.jar);
    expect(done.searchParams.get("error")).toBe("PROVIDER_DENIED");
  });

  it("refuses a redirect outside settings.providerRedirectUrls (exact match) with a 400, before any flow starts", async () => {
    const before = await server.prisma.oAuthState.count();
    for (const redirect of [null, "", "http://evil.test/auth/done", `${FRONT_END}/`, `${FRONT_END}?next=/x`, "HTTP://APP.TEST/auth/done", "/auth/done"]) {
      const { response } = await start("corp", redirect);
      expect(response.status).toBe(400);
      expect(response.headers.get("location")).toBeNull();
      expect(response.headers.get("x-gatehouse-reason")).toBe("REDIRECT_NOT_ALLOWED");
      expect(await response.text()).toContain("settings.providerRedirectUrls");
    }
    expect(await server.prisma.oAuthState.count()).toBe(before);
  });

  it("answers 404 for a provider that is not enabled", async () => {
    for (const name of ["github", "nope", "UPPER"]) {
      const { response } = await start(name);
      expect(response.status).toBe(404);
    }
  });

  it("answers 502 when the provider cannot be reached, and starts no flow", async () => {
    const closed = await freePort();
    const configured = await server.gql(
      UpdateAuthProvider,
      { name: "downidp", input: { enabled: true, clientId: "x", clientSecret: "y", issuer: `http://127.0.0.1:${closed}` } },
      { headers: admin.headers },
    );
    expect(configured.errors).toBeUndefined();
    const before = await server.prisma.oAuthState.count();
    const { response } = await start("downidp");
    expect(response.status).toBe(502);
    expect(response.headers.get("x-gatehouse-reason")).toBe("PROVIDER_ERROR");
    expect(await server.prisma.oAuthState.count()).toBe(before);
    await server.gql(UpdateAuthProvider, { name: "downidp", input: { enabled: false } }, { headers: admin.headers });
  });

  it("refuses a blocked user", async () => {
    account("blocked-sub", { email: "blocked@corp.test", email_verified: true });
    expect((await signInAtProvider("blocked-sub")).searchParams.get("loginCode")).toBeTruthy();
    await server.prisma.user.update({ where: { email: "blocked@corp.test" }, data: { blocked: true } });
    const done = await signInAtProvider("blocked-sub");
    expect(done.searchParams.get("error")).toBe("ACCOUNT_BLOCKED");
  });

  it("names provider sign-ups by Strapi's rule: the email's local part, a random suffix when taken", async () => {
    await createUser(server.prisma, { username: "carol", email: "carol@elsewhere.test" });
    account("carol-sub", { email: "carol@corp.test", email_verified: true, preferred_username: "carol" });
    const login = await exchange((await signInAtProvider("carol-sub")).searchParams.get("loginCode"));
    expect(login.data?.oauthLogin.user.username).toMatch(/^carol-[0-9a-f]{6}$/);
  });

  it("creates an unconfirmed account when the provider did not verify the email", async () => {
    account("unverified-sub", { email: "newbie@corp.test", email_verified: false });
    const login = await exchange((await signInAtProvider("unverified-sub")).searchParams.get("loginCode"));
    expect(login.data?.oauthLogin.user).toMatchObject({ email: "newbie@corp.test", confirmed: false });
  });

  it("with email confirmation on, mails an unverified newcomer a confirmation link instead of signing in", async () => {
    await setAdvancedSettings(server.prisma, { emailConfirmation: true });
    try {
      account("pending-sub", { email: "pending@corp.test", email_verified: false });
      const done = await signInAtProvider("pending-sub");
      expect(done.searchParams.get("error")).toBe("EMAIL_NOT_CONFIRMED");
      expect(done.searchParams.get("loginCode")).toBeNull();
      expect(await server.prisma.user.findUnique({ where: { email: "pending@corp.test" } })).toMatchObject({ confirmed: false });
      // The confirmation email is composed by the mail-request worker, off the request path.
      await expect.poll(() => server.prisma.emailOutbox.count({ where: { to: { contains: "pending@corp.test" } } }), { timeout: 10_000 }).toBe(1);
      // A verified newcomer is confirmed by the provider's word and signs in at once.
      account("verified-sub", { email: "verified@corp.test", email_verified: true });
      expect((await signInAtProvider("verified-sub")).searchParams.get("loginCode")).toBeTruthy();
    } finally {
      await setAdvancedSettings(server.prisma, { emailConfirmation: false });
    }
  });
});

describe("linking by email", () => {
  it("never links an unverified provider email to an existing account", async () => {
    const existing = await createUser(server.prisma, { username: "bob", email: "bob@corp.test", confirmed: true });
    account("bob-unverified", { email: "bob@corp.test", email_verified: false });
    const done = await signInAtProvider("bob-unverified");
    expect(done.searchParams.get("error")).toBe("PROVIDER_LINK_REQUIRED");
    expect(done.searchParams.get("loginCode")).toBeNull();
    expect(await server.prisma.userIdentity.count({ where: { userId: existing.id } })).toBe(0);
    expect(await server.prisma.user.count({ where: { email: "bob@corp.test" } })).toBe(1);
    const refused = await server.prisma.auditLog.findFirst({ where: { action: "PROVIDER_SIGN_IN", targetId: String(existing.id) } });
    expect(refused).toMatchObject({ success: false, metadata: { provider: "corp", reason: "PROVIDER_LINK_REQUIRED" } });
  });

  it("never links to an account whose own email is not confirmed, even when the provider verified it", async () => {
    const existing = await createUser(server.prisma, { username: "hank", email: "hank@corp.test", confirmed: false });
    account("hank-sub", { email: "hank@corp.test", email_verified: true });
    expect((await signInAtProvider("hank-sub")).searchParams.get("error")).toBe("PROVIDER_LINK_REQUIRED");
    expect(await server.prisma.userIdentity.count({ where: { userId: existing.id } })).toBe(0);
  });

  it("links a verified provider email to a confirmed account, by (provider, subject) from then on", async () => {
    const existing = await createUser(server.prisma, { username: "ivy", email: "ivy@corp.test", confirmed: true });
    account("ivy-sub", { email: "ivy@corp.test", email_verified: true });
    const login = await exchange((await signInAtProvider("ivy-sub")).searchParams.get("loginCode"));
    expect(login.data?.oauthLogin.user.id).toBe(String(existing.id));
    const linked = await server.prisma.auditLog.findFirst({ where: { action: "PROVIDER_LINKED", targetId: String(existing.id) } });
    expect(linked?.metadata).toEqual({ provider: "corp", via: "verified-email" });
    // The provider's email changes: the link holds, by subject, and no account is made for the new address.
    account("ivy-sub", { email: "ivy.new@corp.test", email_verified: false });
    const again = await exchange((await signInAtProvider("ivy-sub")).searchParams.get("loginCode"));
    expect(again.data?.oauthLogin.user.id).toBe(String(existing.id));
    expect(await server.prisma.user.count({ where: { email: "ivy.new@corp.test" } })).toBe(0);
  });
});

describe("linkProvider and unlinkProvider", () => {
  it("links a provider account to the signed-in user, lists it on me and viewer, and unlinks it", async () => {
    await createUser(server.prisma, { username: "dave", email: "dave@example.com" });
    const dave = await signIn(server, "dave");
    account("dave-at-corp", { email: "someone-else@corp.test", email_verified: false });
    const link = await server.gql(LinkProvider, { provider: "corp", redirect: FRONT_END }, { headers: dave.headers });
    expect(link.errors).toBeUndefined();
    const jar = new CookieJar();
    const started = await browse(link.data!.linkProvider.url, jar);
    expect(started.status).toBe(302);
    const back = await authorize(started.headers.get("location")!, "dave-at-corp", callbackPrefix());
    const done = await callback(back, jar);
    expect([...done.searchParams]).toEqual([["linked", "corp"]]);

    const listed = await server.gql(MyLinkedProviders, undefined, { headers: dave.headers });
    expect(listed.data?.me?.linkedProviders).toMatchObject([{ provider: "corp", email: "someone-else@corp.test", lastSignInAt: null }]);
    expect(listed.data?.viewer?.linkedProviders).toEqual([{ provider: "corp" }]);
    // The linked account now signs in as dave.
    const login = await exchange((await signInAtProvider("dave-at-corp")).searchParams.get("loginCode"));
    expect(login.data?.oauthLogin.user.id).toBe(dave.userId);

    // The ticket in the link URL starts one flow only.
    const replay = await browse(link.data!.linkProvider.url, new CookieJar());
    expect(replay.status).toBe(400);
    expect(replay.headers.get("x-gatehouse-reason")).toBe("INVALID_CODE");

    const unlinked = await server.gql(UnlinkProvider, { provider: "corp" }, { headers: dave.headers });
    expect(unlinked.data?.unlinkProvider.ok).toBe(true);
    expect((await server.gql(MyLinkedProviders, undefined, { headers: dave.headers })).data?.me?.linkedProviders).toEqual([]);
    const entries = await server.prisma.auditLog.findMany({ where: { targetId: dave.userId, action: { in: ["PROVIDER_LINKED", "PROVIDER_UNLINKED"] } }, orderBy: { id: "asc" } });
    expect(entries.map((entry) => [entry.action, (entry.metadata as { provider: string }).provider])).toEqual([
      ["PROVIDER_LINKED", "corp"],
      ["PROVIDER_LINKED", "corp"],
      ["PROVIDER_UNLINKED", "corp"],
    ]);
    expect(await server.prisma.userIdentity.count({ where: { userId: Number(dave.userId) } })).toBe(0);
    // Unlinked: that provider account is a stranger again (its unverified email makes a new account).
    const stranger = await exchange((await signInAtProvider("dave-at-corp")).searchParams.get("loginCode"));
    expect(stranger.data?.oauthLogin.user.id).not.toBe(dave.userId);
  });

  it("refuses to link a provider account that another user holds", async () => {
    account("shared-sub", { email: "shared@corp.test", email_verified: true });
    expect((await signInAtProvider("shared-sub")).searchParams.get("loginCode")).toBeTruthy();
    await createUser(server.prisma, { username: "judy", email: "judy@example.com" });
    const judy = await signIn(server, "judy");
    const link = await server.gql(LinkProvider, { provider: "corp", redirect: FRONT_END }, { headers: judy.headers });
    const jar = new CookieJar();
    const started = await browse(link.data!.linkProvider.url, jar);
    const done = await callback(await authorize(started.headers.get("location")!, "shared-sub", callbackPrefix()), jar);
    expect(done.searchParams.get("error")).toBe("PROVIDER_ALREADY_LINKED");
    expect(await server.prisma.userIdentity.count({ where: { userId: Number(judy.userId) } })).toBe(0);
  });

  it("refuses to unlink the only way to sign in, a provider that is not linked, and anonymous callers", async () => {
    account("solo-sub", { email: "solo@corp.test", email_verified: true });
    const login = await exchange((await signInAtProvider("solo-sub")).searchParams.get("loginCode"));
    const headers = { authorization: `Bearer ${login.data!.oauthLogin.jwt}` };
    const last = await server.gql(UnlinkProvider, { provider: "corp" }, { headers });
    expect(errorCode(last)).toBe("FORBIDDEN");
    expect(last.errors?.[0]?.extensions?.reason).toBe("LAST_SIGN_IN_METHOD");
    expect(await server.prisma.userIdentity.count({ where: { subject: "solo-sub" } })).toBe(1);
    expect(errorCode(await server.gql(UnlinkProvider, { provider: "github" }, { headers }))).toBe("NOT_FOUND");
    expect(errorCode(await server.gql(UnlinkProvider, { provider: "corp" }))).toBe("UNAUTHENTICATED");
    expect(errorCode(await server.gql(LinkProvider, { provider: "corp", redirect: FRONT_END }))).toBe("UNAUTHENTICATED");
  });

  it("refuses linkProvider to a redirect outside the allow-list or a provider that is not enabled", async () => {
    const outside = await server.gql(LinkProvider, { provider: "corp", redirect: "http://evil.test/" }, { headers: admin.headers });
    expect(outside.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "REDIRECT_NOT_ALLOWED" });
    const disabled = await server.gql(LinkProvider, { provider: "github", redirect: FRONT_END }, { headers: admin.headers });
    expect(disabled.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "PROVIDER_NOT_ENABLED" });
  });
});

describe("providers as admins configure them", () => {
  it("shows anyone the enabled providers' names only, and admins every preset and setting but the secret", async () => {
    const anonymous = await server.gql(AuthProviders);
    expect(anonymous.data?.authProviders.map((provider) => provider.name)).toEqual(["corp"]);
    expect(anonymous.data?.authProviders[0]).toMatchObject({ enabled: true, clientId: null, hasClientSecret: null, issuer: null, scopes: null });

    const listed = await server.gql(AuthProviders, undefined, { headers: admin.headers });
    const names = listed.data!.authProviders.map((provider) => provider.name);
    for (const preset of ["apple", "discord", "facebook", "github", "gitlab", "google", "microsoft", "twitch"]) expect(names).toContain(preset);
    expect(listed.data!.authProviders.find((provider) => provider.name === "corp")).toMatchObject({
      enabled: true,
      preset: false,
      clientId: idp.clientId,
      hasClientSecret: true,
      issuer: idp.issuer,
      scopes: ["openid", "email", "profile"],
    });
    expect(listed.data!.authProviders.find((provider) => provider.name === "github")).toMatchObject({
      enabled: false,
      preset: true,
      hasClientSecret: false,
      authorizationUrl: "https://github.com/login/oauth/authorize",
      scopes: ["read:user", "user:email"],
    });
    expect(JSON.stringify(listed)).not.toContain(idp.clientSecret);
  });

  it("stores the client secret encrypted and audits every change without it", async () => {
    const row = await server.prisma.authProvider.findUniqueOrThrow({ where: { name: "corp" } });
    expect(row.clientSecret).toMatch(/^v1\./);
    expect(row.clientSecret).not.toContain(idp.clientSecret);
    const update = await server.gql(UpdateAuthProvider, { name: "gitlab", input: { clientId: "gl-id", clientSecret: "gl-secret-value", scopes: ["openid", "email"] } }, { headers: admin.headers });
    expect(update.data?.updateAuthProvider).toMatchObject({ enabled: false, clientId: "gl-id", hasClientSecret: true, scopes: ["openid", "email"], issuer: "https://gitlab.com" });
    const entry = await server.prisma.auditLog.findFirst({ where: { action: "AUTH_PROVIDER_CHANGED", targetId: "gitlab" } });
    expect(entry).toMatchObject({ actorId: Number(admin.userId), targetType: "AuthProvider", ip: "127.0.0.1" });
    expect(entry?.metadata).toEqual({ provider: "gitlab", changed: ["clientId", "clientSecret", "scopes"], enabled: false });
    expect(JSON.stringify(await server.prisma.auditLog.findMany())).not.toContain("gl-secret-value");
  });

  it("refuses bad input with BAD_USER_INPUT and a field, and non-admins with FORBIDDEN", async () => {
    const cases: [string, Record<string, unknown>, string | undefined][] = [
      ["local", { enabled: false }, "name"],
      ["Bad Name", { enabled: false }, "name"],
      ["acme", { issuer: "ftp://idp.example.com" }, "issuer"],
      ["acme", { scopes: ["has space"] }, "scopes"],
      ["acme", { clientId: "" }, "clientId"],
      ["discord", { enabled: true }, undefined],
      ["acme", { enabled: true, clientId: "x", clientSecret: "y" }, undefined],
    ];
    for (const [name, input, field] of cases) {
      const result = await server.gql(UpdateAuthProvider, { name, input }, { headers: admin.headers });
      expect(errorCode(result), `${name} ${JSON.stringify(input)}`).toBe("BAD_USER_INPUT");
      expect(result.errors?.[0]?.extensions?.field).toBe(field);
    }
    expect(await server.prisma.authProvider.count({ where: { name: { in: ["acme", "discord"] } } })).toBe(0);
    await createUser(server.prisma, { username: "kim", email: "kim@example.com" });
    const kim = await signIn(server, "kim");
    expect(errorCode(await server.gql(UpdateAuthProvider, { name: "acme", input: { enabled: false } }, { headers: kim.headers }))).toBe("FORBIDDEN");
    expect(errorCode(await server.gql(UpdateAuthProvider, { name: "acme", input: { enabled: false } }))).toBe("UNAUTHENTICATED");
  });
});

/** A loopback server that speaks GitHub's OAuth and REST API shapes (with PKCE, as GitHub supports). */
async function startFakeGitHub(clientId: string, clientSecret: string) {
  const codes = new Map<string, { challenge: string; redirectUri: string }>();
  const tokens = new Map<string, boolean>();
  const profile = { id: 583231, login: "octocat", email: null as string | null, name: "The Octocat" };
  const emails = [
    { email: "octo.public@github.test", primary: false, verified: true, visibility: "public" },
    { email: "octocat@github.test", primary: true, verified: true, visibility: "private" },
  ];
  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url!, "http://github.test");
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    if (request.method === "GET" && url.pathname === "/login/oauth/authorize") {
      if (url.searchParams.get("client_id") !== clientId || url.searchParams.get("code_challenge_method") !== "S256") return json(400, { error: "bad_request" });
      const code = randomBytes(10).toString("hex");
      codes.set(code, { challenge: url.searchParams.get("code_challenge")!, redirectUri: url.searchParams.get("redirect_uri")! });
      const back = new URL(url.searchParams.get("redirect_uri")!);
      back.searchParams.set("code", code);
      back.searchParams.set("state", url.searchParams.get("state")!);
      response.writeHead(302, { location: back.toString() });
      return response.end();
    }
    if (request.method === "POST" && url.pathname === "/login/oauth/access_token") {
      let body = "";
      for await (const chunk of request) body += chunk;
      const form = new URLSearchParams(body);
      const issued = codes.get(form.get("code") ?? "");
      codes.delete(form.get("code") ?? "");
      const verifier = form.get("code_verifier") ?? "";
      if (form.get("client_id") !== clientId || form.get("client_secret") !== clientSecret) return json(401, { error: "invalid_client" });
      if (!issued || issued.redirectUri !== form.get("redirect_uri") || createHash("sha256").update(verifier).digest("base64url") !== issued.challenge) {
        return json(400, { error: "bad_verification_code" });
      }
      const token = `gho_${randomBytes(16).toString("hex")}`;
      tokens.set(token, true);
      return json(200, { access_token: token, token_type: "bearer", scope: "read:user,user:email" });
    }
    const token = request.headers.authorization?.replace(/^Bearer /, "") ?? "";
    if (!tokens.has(token)) return json(401, { message: "Bad credentials" });
    if (url.pathname === "/api/user") return json(200, profile);
    if (url.pathname === "/api/user/emails") return json(200, emails);
    return json(404, { message: "Not Found" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    emails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("the GitHub preset against a loopback server with GitHub's API shape", () => {
  let github: Awaited<ReturnType<typeof startFakeGitHub>>;
  beforeAll(async () => {
    github = await startFakeGitHub("gh-client", "gh-secret");
    const configured = await server.gql(
      UpdateAuthProvider,
      {
        name: "github",
        input: {
          enabled: true,
          clientId: "gh-client",
          clientSecret: "gh-secret",
          authorizationUrl: `${github.base}/login/oauth/authorize`,
          tokenUrl: `${github.base}/login/oauth/access_token`,
          userinfoUrl: `${github.base}/api/user`,
        },
      },
      { headers: admin.headers },
    );
    expect(configured.data?.updateAuthProvider).toMatchObject({ enabled: true, preset: true, issuer: null, scopes: ["read:user", "user:email"] });
  });
  afterAll(() => github?.close());

  async function viaGitHub() {
    const started = await start("github");
    expect(started.response.status).toBe(302);
    expect(new URL(started.location).searchParams.get("scope")).toBe("read:user user:email");
    expect(new URL(started.location).searchParams.get("nonce")).toBeNull();
    const back = await browse(started.location, new CookieJar());
    return callback(back.headers.get("location")!, started.jar);
  }

  it("maps the profile: id as subject, the primary verified address from /user/emails, a confirmed account", async () => {
    const login = await exchange((await viaGitHub()).searchParams.get("loginCode"));
    expect(login.errors).toBeUndefined();
    expect(login.data?.oauthLogin.user).toMatchObject({ username: "octocat", email: "octocat@github.test", confirmed: true });
    const identity = await server.prisma.userIdentity.findFirstOrThrow({ where: { provider: "github" } });
    expect(identity).toMatchObject({ subject: "583231", email: "octocat@github.test" });
    // Signed in again by the same id, into the same account.
    const again = await exchange((await viaGitHub()).searchParams.get("loginCode"));
    expect(again.data?.oauthLogin.user.id).toBe(login.data?.oauthLogin.user.id);
  });

  it("takes an unverified primary address as unverified: no link to the account that holds it", async () => {
    await server.prisma.userIdentity.deleteMany({ where: { provider: "github" } });
    github.emails[1]!.verified = false;
    const done = await viaGitHub();
    expect(done.searchParams.get("error")).toBe("PROVIDER_LINK_REQUIRED");
  });
});
