/**
 * Small, real federation subgraphs for gateway tests: Yoga + @apollo/subgraph on 127.0.0.1 port 0. They
 * record the headers of every request they get, can be stopped and started again on the same port, made
 * slow, or made to answer a different SDL.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { type GraphQLSchema, parse } from "graphql";
import { createYoga } from "graphql-yoga";

/** Resolvers by type and field, `__resolveReference` included. */
export type SubgraphResolvers = Record<string, Record<string, (...args: any[]) => unknown>>;

export interface ReceivedRequest {
  headers: Record<string, string>;
  /** The GraphQL document the gateway sent. */
  query: string;
}

export interface TestSubgraph {
  name: string;
  url: string;
  /** Every request received since start or `requests.length = 0`, oldest first. */
  requests: ReceivedRequest[];
  /** Resolvers wait this long before answering (timeouts). */
  delayMs: number;
  /** Answers a different SDL and resolvers from now on (recomposition). */
  replaceSchema(typeDefs: string, resolvers: SubgraphResolvers): void;
  /** Closes the listener and every connection, as a crashed subgraph. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
}

const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])';

export async function startSubgraph(
  name: string,
  typeDefs: string,
  resolvers: SubgraphResolvers,
): Promise<TestSubgraph> {
  const build = (sdl: string, map: SubgraphResolvers) =>
    buildSubgraphSchema({ typeDefs: parse(`${FEDERATION_LINK}\n${sdl}`), resolvers: map as never });
  let schema: GraphQLSchema = build(typeDefs, resolvers);
  const requests: ReceivedRequest[] = [];
  const yoga = createYoga({
    schema: () => schema,
    logging: false,
    maskedErrors: false,
    context: async ({ request, params }) => {
      requests.push({ headers: Object.fromEntries(request.headers), query: params.query ?? "" });
      if (subgraph.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, subgraph.delayMs));
      return {};
    },
  });
  let server: Server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  const subgraph: TestSubgraph = {
    name,
    url: `http://127.0.0.1:${port}/graphql`,
    requests,
    delayMs: 0,
    replaceSchema(sdl, map) {
      schema = build(sdl, map);
    },
    async stop() {
      if (!server.listening) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
    async start() {
      if (server.listening) return;
      server = createServer(yoga);
      await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    },
  };
  return subgraph;
}

export interface Post {
  id: string;
  title: string;
  secret: string;
  authorId: string;
}

export const posts: readonly Post[] = [
  { id: "p1", title: "Analytical engines", secret: "draft notes", authorId: "1" },
  { id: "p2", title: "Difference engines", secret: "more notes", authorId: "1" },
  { id: "p3", title: "Bob's post", secret: "bob's notes", authorId: "2" },
];

/** A posts subgraph extending Gatehouse's `User` entity with `posts`. */
export const POSTS_SDL = `
  type Query {
    posts: [Post!]
    feed: [FeedItem!]
  }
  union FeedItem = Post | Announcement
  type Announcement {
    id: ID!
    text: String!
  }
  type Mutation {
    addPost(title: String!): Post
  }
  type Post {
    id: ID!
    title: String!
    secret: String
    author: User
  }
  type User @key(fields: "id") {
    id: ID!
    posts: [Post!]
  }
`;

/** Resolvers of the posts subgraph over a list of posts (by default `posts`, by users "1" and "2"). */
export function postsResolversFor(list: readonly Post[]): SubgraphResolvers {
  return {
    Query: {
      posts: () => list,
      feed: () => [list[0], { id: "a1", text: "Welcome" }],
    },
    FeedItem: { __resolveType: (item: object) => ("text" in item ? "Announcement" : "Post") },
    Mutation: { addPost: (_parent, args: { title: string }) => ({ id: "p4", title: args.title, secret: "", authorId: "1" }) },
    Post: { author: (post: Post) => ({ id: post.authorId }) },
    User: {
      __resolveReference: (user: { id: string }) => ({ id: user.id }),
      posts: (user: { id: string }) => list.filter((post) => post.authorId === user.id),
    },
  };
}

export const postsResolvers = postsResolversFor(posts);

/** The posts subgraph; `authors` renames the authors "1" and "2" of the sample posts (real user ids). */
export function startPostsSubgraph(authors: { "1": string; "2": string } = { "1": "1", "2": "2" }) {
  const list = posts.map((post) => ({ ...post, authorId: authors[post.authorId as "1" | "2"] }));
  return startSubgraph("posts", POSTS_SDL, postsResolversFor(list));
}


/** An orders subgraph with root fields only. */
export const startOrdersSubgraph = () =>
  startSubgraph(
    "orders",
    `
      type Query {
        orders: [Order!]
      }
      type Order {
        id: ID!
        total: Int!
      }
    `,
    { Query: { orders: () => [{ id: "o1", total: 42 }] } },
  );
