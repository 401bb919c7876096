/**
 * The audit log as admins read it: `auditLog`, newest first, filtered and paged by keyset. No default
 * rule names the field, so only the Admin role's wildcard reaches it.
 */
import { parseIntId } from "../../lib/ids.ts";
import { builder } from "../../schema/builder.ts";
import { pageInfoFields } from "../../schema/pages.ts";
import { User } from "../users/users.schema.ts";
import { AuditAction, type AuditPage, MAX_AUDIT_PAGE } from "./audit.service.ts";

const AuditActionEnum = builder.enumType("AuditAction", {
  description: "What an audit log entry records.",
  values: Object.values(AuditAction),
});

const AuditLogEntry = builder.prismaObject("AuditLog", {
  name: "AuditLogEntry",
  description: "One security-relevant action: who did it, to what, from where, and whether it worked.",
  fields: (t) => ({
    id: t.exposeID("id"),
    action: t.field({ type: AuditActionEnum, resolve: (entry) => entry.action as AuditAction }),
    success: t.exposeBoolean("success"),
    actorId: t.exposeID("actorId", { nullable: true, description: "Null for anonymous callers and deleted users." }),
    actor: t.relation("actor", { type: User, nullable: true, description: "The user who acted, if they still exist." }),
    targetType: t.exposeString("targetType", { nullable: true, description: "What was acted on: User, Role, AclRule, Settings." }),
    targetId: t.exposeString("targetId", { nullable: true }),
    ip: t.exposeString("ip", { nullable: true }),
    userAgent: t.exposeString("userAgent", { nullable: true }),
    metadata: t.field({
      type: "JSONObject",
      description: "Further facts (what changed, why it failed); never secrets.",
      // Always an object: the column defaults to {} and recordAudit stores an object.
      resolve: (entry) => entry.metadata as Record<string, unknown>,
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

const AuditLogPage = builder.objectRef<AuditPage>("AuditLogPage").implement({
  description: "One page of audit log entries, newest first.",
  fields: (t) => ({
    nodes: t.field({ type: [AuditLogEntry], resolve: (page) => page.nodes }),
    ...pageInfoFields(t, "Entries matching the filter, over all pages."),
    entries: t.field({ type: [AuditLogEntry], deprecationReason: "Use `nodes`.", resolve: (page) => page.nodes }),
    nextCursor: t.string({
      nullable: true,
      description: "`endCursor` while there is a next page, null on the last one.",
      deprecationReason: "Use `endCursor` and `hasNextPage`.",
      resolve: (page) => (page.hasNextPage ? page.endCursor : null),
    }),
  }),
});

const AuditLogFilter = builder.inputType("AuditLogFilter", {
  description: "Every field is optional; given fields must all match.",
  fields: (t) => ({
    actions: t.field({ type: [AuditActionEnum] }),
    success: t.boolean(),
    actorId: t.id(),
    targetType: t.string(),
    targetId: t.string(),
    ip: t.string(),
    from: t.field({ type: "DateTime", description: "Entries at or after this instant." }),
    to: t.field({ type: "DateTime", description: "Entries before this instant." }),
  }),
});

builder.queryField("auditLog", (t) =>
  t.field({
    type: AuditLogPage,
    description: `The audit log, newest first; at most ${MAX_AUDIT_PAGE} entries per page (default 50).`,
    args: {
      filter: t.arg({ type: AuditLogFilter }),
      first: t.arg.int(),
      after: t.arg.string({ description: "`endCursor` of the previous page." }),
    },
    resolve: (_root, { filter, first, after }, ctx) =>
      ctx.services.audit.list(
        {
          actions: filter?.actions ?? undefined,
          success: filter?.success ?? undefined,
          actorId: filter?.actorId == null ? undefined : parseIntId(filter.actorId, "actorId"),
          targetType: filter?.targetType ?? undefined,
          targetId: filter?.targetId ?? undefined,
          ip: filter?.ip ?? undefined,
          from: filter?.from ?? undefined,
          to: filter?.to ?? undefined,
        },
        { first: first ?? undefined, after },
      ),
  }),
);
