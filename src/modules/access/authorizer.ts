/**
 * The per-request authorizer: loads the caller's static roles and the stored rules once (in one batch,
 * on the first check), then answers every check of the request from memory. Built afresh for every
 * request, so an admin's change applies from the next request on.
 */
import type { Viewer } from "../auth/authenticate.ts";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import {
  type AccessDecision,
  type AccessRequest,
  type AclRule,
  type Principal,
  isRuleAccessType,
  resolveAccess,
} from "./acl.ts";
import { BuiltinRoleType } from "../roles/builtin-roles.ts";
import { type AccessTarget, type DynamicRoleInput, type DynamicRoles, type HeldRole, holdsDynamicRole } from "./dynamic-roles.ts";

export interface RequestAuthorizer {
  check(request: AccessRequest, target?: AccessTarget, args?: Record<string, unknown>): Promise<AccessDecision>;
  /** The caller's static roles. */
  roles(): Promise<readonly HeldRole[]>;
  /** Default rules followed by the stored ones. */
  rules(): Promise<readonly AclRule[]>;
}

export interface AuthorizerDependencies {
  prisma: PrismaClient;
  /** Read on first use: the viewer is set by the authentication module while the context is built. */
  viewer: () => Viewer | null;
  dynamicRoles: DynamicRoles;
  /** Rules that hold without a stored row: the schema's (see defaultRulesOf in default-rules.ts). */
  defaultRules: readonly AclRule[];
}

/** Stored rules with an access type the engine does not know are ignored rather than widened. */
export async function loadStoredRules(prisma: PrismaClient): Promise<AclRule[]> {
  const rows = await prisma.aclRule.findMany({ orderBy: { id: "asc" } });
  return rows.flatMap((row) =>
    isRuleAccessType(row.accessType)
      ? [
          {
            resource: row.resource,
            accessType: row.accessType,
            principalType: row.principalType,
            principalId: row.principalId,
            permission: row.permission,
          },
        ]
      : [],
  );
}

/**
 * The static roles of a caller in one statement: Public for anonymous callers; for a signed-in user,
 * Authenticated plus their primary and further roles.
 */
export function loadHeldRoles(prisma: PrismaClient, viewer: Viewer | null): Promise<HeldRole[]> {
  const where = viewer
    ? {
        OR: [
          { type: BuiltinRoleType.AUTHENTICATED },
          { primaryUsers: { some: { id: viewer.userId } } },
          { members: { some: { userId: viewer.userId } } },
        ],
      }
    : { type: BuiltinRoleType.PUBLIC };
  return prisma.role.findMany({ where, select: { id: true, name: true, type: true }, orderBy: { id: "asc" } });
}

export function createRequestAuthorizer({ prisma, viewer, dynamicRoles, defaultRules }: AuthorizerDependencies): RequestAuthorizer {
  let loaded: Promise<{ roles: HeldRole[]; rules: AclRule[] }> | undefined;
  const load = () => {
    loaded ??= Promise.all([loadHeldRoles(prisma, viewer()), loadStoredRules(prisma)]).then(([roles, stored]) => ({
      roles,
      rules: [...defaultRules, ...stored],
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
    rules: async () => (await load()).rules,
  };
}
