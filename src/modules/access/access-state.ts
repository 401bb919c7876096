/**
 * What every authorization decision reads, served from memory when warm: the caller's static roles and
 * the stored ACL rules. The change feed keeps both exact: `user:<id>` drops that user's roles, `roles`
 * everybody's (a renamed or deleted role), `rules` the rules. Cached arrays are shared between
 * requests: callers never mutate them.
 */
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { type ChangeFeed, createFeedCache, perUserWithRoles, wholeTable } from "../../infra/change-feed/index.ts";
import type { Viewer } from "../auth/authenticate.ts";
import { BuiltinRoleType } from "../roles/builtin-roles.ts";
import { type AclRule, isRuleAccessType } from "./acl.ts";
import type { HeldRole } from "./dynamic-roles.ts";

export interface AccessState {
  heldRoles(viewer: Viewer | null): Promise<readonly HeldRole[]>;
  storedRules(): Promise<readonly AclRule[]>;
}

type StoredRow = Omit<AclRule, "accessType"> & { id: number; accessType: string };

/**
 * Stored rule rows the engine can apply, with their ids: a rule with an access type the engine does not
 * know is ignored rather than widened.
 */
export function usableRules(rows: readonly StoredRow[]): (AclRule & { id: number })[] {
  return rows.flatMap(({ id, resource, accessType, principalType, principalId, permission }) =>
    isRuleAccessType(accessType) ? [{ id, resource, accessType, principalType, principalId, permission }] : [],
  );
}

/** The stored rules as authorization applies them (see usableRules). */
export async function loadStoredRules(prisma: PrismaClient): Promise<AclRule[]> {
  const rows = await prisma.aclRule.findMany({ orderBy: { id: "asc" } });
  return usableRules(rows).map(({ id: _id, ...rule }) => rule);
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

/** The cache key of anonymous callers' roles (the Public role). */
const ANONYMOUS = "anonymous";

export function createAccessState({ prisma, feed, maxUsers }: { prisma: PrismaClient; feed: ChangeFeed; maxUsers: number }): AccessState {
  const roles = createFeedCache<HeldRole[]>({
    feed,
    max: maxUsers === 0 ? 0 : maxUsers + 1,
    groupsOf: perUserWithRoles,
  });
  const rules = createFeedCache<AclRule[]>({
    feed,
    max: maxUsers === 0 ? 0 : 1,
    groupsOf: wholeTable("rules"),
  });
  return {
    heldRoles(viewer) {
      const key = viewer ? String(viewer.userId) : ANONYMOUS;
      return roles.get(key, key, () => loadHeldRoles(prisma, viewer));
    },
    storedRules: () => rules.get("rules", "rules", () => loadStoredRules(prisma)),
  };
}
