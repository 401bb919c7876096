/**
 * Authorization as the rest of Gatehouse sees it: a per-request authorizer for the ACL plugin and
 * `myPermissions`, and the stored rules admins manage. Plain inputs in, records out; no GraphQL here.
 */
import { badUserInput } from "../../errors.ts";
import type { AclPermission, AclPrincipalType, AclRule as StoredAclRule, PrismaClient } from "../../generated/prisma/client.ts";
import { withPrismaErrors } from "../../infra/db/prisma-errors.ts";
import { AuditAction, type AuditService, type AuditSource } from "../audit/audit.service.ts";
import type { Viewer } from "../auth/authenticate.ts";
import { BuiltinRoleType } from "../roles/builtin-roles.ts";
import { type AclRule, allowsEverything, DynamicRole, isRuleAccessType, isValidResource } from "./acl.ts";
import type { AccessState } from "./access-state.ts";
import { createRequestAuthorizer, createRuleIndexer, type RequestAuthorizer } from "./authorizer.ts";
import { baseRules } from "./default-rules.ts";
import type { DynamicRoles } from "./dynamic-roles.ts";

export interface AclRuleInput {
  resource: string;
  accessType: string;
  principalType: AclPrincipalType;
  principalId: string;
  permission: AclPermission;
}

export interface AccessDependencies {
  prisma: PrismaClient;
  /** Roles and rules as authorization reads them (access-state.ts). */
  state: AccessState;
  audit: AuditService;
  /** Custom dynamic roles (`$name` -> check) usable as ACL principals; see docs/authorization.md. */
  dynamicRoles: DynamicRoles;
  /** The `type` of the role new users get (settings' defaultRole). */
  defaultRoleType: () => Promise<string>;
}

/**
 * Principals that every caller, every signed-in user or every user on their own record holds. A rule
 * allowing everything to one of them would make everybody an admin ($owner: updateUser on oneself could
 * set one's own primary role).
 */
const heldByEveryone = new Set<string>([
  BuiltinRoleType.PUBLIC,
  BuiltinRoleType.AUTHENTICATED,
  DynamicRole.EVERYONE,
  DynamicRole.AUTHENTICATED,
  DynamicRole.UNAUTHENTICATED,
  DynamicRole.OWNER,
]);

export function createAccessService({ prisma, state, audit, dynamicRoles, defaultRoleType }: AccessDependencies) {
  const ruleIndex = createRuleIndexer();
  /** Audits a stored rule's creation or deletion (ACL_CHANGED) with the whole rule, which holds no secret. */
  const aclChanged = (source: AuditSource, change: "created" | "deleted", rule: StoredAclRule) =>
    audit.recordBy(source, {
      action: AuditAction.ACL_CHANGED,
      targetType: "AclRule",
      targetId: rule.id,
      metadata: {
        change,
        resource: rule.resource,
        accessType: rule.accessType,
        principalType: rule.principalType,
        principalId: rule.principalId,
        permission: rule.permission,
      },
    });

  async function principalExists(type: AclPrincipalType, id: string): Promise<boolean> {
    if (type === "USER") {
      const userId = Number(id);
      return Number.isSafeInteger(userId) && (await prisma.user.count({ where: { id: userId } })) > 0;
    }
    if (id.startsWith("$")) return (Object.values(DynamicRole) as string[]).includes(id) || dynamicRoles.has(id);
    // By type only: a display name can be changed by an admin (and chosen to look like another role).
    return (await prisma.role.count({ where: { type: id } })) > 0;
  }

  return {
    /**
     * The authorizer of one request. Roles come from the database (or its change-fed cache), never from
     * the token; `viewer` is read on first use. `defaultRules` are those of the schema served (defaultRulesOf).
     */
    authorizer: (viewer: () => Viewer | null, defaultRules: readonly AclRule[]): RequestAuthorizer =>
      createRequestAuthorizer({ prisma, state, viewer, dynamicRoles, defaultRules, ruleIndex }),

    listRules: () => prisma.aclRule.findMany({ orderBy: { id: "asc" } }),

    /**
     * Whether a default or stored rule allows everything (see `allowsEverything`) to the role `type`. Of
     * the default rules only the base ones can: a field declares rules for its own coordinate alone.
     */
    async roleAllowedEverything(type: string): Promise<boolean> {
      const byRole = (rule: { principalType: string; principalId: string }) => rule.principalType === "ROLE" && rule.principalId === type;
      if (baseRules.some((rule) => byRole(rule) && allowsEverything(rule))) return true;
      const stored = await prisma.aclRule.findMany({
        where: { principalType: "ROLE", principalId: type, permission: "ALLOW" },
        select: { resource: true, permission: true },
      });
      return stored.some(allowsEverything);
    },

    /**
     * Stores a rule after checking that it can ever match: a well-formed coordinate, a known access type,
     * an existing role or user, or a dynamic role that is built in or registered.
     */
    async createRule(input: AclRuleInput, source: AuditSource) {
      const resource = input.resource.trim();
      if (!isValidResource(resource)) {
        throw badUserInput("resource must be a schema coordinate (Type.field), Type.* or *", { field: "resource" });
      }
      const accessType = input.accessType.trim().toUpperCase();
      if (!isRuleAccessType(accessType)) {
        throw badUserInput("accessType must be READ, WRITE, EXECUTE or *", { field: "accessType" });
      }
      const principalId = input.principalId.trim();
      if (
        input.principalType === "ROLE" &&
        allowsEverything({ resource, permission: input.permission }) &&
        (heldByEveryone.has(principalId) || principalId === (await defaultRoleType()))
      ) {
        // Admin powers are given by the admin role, to chosen users; never to everybody at once.
        throw badUserInput(`Allowing ${resource} to ${principalId} would make every user (or every caller) an admin`, {
          field: "principalId",
        });
      }
      if (!(await principalExists(input.principalType, principalId))) {
        const what = input.principalType === "USER" ? "user" : "role type (rules name a role by its type)";
        throw badUserInput(`No such ${what}: ${principalId}`, {
          field: "principalId",
        });
      }
      const rule = await withPrismaErrors(
        prisma.aclRule.create({
          data: { resource, accessType, principalType: input.principalType, principalId, permission: input.permission },
        }),
        { conflict: "A rule for this resource, access type and principal exists" },
      );
      await aclChanged(source, "created", rule);
      return rule;
    },

    async deleteRule(id: number, source: AuditSource): Promise<void> {
      const rule = await withPrismaErrors(prisma.aclRule.delete({ where: { id } }), { notFound: "No such rule" });
      await aclChanged(source, "deleted", rule);
    },
  };
}

export type AccessService = ReturnType<typeof createAccessService>;
