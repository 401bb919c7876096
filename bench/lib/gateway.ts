/**
 * The gateway workload: `viewer { id posts { title } }` through Gatehouse in gateway mode (its own
 * subgraph in process, examples/posts-subgraph downstream) against the request the gateway sends the
 * posts subgraph for it, sent straight there with a token minted the way the gateway mints them. The
 * difference is what the gateway adds: authentication, the ACL on the supergraph, the query plan, the
 * minted token, and one HTTP hop.
 */
import { join } from "node:path";
import { SignJWT } from "jose";
import { baseEnv, gatehouseEnv, type GatehouseOptions, PUBLIC_URL, ROOT, startCommand } from "./gatehouse.ts";
import { gql, login } from "./graphql.ts";
import type { BenchKey } from "./keys.ts";
import { freePort, type ServerProcess, spawnServer } from "./server-process.ts";
import { sleep } from "./stats.ts";
import type { RequestPlan, Target } from "./workloads.ts";

/** The subgraph's name in GATEWAY_SUBGRAPHS, and the audience of the tokens minted for it. */
const SUBGRAPH = "posts";

export const GATEWAY_QUERY = "{ viewer { id posts { title } } }";
/** The workload's name in results. */
export const GATEWAY_WORKLOAD = "viewer { id posts { title } }";

