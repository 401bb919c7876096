/**
 * The example subgraph on 127.0.0.1:0, called the way Gatehouse's gateway calls it: `_service`,
 * `_entities` for a User, and Bearer tokens addressed to `posts`, signed by a stand-in Gatehouse.
 */
import { createGatehouseVerifier } from "@gatehouse/subgraph";
import { startTestIssuer, type TestIssuer } from "@gatehouse/subgraph/testing";
import { composeServices } from "@theguild/federation-composition";
import { Kind, type ObjectTypeDefinitionNode, parse, print } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningSubgraph, startPostsSubgraph } from "../src/server.ts";

let issuer: TestIssuer;
let subgraph: RunningSubgraph;

beforeAll(async () => {
  issuer = await startTestIssuer();
  const gatehouse = createGatehouseVerifier({ jwksUrl: issuer.jwksUrl, issuer: issuer.issuer, audience: "posts" });
  subgraph = await startPostsSubgraph({ gatehouse, port: 0, host: "127.0.0.1", logging: false });
});
afterAll(async () => {
  await subgraph?.close();
  await issuer?.close();
});

interface Result {
  status: number;
  data?: Record<string, any> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function gql(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<Result> {
  const response = await fetch(subgraph.url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/graphql-response+json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as Omit<Result, "status">) };
}

const tokenFor = (userId: string, roles = ["authenticated"]) => issuer.sign({ userId, audience: "posts", roles });

const USER_POSTS = /* GraphQL */ `
  query ($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on User {
        id
        posts {
          title
          published
          author {
            id
          }
        }
      }
    }
  }
`;

const titles = (posts: { title: string }[]) => posts.map((post) => post.title);

describe("federation", () => {
  it("publishes its SDL with User as an entity keyed by id, extended with posts", async () => {
    const result = await gql("{ _service { sdl } }");
    const sdl: string = result.data?._service.sdl;
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])');
    const user = parse(sdl).definitions.find(
      (definition): definition is ObjectTypeDefinitionNode => definition.kind === Kind.OBJECT_TYPE_DEFINITION && definition.name.value === "User",
    );
    expect(user?.directives?.map((directive) => print(directive))).toEqual(['@key(fields: "id")']);
    expect(user?.fields?.map((field) => `${field.name.value}: ${print(field.type)}`)).toEqual(["id: ID!", "posts: [Post!]!"]);
  });

  it("composes with a subgraph that owns User, adding posts to it", async () => {
    const sdl: string = (await gql("{ _service { sdl } }")).data?._service.sdl;
    const owner = /* GraphQL */ `
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])
      type User @key(fields: "id") {
        id: ID!
        username: String!
      }
      type Query {
        viewer: User
      }
    `;
    const result = composeServices([
      { name: "gatehouse", typeDefs: parse(owner), url: "http://gatehouse.test/graphql" },
      { name: "posts", typeDefs: parse(sdl), url: subgraph.url },
    ]);
    expect(result.errors).toBeUndefined();
    const user = parse(result.publicSdl!).definitions.find(
      (definition): definition is ObjectTypeDefinitionNode => definition.kind === Kind.OBJECT_TYPE_DEFINITION && definition.name.value === "User",
    );
    expect(user?.fields?.map((field) => field.name.value)).toEqual(["id", "username", "posts"]);
  });

  it("resolves _entities for a User: anonymous callers get the published posts only", async () => {
    const result = await gql(USER_POSTS, { representations: [{ __typename: "User", id: "1" }] });
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toEqual([
      { id: "1", posts: [{ title: "Hello, federation", published: true, author: { id: "1" } }] },
    ]);
  });

  it("gives the author their drafts too, and another user not", async () => {
    const representations = [{ __typename: "User", id: "1" }];
    const asAuthor = await gql(USER_POSTS, { representations }, await tokenFor("1"));
    expect(titles(asAuthor.data?._entities[0].posts)).toEqual(["Hello, federation", "Draft: rotating keys"]);
    const asOther = await gql(USER_POSTS, { representations }, await tokenFor("2"));
    expect(titles(asOther.data?._entities[0].posts)).toEqual(["Hello, federation"]);
  });
});

