import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./helpers/server.ts";
import { Roles } from "./operations/roles.ts";

describe("server", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it("answers /health while the process is alive", async () => {
    const response = await fetch(`${server.url}/health`);
    expect(response.status).toBe(200);
  });

  it("answers /ready when the database is reachable", async () => {
    const response = await fetch(`${server.url}/ready`);
    expect(response.status).toBe(200);
  });

  it("answers GraphQL, refusing the role list to anonymous callers (admins see it: test/access.test.ts)", async () => {
    const result = await server.gql(Roles);
    expect(result.status).toBe(200);
    expect(result.data).toBeNull();
    expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("answers a syntax error with a GraphQL error, not a crash", async () => {
    const response = await server.post(JSON.stringify({ query: "{ roles { " }));
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { extensions?: { code?: string } }[] };
    expect(body.errors[0]?.extensions?.code).toBe("GRAPHQL_PARSE_FAILED");
  });

  it("answers an unknown field with a validation error", async () => {
    const response = await server.post(JSON.stringify({ query: "{ nope }" }));
    const body = (await response.json()) as { errors: { extensions?: { code?: string } }[] };
    expect(response.status).toBe(400);
    expect(body.errors[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });
});

describe("readiness", () => {
  it("answers /ready with 503 once the database is gone, while /health stays 200", async () => {
    const server = await startTestServer();
    try {
      await server.stopDatabase();
      expect((await fetch(`${server.url}/ready`)).status).toBe(503);
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
