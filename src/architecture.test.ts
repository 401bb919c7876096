/** The two dependency rules of docs/architecture.md, over the real import graph of src/. */
import { describe, expect, it } from "vitest";
import { cycles, dependencyProblems, moduleGraph, moduleOf } from "../scripts/check-dependencies.ts";

describe("dependency rules", () => {
  it("finds no import cycle between files (type-only imports included) nor between modules below the schema", async () => {
    const { files, fileCycles, moduleCycles } = await dependencyProblems();
    expect(files).toBeGreaterThan(50);
    expect(fileCycles).toEqual([]);
    expect(moduleCycles).toEqual([]);
  }, 60_000);

  it("reports a cycle through several files, and leaves schema files out of the module graph", () => {
    const graph = new Map([
      ["src/modules/a/a.service.ts", new Set(["src/modules/b/b.service.ts"])],
      ["src/modules/b/b.service.ts", new Set(["src/modules/c/c.ts"])],
      ["src/modules/c/c.ts", new Set(["src/modules/a/a.service.ts"])],
      ["src/modules/a/a.schema.ts", new Set(["src/modules/d/d.schema.ts"])],
      ["src/modules/d/d.schema.ts", new Set(["src/modules/a/a.schema.ts"])],
    ]);
    expect(cycles(graph)).toEqual([
      ["src/modules/a/a.schema.ts", "src/modules/d/d.schema.ts"],
      ["src/modules/a/a.service.ts", "src/modules/b/b.service.ts", "src/modules/c/c.ts"],
    ]);
    expect(cycles(moduleGraph(graph))).toEqual([["modules/a", "modules/b", "modules/c"]]);
    expect(moduleOf("src/schema/builder.ts")).toBeNull();
    expect(moduleOf("src/http/client-ip.ts")).toBe("http");
    expect(moduleOf("src/context.ts")).toBe("context.ts");
  });
});
