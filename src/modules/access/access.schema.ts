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

builder.enumType(AclPrincipalType, { name: "AclPrincipalType" });
builder.enumType(AclPermission, { name: "AclPermission" });

const AclRule = builder.prismaObject("AclRule", {
  description: "A stored access rule; merged with the defaults in code (docs/authorization.md).",
  fields: (t) => ({
    id: t.exposeID("id"),
    resource: t.exposeString("resource", { description: "Schema coordinate, Type.* or *." }),
    accessType: t.exposeString("accessType", { description: "READ, WRITE, EXECUTE or *." }),
    principalType: t.expose("principalType", { type: AclPrincipalType }),
    principalId: t.exposeString("principalId", {
      description: "A role's type or name (static, or dynamic such as $owner), or a user id.",
    }),
    permission: t.expose("permission", { type: AclPermission }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

const PermissionScope = builder.enumType("PermissionScope", {
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
      resource: t.exposeString("resource"),
      accessType: t.exposeString("accessType"),
      scope: t.expose("scope", { type: PermissionScope }),
    }),
  });

const AclRuleInput = builder.inputType("AclRuleInput", {
  fields: (t) => ({
    resource: t.string({ required: true }),
    accessType: t.string({ required: true, defaultValue: "*" }),
    principalType: t.field({ type: AclPrincipalType, required: true }),
    principalId: t.string({ required: true }),
    permission: t.field({ type: AclPermission, required: true }),
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
      listPermissions(ctx.authz, ctx.viewer, guardedFields(info.schema), (await ctx.downstreamPermissions?.()) ?? []),
  }),
}));

builder.mutationFields((t) => ({
  createAclRule: t.prismaField({
    type: AclRule,
    args: { data: t.arg({ type: AclRuleInput, required: true }) },
    resolve: (_query, _root, { data }, ctx) => ctx.services.access.createRule(data, auditSourceOf(ctx)),
  }),
  deleteAclRule: t.field({
    type: OkPayload,
    args: { id: t.arg.id({ required: true }) },
    acl: { model: "AclRule" },
    resolve: (_root, args, ctx) => ok(ctx.services.access.deleteRule(parseIntId(args.id), auditSourceOf(ctx))),
  }),
}));
