/**
 * Gatehouse as a plain subgraph, the way Apollo Router or Hive Gateway call it: `_entities` for `User`
 * goes through the same ACL as `Query.user` and the rules on `User.*`, and `_service { sdl }` follows
 * the introspection setting, opened to a router only by SUBGRAPH_SDL_TOKEN.
 */
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, type SignedIn, signIn } from "./helpers/auth.ts";
import { startTestServer, type TestServer } from "./helpers/server.ts";
import { CreateAclRule, DeleteAclRule } from "./operations/access.ts";

interface Body {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

const SDL_TOKEN = "a router's SDL token, 32 characters or more";
const codes = (body: Body) => [...new Set((body.errors ?? []).map((error) => error.extensions?.code))];
const committedSubgraphSdl = async () => (await readFile(new URL("../subgraph.graphql", import.meta.url), "utf8")).trimEnd();

const ENTITIES = `query Entities($representations: [_Any!]!) {
  _entities(representations: $representations) { __typename ... on User { id username email } }
}`;

describe("Gatehouse as a plain subgraph", () => {
  let server: TestServer;
  let ada: SignedIn;
  let bob: SignedIn;
  let admin: SignedIn;

  let lastStatus = 0;
  const post = async (query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) => {
    const response = await server.post(JSON.stringify({ query, variables }), headers);
    lastStatus = response.status;
    return (await response.json()) as Body;
  };
  const entity = async (id: string, headers: Record<string, string> = {}) => {
    const body = await post(ENTITIES, { representations: [{ __typename: "User", id }] }, headers);
    return { body, user: (body.data?._entities as unknown[] | undefined)?.[0] };
  };
  const withRule = async (resource: string, principalId: string, run: () => Promise<void>) => {
    const created = await server.gql(
      CreateAclRule,
      { data: { resource, accessType: "READ", principalType: "ROLE", principalId, permission: "ALLOW" } },
      { headers: admin.headers },
    );
    if (!created.data) throw new Error(JSON.stringify(created.errors));
    try {
      await run();
    } finally {
      await server.gql(DeleteAclRule, { id: created.data.createAclRule.id }, { headers: admin.headers });
    }
  };

  beforeAll(async () => {
    // Production's default: introspection off.
    server = await startTestServer({ INTROSPECTION: "false", SUBGRAPH_SDL_TOKEN: SDL_TOKEN });
    await createUser(server.prisma, { username: "ada", email: "ada@example.com" });
    await createUser(server.prisma, { username: "bob", email: "bob@example.com" });
    await createUser(server.prisma, { username: "root", email: "root@example.com", roleType: "admin" });
    [ada, bob, admin] = await Promise.all([signIn(server, "ada"), signIn(server, "bob"), signIn(server, "root")]);
  });
  afterAll(async () => {
    await server?.close();
  });

  describe("_entities", () => {
    it("gives an anonymous caller no user, and no email even where Query.user is opened to everyone", async () => {
      const refused = await entity(ada.userId);
      expect(refused.user).toBeNull();
      expect(codes(refused.body)).toEqual(["UNAUTHENTICATED"]);
      expect(JSON.stringify(refused.body)).not.toContain("ada@example.com");

      await withRule("Query.user", "$everyone", async () => {
        const opened = await entity(ada.userId);
        expect(opened.body.errors).toBeUndefined();
        expect(opened.user).toEqual({ __typename: "User", id: ada.userId, username: "ada", email: null });
      });
    });

    it("resolves one's own record with its email, and another user's only as Query.user allows, with email null", async () => {
      expect((await entity(ada.userId, ada.headers)).user).toEqual({ __typename: "User", id: ada.userId, username: "ada", email: "ada@example.com" });

      const refused = await entity(ada.userId, bob.headers);
      expect(refused.user).toBeNull();
      expect(codes(refused.body)).toEqual(["FORBIDDEN"]);

      await withRule("Query.user", "$authenticated", async () => {
        const opened = await entity(ada.userId, bob.headers);
        expect(opened.body.errors).toBeUndefined();
        expect(opened.user).toEqual({ __typename: "User", id: ada.userId, username: "ada", email: null });
      });
    });

    it("applies stored rules on User.* to entity fields", async () => {
      await withRule("Query.user", "$authenticated", async () => {
        await withRule("User.*", "$authenticated", async () => {
          expect((await entity(ada.userId, bob.headers)).user).toEqual({
            __typename: "User",
            id: ada.userId,
            username: "ada",
            email: "ada@example.com",
          });
        });
        // The rule is gone: the default ($owner) decides User.email again.
        expect((await entity(ada.userId, bob.headers)).user).toMatchObject({ email: null });
      });
    });

    it("answers NOT_FOUND for an unknown id only to a caller allowed to look, and the admin sees every field", async () => {
      expect(codes((await entity("999999", bob.headers)).body)).toEqual(["FORBIDDEN"]);
      expect(codes((await entity("999999", admin.headers)).body)).toEqual(["NOT_FOUND"]);
      expect((await entity(bob.userId, admin.headers)).user).toMatchObject({ username: "bob", email: "bob@example.com" });
    });
  });

  describe("_service { sdl } with introspection off", () => {
    const SERVICE = "{ _service { sdl } }";

    it("is refused with SUBGRAPH_SDL_DISABLED without the router's token, or with a wrong one", async () => {
      const attempts: Record<string, string>[] = [{}, { "x-gatehouse-sdl-token": "wrong" }, { "x-gatehouse-sdl-token": `${SDL_TOKEN}x` }, admin.headers];
      for (const headers of attempts) {
        const body = await post(SERVICE, {}, headers);
        expect(lastStatus).toBe(400);
        expect(body.data).toBeUndefined();
        expect(codes(body)).toEqual(["SUBGRAPH_SDL_DISABLED"]);
        expect(JSON.stringify(body)).not.toContain("@key");
      }
      // Hidden in a fragment or behind an alias it is still _service.
      const fragment = await post("query { ...Sdl } fragment Sdl on Query { schema: _service { sdl } }");
      expect(codes(fragment)).toEqual(["SUBGRAPH_SDL_DISABLED"]);
    });

    it("answers the committed subgraph.graphql to a request carrying SUBGRAPH_SDL_TOKEN, and only that request", async () => {
      const allowed = await post(SERVICE, {}, { "x-gatehouse-sdl-token": SDL_TOKEN });
      expect(allowed.errors).toBeUndefined();
      expect((allowed.data?._service as { sdl: string }).sdl).toBe(await committedSubgraphSdl());
      // The same document again without the token: a cached validation result must not let it through.
      expect(codes(await post(SERVICE))).toEqual(["SUBGRAPH_SDL_DISABLED"]);
    });

    it("opens _service only: __schema stays refused for the router too", async () => {
      const body = await post("{ __schema { queryType { name } } }", {}, { "x-gatehouse-sdl-token": SDL_TOKEN });
      expect(codes(body)).toEqual(["INTROSPECTION_DISABLED"]);
    });
  });
});

describe("_service { sdl } with introspection on", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ INTROSPECTION: "true" });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("is open like __schema, no token needed", async () => {
    const response = await server.post(JSON.stringify({ query: "{ _service { sdl } }" }));
    const body = (await response.json()) as Body;
    expect(body.errors).toBeUndefined();
    expect((body.data?._service as { sdl: string }).sdl).toBe(await committedSubgraphSdl());
  });
});
