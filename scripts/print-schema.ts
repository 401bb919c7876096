/**
 * Writes what is derived from the Pothos schema (`npm run schema:print`): schema.graphql (the API clients
 * call), subgraph.graphql (the federation SDL `_service { sdl }` answers; also `npm run schema:subgraph`)
 * and src/rate-limited-fields.ts (the mutations declared with `rateLimit: true`, which config validation
 * needs before any schema is built). Tests fail when any of them differs from the schema.
 */
import { writeFile } from "node:fs/promises";
import { printRateLimitedFields, printSchema, printSubgraphSchema } from "../src/schema/index.ts";

await writeFile(new URL("../schema.graphql", import.meta.url), `${printSchema()}\n`);
await writeFile(new URL("../subgraph.graphql", import.meta.url), `${printSubgraphSchema()}\n`);
await writeFile(new URL("../src/rate-limited-fields.ts", import.meta.url), printRateLimitedFields());
console.log("schema.graphql, subgraph.graphql and src/rate-limited-fields.ts written");
