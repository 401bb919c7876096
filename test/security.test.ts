/**
 * Hostile inputs at the transport level, sent to the running server over HTTP. Each must get a clear
 * answer (a 4xx status and/or a stable extensions.code), never a 5xx or a stack trace, and the server
 * must stay healthy. JWT attacks join this list with the auth module.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRedis } from "../src/infra/redis/index.ts";
import { startTestServer, type TestServer } from "./helpers/server.ts";

interface HostileCase {
  name: string;
  send(server: TestServer): Promise<Response>;
  status: number;
  /** extensions.code of the first error; undefined when the status alone answers (415 from Yoga, 200). */
  code?: string;
}

const json = (value: unknown) => JSON.stringify(value);
const deepIntrospection = `{ __type(name: "Role") { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } }`;

const hostile: HostileCase[] = [
  { name: "invalid JSON", send: (s) => s.post("{nope"), status: 400, code: "BAD_REQUEST" },
  { name: "JSON that is not an object", send: (s) => s.post('"{ roles { id } }"'), status: 400, code: "BAD_REQUEST" },
  { name: "query that is not a string", send: (s) => s.post(json({ query: 42 })), status: 400, code: "BAD_REQUEST" },
  { name: "variables that are not an object", send: (s) => s.post(json({ query: "{ roles { id } }", variables: "x" })), status: 400, code: "BAD_REQUEST" },
  { name: "empty body", send: (s) => s.post(""), status: 400, code: "BAD_REQUEST" },
  { name: "text/plain body", send: (s) => s.post(json({ query: "{ roles { id } }" }), { "content-type": "text/plain" }), status: 415, code: "UNSUPPORTED_MEDIA_TYPE" },
  { name: "XML body", send: (s) => s.post("<query/>", { "content-type": "application/xml" }), status: 415, code: "UNSUPPORTED_MEDIA_TYPE" },
  {
    name: "form-encoded body (a CSRF vector)",
    send: (s) => s.post("query=%7B%20roles%20%7B%20id%20%7D%20%7D", { "content-type": "application/x-www-form-urlencoded" }),
    status: 415,
    code: "UNSUPPORTED_MEDIA_TYPE",
  },
  {
    name: "multipart body",
    send: (s) => s.post('--b\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{"query":"{ roles { id } }"}\r\n--b--\r\n', { "content-type": "multipart/form-data; boundary=b" }),
    status: 415,
    code: "UNSUPPORTED_MEDIA_TYPE",
  },
  { name: "missing content type", send: (s) => s.post(json({ query: "{ roles { id } }" }), { "content-type": "" }), status: 415, code: "UNSUPPORTED_MEDIA_TYPE" },
  {
    name: "batched JSON array",
    send: (s) => s.post(json([{ query: "{ roles { id } }" }, { query: "{ roles { name } }" }])),
    status: 400,
    code: "BAD_REQUEST",
  },
  {
    name: "oversized body with Content-Length",
    send: (s) => s.post(json({ query: "{ roles { id } }", variables: { x: "a".repeat(150_000) } })),
    status: 413,
    code: "PAYLOAD_TOO_LARGE",
  },
  {
    name: "oversized chunked body (no Content-Length)",
    send: (s) => {
      const bytes = new TextEncoder().encode(json({ query: "{ roles { id } }", variables: { x: "a".repeat(150_000) } }));
      const body = new ReadableStream({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 16_384) controller.enqueue(bytes.slice(i, i + 16_384));
          controller.close();
        },
      });
      return fetch(`${s.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body, duplex: "half" } as RequestInit);
    },
    status: 413,
    code: "PAYLOAD_TOO_LARGE",
  },
  {
    name: "100 kB string in a variable (under the 100 KiB body limit)",
    send: (s) => s.post(json({ query: "query($n: String!) { __type(name: $n) { name } }", variables: { n: "é".repeat(50_000) } })),
    status: 200,
  },
  {
    name: "100 kB string literal in the query",
    send: (s) => s.post(json({ query: `{ __type(name: "${"R".repeat(100_000)}") { name } }` })),
    status: 200,
  },
  {
    name: "150 kB string in a variable (over the body limit)",
    send: (s) => s.post(json({ query: "query($n: String!) { __type(name: $n) { name } }", variables: { n: "R".repeat(150_000) } })),
    status: 413,
    code: "PAYLOAD_TOO_LARGE",
  },
  {
    name: "NUL byte in a variable",
    send: (s) => s.post(json({ query: "query($n: String!) { __type(name: $n) { name } }", variables: { n: "Ro\u0000le" } })),
    status: 400,
    code: "BAD_USER_INPUT",
  },
  {
    name: "NUL byte in a variable name",
    send: (s) => s.post(json({ query: "{ roles { id } }", variables: { "a\u0000": 1 } })),
    status: 400,
    code: "BAD_USER_INPUT",
  },
  {
    name: "alias flood",
    send: (s) => s.post(json({ query: `{ ${Array.from({ length: 100 }, (_, i) => `a${i}: roles { id }`).join(" ")} }` })),
    status: 400,
    code: "OPERATION_LIMIT_EXCEEDED",
  },
  { name: "deep query", send: (s) => s.post(json({ query: deepIntrospection })), status: 400, code: "OPERATION_LIMIT_EXCEEDED" },
  {
    name: "token flood",
    send: (s) => s.post(json({ query: `{ roles { ${"id ".repeat(2_000)} } }` })),
    status: 400,
    code: "OPERATION_LIMIT_EXCEEDED",
  },
  {
    name: "directive flood",
    send: (s) => s.post(json({ query: `{ roles { id ${"@include(if: true) ".repeat(60)} } }` })),
    status: 400,
    code: "OPERATION_LIMIT_EXCEEDED",
  },
  {
    name: "cost flood (wide fragments)",
    send: (s) => {
      const fields = "id documentId name description type createdAt updatedAt __typename";
      const roles = Array.from({ length: 15 }, (_, i) => `r${i}: roles { ${fields} }`).join(" ");
      return s.post(json({ query: `{ ${roles} }` }));
    },
    status: 200,
  },
  {
    name: "two logins under aliases in one request",
    send: (s) =>
      s.post(json({
        query: `mutation { a: login(input: { identifier: "x@example.com", password: "guess one" }) { jwt } b: login(input: { identifier: "x@example.com", password: "guess two" }) { jwt } }`,
      })),
    status: 400,
    code: "OPERATION_LIMIT_EXCEEDED",
  },
  {
    name: "NUL byte in a login password",
    send: (s) =>
      s.post(json({
        query: "mutation($p: String!) { login(input: { identifier: \"x@example.com\", password: $p }) { jwt } }",
        variables: { p: "pass\u0000word" },
      })),
    status: 400,
    code: "BAD_USER_INPUT",
  },
  { name: "syntax error", send: (s) => s.post(json({ query: "{ roles { " })), status: 400, code: "GRAPHQL_PARSE_FAILED" },
  { name: "mutation over GET", send: (s) => fetch(`${s.url}/graphql?query=${encodeURIComponent("mutation { x }")}`), status: 405, code: "BAD_REQUEST" },
];

function expectNoLeak(body: string) {
  expect(body).not.toMatch(/"stack"|\n\s+at |node_modules|\/src\//);
}

describe("hostile transport inputs", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ REQUEST_RATE_LIMIT_MAX: "10000" });
  });
  afterAll(() => server?.close());

  it.each(hostile)("$name → $status $code", async ({ send, status, code }) => {
    const response = await send(server);
    const body = await response.text();
    expect(response.status, body.slice(0, 300)).toBe(status);
    expectNoLeak(body);
    if (code) expect((JSON.parse(body) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe(code);
  });

  it("names the limit that was exceeded, without armor's misleading 'Syntax Error'", async () => {
    const response = await server.post(json({ query: `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: roles { id }`).join(" ")} }` }));
    const body = (await response.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(body.errors[0]).toMatchObject({ extensions: { code: "OPERATION_LIMIT_EXCEEDED", limit: "maxAliases" } });
    expect(body.errors[0]?.message).not.toMatch(/Syntax Error/);
  });

  it("hides field suggestions", async () => {
    const body = await (await server.post(json({ query: "{ role { id } }" }))).text();
    expect(body).not.toMatch(/Did you mean/);
  });

  it("stays healthy after all of the above, including in parallel", async () => {
    const responses = await Promise.all(hostile.flatMap((c) => [c.send(server), c.send(server)]));
    for (const response of responses) expect(response.status).toBeLessThan(500);
    await Promise.all(responses.map((r) => r.text()));
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    // A query anonymous callers may run: still answered normally after the flood.
    const ok = await server.post(json({ query: "{ myPermissions { __typename } }" }));
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { data: { myPermissions: unknown[] } }).data.myPermissions.length).toBeGreaterThan(0);
  });
});

