import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { GraphQLObjectType, graphql, isListType, isNonNullType } from "graphql";
import { printSchema, printSubgraphSchema, schema } from "../src/schema/index.ts";

describe("schema.graphql", () => {
  it("matches the schema built from the code (run `npm run schema:print` after changing it)", async () => {
    const committed = await readFile(new URL("../schema.graphql", import.meta.url), "utf8");
    expect(committed).toBe(`${printSchema()}\n`);
  });

  it("is the client API: no federation fields, types or directives", () => {
    expect(printSchema()).not.toMatch(/_service|_entities|_Any|@link|@key/);
  });
});

describe("subgraph.graphql", () => {
  it("matches the subgraph SDL built from the code (run `npm run schema:subgraph` after changing it)", async () => {
    const committed = await readFile(new URL("../subgraph.graphql", import.meta.url), "utf8");
    expect(committed).toBe(`${printSubgraphSchema()}\n`);
  });

  it("is what _service { sdl } answers: Federation v2 with User as an entity", async () => {
    const service = await graphql({ schema, source: "{ _service { sdl } }" });
    expect(service.errors).toBeUndefined();
    expect((service.data?._service as { sdl: string }).sdl).toBe(printSubgraphSchema());
    expect(printSubgraphSchema()).toMatch(/@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.6"/);
    expect(printSubgraphSchema()).toMatch(/type User\s+@key\(fields: "id"\)/);
  });
});

describe("one page shape", () => {
  const lists = { users: "UserPage", auditLog: "AuditLogPage", sessions: "SessionPage" };

  it.each(Object.entries(lists))("Query.%s returns %s with nodes, totalCount, hasNextPage and endCursor, asked with first and after", (field, pageType) => {
    const query = schema.getQueryType()!.getFields()[field]!;
    expect(String(query.type)).toBe(`${pageType}!`);
    expect(Object.fromEntries(query.args.filter((arg) => ["first", "after"].includes(arg.name)).map((arg) => [arg.name, String(arg.type)]))).toEqual({
      first: "Int",
      after: "String",
    });
    const page = schema.getType(pageType) as GraphQLObjectType;
    const fields = page.getFields();
    expect(String(fields.totalCount?.type)).toBe("Int!");
    expect(String(fields.hasNextPage?.type)).toBe("Boolean!");
    expect(String(fields.endCursor?.type)).toBe("String");
    const nodes = fields.nodes!.type;
    expect(isNonNullType(nodes) && isListType(nodes.ofType)).toBe(true);
  });
});
