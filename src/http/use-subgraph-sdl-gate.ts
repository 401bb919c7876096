/**
 * Federation's `_service { sdl }` prints the whole schema, so it follows the introspection setting: with
 * introspection off (the production default) only a request that carries the router's SDL token may read
 * it. A router or gateway that composes Gatehouse at run time sends that token; one that is given a
 * supergraph composed offline (from subgraph.graphql) needs none.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { ASTVisitor, ValidationRule } from "graphql";
import type { Plugin } from "graphql-yoga";
import { ErrorCode, GatehouseError } from "../errors.ts";

/** The header a router sends with SUBGRAPH_SDL_TOKEN when it reads the SDL. */
export const SDL_TOKEN_HEADER = "x-gatehouse-sdl-token";

export interface SubgraphSdlGateOptions {
  /** INTROSPECTION: when on, `_service` is open like `__schema`. */
  introspection: boolean;
  /** SUBGRAPH_SDL_TOKEN; without it `_service` is refused to everyone while introspection is off. */
  token: string | undefined;
}

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();

/**
 * Constant-time compare: both sides are hashed first, so neither the length nor any prefix of the
 * token leaks through the time the comparison takes.
 */
export function sdlTokenMatches(expected: string, presented: string | null): boolean {
  if (presented === null) return false;
  return timingSafeEqual(digest(expected), digest(presented));
}

/**
 * Refuses `Query._service`. A named, module-level rule on purpose: Yoga caches validation results by
 * the names of the rules it ran, so requests with and without a valid token never share a cached result.
 */
export const noSubgraphSdlRule: ValidationRule = (context): ASTVisitor => ({
  Field(node) {
    if (node.name.value !== "_service" || context.getParentType() !== context.getSchema().getQueryType()) return;
    context.reportError(
      new GatehouseError(
        ErrorCode.SUBGRAPH_SDL_DISABLED,
        `The subgraph SDL (_service) is disabled with introspection: a router must send the ${SDL_TOKEN_HEADER} header`,
      ),
    );
  },
});

export function useSubgraphSdlGate({ introspection, token }: SubgraphSdlGateOptions): Plugin {
  return {
    onValidate({ addValidationRule, context }) {
      if (introspection) return;
      const request = (context as { request?: Request }).request;
      if (token !== undefined && sdlTokenMatches(token, request?.headers.get(SDL_TOKEN_HEADER) ?? null)) return;
      addValidationRule(noSubgraphSdlRule);
    },
  };
}
