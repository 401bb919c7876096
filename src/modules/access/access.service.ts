/**
 * Authorization as the rest of Gatehouse sees it: a per-request authorizer for the ACL plugin and
 * `myPermissions`, and the stored rules admins manage. Plain inputs in, records out; no GraphQL here.
 */
import { badUserInput, notFound } from "../../errors.ts";
import type { AclPermission, AclPrincipalType, AclRule as StoredAclRule, PrismaClient } from "../../generated/prisma/client.ts";
import { withPrismaErrors } from "../../infra/db/prisma-errors.ts";
import { AuditAction, type AuditService, type AuditSource } from "../audit/audit.service.ts";
import type { Viewer } from "../auth/authenticate.ts";
import { BuiltinRoleType } from "../roles/builtin-roles.ts";
import { type AclRule, allowsEverything, DynamicRole, isRuleAccessType, isValidResource } from "./acl.ts";
import { type AccessState, usableRules } from "./access-state.ts";
import { createRequestAuthorizer, createRuleIndexer, type RequestAuthorizer } from "./authorizer.ts";
import { baseRules } from "./default-rules.ts";
import type { DynamicRoles } from "./dynamic-roles.ts";
import {
  createMatrix,
  type DownstreamFields,
  type FieldDecision,
  type GuardedField,
  type Matrix,
  type RuleSet,
  type StoredRuleRow,
  subjectOfRole,
} from "./role-permissions.ts";

export interface AclRuleInput {
  resource: string;
  accessType: string;
  principalType: AclPrincipalType;
  principalId: string;
  permission: AclPermission;
}

/** What the matrix decides over: the served schema's guarded fields and default rules, and the gateway's fields. */
export interface MatrixScope {
  localFields: readonly GuardedField[];
  defaultRules: readonly AclRule[];
  downstream?: DownstreamFields;
}

/** One principal's decision on a field, for "who may call this field?". */
export interface FieldAccess extends FieldDecision {
  principalType: AclPrincipalType;
  principalId: string;
  /** The role's display name, or the user's username. */
  name: string;
}

/**
 * Fields whose refusal would lock admins out of permissions themselves: the matrix never unticks them
 * for the admin role (a stored rule on the ACL rules page still can, deliberately).
 */
