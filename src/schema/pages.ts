/**
 * The fields every page type shares besides `nodes` (see lib/pages.ts): each list declares its own
 * `nodes` and spreads these, so that `users`, `auditLog` and `sessions` read the same.
 */
import type { PageInfo } from "../lib/pages.ts";
import type { builder } from "./builder.ts";

type AppTypes = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer Types> ? Types : never;

/** @param counted what `totalCount` counts, for its description ("Users matching the filter, over all pages."). */
export function pageInfoFields<Page extends PageInfo>(t: PothosSchemaTypes.ObjectFieldBuilder<AppTypes, Page>, counted: string) {
  return {
    totalCount: t.int({ description: counted, resolve: (page) => page.totalCount() }),
    hasNextPage: t.boolean({ description: "Whether another page follows this one.", resolve: (page) => page.hasNextPage }),
    endCursor: t.string({
      nullable: true,
      description: "Pass as `after` for the next page.",
      resolve: (page) => page.endCursor,
    }),
  };
}
