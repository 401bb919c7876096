/**
 * The per-request authorizer: reads the caller's static roles and the stored rules once (on the first
 * check; from the change-fed cache of access-state.ts when warm), then answers every check of the
 * request from memory. An admin's change applies from the next request on, on every instance within
 * the change feed's bound.
 */
import type { Viewer } from "../auth/authenticate.ts";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { type AccessDecision, type AccessRequest, type AclRule, indexRules, type Principal, resolveAccess, type RuleIndex } from "./acl.ts";
import type { AccessState } from "./access-state.ts";
import { type AccessTarget, type DynamicRoleInput, type DynamicRoles, type HeldRole, holdsDynamicRole } from "./dynamic-roles.ts";

export interface RequestAuthorizer {
  check(request: AccessRequest, target?: AccessTarget, args?: Record<string, unknown>): Promise<AccessDecision>;
  /** The caller's static roles. */
  roles(): Promise<readonly HeldRole[]>;
  /** Default rules followed by the stored ones. */
  rules(): Promise<readonly AclRule[]>;
}

export interface AuthorizerDependencies {
  /** For dynamic roles that read the database (`$owner` of an id argument, custom roles). */
  prisma: PrismaClient;
  /** The caller's static roles and the stored rules (from memory when warm: access-state.ts). */
  state: AccessState;
  /** Read on first use: the viewer is set by the authentication module while the context is built. */
  viewer: () => Viewer | null;
  dynamicRoles: DynamicRoles;
  /** Rules that hold without a stored row: the schema's (see defaultRulesOf in default-rules.ts). */
  defaultRules: readonly AclRule[];
  /** Shared by every request of an app (createRuleIndexer); a fresh one indexes for this request only. */
  ruleIndex?: RuleIndexer;
}

export type RuleIndexer = (defaultRules: readonly AclRule[], stored: readonly AclRule[]) => RuleIndex;

/**
 * Indexes a default-rules list followed by a stored one, once per pair of lists (by identity): while the
 * stored rules come from the cache, every request shares one index and its worked-out candidate groups.
 */
export function createRuleIndexer(): RuleIndexer {
  const indexes = new WeakMap<readonly AclRule[], WeakMap<readonly AclRule[], RuleIndex>>();
  return (defaultRules, stored) => {
    let byStored = indexes.get(defaultRules);
    if (!byStored) indexes.set(defaultRules, (byStored = new WeakMap()));
    let index = byStored.get(stored);
    if (!index) byStored.set(stored, (index = indexRules([...defaultRules, ...stored])));
    return index;
  };
}

export function createRequestAuthorizer({
  prisma,
  state,
  viewer,
  dynamicRoles,
  defaultRules,
  ruleIndex = createRuleIndexer(),
}: AuthorizerDependencies): RequestAuthorizer {
  let loaded: Promise<{ roles: readonly HeldRole[]; rules: RuleIndex }> | undefined;
  const load = () => {
    loaded ??= Promise.all([state.heldRoles(viewer()), state.storedRules()]).then(([roles, stored]) => ({
      roles,
      rules: ruleIndex(defaultRules, stored),
    }));
    return loaded;
  };
  const cache = new Map<string, unknown>();
  // Decisions that do not depend on a record are the same for every row of a list: keep them.
  const untargeted = new Map<string, Promise<AccessDecision>>();

  async function decide(request: AccessRequest, target: AccessTarget, args: Record<string, unknown>) {
    const { roles, rules } = await load();
    const input: DynamicRoleInput = { viewer: viewer(), roles, target, args, prisma, cache };
    const holds = (principal: Principal): boolean | Promise<boolean> => {
      if (principal.type === "USER") return input.viewer !== null && principal.id === String(input.viewer.userId);
      if (principal.id.startsWith("$")) return holdsDynamicRole(principal.id, input, dynamicRoles);
      // A role's type, never its display name: names can be renamed to look like any other role.
      return roles.some((role) => role.type === principal.id);
    };
    return resolveAccess(rules, request, holds);
  }

  return {
    check(request, target = { kind: "none" }, args = {}) {
      if (target.kind !== "none" || Object.keys(args).length > 0) return decide(request, target, args);
      const key = `${request.accessType} ${request.resource}`;
      let decision = untargeted.get(key);
      if (!decision) {
        decision = decide(request, target, args);
        untargeted.set(key, decision);
      }
      return decision;
    },
    roles: async () => (await load()).roles,
    rules: async () => (await load()).rules.rules,
  };
}
