/**
 * Rules that hold without any row in the database: each field's own (its `acl: { allow }` option, read
 * from the built schema) and the Admin role's wildcard. Rules stored by admins are merged with these and
 * take part in the same resolution, so a more specific (or equally specific DENY) stored rule narrows a
 * default: e.g. a DENY for the Public role on `Mutation.register` closes registration, since a static
 * role outranks `$everyone`.
 */
import type { GraphQLSchema } from "graphql";
import { BuiltinRoleType } from "../roles/builtin-roles.ts";
import type { AclRule } from "./acl.ts";
import { guardedFields } from "./acl-plugin.ts";

/**
 * Admins may do everything unless a stored rule says otherwise. A wildcard is the least specific rule,
 * so any exact DENY for the Admin role (or for a user) narrows it.
 */
export const baseRules: readonly AclRule[] = [
  { resource: "*", accessType: "*", principalType: "ROLE", principalId: BuiltinRoleType.ADMIN, permission: "ALLOW" },
];

const defaultRulesBySchema = new WeakMap<GraphQLSchema, readonly AclRule[]>();

/**
 * The default rules of a built schema: every guarded field's own, then the base rules. Worked out once per
 * schema (the permission matrix asks on every call), and the same array each time.
 */
export function defaultRulesOf(schema: GraphQLSchema): readonly AclRule[] {
  let rules = defaultRulesBySchema.get(schema);
  if (!rules) {
    rules = [...guardedFields(schema).flatMap((field) => field.defaultRules), ...baseRules];
    defaultRulesBySchema.set(schema, rules);
  }
  return rules;
}
