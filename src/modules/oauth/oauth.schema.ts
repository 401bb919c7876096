/**
 * Provider sign-in on the GraphQL side: the admin's providers (`authProviders`, `updateAuthProvider`),
 * `oauthLogin` (the redirect flow's loginCode for a session), `linkProvider` / `unlinkProvider`, and the
 * linked providers on `me` and `viewer`. The redirect flow itself is HTTP (src/http/routes/connect.ts).
 */
import { builder } from "../../schema/builder.ts";
import { ok, OkPayload } from "../../schema/payloads.ts";
import { DynamicRole } from "../access/acl.ts";
import { onAnyAccess } from "../access/acl-plugin.ts";
import { auditSourceOf } from "../audit/audit.service.ts";
import { deliver, LoginPayload, Me, publicAuthMutation, requestMeta, requireViewer, signedIn } from "../auth/auth.schema.ts";
import { User } from "../users/users.schema.ts";
import type { LinkedProvider as LinkedProviderShape } from "./oauth.service.ts";
import type { AuthProviderView } from "./providers.ts";

/** Admin-only fields: under the ACL (no default rule, so Admin's wildcard), null for everyone else. */
const adminOnly = { nullable: true, acl: true, unauthorizedResolver: () => null } as const;

const AuthProvider = builder.objectRef<AuthProviderView>("AuthProvider").implement({
  description: "A sign-in provider. Everyone sees the enabled ones' names; admins see every preset and every setting but the secret.",
  fields: (t) => ({
    name: t.exposeString("name", { description: "As in GET /connect/:provider." }),
    label: t.exposeString("label", { description: "A display name for login pages." }),
    enabled: t.exposeBoolean("enabled", { description: "Whether users may sign in with it." }),
    preset: t.exposeBoolean("preset", { ...adminOnly, description: "Whether a preset supplies endpoints, scopes and profile mapping." }),
    clientId: t.exposeString("clientId", { ...adminOnly, description: "The OAuth client id registered with the provider." }),
    hasClientSecret: t.exposeBoolean("hasClientSecret", { ...adminOnly, description: "The secret itself is write-only." }),
    scopes: t.exposeStringList("scopes", { ...adminOnly, description: "Scopes requested at sign-in." }),
    issuer: t.exposeString("issuer", { ...adminOnly, description: "OpenID Connect discovery; null for plain OAuth 2." }),
    authorizationUrl: t.exposeString("authorizationUrl", { ...adminOnly, description: "Authorization endpoint (explicit, or from the preset)." }),
    tokenUrl: t.exposeString("tokenUrl", { ...adminOnly, description: "Token endpoint (explicit, or from the preset)." }),
    userinfoUrl: t.exposeString("userinfoUrl", { ...adminOnly, description: "Profile endpoint (explicit, or from the preset)." }),
  }),
});

const AuthProviderInput = builder.inputType("AuthProviderInput", {
  description: "Absent fields stay as they are; null clears one (scopes and URLs fall back to the preset's).",
  fields: (t) => ({
    enabled: t.boolean({ description: "Enabling needs clientId, clientSecret, and an issuer or the three endpoints (from the preset or here)." }),
    clientId: t.string({ description: "The OAuth client id registered with the provider." }),
    clientSecret: t.string({ description: "Write-only; stored encrypted (AUTH_PROVIDER_SECRET_KEY)." }),
    scopes: t.stringList({ description: "Scopes to request; null falls back to the preset's." }),
    issuer: t.string({ description: "OpenID Connect issuer: discovery, ID token validated. Generic providers set this or the three URLs." }),
    authorizationUrl: t.string({ description: "Authorization endpoint of a generic OAuth 2 provider." }),
    tokenUrl: t.string({ description: "Token endpoint of a generic OAuth 2 provider." }),
    userinfoUrl: t.string({ description: "Profile endpoint of a generic OAuth 2 provider." }),
  }),
});

