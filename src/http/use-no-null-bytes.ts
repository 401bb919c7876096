/**
 * Refuses NUL characters anywhere in the variables, the query or the operation name. No person types
 * one, PostgreSQL text cannot store one (the insert would fail as an internal error), and C-based
 * libraries may stop reading at one: rejecting them at the door gives a clear BAD_USER_INPUT instead.
 */
import type { Plugin } from "graphql-yoga";
import { badUserInput } from "../errors.ts";

function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return value.includes("\u0000");
  // Deeper than any real input; JSON parsing already bounded the size.
  if (depth > 64 || value === null || typeof value !== "object") return false;
  for (const [key, item] of Object.entries(value)) {
    if (key.includes("\u0000") || containsNul(item, depth + 1)) return true;
  }
  return false;
}

export function useNoNullBytes(): Plugin {
  return {
    onParams({ params }) {
      if (containsNul(params.query) || containsNul(params.operationName) || containsNul(params.variables)) {
        throw badUserInput("Input must not contain NUL characters", { http: { status: 400 } });
      }
    },
  };
}
