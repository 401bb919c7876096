/**
 * The admin page's permission matrix and its "who may call this field?" check: every guarded field
 * decided for a hypothetical user of one role, by the same engine, rules and dynamic roles as a real
 * request. A user of a role holds it, plus Authenticated (every signed-in user does), and is signed in;
 * a user of Public is an anonymous caller. `$owner` is asked about the user's own record, which gives
 * the OWN scope; a custom dynamic role is asked about a user (id 0) who owns nothing.
 *
 * Each decision says where it comes from: a rule in code (the field's default, the admin wildcard), a
 * stored rule (with its id, for the ACL rules page), or no rule at all (refused; in gateway mode a
 * downstream field nobody names then follows GATEWAY_DEFAULT_ACCESS).
 */
import type { PrismaClient } from "../../generated/prisma/client.ts";
import type { Viewer } from "../auth/authenticate.ts";
import { BuiltinRoleType } from "../roles/builtin-roles.ts";
import type { AccessType, AclRule } from "./acl.ts";
import { createRequestAuthorizer, type RequestAuthorizer } from "./authorizer.ts";
import type { DynamicRoles, HeldRole } from "./dynamic-roles.ts";
import { decidePermission, type PermissionScope } from "./permissions.ts";

export interface GuardedField {
  resource: string;
  accessType: AccessType;
}

/** In gateway mode, the subgraphs' fields under the ACL (the Gateway has exactly these two methods). */
export interface DownstreamFields {
  downstreamFields(rules: readonly AclRule[]): Promise<GuardedField[]>;
  allowedDownstreamFields(authorizer: Pick<RequestAuthorizer, "check" | "rules">): Promise<GuardedField[]>;
}

export type PermissionSource = "DEFAULT" | "STORED" | "NONE";

/** A rule as the engine applies it; `storedRuleId` is set for a stored rule. */
export type DecidingRule = AclRule & { storedRuleId: number | null };

export interface FieldDecision extends GuardedField {
  downstream: boolean;
  scope: PermissionScope | null;
  source: PermissionSource;
  rule: DecidingRule | null;
}

/** A stored rule with its id (access-state.ts usableRules). */
export interface StoredRuleRow extends AclRule {
  id: number;
}

/** The user id a hypothetical user of a role has: ids start at 1, so it owns no row. */
const NOBODY = 0;

/** The rule set of one decision round: the defaults in code followed by `stored` (maybe a what-if). */
export interface RuleSet {
  defaultRules: readonly AclRule[];
  stored: readonly StoredRuleRow[];
}

export interface MatrixDependencies {
  prisma: PrismaClient;
  dynamicRoles: DynamicRoles;
  /** Gatehouse's own guarded fields (guardedFields of the served schema). */
  localFields: readonly GuardedField[];
  downstream?: DownstreamFields;
}

/** What a held-roles list and a viewer make of a principal; either a role's hypothetical user or a real one. */
export interface Subject {
  viewer: Viewer | null;
  roles: readonly HeldRole[];
}

/** The hypothetical user of `role`: see the file comment. */
export function subjectOfRole(role: HeldRole, authenticated: HeldRole | undefined): Subject {
  if (role.type === BuiltinRoleType.PUBLIC) return { viewer: null, roles: [role] };
  const roles = role.type === BuiltinRoleType.AUTHENTICATED || !authenticated ? [role] : [authenticated, role];
  return { viewer: { userId: NOBODY, sessionId: null }, roles };
}

export function createMatrix({ prisma, dynamicRoles, localFields, downstream }: MatrixDependencies) {
  function authorizerFor(subject: Subject, rules: RuleSet): RequestAuthorizer {
    const stored: AclRule[] = [...rules.stored];
    return createRequestAuthorizer({
      prisma,
      state: { heldRoles: async () => subject.roles, storedRules: async () => stored },
      viewer: () => subject.viewer,
      dynamicRoles,
      defaultRules: rules.defaultRules,
    });
  }

  const sourceOf = (rule: AclRule | null, rules: RuleSet): { source: PermissionSource; rule: DecidingRule | null } => {
    if (!rule) return { source: "NONE", rule: null };
    const stored = rules.stored.find((row) => row === rule);
    const { resource, accessType, principalType, principalId, permission } = rule;
    return {
      source: stored ? "STORED" : "DEFAULT",
      rule: { resource, accessType, principalType, principalId, permission, storedRuleId: stored?.id ?? null },
    };
  };

  /** Every guarded field (Gatehouse's, then the subgraphs'), sorted by coordinate. */
  async function fields(rules: RuleSet): Promise<(GuardedField & { downstream: boolean })[]> {
    const local = localFields.map((field) => ({ resource: field.resource, accessType: field.accessType, downstream: false }));
    const remote = downstream
      ? (await downstream.downstreamFields([...rules.defaultRules, ...rules.stored])).map((field) => ({ ...field, downstream: true }))
      : [];
    return [...local, ...remote].sort((a, b) => a.resource.localeCompare(b.resource) || a.accessType.localeCompare(b.accessType));
  }

  /** Decides `selected` fields for a subject under `rules`. */
  async function decide(subject: Subject, rules: RuleSet, selected: readonly (GuardedField & { downstream: boolean })[]): Promise<FieldDecision[]> {
    const authz = authorizerFor(subject, rules);
    const allowedDownstream =
      downstream && selected.some((field) => field.downstream)
        ? new Set((await downstream.allowedDownstreamFields(authz)).map((field) => `${field.accessType} ${field.resource}`))
        : new Set<string>();
    return Promise.all(
      selected.map(async (field): Promise<FieldDecision> => {
        if (field.downstream) {
          // The gateway decides before any record exists, and applies GATEWAY_DEFAULT_ACCESS when no rule names the field.
          const decision = await authz.check(field);
          const allowed = allowedDownstream.has(`${field.accessType} ${field.resource}`);
          return { ...field, scope: allowed ? "ALL" : null, ...sourceOf(decision.rule, rules) };
        }
        const decision = await decidePermission(authz, subject.viewer, field);
        return { ...field, scope: decision.scope, ...sourceOf(decision.rule, rules) };
      }),
    );
  }

  return { fields, decide };
}

export type Matrix = ReturnType<typeof createMatrix>;
