/**
 * A gateway for the gateway module's own tests: createGateway on 127.0.0.1 port 0 in front of real
 * downstream subgraphs, with a small in-process subgraph owning `User` in Gatehouse's place, client tokens
 * (HS256) verified per request, subgraph tokens signed with an EdDSA key published on a real JWKS endpoint,
 * and the pure ACL engine deciding with the rules a test gives.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSubgraphSchema, printSubgraphSchema } from "@apollo/subgraph";
import type { YogaLogger } from "@graphql-yoga/logger";
import { GraphQLError, parse } from "graphql";
import { createYoga } from "graphql-yoga";
import { exportJWK, generateKeyPair, jwtVerify, SignJWT } from "jose";
import type { GatewayModeConfig, SubgraphEndpoint } from "../../config.ts";
import { type AclRule, type Principal, resolveAccess } from "../access/acl.ts";
import { createGateway, type Gateway } from "./gateway.ts";

export interface TestViewer {
  userId: string;
  sessionId: string;
  roles: string[];
}

interface TestContext {
  request: Request;
  viewer: TestViewer | null;
}

export const ISSUER = "https://gatehouse.test";
const CLIENT_SECRET = new TextEncoder().encode("a client token secret for the gateway tests only");

const users = [
  { id: "1", username: "ada" },
  { id: "2", username: "bob" },
];

/** Stands in for Gatehouse's own subgraph: it owns `User`. */
const LOCAL_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])
  type Query {
    me: User
    users: [User!]!
  }
  type User @key(fields: "id") {
    id: ID!
    username: String!
  }
`;

function createLocalSubgraph() {
  const schema = buildSubgraphSchema({
    typeDefs: parse(LOCAL_SDL),
    resolvers: {
      Query: {
        me: (_parent: unknown, _args: unknown, context: { gatewayContext: TestContext }) =>
          users.find((user) => user.id === context.gatewayContext.viewer?.userId) ?? null,
        users: () => users,
      },
      User: { __resolveReference: (user: { id: string }) => users.find((candidate) => candidate.id === user.id) },
    } as never,
  });
  const yoga = createYoga<{ gatewayContext: TestContext }>({ schema, logging: false });
  return {
    sdl: printSubgraphSchema(schema),
    yoga,
  };
}

export interface LoggedLine {
  level: keyof YogaLogger;
  message: string;
}

export interface TestGatewayOptions {
  subgraphs: SubgraphEndpoint[];
  rules?: AclRule[];
  defaultAccess?: GatewayModeConfig["defaultAccess"];
  timeoutMs?: number;
  forwardHeaders?: string[];
  /** Reuse a data dir (restarts); a fresh one otherwise, removed on close. */
  dataDir?: string;
}

export interface TestGateway {
  url: string;
  gateway: Gateway;
  dataDir: string;
  jwksUrl: string;
  logs: LoggedLine[];
  /** Requests Gatehouse's stand-in subgraph answered in process. */
  localRequests: { authorization: string | null }[];
  /** A client access token for the viewer. */
  tokenFor(viewer: TestViewer): Promise<string>;
  post(
    query: string,
    options?: { headers?: Record<string, string>; variables?: Record<string, unknown> },
  ): Promise<{ status: number; text: string; body: GatewayResponse }>;
  close(): Promise<void>;
}

export interface GatewayResponse {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

const everyone = (rule: Omit<AclRule, "principalType" | "principalId" | "permission">): AclRule => ({
  ...rule,
  principalType: "ROLE",
  principalId: "$everyone",
  permission: "ALLOW",
});

/** Open rules for tests that are not about the ACL. */
export const openRules: AclRule[] = [
  everyone({ resource: "Query.*", accessType: "*" }),
  everyone({ resource: "Mutation.*", accessType: "*" }),
  everyone({ resource: "User.*", accessType: "*" }),
];

function holds(viewer: TestViewer | null) {
  return (principal: Principal): boolean => {
    if (principal.type === "USER") return viewer?.userId === principal.id;
    switch (principal.id) {
      case "$everyone":
        return true;
      case "$authenticated":
        return viewer !== null;
      case "$unauthenticated":
        return viewer === null;
      default:
        return viewer?.roles.includes(principal.id) ?? false;
    }
  };
}

async function startJwks() {
  const { publicKey, privateKey } = await generateKeyPair("EdDSA", { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: "subgraph-test-key", alg: "EdDSA", use: "sig" };
  const server = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "application/jwk-set+json" });
    response.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`,
    privateKey,
    kid: jwk.kid,
    server,
  };
}