describe("the caller, from @gatehouse/subgraph", () => {
  it("Query.posts: anonymous sees published posts; a user also their own drafts; an admin every draft", async () => {
    const anonymous = await gql("{ posts { title } }");
    expect(titles(anonymous.data?.posts)).toEqual(["Hello, federation", "Notes on audiences"]);
    const user2 = await gql("{ posts { title } }", {}, await tokenFor("2"));
    expect(titles(user2.data?.posts)).toEqual(["Hello, federation", "Notes on audiences", "Draft: why 60 seconds"]);
    const admin = await gql("{ posts { title } }", {}, await tokenFor("9", ["admin"]));
    expect(admin.data?.posts).toHaveLength(4);
  });

  it("Query.myPosts: UNAUTHENTICATED when anonymous, the caller's posts with a token", async () => {
    const anonymous = await gql("{ myPosts { title } }");
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const mine = await gql("{ myPosts { title } }", {}, await tokenFor("2"));
    expect(titles(mine.data?.myPosts)).toEqual(["Notes on audiences", "Draft: why 60 seconds"]);
  });

  it("createPost writes as the caller, and the draft is theirs alone", async () => {
    const CREATE = `mutation { createPost(title: "Draft: from a test", body: "...") { title published author { id } } }`;
    expect((await gql(CREATE)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");

    const created = await gql(CREATE, {}, await tokenFor("3"));
    expect(created.data?.createPost).toEqual({ title: "Draft: from a test", published: false, author: { id: "3" } });
    expect(titles((await gql("{ myPosts { title } }", {}, await tokenFor("3"))).data?.myPosts)).toEqual(["Draft: from a test"]);
    expect(titles((await gql("{ posts { title } }")).data?.posts)).not.toContain("Draft: from a test");
  });

  it.each([
    ["expired", () => issuer.sign({ userId: "1", audience: "posts", expiresIn: -1 })],
    ["addressed to another subgraph", () => issuer.sign({ userId: "1", audience: "orders" })],
    ["a client's own Gatehouse token (audience gatehouse)", () => issuer.sign({ userId: "1", audience: "gatehouse" })],
    ["not a JWT", async () => "garbage"],
  ])("a token %s refuses the request (401, UNAUTHENTICATED) instead of serving the anonymous view", async (_, token) => {
    const result = await gql("{ posts { title } }", {}, await token());
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(result.data ?? null).toBeNull();
  });
});

describe("when Gatehouse's key set is unreachable", () => {
  it("signed-in requests fail masked (no internal URL), anonymous ones still work", async () => {
    const gone = await startTestIssuer();
    const token = await gone.sign({ userId: "1", audience: "posts" });
    await gone.close();
    const gatehouse = createGatehouseVerifier({ jwksUrl: gone.jwksUrl, issuer: gone.issuer, audience: "posts" });
    const stranded = await startPostsSubgraph({ gatehouse, port: 0, host: "127.0.0.1", logging: false });
    try {
      const post = (authorization?: string) =>
        fetch(stranded.url, {
          method: "POST",
          headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
          body: JSON.stringify({ query: "{ posts { title } }" }),
        });
      const signedIn = await post(`Bearer ${token}`);
      const body = await signedIn.text();
      expect(signedIn.status).toBe(500);
      expect(JSON.parse(body).errors[0]).toMatchObject({ message: "Unexpected error.", extensions: { code: "INTERNAL_SERVER_ERROR" } });
      expect(body).not.toContain("127.0.0.1");
      const anonymous = await post();
      expect(titles(((await anonymous.json()) as Result).data?.posts)).toEqual(["Hello, federation", "Notes on audiences"]);
    } finally {
      await stranded.close();
    }
  });
});
