/**
 * The built schema: importing the feature schema files registers their types on the builder. Importing
 * this module needs no environment (codegen and the schema drift test import it).
 */
import { printSubgraphSchema } from "@apollo/subgraph";
import { lexicographicSortSchema } from "graphql";
import { builder } from "./builder.ts";
import { rateLimitedFieldsOf } from "./rate-limit-plugin.ts";
import "../modules/auth/auth.schema.ts";
import "../modules/roles/roles.schema.ts";
import "../modules/access/access.schema.ts";
import "../modules/users/users.schema.ts";
import "../modules/settings/settings.schema.ts";
import "../modules/audit/audit.schema.ts";
import "../modules/oauth/oauth.schema.ts";

/** Apollo Federation v2 subgraph schema (Gatehouse is the subgraph that owns `User`). */
export const schema = builder.toSubGraphSchema({
  linkUrl: "https://specs.apollo.dev/federation/v2.6",
  federationDirectives: ["@key", "@shareable", "@external", "@requires", "@provides"],
});

/** The SDL committed as schema.graphql. */
export function printSchema(): string {
  return printSubgraphSchema(lexicographicSortSchema(schema));
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