const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

export async function startTestGateway(options: TestGatewayOptions): Promise<TestGateway> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), "gatehouse-gateway-")));
  const jwks = await startJwks();
  const local = createLocalSubgraph();
  const localRequests: { authorization: string | null }[] = [];
  const logs: LoggedLine[] = [];
  const logger = Object.fromEntries(
    (["debug", "info", "warn", "error"] as const).map((level) => [
      level,
      (message: unknown, ...rest: unknown[]) => logs.push({ level, message: [message, ...rest].map((part) => (typeof part === "string" ? part : JSON.stringify(part))).join(" ") }),
    ]),
  ) as unknown as YogaLogger;
  const rules = options.rules ?? openRules;

  const gateway = await createGateway<TestContext, TestViewer>({
    config: {
      subgraphs: options.subgraphs,
      pollSeconds: 3600,
      timeoutMs: options.timeoutMs ?? 5000,
      forwardHeaders: options.forwardHeaders ?? [],
      defaultAccess: options.defaultAccess ?? "deny",
    },
    dataDir,
    local: {
      sdl: local.sdl,
      fetch(request, context) {
        localRequests.push({ authorization: request.headers.get("authorization") });
        return local.yoga.fetch(request, { gatewayContext: context });
      },
    },
    async context({ request }) {
      const header = request.headers.get("authorization");
      if (!header) return { viewer: null };
      try {
        const { payload } = await jwtVerify(header.replace(/^Bearer /, ""), CLIENT_SECRET, { algorithms: ["HS256"] });
        return {
          viewer: { userId: String(payload.sub), sessionId: String(payload.sid), roles: payload.roles as string[] },
        };
      } catch {
        throw new GraphQLError("Invalid access token", { extensions: { code: "UNAUTHENTICATED" } });
      }
    },
    viewerOf: (context) => context.viewer,
    authorizerOf: (context) => ({
      check: (request) => resolveAccess(rules, request, holds(context.viewer)),
      rules: async () => rules,
    }),
    mintSubgraphToken: ({ subgraph, viewer }) =>
      new SignJWT({ roles: viewer.roles, sid: viewer.sessionId })
        .setProtectedHeader({ alg: "EdDSA", kid: jwks.kid })
        .setIssuer(ISSUER)
        .setAudience(subgraph)
        .setSubject(viewer.userId)
        .setIssuedAt()
        .setExpirationTime("60s")
        .sign(jwks.privateKey),
    logger,
    logLevel: "warn",
  });

  const server = createServer(gateway.runtime);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;

  return {
    url,
    gateway,
    dataDir,
    jwksUrl: jwks.url,
    logs,
    localRequests,
    tokenFor: (viewer) =>
      new SignJWT({ sid: viewer.sessionId, roles: viewer.roles })
        .setProtectedHeader({ alg: "HS256" })
        .setSubject(viewer.userId)
        .setExpirationTime("5m")
        .sign(CLIENT_SECRET),
    async post(query, { headers = {}, variables } = {}) {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const text = await response.text();
      return { status: response.status, text, body: JSON.parse(text) as GatewayResponse };
    },
    async close() {
      await closeServer(server);
      await gateway.close();
      await closeServer(jwks.server);
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
