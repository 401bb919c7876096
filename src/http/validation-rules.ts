/** Validation rules of our own, run with graphql-js's before any resolver. */
import type { ASTVisitor, SelectionSetNode, ValidationContext, ValidationRule } from "graphql";
import { GatehouseError, ErrorCode, operationLimitExceeded } from "../errors.ts";

/** Counts root fields by their field name, so aliases of one mutation add up; fragments are followed. */
function countRootFields(context: ValidationContext, selectionSet: SelectionSetNode, counts: Map<string, number>, seen: Set<string>) {
  for (const selection of selectionSet.selections) {
    if (selection.kind === "Field") {
      counts.set(selection.name.value, (counts.get(selection.name.value) ?? 0) + 1);
    } else if (selection.kind === "InlineFragment") {
      countRootFields(context, selection.selectionSet, counts, seen);
    } else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = context.getFragment(selection.name.value);
      if (fragment) countRootFields(context, fragment.selectionSet, counts, seen);
    }
  }
}

/**
 * Each listed mutation may appear at most once in an operation. Per-field rate limits already count each
 * alias, but one request carrying ten `login`s would still try ten passwords before the limiter's answer
 * is seen; refusing the request outright keeps brute force at one guess per round trip. Fields skipped
 * by @skip/@include still count: the rule looks at the document, not at variables.
 */
export function oncePerOperationRule(fieldNames: readonly string[]): ValidationRule {
  const limited = new Set(fieldNames);
  return (context): ASTVisitor => ({
    OperationDefinition(node) {
      if (node.operation !== "mutation") return;
      const counts = new Map<string, number>();
      countRootFields(context, node.selectionSet, counts, new Set());
      for (const [name, count] of counts) {
        if (count > 1 && limited.has(name)) {
          context.reportError(
            operationLimitExceeded("oncePerRequest", `Mutation ${name} may run at most once per request, found ${count}`),
          );
        }
      }
    },
  });
}

/** Refuses __schema and __type (not __typename, which clients need for unions and caching). */
export const noIntrospectionRule: ValidationRule = (context): ASTVisitor => ({
  Field(node) {
    if (node.name.value === "__schema" || node.name.value === "__type") {
      context.reportError(new GatehouseError(ErrorCode.INTROSPECTION_DISABLED, "Introspection is disabled on this server"));
    }
  },
});
