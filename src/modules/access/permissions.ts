/**
 * What the caller may do, for front-ends that grey out what would be refused. Each guarded coordinate
 * is decided as the request would be: ALL when allowed on any record, OWN when allowed only on the
 * caller's own records (through `$owner`). In gateway mode the downstream fields the caller may use are
 * listed too, as ALL: the gateway decides them before any record exists.
 */
import type { Viewer } from "../auth/authenticate.ts";
import type { AccessType } from "./acl.ts";
import type { RequestAuthorizer } from "./authorizer.ts";

export type PermissionScope = "ALL" | "OWN";

export interface CallerPermission {
  resource: string;
  accessType: AccessType;
  scope: PermissionScope;
}

export async function listPermissions(
  authz: RequestAuthorizer,
  viewer: Viewer | null,
  fields: readonly { resource: string; accessType: AccessType }[],
  allowedDownstream: readonly { resource: string; accessType: AccessType }[] = [],
): Promise<CallerPermission[]> {
  const ownRecord = viewer
    ? ({ kind: "record", model: "User", record: { id: viewer.userId, userId: viewer.userId } } as const)
    : undefined;
  const decided = await Promise.all(
    fields.map(async (field): Promise<CallerPermission | null> => {
      if ((await authz.check(field)).allowed) return { ...field, scope: "ALL" };
      if (ownRecord && (await authz.check(field, ownRecord)).allowed) return { ...field, scope: "OWN" };
      return null;
    }),
  );
  return [...decided, ...allowedDownstream.map((field) => ({ ...field, scope: "ALL" as const }))]
    .filter((permission): permission is CallerPermission => permission !== null)
    .sort((a, b) => a.resource.localeCompare(b.resource));
}
