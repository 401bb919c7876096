/**
 * The built schema: importing the feature schema files registers their types on the builder. Importing
 * this module needs no environment (codegen and the schema drift test import it).
 */
import { printSubgraphSchema as printFederationSdl } from "@apollo/subgraph";
import { GraphQLObjectType, GraphQLSchema, lexicographicSortSchema, printSchema as printGraphQLSchema } from "graphql";
import { builder } from "./builder.ts";
import { rateLimitedFieldsOf } from "./rate-limit-plugin.ts";
import "../modules/auth/auth.schema.ts";
import "../modules/roles/roles.schema.ts";
import "../modules/access/access.schema.ts";
import "../modules/access/role-permissions.schema.ts";
import "../modules/users/users.schema.ts";
import "../modules/settings/settings.schema.ts";
import "../modules/audit/audit.schema.ts";
import "../modules/oauth/oauth.schema.ts";

/** Apollo Federation v2 subgraph schema (Gatehouse is the subgraph that owns `User`). */
export const schema = builder.toSubGraphSchema({
  linkUrl: "https://specs.apollo.dev/federation/v2.6",
  federationDirectives: ["@key", "@shareable", "@external", "@requires", "@provides"],
});

/** Federation's plumbing, for routers only: `_service` is gated (SUBGRAPH_SDL_TOKEN), `_entities` is ACL'd. */
const FEDERATION_QUERY_FIELDS = new Set(["_entities", "_service"]);
const FEDERATION_TYPES = new Set(["_Any", "_Entity", "_Service"]);

/** The API clients call: the schema without federation's fields, types and directives. */
function clientSchemaOf(subgraph: GraphQLSchema): GraphQLSchema {
  const config = subgraph.toConfig();
  const queryConfig = subgraph.getQueryType()!.toConfig();
  const query = new GraphQLObjectType({
    ...queryConfig,
    fields: Object.fromEntries(Object.entries(queryConfig.fields).filter(([name]) => !FEDERATION_QUERY_FIELDS.has(name))),
  });
  return new GraphQLSchema({
    ...config,
    query,
    types: config.types.filter((type) => type.name !== query.name && !FEDERATION_TYPES.has(type.name)),
    extensions: {},
  });
}

/**
 * The SDL committed as schema.graphql: the API as clients see it (what codegen and the SDK type
 * against), without federation's `_service`, `_entities` and directives.
 */
export function printSchema(): string {
  return printGraphQLSchema(lexicographicSortSchema(clientSchemaOf(schema)));
}

/**
 * The subgraph SDL committed as subgraph.graphql (`npm run schema:subgraph`): exactly what
 * `_service { sdl }` answers, with the `@link` to Federation v2 and the `@key` of `User`. Compose a
 * supergraph offline from it (rover, Hive) instead of letting a router read `_service`.
 */
export function printSubgraphSchema(): string {
  return printFederationSdl(schema);
}

/** The source of src/rate-limited-fields.ts. */
export function printRateLimitedFields(): string {
  const names = rateLimitedFieldsOf(schema).map((name) => `  "${name}",`);
  return `/**
 * The mutations declared with \`rateLimit: true\`, as \`npm run schema:print\` reads them from the built
 * schema. Generated: do not edit (src/rate-limited-fields.test.ts fails when it differs from the schema).
 * Config validation reads it, since it runs before any schema is built.
 */
export const RATE_LIMITED_FIELDS = [
${names.join("\n")}
] as const;
export type RateLimitedField = (typeof RATE_LIMITED_FIELDS)[number];
`;
}
