import { print } from "graphql";
import { createRemoteJWKSet, jwtVerify, UnsecuredJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, signIn } from "./helpers/auth.ts";
import { startTestServer, type TestServer } from "./helpers/server.ts";
import { Login, Me } from "./operations/auth.ts";
import { Logout, Refresh } from "./operations/sessions.ts";

describe("access tokens over HTTP", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ PUBLIC_URL: "https://auth.example.com" });
    await createUser(server.prisma, { username: "lena", email: "lena@example.com" });
  });
  afterAll(() => server?.close());

  it("publishes a JWKS that another service can verify our tokens with", async () => {
    const response = await fetch(`${server.url}/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/jwk-set+json");
    const { jwt, userId } = await signIn(server, "lena");
    const jwks = createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(jwt, jwks, {
      algorithms: ["EdDSA"],
      issuer: "https://auth.example.com",
      audience: "gatehouse",
    });
    expect(payload.sub).toBe(userId);
    expect(payload.roles).toEqual(["authenticated"]);
    expect(protectedHeader.kid).toBeTruthy();
  });

  it.each([
    ["an alg-none token", () => `Bearer ${new UnsecuredJWT({ sub: "1" }).setExpirationTime("5m").encode()}`],
    ["a malformed header", () => "Token abc"],
    ["a token of garbage", () => "Bearer abc.def.ghi"],
  ])("answers %s with UNAUTHENTICATED and no stack trace", async (_name, header) => {
    const result = await server.gql(Me, undefined, { headers: { authorization: header() } });
    expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(JSON.stringify(result)).not.toMatch(/\bat .+\.ts:\d+/);
    expect(result.status).toBeLessThan(500);
  });
});

describe("HTTP status of a refused access token", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await createUser(server.prisma, { username: "theo", email: "theo@example.com" });
  });
  afterAll(() => server?.close());

  /** `me` with the token, answered as the client asks; the raw body too, to look for internals. */
  async function meWith(jwt: string, accept: string) {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", accept, authorization: `Bearer ${jwt}` },
      body: JSON.stringify({ query: print(Me) }),
    });
    const text = await response.text();
    const body = JSON.parse(text) as { data?: unknown; errors?: { extensions?: Record<string, unknown> }[] };
    return { status: response.status, headers: response.headers, text, body };
  }

  // Each refusal carries its reason from the catalogue (errors.ts) beside the code.
  const refusedTokens: [string, string, () => Promise<string>][] = [
    ["an invalid token", "INVALID_TOKEN", async () => "abc.def.ghi"],
    [
      "an expired token",
      "TOKEN_EXPIRED",
      async () => {
        const { userId } = await signIn(server, "theo");
        return server.services.tokens.sign({ userId: Number(userId), roles: [], lifespanSeconds: -60 });
      },
    ],
    [
      "a revoked token",
      "SESSION_ENDED",
      async () => {
        const session = await signIn(server, "theo");
        expect((await server.gql(Logout, {}, session)).data?.logout.ok).toBe(true);
        return session.jwt;
      },
    ],
  ];

  it.each(refusedTokens)("answers %s with 401 to application/graphql-response+json clients", async (_name, reason, token) => {
    const { status, headers, text, body } = await meWith(await token(), "application/graphql-response+json");
    expect(status).toBe(401);
    expect(headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
    expect(body.errors?.[0]?.extensions).toEqual({ code: "UNAUTHENTICATED", reason });
    expect(body.data ?? null).toBeNull();
    expect(text).not.toContain('"http"');
  });

  it.each(refusedTokens)("answers %s with 200 to application/json clients", async (_name, reason, token) => {
    const { status, text, body } = await meWith(await token(), "application/json");
    expect(status).toBe(200);
    expect(body.errors?.[0]?.extensions).toEqual({ code: "UNAUTHENTICATED", reason });
    expect(text).not.toContain('"http"');
  });

  it("keeps 200 for a valid token and for an anonymous caller", async () => {
    const session = await signIn(server, "theo");
    const valid = await meWith(session.jwt, "application/graphql-response+json");
    expect(valid.status).toBe(200);
    expect(valid.body.errors).toBeUndefined();
    const anonymous = await server.gql(Me);
    expect(anonymous.status).toBe(200);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});

describe("cookie mode", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ AUTH_COOKIE: "true" });
    await createUser(server.prisma, { username: "mia", email: "mia@example.com" });
  });
  afterAll(() => server?.close());

  function refreshCookie(response: { headers: Headers }) {
    const header = response.headers.getSetCookie().find((c) => c.startsWith("__Host-gatehouse-refresh="));
    expect(header).toBeDefined();
    return header!;
  }

  it("sets the refresh token as a Secure HttpOnly SameSite=Strict cookie, never in the body", async () => {
    const result = await server.gql(Login, { input: { identifier: "mia", password: "correct horse battery staple" } });
    expect(result.data?.login.jwt).toBeTruthy();
    expect(result.data?.login.refreshToken).toBeNull();
    const cookie = refreshCookie(result);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\//);
  });

  it("refreshes from the cookie on a JSON request and rotates it", async () => {
    const login = await server.gql(Login, { input: { identifier: "mia", password: "correct horse battery staple" } });
    const cookie = refreshCookie(login).split(";")[0]!;
    const refreshed = await server.gql(Refresh, undefined, { headers: { cookie } });
    expect(refreshed.errors).toBeUndefined();
    expect(refreshed.data?.refresh.jwt).toBeTruthy();
    expect(refreshed.data?.refresh.refreshToken).toBeNull();
    const next = refreshCookie(refreshed).split(";")[0]!;
    expect(next).not.toBe(cookie);
  });

  it("refuses simple (form) requests outright, so cross-site forms cannot use the cookie", async () => {
    const login = await server.gql(Login, { input: { identifier: "mia", password: "correct horse battery staple" } });
    const cookie = refreshCookie(login).split(";")[0]!;
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie },
      body: new URLSearchParams({ query: "mutation { refresh { jwt } }" }).toString(),
    });
    const body = (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
    // Form posts are refused in every mode before parsing (use-json-only: 415); cookie mode's CSRF
    // guard would refuse them too. Either way the cookie is never used.
    expect(response.status).toBe(415);
    expect(body.errors?.[0]?.extensions?.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect(body.data ?? null).toBeNull();
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it("refuses a GET without the CSRF header, and serves it with the header", async () => {
    const url = `${server.url}/graphql?query=${encodeURIComponent("{ roles { name } }")}`;
    const bare = await fetch(url);
    expect(bare.status).toBe(403);
    const withHeader = await fetch(url, { headers: { "x-gatehouse-csrf": "1" } });
    expect(withHeader.status).toBe(200);
  });
});
