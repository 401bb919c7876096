/**
 * Users: the User type, the admin's list and updates, and `updateMe`. Every root field is under the ACL;
 * `User.email` is too, so a caller sees only their own email unless a rule (Admin's wildcard) says more.
 */
import { forbidden, unauthenticated } from "../../errors.ts";
import { parseIntId } from "../../lib/ids.ts";
import { builder } from "../../schema/builder.ts";
import { ok, OkPayload } from "../../schema/payloads.ts";
import { DynamicRole } from "../access/acl.ts";
import { onAnyAccess } from "../access/acl-plugin.ts";
import { pageInfoFields } from "../../schema/pages.ts";
import { auditSourceOf } from "../audit/audit.service.ts";
import { Role } from "../roles/roles.schema.ts";
import { MAX_PAGE_SIZE, type UserPage as UserPageShape } from "./users.service.ts";

export const User = builder.prismaObject("User", {
  description: "An account.",
  // Only the columns a query asks for (each exposed field adds its own): never the password hash.
  select: { id: true },
  fields: (t) => ({
    id: t.exposeID("id", { description: "Numeric user id; the entity key other subgraphs use." }),
    documentId: t.exposeID("documentId", { description: "Strapi 5's stable document id." }),
    username: t.exposeString("username", { description: "Unique, case-insensitively." }),
    email: t.exposeString("email", {
      nullable: true,
      description: "Null unless the caller may read it (by default: the user themselves and admins).",
      acl: { allow: [onAnyAccess(DynamicRole.OWNER)] },
      unauthorizedResolver: () => null,
    }),
    provider: t.exposeString("provider", { description: "How the account signs in: local (password)." }),
    confirmed: t.exposeBoolean("confirmed", { description: "Whether the email address has been confirmed." }),
    blocked: t.exposeBoolean("blocked", { description: "Blocked users cannot sign in." }),
    profile: t.field({
      type: "JSONObject",
      description: "Extra profile fields (settings.registerAllowedFields).",
      select: { profile: true },
      // Always an object: the column defaults to {} and every writer stores an object.
      resolve: (user) => user.profile as Record<string, unknown>,
    }),
    role: t.relation("primaryRole", { description: "The primary role (Strapi's `role`)." }),
    roles: t.field({
      type: [Role],
      description: "Every static role of the user: the primary one first, then further ones.",
      select: { primaryRole: true, roles: { select: { role: true }, orderBy: { roleId: "asc" } } },
      resolve: (user) => [user.primaryRole, ...user.roles.map((membership) => membership.role)],
    }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the account was created." }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When the account last changed." }),
  }),
});

/**
 * `User` is the entity other subgraphs extend (`User.posts`). Looking one up by key is authorized exactly as
 * `Query.user(id:)` is (by default: one's own record, and admins), so `_entities` is no way around the ACL;
 * its fields then answer as everywhere else (`User.email` only for the owner).
 */
builder.asEntity(User, {
  key: builder.selection<{ id: string }>("id"),
  resolveReference: async ({ id: key }, ctx) => {
    const id = parseIntId(key);
    const { allowed } = await ctx.authz.check(
      { resource: "Query.user", accessType: "READ" },
      { kind: "record", model: "User", id },
      { id: key },
    );
    if (!allowed) throw ctx.viewer ? forbidden("Not allowed to access Query.user") : unauthenticated("Sign in to access Query.user");
    // As Query.user: NOT_FOUND, told only to callers the rule lets look.
    return ctx.services.users.get(id);
  },
});

const UserPage = builder.objectRef<UserPageShape>("UserPage").implement({
  description: "One page of users.",
  fields: (t) => ({
    nodes: t.prismaField({
      type: [User],
      description: "The users on this page.",
      resolve: (query, page, _args, ctx) => ctx.services.users.loadMany(page.nodes.map((node) => node.id), query),
    }),
    ...pageInfoFields(t, "Users matching the filter, over all pages."),
  }),
});

const UsersFilter = builder.inputType("UsersFilter", {
  description: "Every field is optional; given fields must all match.",
  fields: (t) => ({
    role: t.string({ description: "A role's id or type (primary or further role)." }),
    blocked: t.boolean({ description: "Only blocked (true) or only unblocked (false) users." }),
    confirmed: t.boolean({ description: "Only confirmed (true) or only unconfirmed (false) users." }),
    text: t.string({
      description: "Case-insensitive part of the username, or of the email for callers who may read every email.",
    }),
  }),
});

const UserUpdateInput = builder.inputType("UserUpdateInput", {
  description: "An admin's changes to a user; fields left out keep their value.",
  fields: (t) => ({
    username: t.string({ description: "New username (identity rules apply)." }),
    email: t.string({ description: "New email address; spends the user's outstanding reset and confirmation codes." }),
    blocked: t.boolean({ description: "Blocking also revokes the user's sessions." }),
    confirmed: t.boolean({ description: "Marks the email address confirmed or not." }),
    primaryRoleId: t.id({ description: "Id of the new primary role." }),
    profile: t.field({ type: "JSONObject", description: "Replaces the profile fields." }),
  }),
});

