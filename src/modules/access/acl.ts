/**
 * The ACL resolution engine, LoopBack 3 style. Pure: it knows nothing of GraphQL or the database. The
 * caller supplies the rules and a way to ask whether the caller holds a principal (which may be slow,
 * e.g. `$owner` needs the record, so it is only asked for principals of rules that match).
 */

/** READ for query and object fields, WRITE for mutations, EXECUTE for explicit actions. */
export type AccessType = "READ" | "WRITE" | "EXECUTE";
export const accessTypes: readonly AccessType[] = ["READ", "WRITE", "EXECUTE"];
export type RuleAccessType = AccessType | "*";
export type PrincipalType = "ROLE" | "USER";
export type Permission = "ALLOW" | "DENY";

export interface AclRule {
  /** A schema coordinate (`Query.users`, `User.email`), a type wildcard (`Query.*`) or `*`. */
  resource: string;
  accessType: RuleAccessType;
  principalType: PrincipalType;
  /** A static role's type (never its display name), a dynamic role such as `$owner`, or a user id. */
  principalId: string;
  permission: Permission;
}

export interface AccessRequest {
  /** The schema coordinate being accessed, e.g. `Query.users`. */
  resource: string;
  accessType: AccessType;
}

export interface Principal {
  type: PrincipalType;
  id: string;
}

export interface AccessDecision {
  allowed: boolean;
  /** The rule that decided, or null when no rule matched (default deny). */
  rule: AclRule | null;
}

/** The dynamic roles every request knows about, besides those registered in code. */
export const DynamicRole = {
  EVERYONE: "$everyone",
  AUTHENTICATED: "$authenticated",
  UNAUTHENTICATED: "$unauthenticated",
  OWNER: "$owner",
} as const;

export const isValidResource = (resource: string): boolean =>
  resource === "*" || /^[A-Za-z_][A-Za-z0-9_]*\.(\*|[A-Za-z_][A-Za-z0-9_]*)$/.test(resource);

export const isRuleAccessType = (value: string): value is RuleAccessType =>
  value === "*" || (accessTypes as readonly string[]).includes(value);

/** Resources that cover every field, every query or every mutation. */
const sweepingResources = new Set(["*", "Query.*", "Mutation.*"]);

/**
 * Whether a rule hands out an admin's powers: an ALLOW on everything, on every query or on every
 * mutation (updateUser, createAclRule, updateSettings, ... included).
 */
export const allowsEverything = (rule: Pick<AclRule, "resource" | "permission">): boolean =>
  rule.permission === "ALLOW" && sweepingResources.has(rule.resource);

/** 2 for an exact coordinate, 1 for `Type.*`, 0 for `*`; -1 when the rule does not cover the resource. */
function resourceScore(ruleResource: string, resource: string): number {
  if (ruleResource === resource) return 2;
  if (ruleResource === "*") return 0;
  const [ruleType, ruleField] = ruleResource.split(".");
  return ruleField === "*" && ruleType === resource.split(".")[0] ? 1 : -1;
}

function accessTypeScore(ruleAccessType: RuleAccessType, accessType: AccessType): number {
  if (ruleAccessType === accessType) return 1;
  return ruleAccessType === "*" ? 0 : -1;
}

/**
 * A user outranks any role; among roles, static and custom roles (those that single out the caller
 * most narrowly) outrank $owner, which outranks $authenticated/$unauthenticated, which outrank $everyone.
 */
function principalScore(rule: AclRule): number {
  if (rule.principalType === "USER") return 4;
  switch (rule.principalId) {
    case DynamicRole.EVERYONE:
      return 0;
    case DynamicRole.AUTHENTICATED:
    case DynamicRole.UNAUTHENTICATED:
      return 1;
    case DynamicRole.OWNER:
      return 2;
    default:
      return 3;
  }
}

/**
 * Specificity of a rule for a request, compared lexicographically: resource first, then access type,
 * then principal. Null when the rule does not apply to the request at all.
 */
export function ruleSpecificity(rule: AclRule, request: AccessRequest): [number, number, number] | null {
  const resource = resourceScore(rule.resource, request.resource);
  const access = accessTypeScore(rule.accessType, request.accessType);
  if (resource < 0 || access < 0) return null;
  return [resource, access, principalScore(rule)];
}

const compareScores = (a: readonly number[], b: readonly number[]): number => {
  for (let i = 0; i < a.length; i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
};

/**
 * The rules covering the request, grouped by equal specificity, most specific group first. Within a
 * group DENY comes first, since DENY wins only over an equally specific ALLOW.
 */
export function candidateGroups(rules: readonly AclRule[], request: AccessRequest): AclRule[][] {
  const scored = rules
    .map((rule) => ({ rule, score: ruleSpecificity(rule, request) }))
    .filter((entry): entry is { rule: AclRule; score: [number, number, number] } => entry.score !== null)
    .sort((a, b) => compareScores(b.score, a.score));
  const groups: AclRule[][] = [];
  let previous: number[] | null = null;
  for (const { rule, score } of scored) {
    if (!previous || compareScores(previous, score) !== 0) groups.push([]);
    groups.at(-1)?.push(rule);
    previous = score;
  }
  return groups.map((group) =>
    group.sort((a, b) => (a.permission === b.permission ? 0 : a.permission === "DENY" ? -1 : 1)),
  );
}

/**
 * Decides a request: the most specific rules whose principal the caller holds decide; among those,
 * DENY beats ALLOW. No applicable rule means deny.
 */
export async function resolveAccess(
  rules: readonly AclRule[] | RuleIndex,
  request: AccessRequest,
  holds: (principal: Principal) => boolean | Promise<boolean>,
): Promise<AccessDecision> {
  const groups = "candidates" in rules ? rules.candidates(request) : candidateGroups(rules, request);
  for (const group of groups) {
    for (const rule of group) {
      if (await holds({ type: rule.principalType, id: rule.principalId })) {
        return { allowed: rule.permission === "ALLOW", rule };
      }
    }
  }
  return { allowed: false, rule: null };
}

/** A rule list with each request's candidate groups worked out once, on first use (see indexRules). */
export interface RuleIndex {
  readonly rules: readonly AclRule[];
  candidates(request: AccessRequest): readonly AclRule[][];
}

/**
 * Indexes a rule list that does not change: the candidate groups of a resource and access type are
 * computed (filtered and sorted) once, then shared by every request checking it. Resources are schema
 * coordinates, so the index holds at most one entry per guarded field and access type.
 */
export function indexRules(rules: readonly AclRule[]): RuleIndex {
  const byRequest = new Map<string, AclRule[][]>();
  return {
    rules,
    candidates(request) {
      const key = `${request.accessType} ${request.resource}`;
      let groups = byRequest.get(key);
      if (!groups) byRequest.set(key, (groups = candidateGroups(rules, request)));
      return groups;
    },
  };
}
