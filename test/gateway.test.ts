/**
 * Gateway mode against the real server: Gatehouse on 127.0.0.1 with GATEWAY_SUBGRAPHS pointing at real
 * downstream subgraphs on loopback. Identity downstream with Gatehouse's own keys, the stored ACL rules on
 * downstream fields, entity lookups under the ACL, /ready, failures, and the guards of /graphql.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { auditServer } from "graphql-http";
import { createRemoteJWKSet, decodeJwt, importJWK, type JWK, jwtVerify, SignJWT } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createUser, type SignedIn, signIn } from "./helpers/auth.ts";
import { startTestServer, type TestServer } from "./helpers/server.ts";
import {
  POSTS_SDL,
  posts as samplePosts,
  postsResolversFor,
  startOrdersSubgraph,
  startPostsSubgraph,
  type TestSubgraph,
} from "./helpers/subgraphs.ts";
import { CreateAclRule, DeleteAclRule, MyPermissions, RolePermissions, SetRolePermission } from "./operations/access.ts";
import { Logout } from "./operations/sessions.ts";

interface Body {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

const ISSUER = "http://localhost:0";
const codes = (body: Body) => [...new Set((body.errors ?? []).map((error) => error.extensions?.code))];

describe("gateway mode", () => {
  let server: TestServer;
  let posts: TestSubgraph;
  let orders: TestSubgraph;
  let ada: SignedIn;
  let bob: SignedIn;
  let admin: SignedIn;

  const query = async (text: string, headers: Record<string, string> = {}) => {
    const response = await server.post(JSON.stringify({ query: text }), headers);
    return { status: response.status, body: (await response.json()) as Body };
  };
  const allow = async (resource: string, principalId: string, accessType = "READ") => {
    const result = await server.gql(
      CreateAclRule,
      { data: { resource, accessType, principalType: "ROLE", principalId, permission: "ALLOW" } },
      { headers: admin.headers },
    );
    if (!result.data) throw new Error(JSON.stringify(result.errors));
    return result.data.createAclRule.id;
  };

  beforeAll(async () => {
    // The posts subgraph is down when the gateway starts.
    [posts, orders] = await Promise.all([startPostsSubgraph(), startOrdersSubgraph()]);
    await posts.stop();
    server = await startTestServer({
      GATEWAY_SUBGRAPHS: `posts=${posts.url},orders=${orders.url}`,
      GATEWAY_TIMEOUT_MS: "1000",
      GATEWAY_FORWARD_HEADERS: "x-tenant",
    });
    const adaUser = await createUser(server.prisma, { username: "ada", email: "ada@example.com" });
    const bobUser = await createUser(server.prisma, { username: "bob", email: "bob@example.com" });
    await createUser(server.prisma, { username: "root", email: "root@example.com", roleType: "admin" });
    // The sample posts are by "1" and "2": make them Ada's and Bob's, whatever ids the database gave.
    const authors: Record<string, string> = { "1": String(adaUser.id), "2": String(bobUser.id) };
    posts.replaceSchema(POSTS_SDL, postsResolversFor(samplePosts.map((post) => ({ ...post, authorId: authors[post.authorId]! }))));
    [ada, bob, admin] = await Promise.all([signIn(server, "ada"), signIn(server, "bob"), signIn(server, "root")]);
  });
  afterEach(() => {
    posts.requests.length = 0;
    orders.requests.length = 0;
  });
  afterAll(async () => {
    await server?.close();
    await Promise.all([posts?.stop(), orders?.stop()]);
  });

  it("starts with Gatehouse's schema alone while a subgraph is down, reports it on /ready, and composes it once it answers", async () => {
    expect(server.gateway?.status().subgraphs).toEqual([
      { name: "posts", state: "missing", reason: "connection refused" },
      { name: "orders", state: "ok" },
    ]);
    const before = await fetch(`${server.url}/ready`);
    expect(before.status).toBe(200);
    expect(await before.json()).toMatchObject({
      status: "degraded",
      database: true,
      subgraphs: [
        { name: "posts", state: "missing", reason: "connection refused" },
        { name: "orders", state: "ok" },
      ],
    });
    expect(codes((await query("{ posts { title } }")).body)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    expect((await query("{ viewer { username } }", ada.headers)).body).toEqual({ data: { viewer: { username: "ada" } } });

    await posts.start();
    await server.gateway?.refresh();
    expect(await (await fetch(`${server.url}/ready`)).json()).toMatchObject({
      status: "ready",
      subgraphs: [
        { name: "posts", state: "ok" },
        { name: "orders", state: "ok" },
      ],
    });
  });

  describe("with every subgraph composed", () => {
    beforeAll(async () => {
      // Downstream fields are closed until a rule opens them, like every field.
      expect(codes((await query("{ posts { title } }")).body)).toEqual(["UNAUTHENTICATED"]);
      await allow("Query.posts", "$everyone");
      await allow("User.posts", "$authenticated");
    });

    it("answers one query across Gatehouse and its subgraphs", async () => {
      const { body } = await query("{ viewer { id username posts { title } } }", ada.headers);
      expect(body).toEqual({
        data: {
          viewer: {
            id: ada.userId,
            username: "ada",
            posts: [{ title: "Analytical engines" }, { title: "Difference engines" }],
          },
        },
      });
      expect((await query("{ viewer { id } }")).body).toEqual({ data: { viewer: null } });
    });

    it("sends the subgraph a token signed with Gatehouse's current key, for it alone, verifiable via the JWKS", async () => {
      await query("{ viewer { posts { title } } }", ada.headers);
      const authorization = posts.requests.at(-1)?.headers.authorization ?? "";
      const token = authorization.replace(/^Bearer /, "");
      const jwks = createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`));
      const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer: ISSUER, audience: "posts", algorithms: ["EdDSA"] });
      expect(payload).toMatchObject({ sub: ada.userId, sid: decodeJwt(ada.jwt).sid, roles: ["authenticated"] });
      expect((payload.exp ?? Infinity) - (payload.iat ?? 0)).toBeLessThanOrEqual(60);
      const published = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: JWK[] };
      expect(published.keys[0]?.kid).toBe(protectedHeader.kid);
      // It is no access token of Gatehouse's: replayed at the gateway, it is refused.
      const replayed = await query("{ viewer { id } }", { authorization });
      expect(codes(replayed.body)).toEqual(["UNAUTHENTICATED"]);
    });

    it("passes on no client credentials, Gatehouse headers or unlisted headers", async () => {
      const { body } = await query("{ viewer { posts { title } } posts { title } }", {
        ...ada.headers,
        cookie: "__Host-gatehouse-refresh=a-refresh-token",
        "x-gatehouse-csrf": "1",
        "x-gatehouse-user-id": String(admin.userId),
        "x-user-id": admin.userId,
        "x-tenant": "acme",
      });
      expect(body.errors).toBeUndefined();
      expect(posts.requests.length).toBeGreaterThan(0);
      for (const { headers } of posts.requests) {
        expect(headers.authorization).toMatch(/^Bearer /);
        expect(headers.authorization).not.toContain(ada.jwt);
        expect(headers).not.toHaveProperty("cookie");
        expect(Object.keys(headers).filter((name) => name.startsWith("x-gatehouse-"))).toEqual([]);
        expect(headers).not.toHaveProperty("x-user-id");
        expect(headers["x-tenant"]).toBe("acme");
      }
      await query("{ posts { title } }");
      expect(posts.requests.at(-1)?.headers).not.toHaveProperty("authorization");
    });

    it("refuses the whole request for an invalid, expired or revoked token, before any subgraph is called", async () => {
      const jwk = JSON.parse(await readFile(join(server.dataDir, "keys", "signing-keys.EdDSA.json"), "utf8")).keys[0] as JWK;
      const expired = await new SignJWT({ roles: ["authenticated"], sid: decodeJwt(bob.jwt).sid })
        .setProtectedHeader({ alg: "EdDSA", kid: jwk.kid })
        .setSubject(bob.userId)
        .setIssuer(ISSUER)
        .setAudience("gatehouse")
        .setJti("expired")
        .setIssuedAt(Math.floor(Date.now() / 1000) - 120)
        .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
        .sign(await importJWK(jwk, "EdDSA"));
      const revoked = await signIn(server, "bob");
      await server.gql(Logout, {}, { headers: revoked.headers });

      for (const authorization of ["Bearer not-a-token", `Bearer ${expired}`, revoked.headers.authorization]) {
        const { body } = await query("{ posts { title } viewer { username } }", { authorization });
        expect(body.data ?? null).toBeNull();
        expect(codes(body)).toEqual(["UNAUTHENTICATED"]);
      }
      expect(posts.requests).toHaveLength(0);
    });

    it("enforces a stored rule on a downstream field before the subgraph is called, and lists it in myPermissions", async () => {
      const denied = await query("{ orders { id } }", bob.headers);
      expect(denied.body).toMatchObject({ data: { orders: null }, errors: [{ extensions: { code: "FORBIDDEN" } }] });
      expect(codes((await query("{ orders { id } }")).body)).toEqual(["UNAUTHENTICATED"]);
      expect(orders.requests).toHaveLength(0);
      // Admins hold the `*` rule.
      expect((await query("{ orders { id } }", admin.headers)).body).toEqual({ data: { orders: [{ id: "o1" }] } });

      const before = await server.gql(MyPermissions, undefined, { headers: bob.headers });
      const resources = (result: typeof before) => result.data?.myPermissions.map((permission) => permission.resource);
      expect(resources(before)).toEqual(expect.arrayContaining(["Query.posts", "User.posts", "Query.viewer"]));
      expect(resources(before)).not.toContain("Query.orders");

      const rule = await allow("Query.orders", "$authenticated");
      expect((await query("{ orders { id } }", bob.headers)).body).toEqual({ data: { orders: [{ id: "o1" }] } });
      const after = await server.gql(MyPermissions, undefined, { headers: bob.headers });
      expect(after.data?.myPermissions).toContainEqual({ resource: "Query.orders", accessType: "READ", scope: "ALL" });

      await server.gql(DeleteAclRule, { id: rule }, { headers: admin.headers });
      expect(codes((await query("{ orders { id } }", bob.headers)).body)).toEqual(["FORBIDDEN"]);
    });

    it("lists downstream fields in a role's permission matrix, and a tick there opens the field through the gateway", async () => {
      const role = await server.prisma.role.findUniqueOrThrow({ where: { type: "authenticated" } });
      const matrix = await server.gql(RolePermissions, { roleId: String(role.id) }, { headers: admin.headers });
      expect(matrix.errors).toBeUndefined();
      const cellOf = (result: typeof matrix, resource: string) => result.data?.rolePermissions.find((cell) => cell.resource === resource);
      expect(cellOf(matrix, "Query.orders")).toMatchObject({ downstream: true, allowed: false, source: "NONE" });
      expect(cellOf(matrix, "Query.me")).toMatchObject({ downstream: false, allowed: true });

      const ticked = await server.gql(SetRolePermission, { roleId: String(role.id), resource: "Query.orders", allowed: true }, { headers: admin.headers });
      expect(ticked.data?.setRolePermission).toMatchObject({ downstream: true, allowed: true, source: "STORED" });
      expect((await query("{ orders { id } }", bob.headers)).body).toEqual({ data: { orders: [{ id: "o1" }] } });

      const unticked = await server.gql(SetRolePermission, { roleId: String(role.id), resource: "Query.orders", allowed: false }, { headers: admin.headers });
      expect(unticked.data?.setRolePermission).toMatchObject({ allowed: false, source: "NONE" });
      expect(await server.prisma.aclRule.count({ where: { resource: "Query.orders" } })).toBe(0);
      expect(codes((await query("{ orders { id } }", bob.headers)).body)).toEqual(["FORBIDDEN"]);
    });

    it("resolves User entities for other subgraphs only as Query.user allows, and User fields by their own rules", async () => {
      const anonymous = await query("{ posts { title author { username email } } }");
      expect((anonymous.body.data?.posts as { author: unknown }[]).map((post) => post.author)).toEqual([null, null, null]);
      expect(codes(anonymous.body)).toEqual(["UNAUTHENTICATED"]);

      // Her own record (`$owner`) resolves with her email; Bob's is refused.
      const own = await query("{ posts { author { username email } } }", ada.headers);
      expect((own.body.data?.posts as { author: unknown }[]).map((post) => post.author)).toEqual([
        { username: "ada", email: "ada@example.com" },
        { username: "ada", email: "ada@example.com" },
        null,
      ]);
      expect(codes(own.body)).toEqual(["FORBIDDEN"]);

      const rule = await allow("Query.user", "$authenticated");
      const opened = await query("{ posts { author { username email } } }", ada.headers);
      expect(opened.body.errors).toBeUndefined();
      expect((opened.body.data?.posts as { author: unknown }[]).at(-1)?.author).toEqual({ username: "bob", email: null });
      await server.gql(DeleteAclRule, { id: rule }, { headers: admin.headers });

      // `_entities` itself is never reachable through the gateway.
      const direct = await query(`{ _entities(representations: [{ __typename: "User", id: "${bob.userId}" }]) { __typename } }`);
      expect(codes(direct.body)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    });

    it("nulls only a stopped subgraph's fields with SUBGRAPH_UNAVAILABLE, and works again once it is back", async () => {
      await posts.stop();
      try {
        const { body } = await query("{ viewer { username posts { title } } orders { id } }", admin.headers);
        expect(body.data).toEqual({ viewer: { username: "root", posts: null }, orders: [{ id: "o1" }] });
        expect(body.errors?.[0]).toMatchObject({
          message: 'Subgraph "posts" is unavailable',
          path: ["viewer", "posts"],
          extensions: { code: "SUBGRAPH_UNAVAILABLE", subgraph: "posts" },
        });
        expect(JSON.stringify(body)).not.toContain(new URL(posts.url).port);
        await server.gateway?.refresh();
        const ready = (await (await fetch(`${server.url}/ready`)).json()) as { status: string; subgraphs: unknown[] };
        expect(ready).toMatchObject({ status: "degraded", subgraphs: [{ name: "posts", state: "stale", reason: "connection refused" }, {}] });
      } finally {
        await posts.start();
      }
      const again = await query("{ viewer { username posts { title } } }", ada.headers);
      expect(again.body.errors).toBeUndefined();
      await server.gateway?.refresh();
      expect(await (await fetch(`${server.url}/ready`)).json()).toMatchObject({ status: "ready" });
    });

    it("keeps the guards of /graphql: operation limits, JSON bodies, body size and masking", async () => {
      const deep = `{ viewer { posts { author { posts { author { posts { author { posts { author { posts { title } } } } } } } } } } }`;
      expect(codes((await query(deep, admin.headers)).body)).toEqual(["OPERATION_LIMIT_EXCEEDED"]);
      const form = await fetch(`${server.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "query=%7B+posts+%7B+title+%7D+%7D",
      });
      expect(form.status).toBe(415);
      const large = await server.post(JSON.stringify({ query: `{ posts { title } } # ${"x".repeat(200_000)}` }));
      expect(large.status).toBe(413);
      expect(posts.requests).toHaveLength(0);
    });

    it("passes graphql-http's 61 GraphQL-over-HTTP audits", async () => {
      const results = await auditServer({ url: `${server.url}/graphql` });
      expect(results.filter((result) => result.status !== "ok").map((result) => result.name)).toEqual([]);
      expect(results).toHaveLength(61);
    });
  });
});

describe("gateway mode with introspection off and refresh cookies", () => {
  let server: TestServer;
  let posts: TestSubgraph;

  beforeAll(async () => {
    posts = await startPostsSubgraph();
    server = await startTestServer({ GATEWAY_SUBGRAPHS: `posts=${posts.url}`, INTROSPECTION: "false", AUTH_COOKIE: "true", GRAPHIQL: "true" });
    await createUser(server.prisma, { username: "ada", email: "ada@example.com" });
  });
  afterAll(async () => {
    await server?.close();
    await posts?.stop();
  });

  it("serves the same offline GraphiQL page as standalone mode, under its own CSP", async () => {
    const page = await fetch(`${server.url}/graphql`, { headers: { accept: "text/html" } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toMatch(/^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+';.*connect-src 'self'/);
    expect(await page.text()).toContain("Gatehouse GraphiQL");
  });

  it("refuses introspection of the supergraph and keeps cookie mode's CSRF guard and Set-Cookie", async () => {
    const introspection = await server.post(JSON.stringify({ query: "{ __schema { types { name } } }" }));
    expect(((await introspection.json()) as Body).errors?.[0]?.extensions?.code).toBe("INTROSPECTION_DISABLED");

    const crossSite = await fetch(`${server.url}/graphql?query=${encodeURIComponent("{ viewer { id } }")}`);
    expect(((await crossSite.json()) as Body).errors?.[0]?.extensions?.code).toBe("CSRF_REJECTED");

    const login = await server.post(
      JSON.stringify({ query: 'mutation { login(input: { identifier: "ada", password: "correct horse battery staple" }) { jwt } }' }),
    );
    expect(login.headers.get("set-cookie")).toMatch(/^__Host-gatehouse-refresh=/);
  });

  it("passes graphql-http's audits in standalone mode too", async () => {
    const standalone = await startTestServer({});
    try {
      const results = await auditServer({ url: `${standalone.url}/graphql` });
      expect(results.filter((result) => result.status !== "ok").map((result) => result.name)).toEqual([]);
      expect(results).toHaveLength(61);
    } finally {
      await standalone.close();
    }
  });
});
