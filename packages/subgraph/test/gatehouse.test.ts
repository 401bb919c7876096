/**
 * Against the real Gatehouse: a token from its `login` verifies with the keys it publishes at
 * /.well-known/jwks.json, under its issuer and audience.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, signIn } from "../../../test/helpers/auth.ts";
import { startTestServer, type TestServer } from "../../../test/helpers/server.ts";
import { createGatehouseVerifier, GatehouseAuthError } from "../src/index.ts";

const ISSUER = "https://gatehouse.test";

describe.each(["EdDSA", "ES256"] as const)("a Gatehouse signing with %s", (algorithm) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ JWT_ISSUER: ISSUER, JWT_ALGORITHM: algorithm });
  });
  afterAll(() => server?.close());

  it("issues access tokens the helper verifies against its JWKS", async () => {
    const user = await createUser(server.prisma, { username: "ada", email: "ada@example.com", roleType: "admin" });
    const { headers } = await signIn(server, "ada@example.com");
    const verifier = createGatehouseVerifier({
      jwksUrl: `${server.url}/.well-known/jwks.json`,
      issuer: ISSUER,
      audience: "gatehouse",
      algorithms: [algorithm],
    });

    const identity = await verifier.verifyRequest(new Request(`${server.url}/graphql`, { headers }));

    const session = await server.prisma.session.findFirstOrThrow({ where: { userId: user.id } });
    expect(identity).toEqual({ userId: String(user.id), roles: ["authenticated", "admin"], sessionId: session.id });
  });

  it("and refuses them for another audience or issuer", async () => {
    await createUser(server.prisma, { username: "bob", email: "bob@example.com" });
    const { jwt } = await signIn(server, "bob@example.com");
    const jwksUrl = `${server.url}/.well-known/jwks.json`;
    for (const options of [
      { jwksUrl, issuer: ISSUER, audience: "posts" },
      { jwksUrl, issuer: "https://elsewhere.test", audience: "gatehouse" },
    ]) {
      const error = await createGatehouseVerifier(options)
        .verifyToken(jwt)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GatehouseAuthError);
      expect((error as GatehouseAuthError).code).toBe("TOKEN_INVALID");
    }
  });
});