describe("request-level rate limit", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ REQUEST_RATE_LIMIT_MAX: "5", REQUEST_RATE_LIMIT_WINDOW_SECONDS: "60" });
  });
  afterAll(() => server?.close());

  it("answers HTTP 429 with a valid Retry-After once an IP exceeds its budget, forged X-Forwarded-For or not", async () => {
    // No trusted proxy is configured, so every request counts against the socket's address.
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) => server.post(json({ query: "{ roles { id } }" }), { "x-forwarded-for": `198.51.100.${i}` })),
    );
    expect(responses.filter((r) => r.status === 200)).toHaveLength(5);
    const limited = responses.filter((r) => r.status === 429);
    expect(limited).toHaveLength(7);
    for (const response of limited) {
      const retryAfter = response.headers.get("retry-after") ?? "";
      expect(retryAfter).toMatch(/^[1-9]\d*$/);
      expect(Number(retryAfter)).toBeLessThanOrEqual(60);
      const body = (await response.json()) as { errors: { extensions: { code: string; retryAfter: number } }[] };
      expect(body.errors[0]?.extensions).toEqual({ code: "RATE_LIMITED", retryAfter: Number(retryAfter) });
    }
    await Promise.all(responses.map((r) => r.bodyUsed || r.text()));
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});

describe("NODE_ENV unset", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      NODE_ENV: undefined,
      PUBLIC_URL: "https://auth.example.com",
      JWT_ALGORITHM: "HS256",
      JWT_SECRET: "a production secret of at least 32 characters",
    });
  });
  afterAll(() => server?.close());

  it("runs as production: no GraphiQL page and no introspection", async () => {
    const page = await fetch(`${server.url}/graphql`, { headers: { accept: "text/html" } });
    expect(page.headers.get("content-type") ?? "").not.toContain("text/html");
    expect(await page.text()).not.toContain("graphiql");
    const response = await server.post(json({ query: "{ __schema { types { name } } }" }));
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe("INTROSPECTION_DISABLED");
  });
});

