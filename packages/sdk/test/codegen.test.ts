/**
 * The generated documents in src/gql must be what codegen makes from src/operations and the server's
 * committed schema.graphql today; `npm run codegen` in packages/sdk fixes a failure here.
 */
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { generate } from "@graphql-codegen/cli";
import { describe, expect, it } from "vitest";
import config, { GENERATED_DIR } from "../codegen.ts";

describe("generated documents", () => {
  it("are up to date with the operations and the schema", { timeout: 60_000 }, async () => {
    // Without watch mode, generate() resolves to the files it would write (its type says `any` for watch mode).
    const outputs: { filename: string; content: string }[] = await generate({ ...config, silent: true }, false);
    const fresh = new Map(outputs.map((output) => [relative(GENERATED_DIR, output.filename), output.content]));
    const committed = new Map<string, string>();
    for (const name of await readdir(GENERATED_DIR)) committed.set(name, await readFile(join(GENERATED_DIR, name), "utf8"));

    expect([...committed.keys()].sort()).toEqual([...fresh.keys()].sort());
    for (const [name, content] of fresh) {
      expect(committed.get(name), `src/gql/${name} is stale: run npm run codegen in packages/sdk`).toBe(content);
    }
  });
});
