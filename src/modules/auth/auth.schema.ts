/**
 * Strapi-compatible authentication surface (users-permissions), plus refresh sessions. Names, arguments
 * and nullability follow Strapi's GraphQL API so its front-ends work unchanged; additions are optional.
 */
import type { GatehouseContext } from "../../context.ts";
import { failure, unauthenticated } from "../../errors.ts";
import { builder } from "../../schema/builder.ts";
import { ok } from "../../schema/payloads.ts";
import { DynamicRole } from "../access/acl.ts";
import { onAnyAccess } from "../access/acl-plugin.ts";
import { AuthFailure } from "./failures.ts";
import type { Page } from "../../lib/pages.ts";
import { pageInfoFields } from "../../schema/pages.ts";
import type { AuthResult, MeUser, RequestMeta } from "./auth.service.ts";
import { MAX_SESSIONS_PAGE } from "./session.flow.ts";

/**
 * What a caller needs before having a session. `$everyone` rather than the Public role: a client holding
 * a stale access token must still be able to sign in again or refresh.
 */
const beforeSignIn = { allow: [DynamicRole.EVERYONE] };
/** A public auth mutation: open to everyone, rate limited per IP and identifier, once per operation. */
export const publicAuthMutation = { acl: beforeSignIn, rateLimit: true } as const;
/** What every signed-in user may do on their own account. */
export const signedIn = { allow: [onAnyAccess(DynamicRole.AUTHENTICATED)] };

export function requestMeta(ctx: GatehouseContext): RequestMeta {
  return { ip: ctx.ip, userAgent: ctx.userAgent, browserSession: ctx.cookies.enabled };
}

export function requireViewer(ctx: GatehouseContext) {
  if (!ctx.viewer) throw unauthenticated();
  return ctx.viewer;
}

/** In cookie mode the refresh token travels only in an HttpOnly cookie, never in the body. */
export function deliver(ctx: GatehouseContext, result: AuthResult): AuthResult {
  if (!ctx.cookies.enabled || result.refreshToken === null) return result;
  ctx.cookies.setRefreshToken(result.refreshToken);
  return { ...result, refreshToken: null };
}

const MeRole = builder.objectRef<MeUser["primaryRole"]>("UsersPermissionsMeRole").implement({
  description: "The signed-in user's primary role, as Strapi returns it.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "The role's id." }),
    name: t.exposeString("name", { description: "Display name, such as Authenticated." }),
    description: t.exposeString("description", { nullable: true, description: "What the role is for." }),
    type: t.exposeString("type", { nullable: true, description: "Stable slug that rules name: public, authenticated, admin, or a custom one." }),
  }),
});

export const Me = builder.objectRef<MeUser>("UsersPermissionsMe").implement({
  description: "The signed-in user, as Strapi's users-permissions plugin returns it.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "Numeric user id (Strapi's id)." }),
    documentId: t.exposeID("documentId", { description: "Strapi 5's stable document id." }),
    username: t.exposeString("username", { description: "Unique, case-insensitively." }),
    email: t.exposeString("email", { nullable: true, description: "Lower-cased email address." }),
    confirmed: t.exposeBoolean("confirmed", { nullable: true, description: "Whether the email address has been confirmed." }),
    blocked: t.exposeBoolean("blocked", { nullable: true, description: "Whether an admin has blocked the account; blocked users cannot sign in." }),
    role: t.field({ type: MeRole, nullable: true, description: "The user's primary role.", resolve: (user) => user.primaryRole }),
  }),
});

export const LoginPayload = builder.objectRef<AuthResult>("UsersPermissionsLoginPayload").implement({
  description: "What a sign-in flow returns: the access token (`jwt`), the refresh token and the user.",
  fields: (t) => ({
    jwt: t.exposeString("jwt", { nullable: true, description: "Null while email confirmation is pending." }),
    refreshToken: t.exposeString("refreshToken", {
      nullable: true,
      description: "Rotating refresh token (refresh mode; null in legacy and cookie modes).",
    }),
    user: t.field({ type: Me, description: "The user who signed in (or registered).", resolve: (result) => result.user }),
  }),
});

const PasswordPayload = builder.objectRef<{ ok: boolean }>("UsersPermissionsPasswordPayload").implement({
  description: "Strapi's answer to flows that return no token.",
  fields: (t) => ({ ok: t.exposeBoolean("ok", { description: "True when the request was accepted." }) }),
});

