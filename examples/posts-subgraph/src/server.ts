/**
 * Builds the posts subgraph on graphql-yoga and serves it. Every request's caller comes from
 * @gatehouse/subgraph: no Authorization header is an anonymous caller, a bad token refuses the request.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { GatehouseAuthError, type GatehouseVerifier } from "@gatehouse/subgraph";
import { GraphQLError } from "graphql";
import { createYoga } from "graphql-yoga";
import { createPostStore, type PostStore } from "./posts.ts";
import { type Context, schema } from "./schema.ts";

export interface PostsSubgraphOptions {
  /** Verifies the token Gatehouse sends (built with createGatehouseVerifier). */
  gatehouse: GatehouseVerifier;
  /** The data (default: the sample posts). */
  posts?: PostStore;
  /** Yoga's request logging (default on). */
  logging?: boolean;
}

export function createPostsSubgraph({ gatehouse, posts = createPostStore(), logging = true }: PostsSubgraphOptions) {
  return createYoga<Record<string, unknown>, Context>({
    schema,
    graphqlEndpoint: "/graphql",
    landingPage: false,
    logging,
    async context({ request }) {
      try {
        return { viewer: await gatehouse.verifyRequest(request), posts };
      } catch (error) {
        // A bad token is the caller's to fix; never serve it the anonymous view instead.
        if (error instanceof GatehouseAuthError && error.status === 401) {
          throw new GraphQLError("Invalid or expired token", { extensions: { code: "UNAUTHENTICATED", http: { status: 401 } } });
        }
        throw error; // JWKS_UNAVAILABLE and the unexpected: masked by Yoga, logged here
      }
    },
  });
}

export interface RunningSubgraph {
  /** `http://host:port/graphql`. */
  url: string;
  close(): Promise<void>;
}

export async function startPostsSubgraph(options: PostsSubgraphOptions & { port: number; host: string }): Promise<RunningSubgraph> {
  const server = createServer(createPostsSubgraph(options));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}/graphql`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
