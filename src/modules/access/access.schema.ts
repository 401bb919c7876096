/**
 * ACL rules and the caller's permissions. Every root field here is under the ACL (see acl-plugin.ts);
 * by default only admins manage rules, and anyone may ask `myPermissions`.
 */
import { AclPermission, AclPrincipalType } from "../../generated/prisma/client.ts";
import { parseIntId } from "../../lib/ids.ts";
import { builder } from "../../schema/builder.ts";
import { ok, OkPayload } from "../../schema/payloads.ts";
import { auditSourceOf } from "../audit/audit.service.ts";
import { DynamicRole } from "./acl.ts";
import { guardedFields } from "./acl-plugin.ts";
import { listPermissions } from "./permissions.ts";

export const AclPrincipalTypeEnum = builder.enumType("AclPrincipalType", {
  description: "Whom a rule is for.",
  values: {
    ROLE: { value: AclPrincipalType.ROLE, description: "A role, named by its type or name, or a dynamic role such as $owner." },
    USER: { value: AclPrincipalType.USER, description: "One user, named by id." },
  },
});
export const AclPermissionEnum = builder.enumType("AclPermission", {
  description: "What a rule does.",
  values: {
    ALLOW: { value: AclPermission.ALLOW, description: "Grants access." },
    DENY: { value: AclPermission.DENY, description: "Refuses access; a matching DENY wins over ALLOW at the same precision." },
  },
});

const AclRule = builder.prismaObject("AclRule", {
  description: "A stored access rule; merged with the defaults in code (docs/authorization.md).",
  fields: (t) => ({
    id: t.exposeID("id", { description: "Pass to deleteAclRule." }),
    resource: t.exposeString("resource", { description: "Schema coordinate, Type.* or *." }),
    accessType: t.exposeString("accessType", { description: "READ, WRITE, EXECUTE or *." }),
    principalType: t.expose("principalType", { type: AclPrincipalTypeEnum, description: "Whether principalId names a role or a user." }),
    principalId: t.exposeString("principalId", {
      description: "A role's type or name (static, or dynamic such as $owner), or a user id.",
    }),
    permission: t.expose("permission", { type: AclPermissionEnum, description: "Allow or deny." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the rule was created." }),
  }),
});

export const PermissionScope = builder.enumType("PermissionScope", {
  description: "On which records a permission holds.",
  values: {
    ALL: { description: "Allowed on any record." },
    OWN: { description: "Allowed only on the caller's own records." },
  },
});

const Permission = builder
  .objectRef<Awaited<ReturnType<typeof listPermissions>>[number]>("Permission")
  .implement({
    description: "Something the caller may do.",
    fields: (t) => ({
      resource: t.exposeString("resource", { description: "The schema coordinate, such as Query.users." }),
      accessType: t.exposeString("accessType", { description: "READ (queries and fields) or EXECUTE (mutations)." }),
      scope: t.expose("scope", { type: PermissionScope, description: "Any record, or only the caller's own." }),
    }),
  });

const AclRuleInput = builder.inputType("AclRuleInput", {
  description: "A rule to store (docs/authorization.md).",
  fields: (t) => ({
    resource: t.string({ required: true, description: "Schema coordinate (Query.users, User.email), Type.* or *." }),
    accessType: t.string({ required: true, defaultValue: "*", description: "READ, WRITE, EXECUTE or *." }),
    principalType: t.field({ type: AclPrincipalTypeEnum, required: true, description: "Whether principalId names a role or a user." }),
    principalId: t.string({ required: true, description: "A role's type or name, a dynamic role such as $owner, or a user id." }),
    permission: t.field({ type: AclPermissionEnum, required: true, description: "Allow or deny." }),
  }),
});

builder.queryFields((t) => ({
  aclRules: t.prismaField({
    type: [AclRule],
    description: "The stored rules (the defaults in code are not listed).",
    resolve: (_query, _root, _args, ctx) => ctx.services.access.listRules(),
  }),
  myPermissions: t.field({
    type: [Permission],
    description: "What the caller may do: every guarded field they may use, and on which records.",
    // Front-ends ask what to offer before sign-in too.
    acl: { allow: [DynamicRole.EVERYONE] },
    resolve: async (_root, _args, ctx, info) =>
      listPermissions(ctx.authz, ctx.viewer, guardedFields(info.schema), (await ctx.downstream?.allowedDownstreamFields(ctx.authz)) ?? []),
  }),
}));

builder.mutationFields((t) => ({
  createAclRule: t.prismaField({
    type: AclRule,
    description: "Stores an access rule; it applies from the next request. Audited.",
    args: { data: t.arg({ type: AclRuleInput, required: true, description: "The rule." }) },
    resolve: (_query, _root, { data }, ctx) => ctx.services.access.createRule(data, auditSourceOf(ctx)),
  }),
  deleteAclRule: t.field({
    type: OkPayload,
    description: "Deletes a stored rule (the defaults in code stay). Audited.",
    args: { id: t.arg.id({ required: true, description: "The rule's id." }) },
    acl: { model: "AclRule" },
    resolve: (_root, args, ctx) => ok(ctx.services.access.deleteRule(parseIntId(args.id), auditSourceOf(ctx))),
  }),
}));
