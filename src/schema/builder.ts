/**
 * The Pothos builder. It defines no types: feature modules do (see schema/index.ts).
 *
 * Plugin order matters: scope-auth first so nothing resolves before authorization, federation last since
 * it wraps resolvers and needs the directives plugin. The ACL and rate-limit plugins only rewrite field
 * options and extensions (the ACL hands scope-auth the check of each guarded field), so their place does
 * not change the wrapping order.
 */
import SchemaBuilder from "@pothos/core";
import DirectivesPlugin from "@pothos/plugin-directives";
import FederationPlugin from "@pothos/plugin-federation";
import PrismaPlugin from "@pothos/plugin-prisma";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import type { GatehouseContext } from "../context.ts";
import { forbidden, unauthenticated } from "../errors.ts";
import type PrismaTypes from "../generated/pothos-types.ts";
import { getDatamodel } from "../generated/pothos-types.ts";
import { JSONObjectResolver } from "graphql-scalars";
import AclPlugin from "../modules/access/acl-plugin.ts";
import RateLimitPlugin from "./rate-limit-plugin.ts";

/**
 * Builds a Gatehouse schema builder. The app has exactly one (`builder` below); tests build their own to
 * prove what the ACL does to fields the app does not have.
 */
export function createSchemaBuilder() {
  const builder = new SchemaBuilder<{
    Context: GatehouseContext;
    PrismaTypes: PrismaTypes;
    // Authorization is decided by ACL rules (see acl-plugin.ts), not by named scopes.
    AuthScopes: {};
    DefaultFieldNullability: false;
    Scalars: {
      DateTime: { Input: Date; Output: Date };
      JSONObject: { Input: Record<string, unknown>; Output: Record<string, unknown> };
    };
  }>({
    plugins: [AclPlugin, RateLimitPlugin, ScopeAuthPlugin, PrismaPlugin, DirectivesPlugin, FederationPlugin],
    defaultFieldNullability: false,
    prisma: {
      client: (ctx) => ctx.services.prisma,
      dmmf: getDatamodel(),
      filterConnectionTotalCount: true,
      onUnusedQuery: null,
    },
    scopeAuth: {
      authScopes: () => ({}),
      // scope-auth's own ForbiddenError keeps its code out of `extensions`, where clients look; and a
      // client must know whether signing in could help.
      unauthorizedError: (_parent, context, info) => {
        const coordinate = `${info.parentType.name}.${info.fieldName}`;
        return context.viewer
          ? forbidden(`Not allowed to access ${coordinate}`)
          : unauthenticated(`Sign in to access ${coordinate}`);
      },
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

  builder.queryType({ description: "Reads: the signed-in user and their sessions, and for admins users, roles, rules, settings and the audit log." });
  builder.mutationType({ description: "Writes: the sign-in flows (Strapi's users-permissions names) and the admin operations." });
  return builder;
}

export const builder = createSchemaBuilder();
