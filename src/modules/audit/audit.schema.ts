/**
 * The audit log as admins read it: `auditLog`, newest first, filtered and paged by keyset. No default
 * rule names the field, so only the Admin role's wildcard reaches it.
 */
import { parseIntId } from "../../lib/ids.ts";
import { builder } from "../../schema/builder.ts";
import { pageInfoFields } from "../../schema/pages.ts";
import { User } from "../users/users.schema.ts";
import { AuditAction, type AuditPage, MAX_AUDIT_PAGE } from "./audit.service.ts";

const ACTION_DESCRIPTIONS = {
  LOGIN_SUCCEEDED: "A user signed in.",
  LOGIN_FAILED: "A sign-in was refused (wrong credentials, blocked, unconfirmed or locked).",
  ACCOUNT_LOCKED: "Repeated failures locked an account for a while.",
  ACCOUNT_UNLOCKED: "An admin unlocked an account.",
  USER_REGISTERED: "An account was created by register.",
  USER_CREATED: "An admin created an account (createUser or `gatehouse users create`).",
  SIGN_UP_WITH_TAKEN_EMAIL: "Someone registered with an existing account's address; its owner was notified.",
  USERS_IMPORTED: "Users were imported from a Strapi export (`gatehouse import strapi`).",
  PASSWORD_CHANGED: "A user changed their password.",
  PASSWORD_RESET_REQUESTED: "A password reset email was asked for.",
  PASSWORD_RESET: "A password was reset with an emailed code.",
  EMAIL_CONFIRMED: "An email address was confirmed.",
  SESSION_REVOKED: "A session was ended (logout, revokeSession, an admin, or a replayed refresh token).",
  USER_BLOCKED: "An admin blocked a user.",
  USER_UNBLOCKED: "An admin unblocked a user.",
  USER_DELETED: "An admin deleted a user.",
  ROLE_CHANGED: "A role was created, changed, deleted, assigned or unassigned.",
  ACL_CHANGED: "An access rule was created or deleted.",
  SETTINGS_CHANGED: "The settings or an email template changed.",
  AUTH_PROVIDER_CHANGED: "An admin changed a sign-in provider's settings (never its secret).",
  PROVIDER_SIGN_IN: "A sign-in through an OAuth/OIDC provider, successful or refused.",
  PROVIDER_LINKED: "A provider account was linked to a user.",
  PROVIDER_UNLINKED: "A provider account was unlinked from a user.",
} satisfies Record<AuditAction, string>;

const AuditActionEnum = builder.enumType("AuditAction", {
  description: "What an audit log entry records.",
  values: Object.fromEntries(
    Object.values(AuditAction).map((action) => [action, { value: action, description: ACTION_DESCRIPTIONS[action] }]),
  ) as { [A in AuditAction]: { value: A; description: string } },
});

const AuditLogEntry = builder.prismaObject("AuditLog", {
  name: "AuditLogEntry",
  description: "One security-relevant action: who did it, to what, from where, and whether it worked.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "Increasing with time." }),
    action: t.field({ type: AuditActionEnum, description: "What happened.", resolve: (entry) => entry.action as AuditAction }),
    success: t.exposeBoolean("success", { description: "False for refused attempts (a failed login, a rejected code)." }),
    actorId: t.exposeID("actorId", { nullable: true, description: "Null for anonymous callers and deleted users." }),
    actor: t.relation("actor", { type: User, nullable: true, description: "The user who acted, if they still exist." }),
    targetType: t.exposeString("targetType", { nullable: true, description: "What was acted on: User, Role, AclRule, Settings." }),
    targetId: t.exposeString("targetId", { nullable: true, description: "The id of what was acted on." }),
    ip: t.exposeString("ip", { nullable: true, description: "The client's address (through TRUSTED_PROXIES)." }),
    userAgent: t.exposeString("userAgent", { nullable: true, description: "The client's User-Agent." }),
    metadata: t.field({
      type: "JSONObject",
      description: "Further facts (what changed, why it failed); never secrets.",
      // Always an object: the column defaults to {} and recordAudit stores an object.
      resolve: (entry) => entry.metadata as Record<string, unknown>,
    }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it happened." }),
  }),
});

const AuditLogPage = builder.objectRef<AuditPage>("AuditLogPage").implement({
  description: "One page of audit log entries, newest first.",
  fields: (t) => ({
    nodes: t.field({ type: [AuditLogEntry], description: "The entries on this page, newest first.", resolve: (page) => page.nodes }),
    ...pageInfoFields(t, "Entries matching the filter, over all pages."),
    entries: t.field({ type: [AuditLogEntry], description: "The entries on this page (old name of nodes).", deprecationReason: "Use `nodes`.", resolve: (page) => page.nodes }),
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
    actions: t.field({ type: [AuditActionEnum], description: "Any of these actions." }),
    success: t.boolean({ description: "Only successes (true) or only refusals (false)." }),
    actorId: t.id({ description: "Entries by this user." }),
    targetType: t.string({ description: "Entries about this kind of thing: User, Role, AclRule, Settings." }),
    targetId: t.string({ description: "Entries about this id (with targetType)." }),
    ip: t.string({ description: "Entries from this client address." }),
    from: t.field({ type: "DateTime", description: "Entries at or after this instant." }),
    to: t.field({ type: "DateTime", description: "Entries before this instant." }),
  }),
});

builder.queryField("auditLog", (t) =>
  t.field({
    type: AuditLogPage,
    description: `The audit log, newest first; at most ${MAX_AUDIT_PAGE} entries per page (default 50).`,
    args: {
      filter: t.arg({ type: AuditLogFilter, description: "Which entries; all of them when left out." }),
      first: t.arg.int({ description: `Page size, 1 to ${MAX_AUDIT_PAGE} (default 50).` }),
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
