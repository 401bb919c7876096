/**
 * Authorization as the rest of Gatehouse sees it: a per-request authorizer for the ACL plugin and
 * `myPermissions`, and the stored rules admins manage. Plain inputs in, records out; no GraphQL here.
 */
import { badUserInput } from "../../errors.ts";
import type { AclPermission, AclPrincipalType, AclRule, PrismaClient } from "../../generated/prisma/client.ts";
import { withPrismaErrors } from "../../infra/db/prisma-errors.ts";
import { AuditAction, type AuditService, type AuditSource } from "../audit/audit.service.ts";
import type { Viewer } from "../auth/authenticate.ts";
import { DynamicRole, isRuleAccessType, isValidResource } from "./acl.ts";
import { createRequestAuthorizer, type RequestAuthorizer } from "./authorizer.ts";
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
  audit: AuditService;
  /** Custom dynamic roles (`$name` -> check) usable as ACL principals; see docs/authorization.md. */
  dynamicRoles: DynamicRoles;
}

export function createAccessService({ prisma, audit, dynamicRoles }: AccessDependencies) {
  /** Audits a stored rule's creation or deletion (ACL_CHANGED) with the whole rule, which holds no secret. */
  const aclChanged = (source: AuditSource, change: "created" | "deleted", rule: AclRule) =>
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
     * The authorizer of one request. Roles come from the database on each request, never from the token;
     * `viewer` is read on first use.
     */
    authorizer: (viewer: () => Viewer | null): RequestAuthorizer => createRequestAuthorizer({ prisma, viewer, dynamicRoles }),

    listRules: () => prisma.aclRule.findMany({ orderBy: { id: "asc" } }),

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
