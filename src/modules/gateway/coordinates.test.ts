import { buildASTSchema, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { type AclRule, type Principal, resolveAccess } from "../access/acl.ts";
import { classifyField, guardedDownstreamFields, indexLocalSubgraph, isNamedByRule } from "./coordinates.ts";
import { decideDownstream, type GatewayAuthorizer } from "./use-gateway-acl.ts";

const local = indexLocalSubgraph(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@external"])
  type Query { me: User users: [User!]! }
  type Mutation { login(identifier: String!): String }
  type User @key(fields: "id") { id: ID! username: String! }
  type Review @key(fields: "id") { id: ID! author: User body: String @external }
`);

// The public side of a supergraph: what the gateway executes against.
const supergraph = buildASTSchema(
  parse(`
    type Query { me: User users: [User!]! posts: [Post!] }
    type Mutation { login(identifier: String!): String addPost(title: String!): Post }
    type User { id: ID! username: String! posts: [Post!] }
    type Review { id: ID! author: User body: String }
    type Post { id: ID! title: String! author: User }
  `),
);

const rule = (resource: string, principalId: string, permission: AclRule["permission"] = "ALLOW"): AclRule => ({
  resource,
  accessType: "*",
  principalType: principalId.startsWith("user:") ? "USER" : "ROLE",
  principalId: principalId.replace(/^user:/, ""),
  permission,
});

describe("downstream coordinates", () => {
  it("leaves Gatehouse's own fields and introspection to Gatehouse", () => {
    expect(local.fields.has("User.username")).toBe(true);
    expect(classifyField(local, supergraph, "Query", "me")).toBeNull();
    expect(classifyField(local, supergraph, "Mutation", "login")).toBeNull();
    expect(classifyField(local, supergraph, "User", "username")).toBeNull();
    expect(classifyField(local, supergraph, "Post", "__typename")).toBeNull();
    expect(classifyField(local, supergraph, "__Schema", "types")).toBeNull();
  });

  it("always guards the subgraphs' root fields and what they add to Gatehouse's types", () => {
    expect(classifyField(local, supergraph, "Query", "posts")).toEqual({ resource: "Query.posts", accessType: "READ", guard: "always" });
    expect(classifyField(local, supergraph, "Mutation", "addPost")).toEqual({
      resource: "Mutation.addPost",
      accessType: "WRITE",
      guard: "always",
    });
    expect(classifyField(local, supergraph, "User", "posts")).toEqual({ resource: "User.posts", accessType: "READ", guard: "always" });
    // A field Gatehouse only marks @external is resolved elsewhere.
    expect(classifyField(local, supergraph, "Review", "body")?.guard).toBe("always");
  });

  it("guards fields of subgraph-owned types only when a rule names them (not the admins' `*`)", () => {
    expect(classifyField(local, supergraph, "Post", "title")).toEqual({ resource: "Post.title", accessType: "READ", guard: "named" });
    expect(isNamedByRule([rule("Post.title", "$everyone")], "Post.title")).toBe(true);
    expect(isNamedByRule([rule("Post.*", "$everyone")], "Post.title")).toBe(true);
    expect(isNamedByRule([rule("*", "admin"), rule("Post.author", "$everyone")], "Post.title")).toBe(false);
    expect(
      guardedDownstreamFields(local, supergraph, [rule("Post.*", "editor")]).map((field) => field.resource).sort(),
    ).toEqual(["Mutation.addPost", "Post.author", "Post.id", "Post.title", "Query.posts", "Review.body", "User.posts"]);
  });
});

describe("decideDownstream", () => {
  const authorizer = (rules: AclRule[], principals: string[]): GatewayAuthorizer => ({
    check: (request) =>
      resolveAccess(rules, request, (principal: Principal) =>
        principals.includes(principal.type === "USER" ? `user:${principal.id}` : principal.id),
      ),
    rules: async () => rules,
  });
  const decide = (rules: AclRule[], principals: string[], resource: string, defaultAccess: "deny" | "allow") => {
    const [type, field] = resource.split(".") as [string, string];
    const coordinate = classifyField(local, supergraph, type, field);
    if (!coordinate) throw new Error(`${resource} is not downstream`);
    return decideDownstream(authorizer(rules, principals), rules, coordinate, defaultAccess);
  };
  const member = ["$everyone", "$authenticated", "user:7"];

  it("denies an unruled downstream field by default, like every field, and lets a rule allow it", async () => {
    expect(await decide([], member, "Query.posts", "deny")).toBe(false);
    expect(await decide([rule("Query.posts", "$authenticated")], member, "Query.posts", "deny")).toBe(true);
    expect(await decide([rule("*", "admin")], [...member, "admin"], "Query.posts", "deny")).toBe(true);
  });

  it("under allow, hands unruled fields to the subgraph but keeps every rule that decides", async () => {
    expect(await decide([], member, "Query.posts", "allow")).toBe(true);
    expect(await decide([rule("*", "admin")], member, "User.posts", "allow")).toBe(true);
    // A rule naming the field decides it, even when it names other callers.
    expect(await decide([rule("Query.posts", "editor")], member, "Query.posts", "allow")).toBe(false);
    // A rule that matches the caller decides too: a `*` DENY for one user still denies.
    expect(await decide([rule("*", "user:7", "DENY")], member, "Query.posts", "allow")).toBe(false);
  });

  it("checks a subgraph-owned field only when named, then by the rules alone", async () => {
    expect(await decide([], [], "Post.title", "deny")).toBe(true);
    expect(await decide([rule("Post.*", "editor")], member, "Post.title", "deny")).toBe(false);
    expect(await decide([rule("Post.*", "editor")], member, "Post.title", "allow")).toBe(false);
    expect(await decide([rule("Post.*", "editor")], [...member, "editor"], "Post.title", "deny")).toBe(true);
  });
});
