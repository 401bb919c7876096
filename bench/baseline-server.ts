/**
 * The benchmark's baseline: bare graphql-yoga answering `me { id username email }` from a jose-verified
 * token (same algorithm, issuer and audience checks as Gatehouse), with no database, no limits and no
 * plugins. What any GraphQL server on this stack pays per request; Gatehouse is measured against it.
 *
 * Started by bench/run.ts with PORT, JWT_ALGORITHM, JWT_VERIFIER (a public JWK, or {"secret"} for
 * HS256), JWT_ISSUER and JWT_AUDIENCE.
 */
import { createServer } from "node:http";
import { GraphQLError } from "graphql";
import { createSchema, createYoga } from "graphql-yoga";
import { jwtVerify } from "jose";
import { type JwtAlgorithm, verificationKey } from "./lib/keys.ts";

const required = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const algorithm = required("JWT_ALGORITHM") as JwtAlgorithm;
const key = await verificationKey(JSON.parse(required("JWT_VERIFIER")), algorithm);
const verifyOptions = { algorithms: [algorithm], issuer: required("JWT_ISSUER"), audience: required("JWT_AUDIENCE") };

interface Context {
  me: { id: string; username: string; email: string } | null;
}

const unauthenticated = () => new GraphQLError("Invalid token", { extensions: { code: "UNAUTHENTICATED" } });

const yoga = createYoga<object, Context>({
  schema: createSchema<Context>({
    typeDefs: /* GraphQL */ `
      type Me {
        id: ID!
        username: String!
        email: String
      }
      type Query {
        me: Me
      }
    `,
    resolvers: { Query: { me: (_root: unknown, _args: unknown, ctx: Context) => ctx.me } },
  }),
  landingPage: false,
  graphiql: false,
  context: async ({ request }): Promise<Context> => {
    const match = /^Bearer (\S+)$/.exec(request.headers.get("authorization") ?? "");
    if (!match) return { me: null };
    try {
      const { payload } = await jwtVerify(match[1]!, key, verifyOptions);
      return { me: { id: String(payload.sub), username: String(payload.username), email: String(payload.email) } };
    } catch {
      throw unauthenticated();
    }
  },
});

const server = createServer(yoga);
server.listen(Number(required("PORT")), "127.0.0.1");
process.on("SIGTERM", () => server.close(() => process.exit(0)));
