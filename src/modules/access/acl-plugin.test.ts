import { execute, isObjectType, parse } from "graphql";
import { describe, expect, it } from "vitest";
import type { GatehouseContext, Viewer } from "../../context.ts";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { createSchemaBuilder } from "../../schema/builder.ts";
import { schema } from "../../schema/index.ts";
import type { AclRule } from "./acl.ts";
import { guardedFields, onAnyAccess } from "./acl-plugin.ts";
import type { AccessState } from "./access-state.ts";
import { createRequestAuthorizer } from "./authorizer.ts";
import { defaultRulesOf } from "./default-rules.ts";
import { createDynamicRoles } from "./dynamic-roles.ts";

/** Just what the authorizer reads: the caller's roles and the stored rules. */
function accessState(viewer: Viewer | null, stored: Partial<AclRule>[]): AccessState {
  const role = viewer ? { id: 2, name: "Authenticated", type: "authenticated" } : { id: 1, name: "Public", type: "public" };
  return {
    heldRoles: async () => [role],
    storedRules: async () => stored.map((rule) => ({ accessType: "*", ...rule }) as AclRule),
  };
}

function contextFor(viewer: Viewer | null, stored: Partial<AclRule>[] = []): GatehouseContext {
  return {
    services: {} as GatehouseContext["services"],
    viewer,
    ip: undefined,
    userAgent: undefined,
    request: new Request("http://localhost/graphql"),
    cookies: {} as GatehouseContext["cookies"],
    authz: createRequestAuthorizer({
      // No dynamic role of these tests reads the database.
      prisma: {} as PrismaClient,
      state: accessState(viewer, stored),
      viewer: () => viewer,
      dynamicRoles: createDynamicRoles(),
      defaultRules: defaultRulesOf(testSchema()),
    }),
  };
}

/** A schema with a field no rule mentions, as a field added in a later release would be. */
function testSchema() {
  const builder = createSchemaBuilder();
  builder.queryFields((t) => ({
    unruledField: t.string({ resolve: () => "secret" }),
    me: t.string({ acl: { allow: [onAnyAccess("$authenticated")] }, resolve: () => "me" }),
  }));
  builder.mutationField("unruledMutation", (t) => t.boolean({ resolve: () => true }));
  return builder.toSchema();
}

const run = (query: string, context: GatehouseContext) =>
  execute({ schema: testSchema(), document: parse(query), contextValue: context });

describe("ACL plugin", () => {
  it("denies a root field without any rule, to anonymous callers with UNAUTHENTICATED", async () => {
    const result = await run("{ unruledField }", contextFor(null));
    expect(result.data).toBeNull();
    expect(result.errors?.[0]?.extensions.code).toBe("UNAUTHENTICATED");
  });

  it("denies a root field without any rule, to signed-in callers with FORBIDDEN", async () => {
    const result = await run("{ unruledField }", contextFor({ userId: 1, sessionId: null }));
    expect(result.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
    const mutation = await run("mutation { unruledMutation }", contextFor({ userId: 1, sessionId: null }));
    expect(mutation.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
  });

  it("lets a default rule through ($authenticated may read Query.me)", async () => {
    const result = await run("{ me }", contextFor({ userId: 1, sessionId: null }));
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ me: "me" });
  });

  it("opens the unruled field once a stored rule allows it", async () => {
    const rules = [{ resource: "Query.unruledField", principalType: "ROLE", principalId: "public", permission: "ALLOW" }];
    const result = await run("{ unruledField }", contextFor(null, rules as Partial<AclRule>[]));
    expect(result.data).toEqual({ unruledField: "secret" });
  });

  it("refuses authScopes on a root field, so the rules stay the only authority", () => {
    const builder = createSchemaBuilder();
    builder.queryField("sneaky", (t) =>
      t.string({ authScopes: {} as never, resolve: () => "x" } as Parameters<typeof t.string>[0]),
    );
    expect(() => builder.toSchema()).toThrow(/authorized by ACL rules/);
  });

  it("guards every root field of the app schema (federation's _service/_entities aside)", () => {
    const guarded = new Set(guardedFields(schema).map((field) => field.resource));
    for (const rootType of [schema.getQueryType(), schema.getMutationType()]) {
      if (!rootType || !isObjectType(rootType)) continue;
      const fields = Object.keys(rootType.getFields()).filter((name) => !name.startsWith("_"));
      expect(fields.length).toBeGreaterThan(0);
      for (const name of fields) expect(guarded, `${rootType.name}.${name}`).toContain(`${rootType.name}.${name}`);
    }
    expect(guarded).toContain("User.email");
  });

  it("records READ for queries and object fields, WRITE for mutations", () => {
    const byResource = new Map(guardedFields(schema).map((field) => [field.resource, field.accessType]));
    expect(byResource.get("Query.users")).toBe("READ");
    expect(byResource.get("User.email")).toBe("READ");
    expect(byResource.get("Mutation.updateUser")).toBe("WRITE");
  });
});