const LinkedProvider = builder.objectRef<LinkedProviderShape>("LinkedProvider").implement({
  description: "A provider account linked to a user (by the provider's account id, never by email).",
  fields: (t) => ({
    provider: t.exposeString("provider", { description: "The provider's name, as in GET /connect/:provider." }),
    email: t.exposeString("email", { nullable: true, description: "The email the provider gave at the last sign-in." }),
    linkedAt: t.expose("linkedAt", { type: "DateTime", description: "When the provider account was linked." }),
    lastSignInAt: t.expose("lastSignInAt", { type: "DateTime", nullable: true, description: "The last sign-in through this provider." }),
  }),
});

const LinkProviderPayload = builder.objectRef<{ url: string }>("LinkProviderPayload").implement({
  description: "Where to send the browser to link a provider account.",
  fields: (t) => ({
    url: t.exposeString("url", {
      description: "Send the browser here (within 60 s): it returns to the redirect with ?linked=<provider> or ?error=<reason>.",
    }),
  }),
});

builder.objectField(Me, "linkedProviders", (t) =>
  t.field({
    type: [LinkedProvider],
    description: "The provider accounts linked to the signed-in user.",
    resolve: (user, _args, ctx) => ctx.services.oauth.linkedProviders(user.id),
  }),
);

builder.objectField(User, "linkedProviders", (t) =>
  t.field({
    type: [LinkedProvider],
    description: "Empty unless the caller may read it (by default: the user themselves and admins).",
    acl: { allow: [onAnyAccess(DynamicRole.OWNER)] },
    unauthorizedResolver: () => [],
    resolve: (user, _args, ctx) => ctx.services.oauth.linkedProviders(user.id),
  }),
);

builder.queryField("authProviders", (t) =>
  t.field({
    type: [AuthProvider],
    description: "Enabled providers for a login page; admins (whoever may updateAuthProvider) get every preset and stored provider.",
    acl: { allow: [DynamicRole.EVERYONE] },
    resolve: async (_root, _args, ctx) => {
      const { allowed } = await ctx.authz.check({ resource: "Mutation.updateAuthProvider", accessType: "WRITE" });
      return ctx.services.oauth.listProviders({ all: allowed });
    },
  }),
);

builder.mutationFields((t) => ({
  updateAuthProvider: t.field({
    type: AuthProvider,
    description: "Configures a preset (github, google, ...) or a generic provider by name. Audited.",
    args: {
      name: t.arg.string({ required: true, description: "A preset's name (github, google, ...) or any name for a generic provider." }),
      input: t.arg({ type: AuthProviderInput, required: true, description: "The settings to change." }),
    },
    resolve: (_root, { name, input }, ctx) => ctx.services.oauth.updateProvider(name, input, auditSourceOf(ctx)),
  }),
  oauthLogin: t.field({
    type: LoginPayload,
    ...publicAuthMutation,
    description: "Exchanges the loginCode of a provider sign-in (single use, 60 s) for a session, as login does.",
    args: { code: t.arg.string({ required: true, description: "The loginCode the callback put in the redirect URL." }) },
    resolve: async (_root, { code }, ctx) => deliver(ctx, await ctx.services.oauth.login(code, requestMeta(ctx))),
  }),
  linkProvider: t.field({
    type: LinkProviderPayload,
    acl: signedIn,
    description: "Starts linking a provider account to the signed-in user: the same flow, returning to `redirect`.",
    args: {
      provider: t.arg.string({ required: true, description: "The provider's name." }),
      redirect: t.arg.string({ required: true, description: "A URL from settings.providerRedirectUrls to return to." }),
    },
    resolve: (_root, { provider, redirect }, ctx) => ctx.services.oauth.startLink(requireViewer(ctx).userId, provider, redirect),
  }),
  unlinkProvider: t.field({
    type: OkPayload,
    acl: signedIn,
    description: "Unlinks a provider; refused (LAST_SIGN_IN_METHOD) when the account would have no way to sign in.",
    args: { provider: t.arg.string({ required: true, description: "The provider's name." }) },
    resolve: (_root, { provider }, ctx) => ok(ctx.services.oauth.unlink(requireViewer(ctx).userId, provider, requestMeta(ctx))),
  }),
}));
