/**
 * Sign-in with OAuth 2 / OpenID Connect providers (Strapi's providers): the admin's provider settings,
 * the redirect flow (connect.flow.ts), the loginCode exchange, and linking. Plain inputs, no GraphQL.
 */
import { failure, FailureReason, forbidden, notFound } from "../../errors.ts";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { AuditAction, type AuditService } from "../audit/audit.service.ts";
import type { AuthResult, AuthService, RequestMeta } from "../auth/auth.service.ts";
import { AuthFailure } from "../auth/failures.ts";
import { consumeOneTimeCode, issueOneTimeCode } from "../auth/one-time-codes.ts";
import type { SecurityService } from "../security/security.service.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import { createAccounts } from "./accounts.ts";
import { CONNECT_PATH, createConnectFlow } from "./connect.flow.ts";
import { createProviderClient } from "./provider-client.ts";
import type { ProviderSecretKey } from "./provider-secret-key.ts";
import { createProviders } from "./providers.ts";

/** A linkProvider ticket starts one flow within a minute. */
const LINK_TICKET_LIFESPAN_SECONDS = 60;

export interface OAuthDependencies {
  prisma: PrismaClient;
  audit: AuditService;
  settings: Pick<SettingsService, "getAdvanced">;
  security: Pick<SecurityService, "rateLimits">;
  auth: Pick<AuthService, "signInAuthenticated" | "sendEmailConfirmation">;
  secretKey: ProviderSecretKey;
  publicUrl: string;
  /** Tests only: providers over plain http (a loopback IdP), for discovery, endpoints and stored URLs. */
  allowInsecureProviders: boolean;
}

export interface LinkedProvider {
  provider: string;
  email: string | null;
  linkedAt: Date;
  lastSignInAt: Date | null;
}

export function createOAuthService(deps: OAuthDependencies) {
  const { prisma, audit, settings, auth, publicUrl } = deps;
  const providers = createProviders({ prisma, audit, secretKey: deps.secretKey, allowInsecureUrls: deps.allowInsecureProviders });
  const client = createProviderClient({ allowInsecureRequests: deps.allowInsecureProviders });
  const accounts = createAccounts({
    prisma,
    audit,
    settings,
    sendEmailConfirmation: (email, meta) => auth.sendEmailConfirmation(email, meta),
  });
  const connect = createConnectFlow({ prisma, audit, settings, providers, client, accounts, publicUrl });

  const record = (meta: RequestMeta, userId: number, action: AuditAction, metadata: Record<string, unknown>) =>
    audit.record({ action, actorId: userId, targetType: "User", targetId: userId, ip: meta.ip, userAgent: meta.userAgent, metadata });

  return {
    listProviders: providers.list,
    updateProvider: providers.update,
    startConnect: connect.start,
    completeConnect: connect.callback,

    /** `oauthLogin`: the loginCode of a provider sign-in for a session, exactly as `login` gives one. */
    async login(code: string, meta: RequestMeta): Promise<AuthResult> {
      await deps.security.rateLimits.consume("oauthLogin", { ip: meta.ip });
      const userId = code.length <= 128 ? await consumeOneTimeCode(prisma, { code, purpose: "OAUTH_LOGIN" }) : null;
      if (userId === null) throw failure(AuthFailure.INCORRECT_CODE);
      return auth.signInAuthenticated(userId, "oauth", meta);
    },

    /**
     * `linkProvider`: the URL that starts the same flow for the signed-in user. It carries a single-use
     * ticket (60 s) that only starts a link flow; the flow itself is then bound to the browser's cookie.
     */
    async startLink(userId: number, provider: string, redirect: string): Promise<{ url: string }> {
      if (!(await providers.resolve(provider))) throw failure({ code: "BAD_USER_INPUT", message: `Provider ${provider} is not enabled`, reason: FailureReason.PROVIDER_NOT_ENABLED });
      const { providerRedirectUrls } = await settings.getAdvanced();
      if (!providerRedirectUrls.includes(redirect)) {
        throw failure({ code: "BAD_USER_INPUT", message: "redirect must be one of settings.providerRedirectUrls (exact match)", reason: FailureReason.REDIRECT_NOT_ALLOWED });
      }
      const ticket = await issueOneTimeCode(prisma, { userId, purpose: "OAUTH_LINK", lifespanSeconds: LINK_TICKET_LIFESPAN_SECONDS });
      const url = new URL(`${publicUrl}${CONNECT_PATH}/${provider}`);
      url.searchParams.set("redirect", redirect);
      url.searchParams.set("link", ticket);
      return { url: url.toString() };
    },

    /** `unlinkProvider`: refused when it would leave the account no password and no other enabled provider. */
    async unlink(userId: number, provider: string, meta: RequestMeta): Promise<void> {
      const user = await prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { passwordHash: true, identities: true } });
      const identity = user.identities.find((entry) => entry.provider === provider);
      if (!identity) throw notFound(`No ${provider} account is linked`);
      const enabled = new Set((await providers.list({ all: false })).map((entry) => entry.name));
      const others = user.identities.filter((entry) => entry.provider !== provider && enabled.has(entry.provider));
      if (!user.passwordHash && others.length === 0) {
        throw forbidden("This provider is the account's only way to sign in: set a password or link another provider first", FailureReason.LAST_SIGN_IN_METHOD);
      }
      await prisma.userIdentity.delete({ where: { id: identity.id } });
      await record(meta, userId, AuditAction.PROVIDER_UNLINKED, { provider });
    },

    async linkedProviders(userId: number): Promise<LinkedProvider[]> {
      const identities = await prisma.userIdentity.findMany({ where: { userId }, orderBy: { provider: "asc" } });
      return identities.map((entry) => ({ provider: entry.provider, email: entry.email, linkedAt: entry.createdAt, lastSignInAt: entry.lastSignInAt }));
    },
  };
}

export type OAuthService = ReturnType<typeof createOAuthService>;
