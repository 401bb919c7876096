import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { base64url, decodeJwt, decodeProtectedHeader, exportSPKI, importJWK, jwtVerify, SignJWT, UnsecuredJWT, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config.ts";
import { generatePrivateJwk, loadSigningKeys, type SigningKeys } from "./signing-keys.ts";
import { createTokenService, type TokenService } from "./tokens.ts";

const options = { issuer: "https://auth.example.com", audience: "gatehouse" };

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as { extensions?: { code?: string } }).extensions?.code;
  }
}

describe("access tokens", () => {
  let dataDir: string;
  let keys: SigningKeys;
  let tokens: TokenService;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "gatehouse-keys-"));
    keys = await loadSigningKeys(loadConfig({ NODE_ENV: "test" }).jwt, dataDir);
    tokens = createTokenService(keys, options);
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it("signs EdDSA tokens with a kid and the documented claims", async () => {
    const token = await tokens.sign({ userId: 7, sessionId: "5f0c7d4e-3b9a-4d8e-9a51-2c6f1e0b7a10", roles: ["authenticated"], lifespanSeconds: 600 });
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: "EdDSA", kid: keys.current.kid, typ: "JWT" });
    const claims = await tokens.verify(token);
    expect(claims).toMatchObject({ sub: "7", sid: "5f0c7d4e-3b9a-4d8e-9a51-2c6f1e0b7a10", roles: ["authenticated"], iss: options.issuer, aud: options.audience });
    expect(claims.exp - claims.iat).toBe(600);
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("keeps development keys under DATA_DIR, private to the owner, and reuses them on restart", async () => {
    const file = join(dataDir, "keys", "signing-keys.EdDSA.json");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const again = await loadSigningKeys(loadConfig({ NODE_ENV: "test" }).jwt, dataDir);
    expect(again.current.kid).toBe(keys.current.kid);
    const token = await tokens.sign({ userId: 1, roles: [], lifespanSeconds: 60 });
    expect((await createTokenService(again, options).verify(token)).sub).toBe("1");
    expect(JSON.parse(await readFile(file, "utf8")).keys[0].d).toBeTruthy();
  });

  it("signs a subgraph token for that subgraph alone, for 60 seconds, which is no access token here", async () => {
    const token = await tokens.signSubgraphToken({ subgraph: "posts", userId: 7, sessionId: "s-1", roles: ["authenticated", "editor"] });
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: "EdDSA", kid: keys.current.kid });
    const { payload } = await jwtVerify(token, keys.verificationKeys.get(keys.current.kid) as CryptoKey, {
      issuer: options.issuer,
      audience: "posts",
      algorithms: ["EdDSA"],
    });
    expect(payload).toMatchObject({ sub: "7", sid: "s-1", roles: ["authenticated", "editor"] });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(60);
    expect(await codeOf(tokens.verify(token))).toBe("UNAUTHENTICATED");
    const legacy = await tokens.signSubgraphToken({ subgraph: "posts", userId: 7, sessionId: null, roles: [] });
    expect(decodeJwt(legacy)).not.toHaveProperty("sid");
    await expect(tokens.signSubgraphToken({ subgraph: "gatehouse", userId: 7, sessionId: null, roles: [] })).rejects.toThrow();
  });

  it("publishes only public keys in the JWKS", () => {
    expect(keys.jwks.keys).toHaveLength(1);
    expect(keys.jwks.keys[0]).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA", use: "sig", kid: keys.current.kid });
    expect(keys.jwks.keys[0]).not.toHaveProperty("d");
  });

  const hostile: [string, () => Promise<string>][] = [
    ["alg none", async () => new UnsecuredJWT({ sub: "1" }).setIssuer(options.issuer).setAudience(options.audience).setIssuedAt().setExpirationTime("5m").setJti("x").encode()],
    ["an unknown kid", async () => {
      const other = await generatePrivateJwk("EdDSA");
      return new SignJWT({ roles: [] }).setProtectedHeader({ alg: "EdDSA", kid: other.kid }).setSubject("1").setIssuer(options.issuer).setAudience(options.audience).setIssuedAt().setJti("x").setExpirationTime("5m").sign(await importJWK(other, "EdDSA"));
    }],
    ["a foreign key under our kid", async () => {
      const other = await generatePrivateJwk("EdDSA");
      return new SignJWT({ roles: [] }).setProtectedHeader({ alg: "EdDSA", kid: keys.current.kid }).setSubject("1").setIssuer(options.issuer).setAudience(options.audience).setIssuedAt().setJti("x").setExpirationTime("5m").sign(await importJWK(other, "EdDSA"));
    }],
    ["HS256 signed with the public key", async () => {
      const publicPem = await exportSPKI(keys.verificationKeys.get(keys.current.kid) as CryptoKey);
      return new SignJWT({ roles: [] }).setProtectedHeader({ alg: "HS256", kid: keys.current.kid }).setSubject("1").setIssuer(options.issuer).setAudience(options.audience).setIssuedAt().setJti("x").setExpirationTime("5m").sign(new TextEncoder().encode(publicPem));
    }],
    ["an expired token", () => tokens.sign({ userId: 1, roles: [], lifespanSeconds: -10 })],
    ["a token not valid yet (future nbf)", async () => {
      return new SignJWT({ roles: [] }).setProtectedHeader({ alg: "EdDSA", kid: keys.current.kid }).setSubject("1").setIssuer(options.issuer).setAudience(options.audience).setIssuedAt().setJti("x").setNotBefore("10m").setExpirationTime("20m").sign(keys.current.key);
    }],
    ["a wrong audience", async () => createTokenService(keys, { ...options, audience: "someone-else" }).sign({ userId: 1, roles: [], lifespanSeconds: 60 })],
    ["a wrong issuer", async () => createTokenService(keys, { ...options, issuer: "https://evil.example.com" }).sign({ userId: 1, roles: [], lifespanSeconds: 60 })],
    ["a tampered payload", async () => {
      const [header, , signature] = (await tokens.sign({ userId: 1, roles: [], lifespanSeconds: 60 })).split(".");
      const forged = base64url.encode(JSON.stringify({ sub: "2", roles: ["admin"], iss: options.issuer, aud: options.audience, iat: 1, exp: 4102444800, jti: "x" }));
      return `${header}.${forged}.${signature}`;
    }],
    ["garbage", async () => "not.a.jwt"],
    ["an empty string", async () => ""],
  ];

  it.each(hostile)("refuses %s with UNAUTHENTICATED", async (_name, make) => {
    expect(await codeOf(tokens.verify(await make()))).toBe("UNAUTHENTICATED");
  });

  it("keeps verifying a rotated-out key while signing with the new one", async () => {
    const oldKey = await generatePrivateJwk("EdDSA");
    const newKey = await generatePrivateJwk("EdDSA");
    const before = createTokenService(await keysFrom([oldKey]), options);
    const issuedBefore = await before.sign({ userId: 1, roles: [], lifespanSeconds: 600 });

    const rotated = await keysFrom([newKey, oldKey]);
    const after = createTokenService(rotated, options);
    expect((await after.verify(issuedBefore)).sub).toBe("1");
    const issuedAfter = await after.sign({ userId: 2, roles: [], lifespanSeconds: 600 });
    expect(decodeProtectedHeader(issuedAfter).kid).toBe(newKey.kid);
    expect(rotated.jwks.keys.map((k) => k.kid)).toEqual([newKey.kid, oldKey.kid]);

    const retired = createTokenService(await keysFrom([newKey]), options);
    expect(await codeOf(retired.verify(issuedBefore))).toBe("UNAUTHENTICATED");
  });

  it.each(["ES256", "RS256"] as const)("works with %s keys from JWT_SIGNING_KEYS", async (algorithm) => {
    const jwk = await generatePrivateJwk(algorithm);
    const configured = await keysFrom([jwk], algorithm);
    const service = createTokenService(configured, options);
    expect((await service.verify(await service.sign({ userId: 3, roles: [], lifespanSeconds: 60 }))).sub).toBe("3");
  });

  it("supports HS256 with JWT_SECRET and publishes no key", async () => {
    const config = loadConfig({ NODE_ENV: "test", JWT_ALGORITHM: "HS256", JWT_SECRET: "a-strapi-style-secret-of-32-chars!" }).jwt;
    const hs = await loadSigningKeys(config, dataDir);
    expect(hs.jwks.keys).toEqual([]);
    const service = createTokenService(hs, options);
    expect((await service.verify(await service.sign({ userId: 4, roles: [], lifespanSeconds: 60 }))).sub).toBe("4");
    // An EdDSA token of ours is refused by the HS256 verifier: algorithms are pinned.
    expect(await codeOf(service.verify(await tokens.sign({ userId: 4, roles: [], lifespanSeconds: 60 })))).toBe("UNAUTHENTICATED");
  });

  async function keysFrom(jwks: JWK[], algorithm: "EdDSA" | "ES256" | "RS256" = "EdDSA") {
    const config = loadConfig({ NODE_ENV: "test", JWT_ALGORITHM: algorithm, JWT_SIGNING_KEYS: JSON.stringify({ keys: jwks }) }).jwt;
    return loadSigningKeys(config, dataDir);
  }
});
