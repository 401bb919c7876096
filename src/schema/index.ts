/**
 * The built schema: importing the feature schema files registers their types on the builder. Importing
 * this module needs no environment (codegen and the schema drift test import it).
 */
import { printSubgraphSchema } from "@apollo/subgraph";
import { lexicographicSortSchema } from "graphql";
import { builder } from "./builder.ts";
import "../modules/auth/auth.schema.ts";
import "../modules/access/access.schema.ts";
import "../modules/roles/roles.schema.ts";
import "../modules/users/users.schema.ts";
import "../modules/settings/settings.schema.ts";
import "../modules/audit/audit.schema.ts";

/** Apollo Federation v2 subgraph schema (Gatehouse is the subgraph that owns `User`). */
export const schema = builder.toSubGraphSchema({
  linkUrl: "https://specs.apollo.dev/federation/v2.6",
  federationDirectives: ["@key", "@shareable", "@external", "@requires", "@provides"],
});

/** The SDL committed as schema.graphql. */
export function printSchema(): string {
  return printSubgraphSchema(lexicographicSortSchema(schema));
}