/** What the gateway asks the posts subgraph for GATEWAY_QUERY (the `viewer` part is answered in process). */
export const SUBGRAPH_QUERY = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on User { posts { title } } }
}`;

export interface GatewayTargets {
  /** Gatehouse in gateway mode, with the admin's access token. */
  gateway: Target;
  /** The same server, asked for Gatehouse's part only (`viewer { id }`). */
  gatewayLocal: Target;
  /** The posts subgraph, with a subgraph token for the same user. */
  direct: Target;
  /** The user both ask about. */
  userId: string;
  servers: ServerProcess[];
}

export interface GatewayTargetOptions {
  key: BenchKey;
  dataDir: string;
  bcryptCost: number;
  admin: { email: string; password: string };
  logDir: string;
  /** Node flags for the gateway's Gatehouse (`--cpu-prof` to profile it, say). */
  nodeFlags?: string[];
}

/** A token as Gatehouse's gateway mints one for a subgraph (`aud` its name, `sub`, `roles`, `sid`). */
async function subgraphToken(key: BenchKey, userId: string): Promise<string> {
  return new SignJWT({ roles: ["admin"], sid: "bench" })
    .setProtectedHeader({ alg: key.algorithm, kid: key.kid, typ: "JWT" })
    .setSubject(userId)
    .setIssuer(PUBLIC_URL)
    .setAudience(SUBGRAPH)
    .setIssuedAt()
    // Longer than the gateway's 60 s so that one token lasts a whole run; the subgraph checks only `exp`.
    .setExpirationTime("2h")
    .sign(key.signingKey);
}

/** Polls /ready until the gateway has composed the posts subgraph. */
async function waitForComposition(url: string, timeoutMs = 60_000) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const ready = (await (await fetch(`${url}/ready`)).json()) as { subgraphs?: { name: string; state: string }[] };
    if (ready.subgraphs?.some((subgraph) => subgraph.name === SUBGRAPH && subgraph.state === "ok")) return;
    if (performance.now() > deadline) throw new Error(`the gateway did not compose ${SUBGRAPH}: ${JSON.stringify(ready)}`);
    await sleep(200);
  }
}

export async function startGatewayTargets(options: GatewayTargetOptions): Promise<GatewayTargets> {
  if (options.key.algorithm === "HS256") throw new Error("the gateway workload needs an asymmetric --alg: subgraphs verify through the JWKS");
  const [gatehousePort, postsPort] = [await freePort(), await freePort()];
  const gatehouseUrl = `http://127.0.0.1:${gatehousePort}`;
  const servers: ServerProcess[] = [];
  try {
    // The subgraph first, so that the gateway composes it at start; it reads the JWKS on its first token.
    const posts = await spawnServer({
      name: "posts subgraph",
      command: [process.execPath, "--import", "tsx", "examples/posts-subgraph/src/main.ts"],
      cwd: ROOT,
      env: {
        ...baseEnv(),
        NODE_ENV: "production",
        HOST: "127.0.0.1",
        PORT: String(postsPort),
        GATEHOUSE_URL: gatehouseUrl,
        GATEHOUSE_ISSUER: PUBLIC_URL,
        SUBGRAPH_AUDIENCE: SUBGRAPH,
      },
      port: postsPort,
      logFile: join(options.logDir, "posts-subgraph.log"),
    });
    servers.push(posts);
    const gatehouseOptions: GatehouseOptions = {
      name: "gatehouse gateway",
      key: options.key,
      dataDir: options.dataDir,
      bcryptCost: options.bcryptCost,
      admin: options.admin,
      logFile: join(options.logDir, "gatehouse-gateway.log"),
      // The default poll (30 s): a run sees the recomposition cost a deployment sees.
      env: { GATEWAY_SUBGRAPHS: `${SUBGRAPH}=${posts.url}/graphql` },
    };
    const { command: [node, ...args], env } = startCommand();
    const gateway = await spawnServer({
      name: gatehouseOptions.name,
      command: [node, ...(options.nodeFlags ?? []), ...args],
      cwd: ROOT,
      env: { ...env, ...gatehouseEnv(gatehouseOptions, gatehousePort) },
      port: gatehousePort,
      logFile: gatehouseOptions.logFile,
    });
    servers.push(gateway);
    await waitForComposition(gateway.url);

    const { jwt } = await login(gateway.url, options.admin.email, options.admin.password);
    const viewer = await gql<{ viewer: { id: string; posts: unknown[] } }>(gateway.url, GATEWAY_QUERY, {}, jwt);
    const userId = viewer.data?.viewer?.id;
    if (!userId || !viewer.data?.viewer.posts) throw new Error(`the gateway did not answer ${GATEWAY_QUERY}: ${JSON.stringify(viewer)}`);
    const token = await subgraphToken(options.key, userId);
    const direct = await gql<{ _entities: { posts: unknown[] }[] }>(posts.url, SUBGRAPH_QUERY, { representations: [{ __typename: "User", id: userId }] }, token);
    if (!direct.data?._entities?.[0]?.posts) throw new Error(`the posts subgraph did not answer: ${JSON.stringify(direct)}`);
    // The forged-token fields are unused by this workload.
    const unused = "unused";
    return {
      gateway: { id: "gateway", label: "Gatehouse gateway → posts", url: gateway.url, meTokens: [jwt], invalidToken: unused },
      gatewayLocal: { id: "gateway-local", label: "Gatehouse gateway, viewer { id }", url: gateway.url, meTokens: [jwt], invalidToken: unused },
      direct: { id: "posts-direct", label: "posts subgraph, direct", url: posts.url, meTokens: [token], invalidToken: unused },
      userId,
      servers,
    };
  } catch (error) {
    for (const server of servers.reverse()) await server.stop();
    throw error;
  }
}

export function gatewayPlan(target: Target): RequestPlan {
  const body = JSON.stringify({ query: GATEWAY_QUERY });
  return {
    next: () => ({ body, token: target.meTokens[0] }),
    check: (status, text) => status === 200 && text.includes('"posts":[{"title":') && !text.includes('"errors"'),
  };
}

/** `viewer { id }` through the gateway: Gatehouse's own part alone, no downstream call. */
export const GATEWAY_LOCAL_QUERY = "{ viewer { id } }";

export function gatewayLocalPlan(target: Target): RequestPlan {
  const body = JSON.stringify({ query: GATEWAY_LOCAL_QUERY });
  return {
    next: () => ({ body, token: target.meTokens[0] }),
    check: (status, text) => status === 200 && text.includes('"viewer":{"id":') && !text.includes('"errors"'),
  };
}

export function directSubgraphPlan(target: Target, userId: string): RequestPlan {
  const body = JSON.stringify({ query: SUBGRAPH_QUERY, variables: { representations: [{ __typename: "User", id: userId }] } });
  return {
    next: () => ({ body, token: target.meTokens[0] }),
    check: (status, text) => status === 200 && text.includes('"posts":[{"title":') && !text.includes('"errors"'),
  };
}