describe("production hardening", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      NODE_ENV: "production",
      PUBLIC_URL: "https://auth.example.com",
      JWT_ALGORITHM: "HS256",
      JWT_SECRET: "a production secret of at least 32 characters",
      CORS_ORIGINS: "https://app.example.com,https://admin.example.com",
      RATE_LIMITS: '{"login":{"max":2,"windowSeconds":60}}',
      PASSWORD_MIN_LENGTH: "15",
    });
  });
  afterAll(() => server?.close());

  it("hands the resolvers services built from the configuration", async () => {
    const { rateLimits, passwordPolicy } = server.security;
    const keys = { ip: "203.0.113.1", identifier: "someone@example.com" };
    await rateLimits.consume("login", keys);
    await rateLimits.consume("login", keys);
    await expect(rateLimits.consume("login", keys)).rejects.toMatchObject({ extensions: { code: "RATE_LIMITED" } });
    await rateLimits.consume("register", keys);
    expect((await passwordPolicy.problems("fourteen chars")).map((p) => p.code)).toEqual(["TOO_SHORT"]);
  });

  it("refuses introspection with INTROSPECTION_DISABLED", async () => {
    const response = await server.post(json({ query: "{ __schema { types { name } } }" }));
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe("INTROSPECTION_DISABLED");
  });

  it("sends security headers, HSTS included", async () => {
    const response = await server.post(json({ query: "{ roles { id } }" }));
    expect(Object.fromEntries(response.headers)).toMatchObject({
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "x-frame-options": "DENY",
      "content-security-policy": expect.stringContaining("default-src 'none'") as string,
      "strict-transport-security": expect.stringMatching(/^max-age=\d+/) as string,
      "cache-control": "no-store",
    });
    expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });

  it("allows listed origins only", async () => {
    const allowed = await server.post(json({ query: "{ roles { id } }" }), { origin: "https://admin.example.com" });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://admin.example.com");
    const denied = await server.post(json({ query: "{ roles { id } }" }), { origin: "https://evil.example" });
    expect(denied.headers.get("access-control-allow-origin")).toBeNull();
    const preflight = await fetch(`${server.url}/graphql`, {
      method: "OPTIONS",
      headers: { origin: "https://app.example.com", "access-control-request-method": "POST" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    const evilPreflight = await fetch(`${server.url}/graphql`, {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    expect(evilPreflight.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("masks unexpected errors and leaks no parser internals", async () => {
    const body = await (await server.post("{nope")).text();
    expectNoLeak(body);
  });
});

describe("behind a trusted proxy", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ TRUSTED_PROXIES: "127.0.0.1", REQUEST_RATE_LIMIT_MAX: "2" });
  });
  afterAll(() => server?.close());

  it("keys the limits on the client X-Forwarded-For names", async () => {
    const send = (ip: string) => server.post(json({ query: "{ roles { id } }" }), { "x-forwarded-for": ip });
    const statuses = [];
    for (const ip of ["198.51.100.1", "198.51.100.1", "198.51.100.1", "198.51.100.2"]) statuses.push((await send(ip)).status);
    expect(statuses).toEqual([200, 200, 429, 200]);
  });
});

// Runs where REDIS_URL is set, as in CI (.ci/run sets it): the store shared by several instances.
describe.runIf(process.env.REDIS_URL)("request-level rate limit on Redis", () => {
  const redisUrl = process.env.REDIS_URL ?? "";
  const prefix = `gatehouse-test-${randomBytes(6).toString("hex")}`;
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix, REQUEST_RATE_LIMIT_MAX: "3" });
  });
  afterAll(() => server?.close());

  it("lets exactly 3 of 20 concurrent requests through and keeps the counter in Redis", async () => {
    const responses = await Promise.all(Array.from({ length: 20 }, () => server.post(json({ query: "{ roles { id } }" }))));
    await Promise.all(responses.map((r) => r.text()));
    expect(responses.filter((r) => r.status === 200)).toHaveLength(3);
    expect(responses.filter((r) => r.status === 429).every((r) => /^[1-9]\d*$/.test(r.headers.get("retry-after") ?? ""))).toBe(true);
    const redis = await connectRedis(redisUrl);
    try {
      expect(await redis.keys(`${prefix}:rl:request:*`)).toHaveLength(1);
    } finally {
      await redis.quit();
    }
  });
});