const RefreshPayload = builder
  .objectRef<{ jwt: string; refreshToken: string | null }>("UsersPermissionsRefreshPayload")
  .implement({
    description: "A new token pair from refresh.",
    fields: (t) => ({
      jwt: t.exposeString("jwt", { description: "A new access token; send it as `Authorization: Bearer <jwt>`." }),
      refreshToken: t.exposeString("refreshToken", { nullable: true, description: "Null in cookie mode." }),
    }),
  });

const RegisterInput = builder.inputType("UsersPermissionsRegisterInput", {
  description: "A new account's credentials.",
  fields: (t) => ({
    username: t.string({ required: true, description: "3 to 64 characters, no @, whitespace or invisible characters; unique case-insensitively." }),
    email: t.string({ required: true, description: "Email address; stored lower-cased." }),
    password: t.string({ required: true, description: "Checked against the password policy (length and strength)." }),
    profile: t.field({
      type: "JSONObject",
      required: false,
      description: "Extra profile fields; only those listed in settings.registerAllowedFields are accepted.",
    }),
  }),
});

const LoginInput = builder.inputType("UsersPermissionsLoginInput", {
  description: "Credentials for login.",
  fields: (t) => ({
    identifier: t.string({ required: true, description: "Email (case-insensitive) or username." }),
    password: t.string({ required: true, description: "The account's password." }),
    provider: t.string({ required: true, defaultValue: "local", description: "Strapi's provider name; only local is supported." }),
  }),
});

