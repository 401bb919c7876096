/** `npm start`: the posts subgraph on PORT (default 4101), trusting the Gatehouse at GATEHOUSE_URL. */
import { createGatehouseVerifier } from "@gatehouse/subgraph";
import { startPostsSubgraph } from "./server.ts";

const gatehouseUrl = (process.env.GATEHOUSE_URL ?? "http://localhost:4000").replace(/\/+$/, "");
const gatehouse = createGatehouseVerifier({
  jwksUrl: process.env.GATEHOUSE_JWKS_URL ?? `${gatehouseUrl}/.well-known/jwks.json`,
  // Gatehouse's JWT_ISSUER, which defaults to its PUBLIC_URL.
  issuer: process.env.GATEHOUSE_ISSUER ?? gatehouseUrl,
  // The name this subgraph has in Gatehouse's GATEWAY_SUBGRAPHS: the gateway addresses its tokens to it.
  audience: process.env.SUBGRAPH_AUDIENCE ?? "posts",
});

const subgraph = await startPostsSubgraph({
  gatehouse,
  port: Number(process.env.PORT ?? 4101),
  host: process.env.HOST ?? "127.0.0.1",
});
console.log(`posts subgraph on ${subgraph.url}, trusting ${gatehouseUrl}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void subgraph.close().then(() => process.exit(0)));
}