const UserCreateInput = builder.inputType("UserCreateInput", {
  description: "An account created by an admin, as in Strapi's admin panel.",
  fields: (t) => ({
    username: t.string({ required: true, description: "Unique case-insensitively; the shared identity rules apply." }),
    email: t.string({ required: true, description: "Stored lower-cased; unique." }),
    password: t.string({
      description: "Checked by the password policy. Omitted: the user is emailed a link to set their password (a reset code), unless blocked.",
    }),
    confirmed: t.boolean({ description: "Default false, as in Strapi." }),
    blocked: t.boolean({ description: "Default false." }),
    role: t.id({ description: "The primary role, by id or type; the default role (settings) when omitted." }),
    profile: t.field({ type: "JSONObject", description: "Profile fields (any: an admin sets them)." }),
  }),
});

const UpdateMeInput = builder.inputType("UpdateMeInput", {
  description: "What a user may change on their own account.",
  fields: (t) => ({
    username: t.string({ description: "New username (identity rules apply)." }),
    profile: t.field({ type: "JSONObject", description: "Only fields allowed by settings (registerAllowedFields)." }),
  }),
});

builder.queryFields((t) => ({
  users: t.field({
    type: UserPage,
    description: `Users in id order; at most ${MAX_PAGE_SIZE} per page.`,
    args: {
      first: t.arg.int({ description: `Page size, 1 to ${MAX_PAGE_SIZE}.` }),
      after: t.arg.string({ description: "`endCursor` of the previous page." }),
      offset: t.arg.int({ description: "Users to skip (instead of after)." }),
      filter: t.arg({ type: UsersFilter, description: "Which users; all of them when left out." }),
    },
    acl: { model: "User" },
    resolve: async (_root, args, ctx) => {
      // Allowed on any record, not merely $owner: searching is over everybody's emails.
      const { allowed } = await ctx.authz.check({ resource: "User.email", accessType: "READ" });
      return ctx.services.users.findPage({ ...args.filter, searchEmail: allowed }, args);
    },
  }),
  viewer: t.prismaField({
    type: User,
    nullable: true,
    description: "The caller as the User entity other subgraphs extend (`viewer { posts { title } }`); null when anonymous.",
    // Like `me`, but anonymous callers get null rather than an error, so everyone may ask.
    acl: { allow: [DynamicRole.EVERYONE] },
    resolve: (query, _root, _args, ctx) => (ctx.viewer ? ctx.services.users.get(ctx.viewer.userId, query) : null),
  }),
  user: t.prismaField({
    type: User,
    description: "One user by id: by default one's own record, and any for admins; NOT_FOUND when there is none.",
    acl: { allow: [onAnyAccess(DynamicRole.OWNER)] },
    args: { id: t.arg.id({ required: true, description: "The user's id." }) },
    resolve: (query, _root, args, ctx) => ctx.services.users.get(parseIntId(args.id), query),
  }),
}));

builder.mutationFields((t) => ({
  createUser: t.prismaField({
    type: User,
    description: "Creates an account (admins). Audited as USER_CREATED.",
    args: { data: t.arg({ type: UserCreateInput, required: true, description: "The new account." }) },
    resolve: async (query, _root, { data }, ctx) => {
      const { user } = await ctx.services.auth.createUser(data, auditSourceOf(ctx));
      return ctx.services.users.get(user.id, query);
    },
  }),
  updateUser: t.prismaField({
    type: User,
    description: "An admin changes a user (username, email, blocked, confirmed, primary role, profile). Audited.",
    args: {
      id: t.arg.id({ required: true, description: "The user's id." }),
      data: t.arg({ type: UserUpdateInput, required: true, description: "What changes." }),
    },
    resolve: (query, _root, { id, data }, ctx) =>
      ctx.services.users.update(
        parseIntId(id),
        { ...data, primaryRoleId: data.primaryRoleId == null ? null : parseIntId(data.primaryRoleId, "primaryRoleId") },
        auditSourceOf(ctx),
        query,
      ),
  }),
  deleteUser: t.field({
    type: OkPayload,
    description: "Deletes a user and their sessions. Audited.",
    args: { id: t.arg.id({ required: true, description: "The user's id." }) },
    acl: { model: "User" },
    resolve: (_root, args, ctx) => ok(ctx.services.users.delete(parseIntId(args.id), auditSourceOf(ctx))),
  }),
  unlockUser: t.field({
    type: OkPayload,
    description: "Lifts the failed sign-in lockout of a user, from every IP. Admin only unless a rule allows it.",
    args: { id: t.arg.id({ required: true, description: "The user's id." }) },
    acl: { model: "User" },
    resolve: (_root, args, ctx) => ok(ctx.services.users.unlock(parseIntId(args.id), auditSourceOf(ctx))),
  }),
  revokeUserSessions: t.field({
    type: OkPayload,
    description:
      "Ends every session of the user; their access tokens stop working within the change feed's bound. Audited.",
    args: { id: t.arg.id({ required: true, description: "The user's id." }) },
    acl: { model: "User" },
    resolve: (_root, args, ctx) => ok(ctx.services.users.revokeSessions(parseIntId(args.id), auditSourceOf(ctx))),
  }),
  updateMe: t.prismaField({
    type: User,
    description: "The signed-in user changes their own username or profile.",
    acl: { allow: [onAnyAccess(DynamicRole.AUTHENTICATED)] },
    args: { data: t.arg({ type: UpdateMeInput, required: true, description: "What changes." }) },
    resolve: (query, _root, { data }, ctx) => {
      if (!ctx.viewer) throw unauthenticated();
      return ctx.services.users.updateSelf(ctx.viewer.userId, data, query);
    },
  }),
}));
