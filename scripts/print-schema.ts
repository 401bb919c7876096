/** Writes schema.graphql from the Pothos schema (`npm run schema:print`). */
import { writeFile } from "node:fs/promises";
import { printSchema } from "../src/schema/index.ts";

await writeFile(new URL("../schema.graphql", import.meta.url), `${printSchema()}\n`);
console.log("schema.graphql written");
