/**
 * Writes subgraph.graphql (`npm run schema:subgraph`): the subgraph SDL, exactly what `_service { sdl }`
 * answers, for composing a supergraph offline (rover, Hive). test/schema.test.ts fails when it drifts.
 */
import { writeFile } from "node:fs/promises";
import { printSubgraphSchema } from "../src/schema/index.ts";

await writeFile(new URL("../subgraph.graphql", import.meta.url), `${printSubgraphSchema()}\n`);
console.log("subgraph.graphql written");
