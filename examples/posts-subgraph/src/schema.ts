/**
 * The posts subgraph: Federation v2, SDL first with @apollo/subgraph. It extends Gatehouse's `User` entity
 * (key `id`) with `posts`, and reads the caller from the context, which @gatehouse/subgraph filled in.
 */
import { buildSubgraphSchema } from "@apollo/subgraph";
import type { GatehouseIdentity } from "@gatehouse/subgraph";
import { GraphQLError, parse } from "graphql";
import type { Post, PostStore } from "./posts.ts";

export interface Context {
  /** The caller Gatehouse vouches for; null when anonymous. */
  viewer: GatehouseIdentity | null;
  posts: PostStore;
}

const typeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])

  "A post by a Gatehouse user."
  type Post {
    id: ID!
    title: String!
    body: String!
    "Drafts (false) are visible to their author and to admins only."
    published: Boolean!
    author: User!
  }

  "Gatehouse's user, extended here with what they wrote."
  type User @key(fields: "id") {
    id: ID!
    "This user's posts that the caller may see: published ones, and drafts too for the author and admins."
    posts: [Post!]!
  }

  type Query {
    "Every post the caller may see, newest first."
    posts: [Post!]!
    "The caller's own posts, drafts included. UNAUTHENTICATED when anonymous."
    myPosts: [Post!]!
  }

  type Mutation {
    "Writes a post as the caller (a draft unless published). UNAUTHENTICATED when anonymous."
    createPost(title: String!, body: String!, published: Boolean! = false): Post!
  }
`);

function requireViewer(ctx: Context): GatehouseIdentity {
  if (!ctx.viewer) throw new GraphQLError("Sign in to do this", { extensions: { code: "UNAUTHENTICATED" } });
  return ctx.viewer;
}

const resolvers = {
  Query: {
    posts: (_: unknown, __: unknown, ctx: Context) => ctx.posts.visibleTo(ctx.viewer),
    myPosts: (_: unknown, __: unknown, ctx: Context) => {
      const viewer = requireViewer(ctx);
      return ctx.posts.visibleTo(viewer, viewer.userId);
    },
  },
  Mutation: {
    createPost: (_: unknown, args: { title: string; body: string; published: boolean }, ctx: Context) =>
      ctx.posts.create({ authorId: requireViewer(ctx).userId, ...args }),
  },
  User: {
    // The gateway sends `{ __typename: "User", id }`; nothing to load, the posts are looked up by author.
    __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
    posts: (user: { id: string }, _: unknown, ctx: Context) => ctx.posts.visibleTo(ctx.viewer, user.id),
  },
  Post: {
    author: (post: Post) => ({ id: post.authorId }),
  },
};

export const schema = buildSubgraphSchema([{ typeDefs, resolvers }]);
