/**
 * Hostile input against the authentication surface: forged and malformed tokens, oversized and binary
 * strings, look-alike addresses, flooding through aliases. Every answer is a clear error with a stable
 * code, never a 5xx or a stack trace; nothing is stored; the server stays healthy.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { exportSPKI, importJWK, type JWK, SignJWT, UnsecuredJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, signIn } from "./helpers/auth.ts";
import { startTestServer, type TestServer } from "./helpers/server.ts";

const ISSUER = "https://auth.example.com";
const AUDIENCE = "gatehouse";

type Body = { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };

describe("hostile input to the auth surface", () => {
  let server: TestServer;
  let victimId: string;
  let privateJwk: JWK;

  beforeAll(async () => {
    server = await startTestServer({ PUBLIC_URL: ISSUER });
    victimId = String((await createUser(server.prisma, { username: "victim", email: "victim@example.com" })).id);
    const stored = JSON.parse(await readFile(join(server.dataDir, "keys", "signing-keys.EdDSA.json"), "utf8"));
    privateJwk = stored.keys[0];
  });
  afterAll(() => server?.close());

  async function ours(claims: Record<string, unknown>, configure: (jwt: SignJWT) => SignJWT = (jwt) => jwt) {
    const key = await importJWK(privateJwk, "EdDSA");
    const jwt = new SignJWT({ roles: ["admin"], ...claims })
      .setProtectedHeader({ alg: "EdDSA", kid: privateJwk.kid })
      .setSubject(victimId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setJti("hostile");
    return configure(jwt).sign(key);
  }

  const forgedTokens: [string, () => Promise<string>][] = [
    ["alg none", async () => new UnsecuredJWT({ sub: victimId }).setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt().setExpirationTime("5m").encode()],
    ["HS256 signed with the public key", async () => {
      const publicKey = await importJWK({ ...privateJwk, d: undefined }, "EdDSA");
      const pem = await exportSPKI(publicKey as CryptoKey);
      return new SignJWT({ roles: [] }).setProtectedHeader({ alg: "HS256", kid: privateJwk.kid }).setSubject(victimId).setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt().setJti("x").setExpirationTime("5m").sign(new TextEncoder().encode(pem));
    }],
    ["an unknown kid", async () => {
      const key = await importJWK(privateJwk, "EdDSA");
      return new SignJWT({ roles: [] }).setProtectedHeader({ alg: "EdDSA", kid: "someone-elses" }).setSubject(victimId).setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt().setJti("x").setExpirationTime("5m").sign(key);
    }],
    ["an expired token", () => ours({}, (jwt) => jwt.setExpirationTime(Math.floor(Date.now() / 1000) - 60))],
    ["a future nbf", () => ours({}, (jwt) => jwt.setNotBefore("10m").setExpirationTime("20m"))],
    ["a wrong audience", () => ours({}, (jwt) => jwt.setAudience("another-api").setExpirationTime("5m"))],
    ["a tampered payload", async () => {
      const [header, , signature] = (await signIn(server, "victim")).jwt.split(".");
      const payload = Buffer.from(JSON.stringify({ sub: "1", roles: ["admin"], iss: ISSUER, aud: AUDIENCE, exp: 4102444800, iat: 1, jti: "x" })).toString("base64url");
      return `${header}.${payload}.${signature}`;
    }],
    ["a valid signature without a session", () => ours({ sid: "00000000-0000-4000-8000-000000000000" }, (jwt) => jwt.setExpirationTime("5m"))],
    ["a sub that is not a user id", () => ours({}, (jwt) => jwt.setSubject("1 OR 1=1").setExpirationTime("5m"))],
  ];

  it.each(forgedTokens)("refuses %s with UNAUTHENTICATED", async (_name, make) => {
    const response = await server.post(JSON.stringify({ query: "{ me { id username } }" }), { authorization: `Bearer ${await make()}` });
    expect(response.status).toBeLessThan(500);
    const body = (await response.json()) as Body;
    expect(body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(JSON.stringify(body)).not.toMatch(/\.ts:\d+|\bat [\w.]+ \(/);
    expect(body.data ?? null).toBeNull();
  });

  const mutation = (query: string, variables: Record<string, unknown>) => JSON.stringify({ query, variables });
  const register = "mutation R($u: String!, $e: String!, $p: String!) { register(input: { username: $u, email: $e, password: $p }) { jwt } }";
  const login = "mutation L($i: String!, $p: String!) { login(input: { identifier: $i, password: $p }) { jwt } }";
  const hostileInputs: [string, string, string][] = [
    ["a 100 kB username", mutation(register, { u: "u".repeat(100_000), e: "a@example.com", p: "a fine passphrase" }), "BAD_USER_INPUT"],
    ["a 100 kB password", mutation(register, { u: "longpw", e: "b@example.com", p: "p".repeat(100_000) }), "BAD_USER_INPUT"],
    ["a null byte in the username", mutation(register, { u: "nul\u0000name", e: "c@example.com", p: "a fine passphrase" }), "BAD_USER_INPUT"],
    ["a null byte in the password", mutation(register, { u: "nulpw", e: "d@example.com", p: "a fine\u0000passphrase" }), "BAD_USER_INPUT"],
    ["a Cyrillic look-alike email", mutation(register, { u: "lookalike", e: "vіctim@example.com", p: "a fine passphrase" }), "BAD_USER_INPUT"],
    ["a full-width look-alike username", mutation(register, { u: "ｖｉｃｔｉｍ", e: "e@example.com", p: "a fine passphrase" }), "BAD_USER_INPUT"],
    ["an email with a newline (header injection)", mutation(register, { u: "inject", e: "f@example.com\nBcc: x@evil.test", p: "a fine passphrase" }), "BAD_USER_INPUT"],
    ["a 100 kB identifier", mutation(login, { i: "i".repeat(100_000), p: "x" }), "BAD_USER_INPUT"],
    ["a look-alike identifier", mutation(login, { i: "vіctim", p: "correct horse battery staple" }), "BAD_USER_INPUT"],
    ["an identifier that is SQL", mutation(login, { i: "' OR 1=1 --", p: "x" }), "BAD_USER_INPUT"],
    ["a non-string password", mutation(login, { i: "victim", p: { $ne: null } }), "BAD_USER_INPUT"],
    ["two logins as aliases in one request", JSON.stringify({ query: 'mutation { a: login(input: { identifier: "victim", password: "x" }) { jwt } b: login(input: { identifier: "victim", password: "y" }) { jwt } }' }), "OPERATION_LIMIT_EXCEEDED"],
  ];

  it.each(hostileInputs)("answers %s with a clear error and stores nothing", async (_name, body, code) => {
    const before = await counts();
    const response = await server.post(body);
    expect(response.status).toBeLessThan(500);
    const json = (await response.json()) as Body;
    expect(json.errors?.[0]?.extensions?.code).toBe(code);
    expect(JSON.stringify(json)).not.toMatch(/\.ts:\d+|\bat [\w.]+ \(/);
    expect(await counts()).toEqual(before);
  });

  it("is still healthy and serves the real user afterwards", async () => {
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect((await fetch(`${server.url}/ready`)).status).toBe(200);
    expect((await signIn(server, "victim")).jwt).toBeTruthy();
  });

  async function counts() {
    const [users, sessions, codes, emails] = await Promise.all([
      server.prisma.user.count(),
      server.prisma.session.count(),
      server.prisma.oneTimeToken.count(),
      server.prisma.emailOutbox.count(),
    ]);
    return { users, sessions, codes, emails };
  }
});
