import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { GraphQLObjectType, isListType, isNonNullType } from "graphql";
import { printSchema, schema } from "../src/schema/index.ts";

describe("schema.graphql", () => {
  it("matches the schema built from the code (run `npm run schema:print` after changing it)", async () => {
    const committed = await readFile(new URL("../schema.graphql", import.meta.url), "utf8");
    expect(committed).toBe(`${printSchema()}\n`);
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
