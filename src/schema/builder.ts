/**
 * The Pothos builder. It defines no types: feature modules do (see schema/index.ts).
 *
 * Plugin order matters: scope-auth first so nothing resolves before authorization, federation last since
 * it wraps resolvers and needs the directives plugin.
 */
import SchemaBuilder from "@pothos/core";
import DirectivesPlugin from "@pothos/plugin-directives";
import FederationPlugin from "@pothos/plugin-federation";
import PrismaPlugin from "@pothos/plugin-prisma";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import type { GatehouseContext } from "../context.ts";
import { forbidden } from "../errors.ts";
import type PrismaTypes from "../generated/pothos-types.ts";
import { getDatamodel } from "../generated/pothos-types.ts";
import { JSONObjectResolver } from "graphql-scalars";

export const builder = new SchemaBuilder<{
  Context: GatehouseContext;
  PrismaTypes: PrismaTypes;
  AuthScopes: { public: boolean };
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSONObject: { Input: Record<string, unknown>; Output: Record<string, unknown> };
  };
}>({
  plugins: [ScopeAuthPlugin, PrismaPlugin, DirectivesPlugin, FederationPlugin],
  defaultFieldNullability: false,
  prisma: {
    client: (ctx) => ctx.prisma,
    dmmf: getDatamodel(),
    filterConnectionTotalCount: true,
    onUnusedQuery: null,
  },
  scopeAuth: {
    authScopes: () => ({ public: true }),
    // scope-auth's own ForbiddenError keeps its code out of `extensions`, where clients look.
    unauthorizedError: () => forbidden(),
  },
});

builder.scalarType("DateTime", {
  description: "An ISO-8601 date-time string in UTC.",
  serialize: (value) => value.toISOString(),
  parseValue: (value) => {
    const date = typeof value === "string" ? new Date(value) : undefined;
    if (!date || Number.isNaN(date.getTime())) throw new TypeError("DateTime must be an ISO-8601 string");
    return date;
  },
});

builder.addScalarType("JSONObject", JSONObjectResolver);

builder.queryType({});
builder.mutationType({});
