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
const publicAuthMutation = { acl: beforeSignIn, rateLimit: true } as const;
/** What every signed-in user may do on their own account. */
const signedIn = { allow: [onAnyAccess(DynamicRole.AUTHENTICATED)] };

function requestMeta(ctx: GatehouseContext): RequestMeta {
  return { ip: ctx.ip, userAgent: ctx.userAgent, browserSession: ctx.cookies.enabled };
}

function requireViewer(ctx: GatehouseContext) {
  if (!ctx.viewer) throw unauthenticated();
  return ctx.viewer;
}

/** In cookie mode the refresh token travels only in an HttpOnly cookie, never in the body. */
function deliver(ctx: GatehouseContext, result: AuthResult): AuthResult {
  if (!ctx.cookies.enabled || result.refreshToken === null) return result;
  ctx.cookies.setRefreshToken(result.refreshToken);
  return { ...result, refreshToken: null };
}

const MeRole = builder.objectRef<MeUser["primaryRole"]>("UsersPermissionsMeRole").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    description: t.exposeString("description", { nullable: true }),
    type: t.exposeString("type", { nullable: true }),
  }),
});

const Me = builder.objectRef<MeUser>("UsersPermissionsMe").implement({
  description: "The signed-in user, as Strapi's users-permissions plugin returns it.",
  fields: (t) => ({
    id: t.exposeID("id"),
    documentId: t.exposeID("documentId"),
    username: t.exposeString("username"),
    email: t.exposeString("email", { nullable: true }),
    confirmed: t.exposeBoolean("confirmed", { nullable: true }),
    blocked: t.exposeBoolean("blocked", { nullable: true }),
    role: t.field({ type: MeRole, nullable: true, resolve: (user) => user.primaryRole }),
  }),
});

const LoginPayload = builder.objectRef<AuthResult>("UsersPermissionsLoginPayload").implement({
  fields: (t) => ({
    jwt: t.exposeString("jwt", { nullable: true, description: "Null while email confirmation is pending." }),
    refreshToken: t.exposeString("refreshToken", {
      nullable: true,
      description: "Rotating refresh token (refresh mode; null in legacy and cookie modes).",
    }),
    user: t.field({ type: Me, resolve: (result) => result.user }),
  }),
});

const PasswordPayload = builder.objectRef<{ ok: boolean }>("UsersPermissionsPasswordPayload").implement({
  fields: (t) => ({ ok: t.exposeBoolean("ok") }),
});

const RefreshPayload = builder
  .objectRef<{ jwt: string; refreshToken: string | null }>("UsersPermissionsRefreshPayload")
  .implement({
    fields: (t) => ({
      jwt: t.exposeString("jwt"),
      refreshToken: t.exposeString("refreshToken", { nullable: true, description: "Null in cookie mode." }),
    }),
  });

const RegisterInput = builder.inputType("UsersPermissionsRegisterInput", {
  fields: (t) => ({
    username: t.string({ required: true }),
    email: t.string({ required: true }),
    password: t.string({ required: true }),
    profile: t.field({
      type: "JSONObject",
      required: false,
      description: "Extra profile fields; only those listed in settings.registerAllowedFields are accepted.",
    }),
  }),
});

const LoginInput = builder.inputType("UsersPermissionsLoginInput", {
  fields: (t) => ({
    identifier: t.string({ required: true, description: "Email (case-insensitive) or username." }),
    password: t.string({ required: true }),
    provider: t.string({ required: true, defaultValue: "local" }),
  }),
});