const ADMIN_KEEPS = new Set(["Query.rolePermissions", "Mutation.setRolePermission", "Query.aclRules", "Mutation.createAclRule", "Mutation.deleteAclRule"]);

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

  async function ruleSet(scope: MatrixScope): Promise<RuleSet> {
    return { defaultRules: scope.defaultRules, stored: usableRules(await prisma.aclRule.findMany({ orderBy: { id: "asc" } })) };
  }

  const matrixOf = (scope: MatrixScope) =>
    createMatrix({ prisma, dynamicRoles, localFields: scope.localFields, downstream: scope.downstream });

  /** The guarded field a matrix input names (its own access type unless one is given), or BAD_USER_INPUT. */
  async function fieldOf(matrix: Matrix, rules: RuleSet, input: { resource: string; accessType?: string | null }) {
    const resource = input.resource.trim();
    const accessType = input.accessType?.trim().toUpperCase();
    const field = (await matrix.fields(rules)).find(
      (candidate) => candidate.resource === resource && (!accessType || candidate.accessType === accessType),
    );
    if (!field) throw badUserInput(`${resource} is not a field under the ACL${accessType ? ` for ${accessType}` : ""}`, { field: "resource" });
    return field;
  }

  async function matrixOfRole(roleId: number, scope: MatrixScope) {
    const [role, authenticated, rules] = await Promise.all([
      prisma.role.findUnique({ where: { id: roleId }, select: { id: true, name: true, type: true } }),
      prisma.role.findUnique({ where: { type: BuiltinRoleType.AUTHENTICATED }, select: { id: true, name: true, type: true } }),
      ruleSet(scope),
    ]);
    if (!role) throw notFound("No such role");
    return { matrix: matrixOf(scope), rules, role, subject: subjectOfRole(role, authenticated ?? undefined) };
  }

  const service = {
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

    /** Every guarded field decided for a user of the role (role-permissions.ts). */
    async rolePermissions(roleId: number, scope: MatrixScope): Promise<FieldDecision[]> {
      const { matrix, rules, subject } = await matrixOfRole(roleId, scope);
      return matrix.decide(subject, rules, await matrix.fields(rules));
    },

    /**
     * Makes a field allowed (on any record) or refused for users of a role, with the fewest stored
     * rules: the role's own exact rule is dropped when the other rules already decide as asked, else
     * stored (or flipped) as ALLOW or DENY. Refused, with nothing stored, when another rule would still
     * decide otherwise (an equally precise DENY for a role every user holds, say). Audited as ACL_CHANGED.
     */
    async setRolePermission(
      input: { roleId: number; resource: string; accessType?: string | null; allowed: boolean },
      scope: MatrixScope,
      source: AuditSource,
    ): Promise<FieldDecision> {
      const { matrix, rules, subject, role } = await matrixOfRole(input.roleId, scope);
      const field = await fieldOf(matrix, rules, input);
      if (role.type === BuiltinRoleType.ADMIN && !input.allowed && ADMIN_KEEPS.has(field.resource)) {
        throw badUserInput(`The admin role keeps ${field.resource}: without it no one could change permissions again`, { field: "resource" });
      }
      const decides = (decision: FieldDecision) => (input.allowed ? decision.scope === "ALL" : decision.scope === null);
      const own = rules.stored.find(
        (rule) => rule.principalType === "ROLE" && rule.principalId === role.type && rule.resource === field.resource && rule.accessType === field.accessType,
      );
      const without: RuleSet = { ...rules, stored: rules.stored.filter((rule) => rule !== own) };
      const [before] = await matrix.decide(subject, without, [field]);
      if (before && decides(before)) {
        if (own) await service.deleteRule(own.id, source);
        return before;
      }
      const permission = input.allowed ? "ALLOW" : "DENY";
      const wanted: StoredRuleRow = { id: own?.id ?? 0, resource: field.resource, accessType: field.accessType, principalType: "ROLE", principalId: role.type, permission };
      const [after] = await matrix.decide(subject, { ...without, stored: [...without.stored, wanted] }, [field]);
      if (!after || !decides(after)) {
        const rule = after?.rule;
        const by = rule ? `${rule.permission} ${rule.resource} ${rule.accessType} for ${rule.principalType === "USER" ? "user" : "role"} ${rule.principalId}` : "the gateway's default";
        throw badUserInput(`Another rule decides ${field.resource} first (${by}); change it on the ACL rules page`, { field: "resource" });
      }
      if (own?.permission === permission) return after;
      if (own) await service.deleteRule(own.id, source);
      const created = await service.createRule({ ...wanted, accessType: field.accessType }, source);
      return { ...after, rule: after.rule && { ...after.rule, storedRuleId: created.id } };
    },

    /**
     * Who may call a field: the decision for a user of each role, and for each user a stored rule on the
     * field (or a wildcard covering it) names, with that user's real roles.
     */
    async fieldAccess(input: { resource: string; accessType?: string | null }, scope: MatrixScope): Promise<FieldAccess[]> {
      const rules = await ruleSet(scope);
      const matrix = matrixOf(scope);
      const field = await fieldOf(matrix, rules, input);
      const roles = await prisma.role.findMany({ select: { id: true, name: true, type: true }, orderBy: { id: "asc" } });
      const authenticated = roles.find((role) => role.type === BuiltinRoleType.AUTHENTICATED);
      const byRole = roles.map(async (role): Promise<FieldAccess> => {
        const [decision] = await matrix.decide(subjectOfRole(role, authenticated), rules, [field]);
        return { ...decision!, principalType: "ROLE", principalId: role.type, name: role.name };
      });
      const type = field.resource.split(".")[0];
      const namedUserIds = [
        ...new Set(
          rules.stored
            .filter((rule) => rule.principalType === "USER" && (rule.resource === field.resource || rule.resource === "*" || rule.resource === `${type}.*`))
            .map((rule) => Number(rule.principalId)),
        ),
      ];
      const users = await prisma.user.findMany({ where: { id: { in: namedUserIds } }, select: { id: true, username: true }, orderBy: { id: "asc" } });
      const byUser = users.map(async (user): Promise<FieldAccess> => {
        const viewer = { userId: user.id, sessionId: null };
        const [decision] = await matrix.decide({ viewer, roles: await state.heldRoles(viewer) }, rules, [field]);
        return { ...decision!, principalType: "USER", principalId: String(user.id), name: user.username };
      });
      return Promise.all([...byRole, ...byUser]);
    },
  };
  return service;
}

export type AccessService = ReturnType<typeof createAccessService>;