type SessionRow = { id: string; createdAt: Date; lastUsedAt: Date; expiresAt: Date; userAgent: string | null; current: boolean };
type SessionPageShape = Page<SessionRow>;
const Session = builder.objectRef<SessionRow>("Session").implement({
  description: "A signed-in session of the current user (one refresh token family).",
  fields: (t) => ({
    id: t.exposeID("id", { description: "Pass to revokeSession to end it." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the user signed in." }),
    lastUsedAt: t.expose("lastUsedAt", { type: "DateTime", description: "When its refresh token was last used." }),
    expiresAt: t.expose("expiresAt", { type: "DateTime", description: "When it ends at the latest, unless refreshed or revoked first." }),
    userAgent: t.exposeString("userAgent", { nullable: true, description: "The User-Agent it was started with." }),
    current: t.exposeBoolean("current", { description: "Whether this request was made with this session." }),
  }),
});

const SessionPage = builder.objectRef<SessionPageShape>("SessionPage").implement({
  description: "One page of the current user's open sessions, most recently used first.",
  fields: (t) => ({
    nodes: t.field({ type: [Session], description: "The sessions on this page.", resolve: (page) => page.nodes }),
    ...pageInfoFields(t, "Open sessions, over all pages."),
  }),
});

builder.queryFields((t) => ({
  me: t.field({
    type: Me,
    description: "The signed-in user (Strapi's `me`); refused with UNAUTHENTICATED without a valid access token.",
    acl: signedIn,
    nullable: true,
    resolve: (_root, _args, ctx) => ctx.services.auth.getUser(requireViewer(ctx).userId),
  }),
  sessions: t.field({
    type: SessionPage,
    description: `The current user's open sessions, most recently used first; at most ${MAX_SESSIONS_PAGE} per page (default 25).`,
    acl: signedIn,
    args: {
      first: t.arg.int({ description: `Page size, 1 to ${MAX_SESSIONS_PAGE} (default 25).` }),
      after: t.arg.string({ description: "`endCursor` of the previous page." }),
    },
    resolve: async (_root, args, ctx) => {
      const viewer = requireViewer(ctx);
      const page = await ctx.services.auth.listSessions(viewer.userId, args);
      return { ...page, nodes: page.nodes.map((session) => ({ ...session, current: session.id === viewer.sessionId })) };
    },
  }),
}));

builder.mutationFields((t) => ({
  login: t.field({
    type: LoginPayload,
    ...publicAuthMutation,
    description: "Signs in with a username or email and a password; rate limited, and locks the account after repeated failures.",
    args: { input: t.arg({ type: LoginInput, required: true, description: "The credentials." }) },
    resolve: async (_root, { input }, ctx) => deliver(ctx, await ctx.services.auth.login(input, requestMeta(ctx))),
  }),
  register: t.field({
    type: LoginPayload,
    ...publicAuthMutation,
    description: "Creates an account with the default role (settings.allowRegister); signs it in unless settings.emailConfirmation asks for the emailed code first.",
    args: { input: t.arg({ type: RegisterInput, required: true, description: "The new account." }) },
    resolve: async (_root, { input }, ctx) => {
      const { profile, ...credentials } = input;
      const result = await ctx.services.auth.register({ ...credentials, extra: profile ?? {} }, requestMeta(ctx));
      return deliver(ctx, result);
    },
  }),
  forgotPassword: t.field({
    type: PasswordPayload,
    ...publicAuthMutation,
    nullable: true,
    description: "Emails a password reset code. Always answers ok: true, whether or not the address belongs to an account.",
    args: { email: t.arg.string({ required: true, description: "The account's email address." }) },
    resolve: (_root, { email }, ctx) => ok(ctx.services.auth.forgotPassword(email, requestMeta(ctx))),
  }),
  resetPassword: t.field({
    type: LoginPayload,
    ...publicAuthMutation,
    nullable: true,
    description: "Sets a new password with the code from the reset email, ends every session and signs in.",
    args: {
      password: t.arg.string({ required: true, description: "The new password (password policy applies)." }),
      passwordConfirmation: t.arg.string({ required: true, description: "The new password again." }),
      code: t.arg.string({ required: true, description: "The code from the reset email (single use, expires)." }),
    },
    resolve: async (_root, args, ctx) => deliver(ctx, await ctx.services.auth.resetPassword(args, requestMeta(ctx))),
  }),
  changePassword: t.field({
    type: LoginPayload,
    acl: signedIn,
    rateLimit: true,
    nullable: true,
    description: "Changes the signed-in user's password: ends every session and starts a new one.",
    args: {
      currentPassword: t.arg.string({ required: true, description: "The password in use now." }),
      password: t.arg.string({ required: true, description: "The new password (password policy applies)." }),
      passwordConfirmation: t.arg.string({ required: true, description: "The new password again." }),
    },
    resolve: async (_root, args, ctx) =>
      deliver(ctx, await ctx.services.auth.changePassword(requireViewer(ctx).userId, args, requestMeta(ctx))),
  }),
  emailConfirmation: t.field({
    type: LoginPayload,
    ...publicAuthMutation,
    nullable: true,
    description: "Confirms an email address with the emailed code and signs the user in.",
    args: { confirmation: t.arg.string({ required: true, description: "The code from the confirmation email." }) },
    resolve: async (_root, { confirmation }, ctx) =>
      deliver(ctx, await ctx.services.auth.confirmEmail(confirmation, requestMeta(ctx))),
  }),
  sendEmailConfirmation: t.field({
    type: PasswordPayload,
    ...publicAuthMutation,
    nullable: true,
    description: "Sends the confirmation email again. Always answers ok: true.",
    args: { email: t.arg.string({ required: true, description: "The address to confirm." }) },
    resolve: (_root, { email }, ctx) => ok(ctx.services.auth.sendEmailConfirmation(email, requestMeta(ctx))),
  }),
  refresh: t.field({
    type: RefreshPayload,
    ...publicAuthMutation,
    description: "Exchanges a refresh token (argument, or the HttpOnly cookie in cookie mode) for a new pair.",
    args: { refreshToken: t.arg.string({ required: false, description: "The refresh token from the last sign-in or refresh; leave out in cookie mode." }) },
    resolve: async (_root, args, ctx) => {
      const token = args.refreshToken ?? ctx.cookies.refreshToken();
      if (!token) throw failure(AuthFailure.INVALID_REFRESH_TOKEN);
      const result = await ctx.services.auth.refresh(token, requestMeta(ctx));
      if (!ctx.cookies.enabled) return result;
      ctx.cookies.setRefreshToken(result.refreshToken);
      return { jwt: result.jwt, refreshToken: null };
    },
  }),
  logout: t.field({
    type: PasswordPayload,
    acl: signedIn,
    description: "Ends the current session, or every session of the user with all: true.",
    args: { all: t.arg.boolean({ required: false, defaultValue: false, description: "End every session of the user, not only this one." }) },
    resolve: async (_root, args, ctx) => {
      await ctx.services.auth.logout(requireViewer(ctx), args.all ?? false, requestMeta(ctx));
      ctx.cookies.clearRefreshToken();
      return { ok: true };
    },
  }),
  revokeSession: t.field({
    type: PasswordPayload,
    description: "Ends one of the current user's sessions.",
    args: { id: t.arg.id({ required: true, description: "The session's id (Session.id)." }) },
    // The ACL's $owner rule for this mutation looks up the session's owner.
    acl: { model: "Session", allow: [onAnyAccess(DynamicRole.OWNER)] },
    resolve: async (_root, { id }, ctx) => ({
      ok: await ctx.services.auth.revokeSession(requireViewer(ctx).userId, String(id), requestMeta(ctx)),
    }),
  }),
}));