type SessionRow = { id: string; createdAt: Date; lastUsedAt: Date; expiresAt: Date; userAgent: string | null; current: boolean };
type SessionPageShape = Page<SessionRow>;
const Session = builder.objectRef<SessionRow>("Session").implement({
  description: "A signed-in session of the current user (one refresh token family).",
  fields: (t) => ({
    id: t.exposeID("id"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    lastUsedAt: t.expose("lastUsedAt", { type: "DateTime" }),
    expiresAt: t.expose("expiresAt", { type: "DateTime" }),
    userAgent: t.exposeString("userAgent", { nullable: true }),
    current: t.exposeBoolean("current", { description: "Whether this request was made with this session." }),
  }),
});

const SessionPage = builder.objectRef<SessionPageShape>("SessionPage").implement({
  description: "One page of the current user's open sessions, most recently used first.",
  fields: (t) => ({
    nodes: t.field({ type: [Session], resolve: (page) => page.nodes }),
    ...pageInfoFields(t, "Open sessions, over all pages."),
  }),
});

builder.queryFields((t) => ({
  me: t.field({
    type: Me,
    acl: signedIn,
    nullable: true,
    resolve: (_root, _args, ctx) => ctx.services.auth.getUser(requireViewer(ctx).userId),
  }),
  sessions: t.field({
    type: SessionPage,
    description: `The current user's open sessions, most recently used first; at most ${MAX_SESSIONS_PAGE} per page (default 25).`,
    acl: signedIn,
    args: { first: t.arg.int(), after: t.arg.string({ description: "`endCursor` of the previous page." }) },
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
    args: { input: t.arg({ type: LoginInput, required: true }) },
    resolve: async (_root, { input }, ctx) => deliver(ctx, await ctx.services.auth.login(input, requestMeta(ctx))),
  }),
  register: t.field({
    type: LoginPayload,
    ...publicAuthMutation,
    args: { input: t.arg({ type: RegisterInput, required: true }) },
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
    description: "Always answers ok: true, whether or not the address belongs to an account.",
    args: { email: t.arg.string({ required: true }) },
    resolve: (_root, { email }, ctx) => ok(ctx.services.auth.forgotPassword(email, requestMeta(ctx))),
  }),
  resetPassword: t.field({
    type: LoginPayload,
    ...publicAuthMutation,
    nullable: true,
    args: {
      password: t.arg.string({ required: true }),
      passwordConfirmation: t.arg.string({ required: true }),
      code: t.arg.string({ required: true }),
    },
    resolve: async (_root, args, ctx) => deliver(ctx, await ctx.services.auth.resetPassword(args, requestMeta(ctx))),
  }),
  changePassword: t.field({
    type: LoginPayload,
    acl: signedIn,
    rateLimit: true,
    nullable: true,
    args: {
      currentPassword: t.arg.string({ required: true }),
      password: t.arg.string({ required: true }),
      passwordConfirmation: t.arg.string({ required: true }),
    },
    resolve: async (_root, args, ctx) =>
      deliver(ctx, await ctx.services.auth.changePassword(requireViewer(ctx).userId, args, requestMeta(ctx))),
  }),
  emailConfirmation: t.field({
    type: LoginPayload,
    ...publicAuthMutation,
    nullable: true,
    args: { confirmation: t.arg.string({ required: true }) },
    resolve: async (_root, { confirmation }, ctx) =>
      deliver(ctx, await ctx.services.auth.confirmEmail(confirmation, requestMeta(ctx))),
  }),
  sendEmailConfirmation: t.field({
    type: PasswordPayload,
    ...publicAuthMutation,
    nullable: true,
    description: "Sends the confirmation email again. Always answers ok: true.",
    args: { email: t.arg.string({ required: true }) },
    resolve: (_root, { email }, ctx) => ok(ctx.services.auth.sendEmailConfirmation(email, requestMeta(ctx))),
  }),
  refresh: t.field({
    type: RefreshPayload,
    ...publicAuthMutation,
    description: "Exchanges a refresh token (argument, or the HttpOnly cookie in cookie mode) for a new pair.",
    args: { refreshToken: t.arg.string({ required: false }) },
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
    args: { all: t.arg.boolean({ required: false, defaultValue: false }) },
    resolve: async (_root, args, ctx) => {
      await ctx.services.auth.logout(requireViewer(ctx), args.all ?? false, requestMeta(ctx));
      ctx.cookies.clearRefreshToken();
      return { ok: true };
    },
  }),
  revokeSession: t.field({
    type: PasswordPayload,
    description: "Ends one of the current user's sessions.",
    args: { id: t.arg.id({ required: true }) },
    // The ACL's $owner rule for this mutation looks up the session's owner.
    acl: { model: "Session", allow: [onAnyAccess(DynamicRole.OWNER)] },
    resolve: async (_root, { id }, ctx) => ({
      ok: await ctx.services.auth.revokeSession(requireViewer(ctx).userId, String(id), requestMeta(ctx)),
    }),
  }),
}));
