/**
 * The verifier against a real key set served on 127.0.0.1: what it accepts, and every way a token or an
 * Authorization header is refused.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { exportSPKI, importJWK, SignJWT, UnsecuredJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGatehouseVerifier, GatehouseAuthError, type GatehouseVerifierOptions, verifyGatehouseRequest } from "../src/index.ts";
import { startTestIssuer, type TestIssuer } from "../src/testing.ts";

let issuer: TestIssuer;
const AUDIENCE = "posts";

beforeAll(async () => {
  issuer = await startTestIssuer();
});
afterAll(() => issuer.close());

const options = (extra: Partial<GatehouseVerifierOptions> = {}): GatehouseVerifierOptions => ({
  jwksUrl: issuer.jwksUrl,
  issuer: issuer.issuer,
  audience: AUDIENCE,
  ...extra,
});

const bearer = (token: string) => new Request("http://subgraph.test/graphql", { headers: { authorization: `Bearer ${token}` } });

/** The refusal's code, or a failure if the promise resolved. */
async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    (value) => {
      throw new Error(`expected a refusal, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(GatehouseAuthError);
  return (error as GatehouseAuthError).code;
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("a valid token", () => {
  it("gives the caller's user id, roles and session", async () => {
    const verifier = createGatehouseVerifier(options());
    const token = await issuer.sign({ userId: "42", audience: AUDIENCE, roles: ["authenticated", "editor"], sessionId: "s-1" });
    expect(await verifier.verifyRequest(bearer(token))).toEqual({ userId: "42", roles: ["authenticated", "editor"], sessionId: "s-1" });
  });

  it("reads Node's IncomingMessage-style headers too, and a token without a session", async () => {
    const verifier = createGatehouseVerifier(options());
    const token = await issuer.sign({ userId: "7", audience: AUDIENCE, sessionId: null });
    expect(await verifier.verifyRequest({ headers: { authorization: `bearer ${token}` } })).toEqual({
      userId: "7",
      roles: ["authenticated"],
      sessionId: null,
    });
  });

  it("is accepted by one of several audiences", async () => {
    const verifier = createGatehouseVerifier(options({ audience: ["gatehouse", AUDIENCE] }));
    const token = await issuer.sign({ userId: "1", audience: AUDIENCE });
    expect((await verifier.verifyToken(token)).userId).toBe("1");
  });

  it("fetches the key set once for many requests", async () => {
    const local = await startTestIssuer();
    try {
      const verifier = createGatehouseVerifier({ jwksUrl: local.jwksUrl, issuer: local.issuer, audience: AUDIENCE });
      for (const userId of ["1", "2", "3"]) {
        const token = await local.sign({ userId, audience: AUDIENCE });
        expect((await verifier.verifyToken(token)).userId).toBe(userId);
      }
      expect(local.jwksRequests).toBe(1);
    } finally {
      await local.close();
    }
  });

  it.each(["ES256", "RS256"] as const)("verifies %s as well as EdDSA", async (algorithm) => {
    const local = await startTestIssuer({ algorithm });
    try {
      const token = await local.sign({ userId: "5", audience: AUDIENCE });
      const verifier = createGatehouseVerifier({ jwksUrl: local.jwksUrl, issuer: local.issuer, audience: AUDIENCE });
      expect((await verifier.verifyToken(token)).userId).toBe("5");
      const pinned = createGatehouseVerifier({ jwksUrl: local.jwksUrl, issuer: local.issuer, audience: AUDIENCE, algorithms: ["EdDSA"] });
      expect(await refusal(pinned.verifyToken(token))).toBe("TOKEN_INVALID");
    } finally {
      await local.close();
    }
  });
});

describe("the Authorization header", () => {
  it("absent: anonymous (null)", async () => {
    const verifier = createGatehouseVerifier(options());
    expect(await verifier.verifyRequest(new Request("http://subgraph.test/graphql"))).toBeNull();
    expect(await verifier.verifyRequest({ headers: {} })).toBeNull();
  });

  it.each([
    ["another scheme", "Basic dXNlcjpwYXNz"],
    ["Bearer without a token", "Bearer"],
    ["empty", ""],
    ["two tokens", "Bearer a.b.c, Bearer d.e.f"],
  ])("present but %s: MALFORMED_AUTHORIZATION, never anonymous", async (_, value) => {
    const verifier = createGatehouseVerifier(options());
    const request = { headers: { authorization: value } };
    expect(await refusal(verifier.verifyRequest(request))).toBe("MALFORMED_AUTHORIZATION");
  });

  it("repeated (Node gives an array): MALFORMED_AUTHORIZATION", async () => {
    const verifier = createGatehouseVerifier(options());
    const token = await issuer.sign({ userId: "1", audience: AUDIENCE });
    const request = { headers: { authorization: [`Bearer ${token}`, `Bearer ${token}`] } };
    expect(await refusal(verifier.verifyRequest(request))).toBe("MALFORMED_AUTHORIZATION");
  });

  it("not a JWT: TOKEN_INVALID with status 401", async () => {
    const error = await createGatehouseVerifier(options())
      .verifyRequest(bearer("not-a-jwt"))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "TOKEN_INVALID", status: 401 });
  });
});

describe("refused tokens", () => {
  const verify = (token: string) => createGatehouseVerifier(options()).verifyRequest(bearer(token));

  it("a wrong audience (a client token sent to a subgraph, or another subgraph's token)", async () => {
    expect(await refusal(verify(await issuer.sign({ userId: "1", audience: "gatehouse" })))).toBe("TOKEN_INVALID");
    expect(await refusal(verify(await issuer.sign({ userId: "1", audience: "orders" })))).toBe("TOKEN_INVALID");
  });

  it("a wrong issuer", async () => {
    const token = await issuer.sign({ userId: "1", audience: AUDIENCE, claims: { iss: "https://evil.example" } });
    expect(await refusal(verify(token))).toBe("TOKEN_INVALID");
  });

  it("an expired token: TOKEN_EXPIRED", async () => {
    const token = await issuer.sign({ userId: "1", audience: AUDIENCE, expiresIn: -1 });
    expect(await refusal(verify(token))).toBe("TOKEN_EXPIRED");
  });

  it("a token not yet valid (nbf in the future)", async () => {
    const token = await issuer.sign({ userId: "1", audience: AUDIENCE, claims: { nbf: Math.floor(Date.now() / 1000) + 300 } });
    expect(await refusal(verify(token))).toBe("TOKEN_INVALID");
  });

  it("alg confusion: HS256 keyed with the published public key", async () => {
    const publicJwk = issuer.jwks().keys[0]!;
    const publicPem = await exportSPKI((await importJWK(publicJwk, "EdDSA")) as CryptoKey);
    for (const secret of [new TextEncoder().encode(publicPem), new TextEncoder().encode(JSON.stringify(publicJwk))]) {
      const token = await new SignJWT({ roles: ["admin"], sid: "s" })
        .setProtectedHeader({ alg: "HS256", kid: publicJwk.kid })
        .setSubject("1")
        .setIssuer(issuer.issuer)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime("1m")
        .sign(secret);
      expect(await refusal(verify(token))).toBe("TOKEN_INVALID");
    }
  });

  it("alg none", async () => {
    const unsigned = new UnsecuredJWT({ roles: ["admin"], sid: "s" })
      .setSubject("1")
      .setIssuer(issuer.issuer)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime("1m")
      .encode();
    expect(await refusal(verify(unsigned))).toBe("TOKEN_INVALID");
    // The same with a kid of the published key, as an attacker would send it.
    const [, payload] = unsigned.split(".");
    const withKid = `${base64url({ alg: "none", kid: issuer.currentKid })}.${payload}.`;
    expect(await refusal(verify(withKid))).toBe("TOKEN_INVALID");
  });

  it("a tampered payload", async () => {
    const [header, , signature] = (await issuer.sign({ userId: "1", audience: AUDIENCE })).split(".");
    const now = Math.floor(Date.now() / 1000);
    const forged = base64url({ sub: "2", iss: issuer.issuer, aud: AUDIENCE, iat: now, exp: now + 60, roles: ["admin"] });
    expect(await refusal(verify(`${header}.${forged}.${signature}`))).toBe("TOKEN_INVALID");
  });

  it("claims Gatehouse always sets, missing or malformed", async () => {
    const cases = [{ roles: "admin" }, { roles: [1] }, { roles: undefined }, { sid: 5 }, { sub: "" }, { iat: undefined }];
    for (const claims of cases) {
      const token = await issuer.sign({ userId: "1", audience: AUDIENCE, claims });
      expect(await refusal(verify(token)), JSON.stringify(claims)).toBe("TOKEN_INVALID");
    }
  });
});

describe("key rotation", () => {
  it("an unknown kid is refused; once published, the new key verifies after a refetch and the old one still does", async () => {
    const local = await startTestIssuer();
    try {
      const verifier = createGatehouseVerifier({
        jwksUrl: local.jwksUrl,
        issuer: local.issuer,
        audience: AUDIENCE,
        jwks: { cooldownDuration: 0 },
      });
      const oldKid = local.currentKid;
      const oldToken = await local.sign({ userId: "1", audience: AUDIENCE });
      expect((await verifier.verifyToken(oldToken)).userId).toBe("1");
      expect(local.jwksRequests).toBe(1);

      const newKid = await local.addKey({ publish: false });
      const newToken = await local.sign({ userId: "2", audience: AUDIENCE, kid: newKid });
      expect(await refusal(verifier.verifyToken(newToken))).toBe("TOKEN_INVALID");
      expect(local.jwksRequests).toBe(2); // the unknown kid made it look again

      local.publishKey(newKid);
      expect(local.jwks().keys.map((key) => key.kid)).toEqual([newKid, oldKid]);
      expect((await verifier.verifyToken(newToken)).userId).toBe("2");
      expect(local.jwksRequests).toBe(3);
      expect((await verifier.verifyToken(oldToken)).userId).toBe("1");
      expect(local.jwksRequests).toBe(3);
    } finally {
      await local.close();
    }
  });

  it("within the refetch cooldown (30 s by default) an unknown kid is refused without fetching again", async () => {
    const local = await startTestIssuer();
    try {
      const verifier = createGatehouseVerifier({ jwksUrl: local.jwksUrl, issuer: local.issuer, audience: AUDIENCE });
      await verifier.verifyToken(await local.sign({ userId: "1", audience: AUDIENCE }));
      const newKid = await local.addKey();
      const newToken = await local.sign({ userId: "2", audience: AUDIENCE, kid: newKid });
      expect(await refusal(verifier.verifyToken(newToken))).toBe("TOKEN_INVALID");
      expect(local.jwksRequests).toBe(1);
    } finally {
      await local.close();
    }
  });
});

describe("the key set itself", () => {
  it("unreachable: JWKS_UNAVAILABLE with status 503, not a token problem", async () => {
    const local = await startTestIssuer();
    const token = await local.sign({ userId: "1", audience: AUDIENCE });
    await local.close();
    const verifier = createGatehouseVerifier({ jwksUrl: local.jwksUrl, issuer: local.issuer, audience: AUDIENCE });
    const error = await verifier.verifyToken(token).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "JWKS_UNAVAILABLE", status: 503 });
  });

  it.each([
    ["a 500", 500, "oops"],
    ["not JSON", 200, "<html>"],
    ["not a key set", 200, JSON.stringify({ keys: "none" })],
  ])("answering %s: JWKS_UNAVAILABLE", async (_, status, body) => {
    const server = createServer((_request, response) => response.writeHead(status).end(body));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
      const token = await issuer.sign({ userId: "1", audience: AUDIENCE });
      const verifier = createGatehouseVerifier({ jwksUrl, issuer: issuer.issuer, audience: AUDIENCE });
      expect(await refusal(verifier.verifyToken(token))).toBe("JWKS_UNAVAILABLE");
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("options", () => {
  it.each([
    ["no audience", { audience: undefined }],
    ["an empty audience", { audience: "" }],
    ["no audience in a list", { audience: [] }],
    ["no issuer", { issuer: undefined }],
    ["HS256", { algorithms: ["HS256"] }],
    ["none", { algorithms: ["none"] }],
    ["no algorithm", { algorithms: [] }],
  ])("%s: refused when the verifier is built", (_, extra) => {
    expect(() => createGatehouseVerifier(options(extra as Partial<GatehouseVerifierOptions>))).toThrow(TypeError);
  });
});

describe("verifyGatehouseRequest", () => {
  it("verifies in one call and shares the key set per JWKS URL", async () => {
    const local = await startTestIssuer();
    try {
      const config = { jwksUrl: local.jwksUrl, issuer: local.issuer, audience: AUDIENCE };
      for (const userId of ["1", "2"]) {
        const token = await local.sign({ userId, audience: AUDIENCE, roles: ["admin"], sessionId: `s-${userId}` });
        expect(await verifyGatehouseRequest(bearer(token), config)).toEqual({ userId, roles: ["admin"], sessionId: `s-${userId}` });
      }
      expect(local.jwksRequests).toBe(1);
      expect(await verifyGatehouseRequest(new Request("http://subgraph.test/graphql"), config)).toBeNull();
      const expired = await local.sign({ userId: "1", audience: AUDIENCE, expiresIn: 0 });
      expect(await refusal(verifyGatehouseRequest(bearer(expired), config))).toBe("TOKEN_EXPIRED");
    } finally {
      await local.close();
    }
  });
});
