/**
 * Roles, ACL rules and the caller's permissions. Every root field here is under the ACL (see
 * schema/acl-plugin.ts); by default only admins reach the management fields.
 */
import { AclPermission, AclPrincipalType } from "../../generated/prisma/client.ts";
import { parseIntId } from "../../lib/ids.ts";
import { auditSourceOf } from "../audit/audit.service.ts";
import { builder } from "../../schema/builder.ts";
import { guardedFields } from "../../schema/acl-plugin.ts";
import { listPermissions } from "./permissions.ts";
import * as roles from "./roles.service.ts";

export const Role = builder.prismaObject("Role", {
  description: "A static role stored in the database (Public, Authenticated, Admin or custom).",
  fields: (t) => ({
    id: t.exposeID("id"),
    documentId: t.exposeID("documentId"),
    name: t.exposeString("name"),
    description: t.exposeString("description", { nullable: true }),
    type: t.exposeString("type", {
      description: "public, authenticated, admin, or a custom role's slug. ACL rules name roles by it.",
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

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

export const OkPayload = builder.objectRef<{ ok: boolean }>("OkPayload").implement({
  fields: (t) => ({ ok: t.exposeBoolean("ok") }),
});

const RoleInput = builder.inputType("RoleInput", {
  fields: (t) => ({
    name: t.string({ required: true }),
    description: t.string(),
    type: t.string({ description: "Slug used by ACL rules; derived from the name when absent." }),
  }),
});

const RoleUpdateInput = builder.inputType("RoleUpdateInput", {
  fields: (t) => ({ name: t.string(), description: t.string() }),
});

const UsersPermissionsRoleInput = builder.inputType("UsersPermissionsRoleInput", {
  description: "Strapi's role input, for drop-in clients.",
  fields: (t) => ({ name: t.string(), description: t.string(), type: t.string() }),
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
  roles: t.prismaField({
    type: [Role],
    description: "Every static role.",
    resolve: (query, _root, _args, ctx) => roles.listRoles(ctx.prisma, query),
  }),
  role: t.prismaField({
    type: Role,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) => roles.getRole(ctx.prisma, parseIntId(args.id), query),
  }),
  aclRules: t.prismaField({
    type: [AclRule],
    description: "The stored rules (the defaults in code are not listed).",
    resolve: (_query, _root, _args, ctx) => roles.listAclRules(ctx.prisma),
  }),
  myPermissions: t.field({
    type: [Permission],
    description: "What the caller may do: every guarded field they may use, and on which records.",
    resolve: (_root, _args, ctx, info) => listPermissions(ctx.authz, ctx.viewer, guardedFields(info.schema)),
  }),
}));

const ok = async (operation: Promise<unknown>) => {
  await operation;
  return { ok: true };
};

builder.mutationFields((t) => ({
  createRole: t.prismaField({
    type: Role,
    args: { data: t.arg({ type: RoleInput, required: true }) },
    resolve: (query, _root, { data }, ctx) => roles.createRole(ctx.prisma, data, auditSourceOf(ctx), query),
  }),
  updateRole: t.prismaField({
    type: Role,
    args: { id: t.arg.id({ required: true }), data: t.arg({ type: RoleUpdateInput, required: true }) },
    resolve: (query, _root, args, ctx) => roles.updateRole(ctx.prisma, parseIntId(args.id), args.data, auditSourceOf(ctx), query),
  }),
  deleteRole: t.field({
    type: OkPayload,
    description: "Deletes a custom role; its users move to the default role.",
    args: { id: t.arg.id({ required: true }) },
    acl: { model: "Role" },
    resolve: (_root, args, ctx) => ok(roles.deleteRole(ctx.prisma, parseIntId(args.id), auditSourceOf(ctx))),
  }),
  assignRole: t.field({
    type: OkPayload,
    description: "Gives a user a further role besides their primary one.",
    args: { userId: t.arg.id({ required: true }), roleId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) =>
      ok(roles.assignRole(ctx.prisma, parseIntId(args.userId, "userId"), parseIntId(args.roleId, "roleId"), auditSourceOf(ctx))),
  }),
  unassignRole: t.field({
    type: OkPayload,
    args: { userId: t.arg.id({ required: true }), roleId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) =>
      ok(roles.unassignRole(ctx.prisma, parseIntId(args.userId, "userId"), parseIntId(args.roleId, "roleId"), auditSourceOf(ctx))),
  }),
  createAclRule: t.prismaField({
    type: AclRule,
    args: { data: t.arg({ type: AclRuleInput, required: true }) },
    resolve: (_query, _root, { data }, ctx) => roles.createAclRule(ctx.prisma, ctx.authz.resolvers, data, auditSourceOf(ctx)),
  }),
  deleteAclRule: t.field({
    type: OkPayload,
    args: { id: t.arg.id({ required: true }) },
    acl: { model: "AclRule" },
    resolve: (_root, args, ctx) => ok(roles.deleteAclRule(ctx.prisma, parseIntId(args.id), auditSourceOf(ctx))),
  }),
  createUsersPermissionsRole: t.field({
    type: OkPayload,
    description: "Strapi's name for createRole.",
    args: { data: t.arg({ type: UsersPermissionsRoleInput, required: true }) },
    resolve: (_root, { data }, ctx) => ok(roles.createRole(ctx.prisma, { ...data, name: data.name ?? "" }, auditSourceOf(ctx))),
  }),
  updateUsersPermissionsRole: t.field({
    type: OkPayload,
    description: "Strapi's name for updateRole.",
    args: { id: t.arg.id({ required: true }), data: t.arg({ type: UsersPermissionsRoleInput, required: true }) },
    acl: { model: "Role" },
    resolve: (_root, args, ctx) => ok(roles.updateRole(ctx.prisma, parseIntId(args.id), args.data, auditSourceOf(ctx))),
  }),
  deleteUsersPermissionsRole: t.field({
    type: OkPayload,
    description: "Strapi's name for deleteRole.",
    args: { id: t.arg.id({ required: true }) },
    acl: { model: "Role" },
    resolve: (_root, args, ctx) => ok(roles.deleteRole(ctx.prisma, parseIntId(args.id), auditSourceOf(ctx))),
  }),
}));
