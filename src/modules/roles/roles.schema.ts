/**
 * Roles and role membership. Every root field here is under the ACL (see access/acl-plugin.ts); by
 * default only admins reach them.
 */
import { parseIntId } from "../../lib/ids.ts";
import { auditSourceOf } from "../audit/audit.service.ts";
import { builder } from "../../schema/builder.ts";
import { ok, OkPayload } from "../../schema/payloads.ts";

export const Role = builder.prismaObject("Role", {
  description: "A static role stored in the database (Public, Authenticated, Admin or custom).",
  fields: (t) => ({
    id: t.exposeID("id", { description: "Numeric role id." }),
    documentId: t.exposeID("documentId", { description: "Strapi 5's stable document id." }),
    name: t.exposeString("name", { description: "Display name." }),
    description: t.exposeString("description", { nullable: true, description: "What the role is for." }),
    type: t.exposeString("type", {
      description: "public, authenticated, admin, or a custom role's slug. ACL rules name roles by it.",
    }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the role was created." }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When the role last changed." }),
  }),
});

const RoleInput = builder.inputType("RoleInput", {
  description: "A new custom role.",
  fields: (t) => ({
    name: t.string({ required: true, description: "Display name; unique." }),
    description: t.string({ description: "What the role is for." }),
    type: t.string({ description: "Slug used by ACL rules; derived from the name when absent." }),
  }),
});

const RoleUpdateInput = builder.inputType("RoleUpdateInput", {
  description: "Changes to a role; its type (the slug rules name) never changes.",
  fields: (t) => ({
    name: t.string({ description: "New display name." }),
    description: t.string({ description: "New description." }),
  }),
});

const UsersPermissionsRoleInput = builder.inputType("UsersPermissionsRoleInput", {
  description: "Strapi's role input, for drop-in clients.",
  fields: (t) => ({
    name: t.string({ description: "Display name (required when creating)." }),
    description: t.string({ description: "What the role is for." }),
    type: t.string({ description: "Slug used by ACL rules; derived from the name when absent." }),
  }),
});

builder.queryFields((t) => ({
  roles: t.prismaField({
    type: [Role],
    description: "Every static role.",
    resolve: (query, _root, _args, ctx) => ctx.services.roles.list(query),
  }),
  role: t.prismaField({
    type: Role,
    description: "One role by id; NOT_FOUND when there is none.",
    args: { id: t.arg.id({ required: true, description: "The role's id." }) },
    resolve: (query, _root, args, ctx) => ctx.services.roles.get(parseIntId(args.id), query),
  }),
}));

builder.mutationFields((t) => ({
  createRole: t.prismaField({
    type: Role,
    description: "Creates a custom role. Audited.",
    args: { data: t.arg({ type: RoleInput, required: true, description: "The new role." }) },
    resolve: (query, _root, { data }, ctx) => ctx.services.roles.create(data, auditSourceOf(ctx), query),
  }),
  updateRole: t.prismaField({
    type: Role,
    description: "Renames or redescribes a role. Audited.",
    args: {
      id: t.arg.id({ required: true, description: "The role's id." }),
      data: t.arg({ type: RoleUpdateInput, required: true, description: "What changes." }),
    },
    resolve: (query, _root, args, ctx) => ctx.services.roles.update(parseIntId(args.id), args.data, auditSourceOf(ctx), query),
  }),
  deleteRole: t.field({
    type: OkPayload,
    description: "Deletes a custom role; its users move to the default role.",
    args: { id: t.arg.id({ required: true, description: "The role's id." }) },
    acl: { model: "Role" },
    resolve: (_root, args, ctx) => ok(ctx.services.roles.delete(parseIntId(args.id), auditSourceOf(ctx))),
  }),
  assignRole: t.field({
    type: OkPayload,
    description: "Gives a user a further role besides their primary one.",
    args: {
      userId: t.arg.id({ required: true, description: "The user's id." }),
      roleId: t.arg.id({ required: true, description: "The role's id." }),
    },
    resolve: (_root, args, ctx) =>
      ok(ctx.services.roles.assign(parseIntId(args.userId, "userId"), parseIntId(args.roleId, "roleId"), auditSourceOf(ctx))),
  }),
  unassignRole: t.field({
    type: OkPayload,
    description: "Takes a further role away from a user (the primary role stays).",
    args: {
      userId: t.arg.id({ required: true, description: "The user's id." }),
      roleId: t.arg.id({ required: true, description: "The role's id." }),
    },
    resolve: (_root, args, ctx) =>
      ok(ctx.services.roles.unassign(parseIntId(args.userId, "userId"), parseIntId(args.roleId, "roleId"), auditSourceOf(ctx))),
  }),
  createUsersPermissionsRole: t.field({
    type: OkPayload,
    description: "Strapi's name for createRole.",
    args: { data: t.arg({ type: UsersPermissionsRoleInput, required: true, description: "The new role." }) },
    resolve: (_root, { data }, ctx) => ok(ctx.services.roles.create({ ...data, name: data.name ?? "" }, auditSourceOf(ctx))),
  }),
  updateUsersPermissionsRole: t.field({
    type: OkPayload,
    description: "Strapi's name for updateRole.",
    args: {
      id: t.arg.id({ required: true, description: "The role's id." }),
      data: t.arg({ type: UsersPermissionsRoleInput, required: true, description: "What changes." }),
    },
    acl: { model: "Role" },
    resolve: (_root, args, ctx) => ok(ctx.services.roles.update(parseIntId(args.id), args.data, auditSourceOf(ctx))),
  }),
  deleteUsersPermissionsRole: t.field({
    type: OkPayload,
    description: "Strapi's name for deleteRole.",
    args: { id: t.arg.id({ required: true, description: "The role's id." }) },
    acl: { model: "Role" },
    resolve: (_root, args, ctx) => ok(ctx.services.roles.delete(parseIntId(args.id), auditSourceOf(ctx))),
  }),
}));
