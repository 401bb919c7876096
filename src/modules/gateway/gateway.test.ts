/**
 * The gateway in front of real downstream subgraphs on loopback: composition, queries across subgraphs,
 * identity downstream, failures, the kept composition, and the ACL on downstream fields.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  POSTS_SDL,
  postsResolvers,
  startOrdersSubgraph,
  startPostsSubgraph,
  type TestSubgraph,
} from "../../../test/helpers/subgraphs.ts";
import type { AclRule } from "../access/acl.ts";
import { ISSUER, startTestGateway, type TestGateway, type TestViewer } from "./gateway.test-helper.ts";

const ada: TestViewer = { userId: "1", sessionId: "session-ada", roles: ["authenticated", "editor"] };
const bob: TestViewer = { userId: "2", sessionId: "session-bob", roles: ["authenticated"] };

const bearer = async (gateway: TestGateway, viewer: TestViewer) => ({
  authorization: `Bearer ${await gateway.tokenFor(viewer)}`,
});
const codes = (body: { errors?: { extensions?: Record<string, unknown> }[] }) =>
  [...new Set((body.errors ?? []).map((error) => error.extensions?.code))];
const toSubgraph = (subgraph: TestSubgraph) => ({ name: subgraph.name, url: subgraph.url });

describe("gateway: one endpoint for Gatehouse and its subgraphs", () => {
  let posts: TestSubgraph;
  let orders: TestSubgraph;
  let gateway: TestGateway;

  beforeAll(async () => {
    [posts, orders] = await Promise.all([startPostsSubgraph(), startOrdersSubgraph()]);
    gateway = await startTestGateway({
      subgraphs: [toSubgraph(posts), toSubgraph(orders)],
      forwardHeaders: ["x-tenant"],
      timeoutMs: 400,
    });
  });
  afterEach(async () => {
    posts.delayMs = 0;
    await posts.start();
    posts.requests.length = 0;
    orders.requests.length = 0;
  });
  afterAll(async () => {
    await gateway?.close();
    await Promise.all([posts?.stop(), orders?.stop()]);
  });

  it("composes Gatehouse's subgraph with the downstream ones and answers queries across them", async () => {
    expect(gateway.gateway.status()).toMatchObject({
      compositionFailed: false,
      subgraphs: [
        { name: "posts", state: "ok" },
        { name: "orders", state: "ok" },
      ],
    });
    const { body } = await gateway.post(
      "{ users { username posts { title } } posts { title author { username } } orders { total } }",
    );
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({
      users: [
        { username: "ada", posts: [{ title: "Analytical engines" }, { title: "Difference engines" }] },
        { username: "bob", posts: [{ title: "Bob's post" }] },
      ],
      posts: [
        { title: "Analytical engines", author: { username: "ada" } },
        { title: "Difference engines", author: { username: "ada" } },
        { title: "Bob's post", author: { username: "bob" } },
      ],
      orders: [{ total: 42 }],
    });
  });

  it("never exposes the subgraphs' _entities or _service", async () => {
    for (const query of ['{ _entities(representations: [{ __typename: "User", id: "1" }]) { __typename } }', "{ _service { sdl } }"]) {
      const { body } = await gateway.post(query);
      expect(body.data).toBeUndefined();
      expect(codes(body)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    }
    expect(posts.requests).toHaveLength(0);
  });

  it("sends each subgraph a token minted for it, verifiable through the JWKS", async () => {
    const { body } = await gateway.post("{ me { username posts { title } } orders { id } }", {
      headers: await bearer(gateway, ada),
    });
    expect(body.data).toEqual({
      me: { username: "ada", posts: [{ title: "Analytical engines" }, { title: "Difference engines" }] },
      orders: [{ id: "o1" }],
    });
    const jwks = createRemoteJWKSet(new URL(gateway.jwksUrl));
    for (const subgraph of [posts, orders]) {
      const authorization = subgraph.requests[0]?.headers.authorization ?? "";
      expect(authorization).toMatch(/^Bearer /);
      const token = authorization.slice("Bearer ".length);
      const { payload, protectedHeader } = await jwtVerify(token, jwks, {
        audience: subgraph.name,
        issuer: ISSUER,
        algorithms: ["EdDSA"],
      });
      expect(protectedHeader.kid).toBe("subgraph-test-key");
      expect(payload).toMatchObject({ sub: "1", sid: "session-ada", roles: ["authenticated", "editor"] });
      expect((payload.exp ?? Infinity) - (payload.iat ?? 0)).toBeLessThanOrEqual(60);
      // A token minted for one subgraph is refused by the others.
      const other = subgraph === posts ? "orders" : "posts";
      await expect(jwtVerify(token, jwks, { audience: other, issuer: ISSUER })).rejects.toThrow();
    }
  });

  it("sends no Authorization for anonymous callers", async () => {
    const { body } = await gateway.post("{ posts { title } }");
    expect(body.data?.posts).toHaveLength(3);
    expect(posts.requests).toHaveLength(1);
    expect(posts.requests[0]?.headers).not.toHaveProperty("authorization");
  });

  it("never passes on the client's Authorization, Cookie or x-gatehouse-* headers; others only when listed", async () => {
    const clientToken = await gateway.tokenFor(bob);
    const { body } = await gateway.post("{ users { posts { title } } }", {
      headers: {
        authorization: `Bearer ${clientToken}`,
        cookie: "__Host-gatehouse-refresh=stolen; session=1",
        "x-gatehouse-user-id": "1",
        "x-gatehouse-csrf": "1",
        "x-tenant": "acme",
        "x-user-id": "1",
        "x-request-id": "trace-123",
      },
    });
    expect(body.errors).toBeUndefined();
    const received = posts.requests.map((request) => request.headers);
    expect(received.length).toBeGreaterThan(0);
    for (const headers of received) {
      expect(headers.authorization).not.toContain(clientToken);
      expect(headers.authorization).toMatch(/^Bearer /);
      expect(headers).not.toHaveProperty("cookie");
      expect(Object.keys(headers).filter((name) => name.startsWith("x-gatehouse-"))).toEqual([]);
      expect(headers).not.toHaveProperty("x-user-id");
      expect(headers["x-tenant"]).toBe("acme");
      expect(headers["x-request-id"]).toBe("trace-123");
    }
    // Gatehouse's own subgraph is called in process with the gateway's context, never with headers.
    expect(gateway.localRequests.every((request) => request.authorization === null)).toBe(true);
  });

  it("refuses the whole request when the client's token is invalid, before any subgraph is called", async () => {
    const { body } = await gateway.post("{ posts { title } users { username } }", {
      headers: { authorization: "Bearer not-a-token" },
    });
    expect(body.data ?? null).toBeNull();
    expect(codes(body)).toEqual(["UNAUTHENTICATED"]);
    expect(posts.requests).toHaveLength(0);
  });

  it("nulls only a stopped subgraph's fields, says which one, leaks nothing internal, and recovers", async () => {
    await posts.stop();
    const { body, text } = await gateway.post("{ users { username posts { title } } posts { title } orders { id } }");
    expect(body.data).toEqual({
      users: [
        { username: "ada", posts: null },
        { username: "bob", posts: null },
      ],
      posts: null,
      orders: [{ id: "o1" }],
    });
    expect(body.errors?.length).toBeGreaterThan(0);
    for (const error of body.errors ?? []) {
      expect(error.message).toBe('Subgraph "posts" is unavailable');
      expect(error.extensions).toEqual({ code: "SUBGRAPH_UNAVAILABLE", subgraph: "posts" });
    }
    const port = new URL(posts.url).port;
    for (const internal of ["127.0.0.1", port, "ECONNREFUSED", "_entities", "representations", "stack", "request"]) {
      expect(text).not.toContain(internal);
    }

    await posts.start();
    const again = await gateway.post("{ users { username posts { title } } posts { title } }");
    expect(again.body.errors).toBeUndefined();
    expect(again.body.data?.posts).toHaveLength(3);
  });

  it("answers a subgraph slower than GATEWAY_TIMEOUT_MS with a timeout error for its fields only", async () => {
    posts.delayMs = 3000;
    const { body, text } = await gateway.post("{ posts { title } orders { id } }");
    expect(body.data).toEqual({ posts: null, orders: [{ id: "o1" }] });
    expect(body.errors).toEqual([
      {
        message: 'Subgraph "posts" did not answer in time',
        path: ["posts"],
        locations: [{ line: 1, column: 3 }],
        extensions: { code: "SUBGRAPH_TIMEOUT", subgraph: "posts" },
      },
    ]);
    expect(text).not.toContain(new URL(posts.url).port);
  });

  it("logs why a subgraph failed, never the client's variables", async () => {
    await posts.stop();
    const { body } = await gateway.post("mutation ($title: String!) { addPost(title: $title) { id } }", {
      variables: { title: "a client secret" },
    });
    expect(codes(body)).toEqual(["SUBGRAPH_UNAVAILABLE"]);
    expect(gateway.logs.some((line) => line.level === "warn" && line.message.startsWith("Subgraph posts unavailable"))).toBe(true);
    expect(gateway.logs.filter((line) => line.message.includes("a client secret"))).toEqual([]);
  });

  it("never retries a mutation", async () => {
    posts.delayMs = 3000;
    const { body } = await gateway.post('mutation { addPost(title: "once") { id } }');
    expect(codes(body)).toEqual(["SUBGRAPH_TIMEOUT"]);
    expect(posts.requests.filter((request) => request.query.includes("addPost"))).toHaveLength(1);
  });
});

describe("gateway: the supergraph it keeps", () => {
  let posts: TestSubgraph;
  let orders: TestSubgraph;
  const gateways: TestGateway[] = [];
  const start = async (options: Parameters<typeof startTestGateway>[0]) => {
    const gateway = await startTestGateway(options);
    gateways.push(gateway);
    return gateway;
  };

  beforeAll(async () => {
    [posts, orders] = await Promise.all([startPostsSubgraph(), startOrdersSubgraph()]);
  });
  afterEach(async () => {
    await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
    posts.replaceSchema(POSTS_SDL, postsResolvers);
    await Promise.all([posts.start(), orders.start()]);
  });
  afterAll(async () => {
    await Promise.all([posts?.stop(), orders?.stop()]);
  });

  it("keeps the last good supergraph when the subgraphs stop composing, and logs why", async () => {
    const gateway = await start({ subgraphs: [toSubgraph(posts)] });
    // `User.username` is Gatehouse's and not shareable: a subgraph redefining it cannot compose.
    posts.replaceSchema(`${POSTS_SDL}\n extend type User { username: Int }`, postsResolvers);
    await gateway.gateway.refresh();

    expect(gateway.gateway.status()).toMatchObject({
      compositionFailed: true,
      subgraphs: [{ name: "posts", state: "stale", reason: "does not compose" }],
    });
    expect(gateway.logs.some((line) => line.level === "error" && line.message.includes("do not compose"))).toBe(true);
    const { body } = await gateway.post("{ users { username posts { title } } }");
    expect(body.errors).toBeUndefined();
    expect(body.data?.users).toHaveLength(2);

    posts.replaceSchema(POSTS_SDL, postsResolvers);
    await gateway.gateway.refresh();
    expect(gateway.gateway.status()).toMatchObject({ compositionFailed: false, subgraphs: [{ state: "ok" }] });
  });

  it("keeps the last good composition across a restart while a subgraph is down", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "gatehouse-gateway-"));
    const first = await start({ subgraphs: [toSubgraph(posts)], dataDir });
    await first.close();
    gateways.splice(gateways.indexOf(first), 1);
    await posts.stop();

    const second = await start({ subgraphs: [toSubgraph(posts)], dataDir });
    expect(second.gateway.status().subgraphs).toEqual([{ name: "posts", state: "stale", reason: "connection refused" }]);
    expect(second.logs.some((line) => line.level === "warn" && line.message.includes("connection refused"))).toBe(true);
    // Its fields are still in the schema: they fail per request until it is back, then work at once.
    const down = await second.post("{ posts { title } }");
    expect(codes(down.body)).toEqual(["SUBGRAPH_UNAVAILABLE"]);
    await posts.start();
    const up = await second.post("{ posts { title } }");
    expect(up.body.data?.posts).toHaveLength(3);
    await rm(dataDir, { recursive: true, force: true });
  });

  it("starts with Gatehouse's own schema alone when nothing composed yet, and says what is missing", async () => {
    await orders.stop();
    const gateway = await start({ subgraphs: [toSubgraph(posts), toSubgraph(orders)] });
    expect(gateway.gateway.status().subgraphs).toEqual([
      { name: "posts", state: "ok" },
      { name: "orders", state: "missing", reason: "connection refused" },
    ]);
    expect((await gateway.post("{ users { username } }")).body.data).toEqual({
      users: [{ username: "ada" }, { username: "bob" }],
    });
    expect(codes((await gateway.post("{ orders { id } }")).body)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);

    await orders.start();
    await gateway.gateway.refresh();
    expect(gateway.gateway.status().subgraphs[1]).toEqual({ name: "orders", state: "ok" });
    expect((await gateway.post("{ orders { id } }")).body.data).toEqual({ orders: [{ id: "o1" }] });
  });
});

describe("gateway: the ACL covers downstream fields", () => {
  const allow = (resource: string, principalId: string, accessType: AclRule["accessType"] = "*"): AclRule => ({
    resource,
    accessType,
    principalType: "ROLE",
    principalId,
    permission: "ALLOW",
  });
  const rules: AclRule[] = [
    allow("Query.posts", "$everyone", "READ"),
    allow("Query.feed", "$everyone", "READ"),
    allow("User.posts", "$authenticated", "READ"),
    allow("Mutation.addPost", "editor", "WRITE"),
    // A field of a type the posts subgraph owns: checked only because a rule names it.
    allow("Post.secret", "editor", "READ"),
    allow("*", "admin"),
  ];
  let posts: TestSubgraph;
  let orders: TestSubgraph;
  let gateway: TestGateway;
  let open: TestGateway;

  beforeAll(async () => {
    [posts, orders] = await Promise.all([startPostsSubgraph(), startOrdersSubgraph()]);
    const subgraphs = [toSubgraph(posts), toSubgraph(orders)];
    [gateway, open] = await Promise.all([
      startTestGateway({ subgraphs, rules }),
      startTestGateway({ subgraphs, rules, defaultAccess: "allow" }),
    ]);
  });
  afterEach(() => {
    posts.requests.length = 0;
    orders.requests.length = 0;
  });
  afterAll(async () => {
    await Promise.all([gateway?.close(), open?.close()]);
    await Promise.all([posts?.stop(), orders?.stop()]);
  });

  it("refuses a field the caller may not read before its subgraph is called, and serves the rest", async () => {
    const { body } = await gateway.post("{ users { username posts { title } } posts { title } }");
    expect(body.data).toEqual({
      users: [
        { username: "ada", posts: null },
        { username: "bob", posts: null },
      ],
      posts: [{ title: "Analytical engines" }, { title: "Difference engines" }, { title: "Bob's post" }],
    });
    expect(codes(body)).toEqual(["UNAUTHENTICATED"]);
    expect(body.errors?.[0]?.message).toBe("Sign in to access User.posts");
    expect(posts.requests.some((request) => request.query.includes("_entities"))).toBe(false);

    const signedIn = await gateway.post("{ users { username posts { title } } }", { headers: await bearer(gateway, bob) });
    expect(signedIn.body.errors).toBeUndefined();
    expect(signedIn.body.data?.users).toEqual([
      { username: "ada", posts: [{ title: "Analytical engines" }, { title: "Difference engines" }] },
      { username: "bob", posts: [{ title: "Bob's post" }] },
    ]);
  });

  it("answers UNAUTHENTICATED to anonymous callers and FORBIDDEN to signed-in ones, as for Gatehouse's fields", async () => {
    const mutation = 'mutation { addPost(title: "Notes") { title } }';
    const anonymous = await gateway.post(mutation);
    expect(anonymous.body.data).toEqual({ addPost: null });
    expect(codes(anonymous.body)).toEqual(["UNAUTHENTICATED"]);
    const forbidden = await gateway.post(mutation, { headers: await bearer(gateway, bob) });
    expect(forbidden.body.data).toEqual({ addPost: null });
    expect(forbidden.body.errors?.[0]).toMatchObject({
      message: "Not allowed to access Mutation.addPost",
      path: ["addPost"],
      extensions: { code: "FORBIDDEN" },
    });
    expect(posts.requests).toHaveLength(0);

    const editor = await gateway.post(mutation, { headers: await bearer(gateway, ada) });
    expect(editor.body).toEqual({ data: { addPost: { title: "Notes" } } });
  });

  it("checks a field of a subgraph-owned type when a rule names it, and leaves the others to the subgraph", async () => {
    const anonymous = await gateway.post("{ posts { title secret } }");
    expect((anonymous.body.data?.posts as { title: string; secret: null }[]).map((post) => post.secret)).toEqual([
      null,
      null,
      null,
    ]);
    expect(codes(anonymous.body)).toEqual(["UNAUTHENTICATED"]);
    expect(posts.requests.every((request) => !request.query.includes("secret"))).toBe(true);

    const editor = await gateway.post("{ posts { secret } }", { headers: await bearer(gateway, ada) });
    expect(editor.body.data?.posts).toEqual([
      { secret: "draft notes" },
      { secret: "more notes" },
      { secret: "bob's notes" },
    ]);
  });

  it("answers refusals inside fragments, aliases and unions at the exact paths, and propagates non-null ones", async () => {
    const { body } = await gateway.post(`
      {
        feed {
          ... on Post { heading: title secret }
          ... on Announcement { text }
        }
        all: posts { ...PostFields }
      }
      fragment PostFields on Post { id secret }
    `);
    expect(body.data).toEqual({
      feed: [{ heading: "Analytical engines", secret: null }, { text: "Welcome" }],
      all: [
        { id: "p1", secret: null },
        { id: "p2", secret: null },
        { id: "p3", secret: null },
      ],
    });
    expect(body.errors?.map((error) => error.path)).toEqual([
      ["feed", 0, "secret"],
      ["all", 0, "secret"],
      ["all", 1, "secret"],
      ["all", 2, "secret"],
    ]);
    expect(codes(body)).toEqual(["UNAUTHENTICATED"]);

    // `Post.title` is non-null: refusing it nulls the nearest nullable parent, as graphql-js would.
    const strict = await startTestGateway({
      subgraphs: [toSubgraph(posts)],
      rules: [...rules, allow("Post.title", "editor", "READ")],
    });
    try {
      const refused = await strict.post("{ posts { id title } feed { ... on Announcement { text } } }");
      expect(refused.body.data).toEqual({ posts: null, feed: [{}, { text: "Welcome" }] });
      expect(refused.body.errors?.[0]).toMatchObject({ path: ["posts", 0, "title"], extensions: { code: "UNAUTHENTICATED" } });
    } finally {
      await strict.close();
    }
  });

  it("denies a downstream root field no rule names, unless GATEWAY_DEFAULT_ACCESS=allow", async () => {
    const denied = await gateway.post("{ orders { id } }", { headers: await bearer(gateway, bob) });
    expect(denied.body.data).toEqual({ orders: null });
    expect(codes(denied.body)).toEqual(["FORBIDDEN"]);
    expect(orders.requests).toHaveLength(0);
    // The admins' `*` rule still lets them through.
    const admin = await gateway.post("{ orders { id } }", {
      headers: await bearer(gateway, { userId: "3", sessionId: "s3", roles: ["admin"] }),
    });
    expect(admin.body.data).toEqual({ orders: [{ id: "o1" }] });

    expect((await open.post("{ orders { id } }")).body).toEqual({ data: { orders: [{ id: "o1" }] } });
    // Under `allow`, a rule on a field still decides it.
    const ruled = await open.post('mutation { addPost(title: "x") { id } }', { headers: await bearer(open, bob) });
    expect(codes(ruled.body)).toEqual(["FORBIDDEN"]);
  });

  it("lists the downstream fields under the ACL, for myPermissions", async () => {
    const fields = await gateway.gateway.downstreamFields(rules);
    expect(fields.map((field) => `${field.accessType} ${field.resource}`).sort()).toEqual([
      "READ Post.secret",
      "READ Query.feed",
      "READ Query.orders",
      "READ Query.posts",
      "READ User.posts",
      "WRITE Mutation.addPost",
    ]);
  });
});
