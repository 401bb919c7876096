/**
 * The permission matrix of the admin page (Strapi's tick per action) and "who may call this field?",
 * over the same engine a request uses (role-permissions.ts). Admins only by default, like every root field.
 */
import { parseIntId } from "../../lib/ids.ts";
import { builder } from "../../schema/builder.ts";
import { auditSourceOf } from "../audit/audit.service.ts";
import type { GatehouseContext } from "../../context.ts";
import type { GraphQLSchema } from "graphql";
import type { FieldAccess as FieldAccessRecord, MatrixScope } from "./access.service.ts";
import { AclPermissionEnum, AclPrincipalTypeEnum, PermissionScope } from "./access.schema.ts";
import { guardedFields } from "./acl-plugin.ts";
import { defaultRulesOf } from "./default-rules.ts";
import type { DecidingRule as DecidingRuleRecord, FieldDecision } from "./role-permissions.ts";

const scopeOf = (ctx: GatehouseContext, schema: GraphQLSchema): MatrixScope => ({
  localFields: guardedFields(schema),
  defaultRules: defaultRulesOf(schema),
  downstream: ctx.downstream,
});

const PermissionSource = builder.enumType("PermissionSource", {
  description: "Where a decision comes from.",
  values: {
    DEFAULT: { description: "A rule in code: the field's own default or the admin role's wildcard." },
    STORED: { description: "A rule an admin stored (listed by aclRules)." },
    NONE: {
      description: "No rule decides: refused (in gateway mode a downstream field no rule names follows GATEWAY_DEFAULT_ACCESS).",
    },
  },
});

const DecidingRule = builder.objectRef<DecidingRuleRecord>("DecidingRule").implement({
  description: "The rule that decided, default or stored.",
  fields: (t) => ({
    resource: t.exposeString("resource", { description: "Schema coordinate, Type.* or *." }),
    accessType: t.exposeString("accessType", { description: "READ, WRITE, EXECUTE or *." }),
    principalType: t.expose("principalType", { type: AclPrincipalTypeEnum, description: "Whether principalId names a role or a user." }),
    principalId: t.exposeString("principalId", { description: "A role's type, a dynamic role such as $owner, or a user id." }),
    permission: t.expose("permission", { type: AclPermissionEnum, description: "Allow or deny." }),
    storedRuleId: t.id({
      nullable: true,
      description: "The stored rule's id (for deleteAclRule); null for a rule in code.",
      resolve: (rule) => (rule.storedRuleId === null ? null : String(rule.storedRuleId)),
    }),
  }),
});

/** What the matrix's cells and "who may call this field?" share. */
const PermissionDecision = builder.interfaceRef<FieldDecision>("PermissionDecision").implement({
  description: "A guarded field as decided for one principal.",
  fields: (t) => ({
    resource: t.exposeString("resource", { description: "The field's schema coordinate, such as Query.users." }),
    accessType: t.exposeString("accessType", { description: "READ (queries and fields) or WRITE (mutations)." }),
    downstream: t.exposeBoolean("downstream", { description: "A downstream subgraph's field (gateway mode)." }),
    allowed: t.boolean({ description: "Allowed on any record.", resolve: (decision) => decision.scope === "ALL" }),
    scope: t.field({
      type: PermissionScope,
      nullable: true,
      description: "ALL, OWN (only on the user's own records), or null when refused.",
      resolve: (decision) => decision.scope,
    }),
    source: t.expose("source", { type: PermissionSource, description: "Where the decision comes from." }),
    rule: t.field({ type: DecidingRule, nullable: true, description: "The deciding rule; null when none matched.", resolve: (decision) => decision.rule }),
  }),
});

const RolePermission = builder.objectRef<FieldDecision>("RolePermission").implement({
  description: "A guarded field as decided for a user of the role: a cell of the permission matrix.",
  interfaces: [PermissionDecision],
  fields: (t) => ({
    typeName: t.string({ description: "The type the field belongs to (the matrix's group).", resolve: (decision) => decision.resource.split(".")[0]! }),
    fieldName: t.string({ description: "The field's name.", resolve: (decision) => decision.resource.split(".")[1]! }),
  }),
});

const FieldAccess = builder.objectRef<FieldAccessRecord>("FieldAccess").implement({
  description: "Whether one role's users, or one user a rule names, may call a field.",
  interfaces: [PermissionDecision],
  fields: (t) => ({
    principalType: t.expose("principalType", { type: AclPrincipalTypeEnum, description: "A role (its users) or one user." }),
    principalId: t.exposeString("principalId", { description: "The role's type or the user's id." }),
    name: t.exposeString("name", { description: "The role's name or the user's username." }),
  }),
});

builder.queryFields((t) => ({
  rolePermissions: t.field({
    type: [RolePermission],
    description:
      "Every guarded field (and, in gateway mode, every downstream one) as decided for a user of the role, with where each decision comes from.",
    args: { roleId: t.arg.id({ required: true, description: "The role's id." }) },
    resolve: (_root, args, ctx, info) => ctx.services.access.rolePermissions(parseIntId(args.roleId), scopeOf(ctx, info.schema)),
  }),
  fieldAccess: t.field({
    type: [FieldAccess],
    description: "Who may call a field: a user of each role, and each user a stored rule names.",
    args: {
      resource: t.arg.string({ required: true, description: "The field's schema coordinate, such as Mutation.updateUser." }),
      accessType: t.arg.string({ description: "READ or WRITE; defaults to the field's own." }),
    },
    resolve: (_root, args, ctx, info) => ctx.services.access.fieldAccess(args, scopeOf(ctx, info.schema)),
  }),
}));

builder.mutationFields((t) => ({
  setRolePermission: t.field({
    type: RolePermission,
    description:
      "Ticks or unticks a field for a role: stores, flips or drops the role's own rule so that its users are allowed (on any record) or refused. Audited.",
    args: {
      roleId: t.arg.id({ required: true, description: "The role's id." }),
      resource: t.arg.string({ required: true, description: "The field's schema coordinate." }),
      accessType: t.arg.string({ description: "READ or WRITE; defaults to the field's own." }),
      allowed: t.arg.boolean({ required: true, description: "True to allow on any record, false to refuse." }),
    },
    resolve: (_root, args, ctx, info) =>
      ctx.services.access.setRolePermission({ ...args, roleId: parseIntId(args.roleId) }, scopeOf(ctx, info.schema), auditSourceOf(ctx)),
  }),
}));
