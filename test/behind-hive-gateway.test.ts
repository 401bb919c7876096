/**
 * Gatehouse as a plain subgraph behind Hive Gateway: a real Hive gateway runtime (createGatewayRuntime)
 * serves the supergraph of Gatehouse and a posts subgraph, and Hive's JWT plugin
 * (@graphql-mesh/plugin-jwt-auth) verifies Gatehouse's access tokens through /.well-known/jwks.json before
 * any subgraph is called; the forwarded Authorization header then works at Gatehouse as for any client.
 * Hive's JWT plugin (jsonwebtoken) cannot verify EdDSA, so Gatehouse signs with ES256 here.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createGatewayRuntime, type GatewayPlugin, type GatewayRuntime } from "@graphql-hive/gateway-runtime";
import { createRemoteJwksSigningKeyProvider, useJWT } from "@graphql-mesh/plugin-jwt-auth";
import httpTransport from "@graphql-mesh/transport-http";
import { composeServices } from "@theguild/federation-composition";
import { parse } from "graphql";
import { decodeProtectedHeader, generateKeyPair, SignJWT } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createUser, type SignedIn, signIn } from "./helpers/auth.ts";
import { startTestServer, type TestServer } from "./helpers/server.ts";
import { POSTS_SDL, startPostsSubgraph, type TestSubgraph } from "./helpers/subgraphs.ts";
import { CreateAclRule } from "./operations/access.ts";
import { Logout } from "./operations/sessions.ts";

interface Body {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

const ISSUER = "https://auth.example.test";
const SDL_TOKEN = "the router's SDL token, 32 characters or more";
const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])';

describe("Gatehouse behind Hive Gateway with its JWT plugin", () => {
  let gatehouse: TestServer;
  let posts: TestSubgraph;
  let runtime: GatewayRuntime;
  let gateway: Server;
  let gatewayUrl: string;
  let ada: SignedIn;
  /** Every request the gateway sent to a subgraph. */
  const subgraphCalls: string[] = [];

  const query = async (text: string, headers: Record<string, string> = {}) => {
    const response = await fetch(gatewayUrl, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...headers },
      body: JSON.stringify({ query: text }),
    });
    return { status: response.status, body: (await response.json()) as Body };
  };

  beforeAll(async () => {
    gatehouse = await startTestServer({
      JWT_ALGORITHM: "ES256",
      JWT_ISSUER: ISSUER,
      INTROSPECTION: "false",
      SUBGRAPH_SDL_TOKEN: SDL_TOKEN,
    });
    const adaUser = await createUser(gatehouse.prisma, { username: "ada", email: "ada@example.com" });
    const root = await createUser(gatehouse.prisma, { username: "root", email: "root@example.com", roleType: "admin" });
    posts = await startPostsSubgraph({ "1": String(adaUser.id), "2": String(root.id) });

    // What a router does at start: read each subgraph's SDL (Gatehouse's with the SDL token), compose.
    const sdlResponse = await fetch(`${gatehouse.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-gatehouse-sdl-token": SDL_TOKEN },
      body: JSON.stringify({ query: "{ _service { sdl } }" }),
    });
    const gatehouseSdl = ((await sdlResponse.json()) as { data: { _service: { sdl: string } } }).data._service.sdl;
    const composition = composeServices([
      { name: "gatehouse", url: `${gatehouse.url}/graphql`, typeDefs: parse(gatehouseSdl) },
      { name: "posts", url: posts.url, typeDefs: parse(`${FEDERATION_LINK}\n${POSTS_SDL}`) },
    ]);
    expect(composition.errors).toBeUndefined();

    runtime = createGatewayRuntime({
      supergraph: composition.supergraphSdl!,
      transports: { http: httpTransport },
      logging: false,
      propagateHeaders: {
        // The client's token goes on to the subgraphs, Gatehouse among them, as from any client.
        fromClientToSubgraphs: ({ request }) => {
          const authorization = request.headers.get("authorization");
          return authorization ? { authorization } : {};
        },
      },
      plugins: () => [
        // The plugin's bundled typings carry their own copy of Hive's Logger class: same shape, another type.
        useJWT({
          signingKeyProviders: [createRemoteJwksSigningKeyProvider({ jwksUri: `${gatehouse.url}/.well-known/jwks.json` })],
          tokenVerification: { algorithms: ["ES256"], issuer: ISSUER, audience: "gatehouse" },
          // Anonymous callers pass (Gatehouse's ACL decides for them); a bad token never does.
          reject: { missingToken: false, invalidToken: true },
        }) as unknown as GatewayPlugin,
        {
          onFetch({ url }) {
            subgraphCalls.push(url);
          },
        },
      ],
    });
    gateway = createServer(runtime);
    await new Promise<void>((resolve) => gateway.listen(0, "127.0.0.1", resolve));
    gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/graphql`;

    ada = await signIn(gatehouse, "ada");
    const admin = await signIn(gatehouse, "root");
    // The ACL still decides at Gatehouse: opening Query.user lets the posts' authors resolve.
    await gatehouse.gql(
      CreateAclRule,
      { data: { resource: "Query.user", accessType: "READ", principalType: "ROLE", principalId: "$authenticated", permission: "ALLOW" } },
      { headers: admin.headers },
    );
  });
  afterEach(() => {
    subgraphCalls.length = 0;
    posts.requests.length = 0;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => (gateway ? gateway.close(() => resolve()) : resolve()));
    await runtime?.dispose();
    await gatehouse?.close();
    await posts?.stop();
  });

  it("answers a signed-in viewer and me across Gatehouse and the posts subgraph", async () => {
    const { status, body } = await query("{ viewer { id username email posts { title author { username } } } me { username } }", ada.headers);
    expect(status).toBe(200);
    expect(body).toEqual({
      data: {
        viewer: {
          id: ada.userId,
          username: "ada",
          email: "ada@example.com",
          posts: [
            { title: "Analytical engines", author: { username: "ada" } },
            { title: "Difference engines", author: { username: "ada" } },
          ],
        },
        me: { username: "ada" },
      },
    });
    // The posts subgraph got the client's token, forwarded as from any client.
    expect(posts.requests.map((request) => request.headers.authorization)).toContain(ada.headers.authorization);
  });

  it("lets anonymous callers through to Gatehouse's own rules: viewer is null, me is UNAUTHENTICATED", async () => {
    expect((await query("{ viewer { id } }")).body).toEqual({ data: { viewer: null } });
    const { body } = await query("{ me { username } }");
    expect(body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("refuses a forged, tampered or malformed token at the gateway with 401, before any subgraph is called", async () => {
    const { kid } = decodeProtectedHeader(ada.jwt);
    const { privateKey } = await generateKeyPair("ES256");
    // Gatehouse's kid and claims, another key's signature.
    const forged = await new SignJWT({ sub: ada.userId })
      .setProtectedHeader({ alg: "ES256", kid: kid! })
      .setIssuer(ISSUER)
      .setAudience("gatehouse")
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(privateKey);
    const [header, payload] = ada.jwt.split(".");
    const tampered = `${header}.${payload}.${Buffer.from("not the signature").toString("base64url")}`;
    for (const token of [forged, tampered]) {
      const { status, body } = await query("{ viewer { id username } }", { authorization: `Bearer ${token}` });
      expect(status).toBe(401);
      expect(body.data ?? null).toBeNull();
      expect(body.errors?.[0]?.message).toBe("Unauthenticated");
    }
    const malformed = await query("{ viewer { id username } }", { authorization: "Bearer not-a-jwt" });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors?.[0]?.message).toBe("Invalid authentication token provided");
    expect(subgraphCalls).toEqual([]);
    expect(posts.requests).toEqual([]);
  });

  it("refuses a token whose kid is not in the JWKS, though the plugin answers it as its own outage (HTTP 500)", async () => {
    const { privateKey } = await generateKeyPair("ES256");
    const unknownKid = await new SignJWT({ sub: ada.userId })
      .setProtectedHeader({ alg: "ES256", kid: "not-a-gatehouse-key" })
      .setIssuer(ISSUER)
      .setAudience("gatehouse")
      .setExpirationTime("5m")
      .sign(privateKey);
    const { status, body } = await query("{ viewer { id } }", { authorization: `Bearer ${unknownKid}` });
    expect(status).toBe(500);
    expect(body).toEqual({ errors: [{ message: "Unexpected error.", extensions: { code: "INTERNAL_SERVER_ERROR" } }] });
    expect(subgraphCalls).toEqual([]);
  });

  it("refuses a token signed by Gatehouse for another audience", async () => {
    // A valid signature from the JWKS, but addressed to a subgraph, as Gatehouse's gateway-mode tokens are.
    const token = await gatehouse.services.tokens.signSubgraphToken({ subgraph: "posts", userId: Number(ada.userId), sessionId: null, roles: [] });
    const { status } = await query("{ viewer { id } }", { authorization: `Bearer ${token}` });
    expect(status).toBe(401);
    expect(subgraphCalls).toEqual([]);
  });

  it("leaves revocation to Gatehouse: a token whose session ended passes the signature check but is refused", async () => {
    const session = await signIn(gatehouse, "ada");
    await gatehouse.gql(Logout, undefined, { headers: session.headers });
    const { body } = await query("{ viewer { id } }", session.headers);
    expect(body.data?.viewer ?? null).toBeNull();
    expect(body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});
