import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { printSchema } from "../src/schema/index.ts";

describe("schema.graphql", () => {
  it("matches the schema built from the code (run `npm run schema:print` after changing it)", async () => {
    const committed = await readFile(new URL("../schema.graphql", import.meta.url), "utf8");
    expect(committed).toBe(`${printSchema()}\n`);
  });
});
