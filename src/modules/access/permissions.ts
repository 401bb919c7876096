/**
 * What a caller may do, for front-ends that grey out what would be refused and for the admin page's
 * permission matrix. Each guarded coordinate is decided as the request would be: ALL when allowed on any
 * record, OWN when allowed only on the caller's own records (through `$owner`). In gateway mode the
 * downstream fields the caller may use are listed too, as ALL: the gateway decides them before any
 * record exists.
 */
import type { Viewer } from "../auth/authenticate.ts";
import type { AccessType, AclRule } from "./acl.ts";
import type { RequestAuthorizer } from "./authorizer.ts";

export type PermissionScope = "ALL" | "OWN";

export interface CallerPermission {
  resource: string;
  accessType: AccessType;
  scope: PermissionScope;
}

export interface PermissionDecision {
  /** Null when refused on every record. */
  scope: PermissionScope | null;
  /** The rule that decided (for OWN, the one allowing the own record); null when none matched. */
  rule: AclRule | null;
}

/** Decides one field for the authorizer's caller: on any record, else on the caller's own. */
export async function decidePermission(
  authz: RequestAuthorizer,
  viewer: Viewer | null,
  field: { resource: string; accessType: AccessType },
): Promise<PermissionDecision> {
  const anyRecord = await authz.check(field);
  if (anyRecord.allowed) return { scope: "ALL", rule: anyRecord.rule };
  if (viewer) {
    const ownRecord = await authz.check(field, { kind: "record", model: "User", record: { id: viewer.userId, userId: viewer.userId } });
    if (ownRecord.allowed) return { scope: "OWN", rule: ownRecord.rule };
  }
  return { scope: null, rule: anyRecord.rule };
}

export async function listPermissions(
  authz: RequestAuthorizer,
  viewer: Viewer | null,
  fields: readonly { resource: string; accessType: AccessType }[],
  allowedDownstream: readonly { resource: string; accessType: AccessType }[] = [],
): Promise<CallerPermission[]> {
  const decided = await Promise.all(
    fields.map(async (field): Promise<CallerPermission[]> => {
      const { scope } = await decidePermission(authz, viewer, field);
      return scope ? [{ ...field, scope }] : [];
    }),
  );
  return [...decided.flat(), ...allowedDownstream.map((field) => ({ ...field, scope: "ALL" as const }))].sort((a, b) =>
    a.resource.localeCompare(b.resource),
  );
}
