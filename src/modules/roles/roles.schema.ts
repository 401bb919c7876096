/**
 * Roles and role membership. Every root field here is under the ACL (see access/acl-plugin.ts); by
 * default only admins reach them.
 */
import { parseIntId } from "../../lib/ids.ts";
import { auditSourceOf } from "../audit/audit.service.ts";
import { builder } from "../../schema/builder.ts";

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

builder.queryFields((t) => ({
  roles: t.prismaField({
    type: [Role],
    description: "Every static role.",
    resolve: (query, _root, _args, ctx) => ctx.services.roles.list(query),
  }),
  role: t.prismaField({
    type: Role,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) => ctx.services.roles.get(parseIntId(args.id), query),
  }),
}));

export const ok = async (operation: Promise<unknown>) => {
  await operation;
  return { ok: true };
};

builder.mutationFields((t) => ({
  createRole: t.prismaField({
    type: Role,
    args: { data: t.arg({ type: RoleInput, required: true }) },
    resolve: (query, _root, { data }, ctx) => ctx.services.roles.create(data, auditSourceOf(ctx), query),
  }),
  updateRole: t.prismaField({
    type: Role,
    args: { id: t.arg.id({ required: true }), data: t.arg({ type: RoleUpdateInput, required: true }) },
    resolve: (query, _root, args, ctx) => ctx.services.roles.update(parseIntId(args.id), args.data, auditSourceOf(ctx), query),
  }),
  deleteRole: t.field({
    type: OkPayload,
    description: "Deletes a custom role; its users move to the default role.",
    args: { id: t.arg.id({ required: true }) },
    acl: { model: "Role" },
    resolve: (_root, args, ctx) => ok(ctx.services.roles.delete(parseIntId(args.id), auditSourceOf(ctx))),
  }),
  assignRole: t.field({
    type: OkPayload,
    description: "Gives a user a further role besides their primary one.",
    args: { userId: t.arg.id({ required: true }), roleId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) =>
      ok(ctx.services.roles.assign(parseIntId(args.userId, "userId"), parseIntId(args.roleId, "roleId"), auditSourceOf(ctx))),
  }),
  unassignRole: t.field({
    type: OkPayload,
    args: { userId: t.arg.id({ required: true }), roleId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) =>
      ok(ctx.services.roles.unassign(parseIntId(args.userId, "userId"), parseIntId(args.roleId, "roleId"), auditSourceOf(ctx))),
  }),
  createUsersPermissionsRole: t.field({
    type: OkPayload,
    description: "Strapi's name for createRole.",
    args: { data: t.arg({ type: UsersPermissionsRoleInput, required: true }) },
    resolve: (_root, { data }, ctx) => ok(ctx.services.roles.create({ ...data, name: data.name ?? "" }, auditSourceOf(ctx))),
  }),
  updateUsersPermissionsRole: t.field({
    type: OkPayload,
    description: "Strapi's name for updateRole.",
    args: { id: t.arg.id({ required: true }), data: t.arg({ type: UsersPermissionsRoleInput, required: true }) },
    acl: { model: "Role" },
    resolve: (_root, args, ctx) => ok(ctx.services.roles.update(parseIntId(args.id), args.data, auditSourceOf(ctx))),
  }),
  deleteUsersPermissionsRole: t.field({
    type: OkPayload,
    description: "Strapi's name for deleteRole.",
    args: { id: t.arg.id({ required: true }) },
    acl: { model: "Role" },
    resolve: (_root, args, ctx) => ok(ctx.services.roles.delete(parseIntId(args.id), auditSourceOf(ctx))),
  }),
}));
