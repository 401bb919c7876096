/**
 * Limits on the shape of an operation, checked before anything executes: graphql-armor's depth, alias,
 * cost, token and directive limits, with field suggestions masked. Armor reports its rejections as
 * "Syntax Error: ..." without a code; here every one becomes OPERATION_LIMIT_EXCEEDED with
 * `extensions.limit` naming the limit, so clients can tell them apart from real syntax errors.
 */
import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import type { GraphQLError, ValidationContext } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { OperationLimitsConfig } from "../config.ts";
import { operationLimitExceeded } from "../errors.ts";

type LimitName = "maxDepth" | "maxAliases" | "maxCost" | "maxTokens" | "maxDirectives";

/** Turns one armor rejection into our error: reported to validation, or thrown from the parser. */
function rejectAs(limit: LimitName) {
  return (context: ValidationContext | null, error: GraphQLError) => {
    const limitError = operationLimitExceeded(limit, error.message.replace(/^Syntax Error: /, ""));
    // The token limit runs inside the parser, which has no validation context: throwing stops parsing.
    if (!context) throw limitError;
    context.reportError(limitError);
  };
}

const options = (limit: LimitName) => ({ propagateOnRejection: false, onReject: [rejectAs(limit)] });

export function useOperationLimits(limits: OperationLimitsConfig): Plugin {
  return EnvelopArmorPlugin({
    maxDepth: { n: limits.maxDepth, ...options("maxDepth") },
    maxAliases: { n: limits.maxAliases, ...options("maxAliases") },
    costLimit: { maxCost: limits.maxCost, ...options("maxCost") },
    maxTokens: { n: limits.maxTokens, ...options("maxTokens") },
    maxDirectives: { n: limits.maxDirectives, ...options("maxDirectives") },
    // "Did you mean ...?" would let anyone map the schema with introspection turned off.
    blockFieldSuggestion: { enabled: true },
  }) as Plugin;
}
