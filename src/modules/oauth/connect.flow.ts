/**
 * The browser's round trip through a provider, with no token in any URL:
 * 1. `start` (GET /connect/:provider?redirect=...): the redirect must be one of
 *    settings.providerRedirectUrls exactly; stores the flow (state hash, cookie-binding hash, ten
 *    minutes, single use) and sends the browser to the provider with state, nonce and PKCE (S256).
 * 2. `callback` (GET /connect/:provider/callback): spends the flow (state + this browser's cookie),
 *    exchanges the code, validates the answer, finds or creates the account, and sends the browser to
 *    the front-end with `?loginCode=` (single use, 60 s) or `?error=<FailureReason>`.
 * 3. `oauthLogin(code)` (oauth.service.ts) turns the loginCode into the usual session.
 */
import { FailureReason } from "../../errors.ts";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { hashToken } from "../../lib/secrets.ts";
import { AuditAction, type AuditService } from "../audit/audit.service.ts";
import type { RequestMeta } from "../auth/auth.service.ts";
import { consumeOneTimeCode, issueOneTimeCode } from "../auth/one-time-codes.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import type { Accounts, AccountOutcome } from "./accounts.ts";
import { FLOW_LIFESPAN_SECONDS, flowChecks, newFlow } from "./flow-secrets.ts";
import type { ProviderClient } from "./provider-client.ts";
import type { Providers } from "./providers.ts";

/** The loginCode lives one minute: the front-end exchanges it at once. */
export const LOGIN_CODE_LIFESPAN_SECONDS = 60;
export const CONNECT_PATH = "/connect";
export const callbackPath = (provider: string) => `${CONNECT_PATH}/${provider}/callback`;

/** What the route answers: a redirect (maybe setting or clearing the flow cookie) or a refusal page. */
export type ConnectAnswer =
  | { kind: "redirect"; location: string; setFlowCookie?: string; clearFlowCookie?: boolean }
  | { kind: "refused"; status: 400 | 404 | 502; reason: FailureReason; message: string; clearFlowCookie?: boolean };

export interface ConnectDependencies {
  prisma: PrismaClient;
  audit: AuditService;
  settings: Pick<SettingsService, "getAdvanced">;
  providers: Providers;
  client: ProviderClient;
  accounts: Accounts;
  publicUrl: string;
}

export function createConnectFlow({ prisma, audit, settings, providers, client, accounts, publicUrl }: ConnectDependencies) {
  const refused = (status: 400 | 404 | 502, reason: FailureReason, message: string): ConnectAnswer => ({ kind: "refused", status, reason, message });

  /** The front-end URL with one parameter added (it was allow-listed, so it parses). */
  function toFrontEnd(redirectUrl: string, parameters: Record<string, string>): ConnectAnswer {
    const url = new URL(redirectUrl);
    for (const [key, value] of Object.entries(parameters)) url.searchParams.set(key, value);
    return { kind: "redirect", location: url.toString(), clearFlowCookie: true };
  }

  async function redirectAllowed(redirect: string | null): Promise<boolean> {
    if (!redirect) return false;
    const { providerRedirectUrls } = await settings.getAdvanced();
    return providerRedirectUrls.includes(redirect);
  }

  const audited = (meta: RequestMeta, provider: string, outcome: AccountOutcome | { kind: "refused"; reason: FailureReason; userId?: number }) =>
    audit.record({
      action: outcome.kind === "linked" ? AuditAction.PROVIDER_LINKED : AuditAction.PROVIDER_SIGN_IN,
      success: outcome.kind !== "refused",
      actorId: outcome.userId ?? null,
      targetType: outcome.userId ? "User" : null,
      targetId: outcome.userId ?? null,
      ip: meta.ip,
      userAgent: meta.userAgent,
      metadata: { provider, ...(outcome.kind === "refused" ? { reason: outcome.reason } : {}) },
    });

  return {
    async start(input: { provider: string; redirect: string | null; linkTicket: string | null }, meta: RequestMeta): Promise<ConnectAnswer> {
      const provider = await providers.resolve(input.provider);
      if (!provider) return refused(404, FailureReason.PROVIDER_NOT_ENABLED, `Provider ${input.provider} is not enabled`);
      if (!(await redirectAllowed(input.redirect))) {
        return refused(400, FailureReason.REDIRECT_NOT_ALLOWED, "redirect must be one of settings.providerRedirectUrls (exact match)");
      }
      let linkUserId: number | null = null;
      if (input.linkTicket !== null) {
        linkUserId = await consumeOneTimeCode(prisma, { code: input.linkTicket, purpose: "OAUTH_LINK" });
        if (linkUserId === null) return refused(400, FailureReason.INVALID_CODE, "This link request is invalid or has expired; start it again");
      }
      const { binding, checks } = newFlow();
      let url: URL;
      try {
        url = await client.authorizationUrl(provider, `${publicUrl}${callbackPath(provider.name)}`, checks);
      } catch (error) {
        // Discovery failed (the provider is down, or its metadata is not what openid-client accepts).
        await audit.record({
          action: AuditAction.PROVIDER_SIGN_IN,
          success: false,
          actorId: linkUserId,
          ip: meta.ip,
          userAgent: meta.userAgent,
          metadata: { provider: provider.name, reason: FailureReason.PROVIDER_ERROR, detail: failureDetail(error) },
        });
        return refused(502, FailureReason.PROVIDER_ERROR, `${provider.label} cannot be reached right now; try again later`);
      }
      await prisma.oAuthState.create({
        data: {
          stateHash: hashToken(checks.state),
          bindingHash: hashToken(binding),
          provider: provider.name,
          redirectUrl: input.redirect!,
          linkUserId,
          expiresAt: new Date(Date.now() + FLOW_LIFESPAN_SECONDS * 1000),
        },
      });
      return { kind: "redirect", location: url.toString(), setFlowCookie: binding };
    },

    async callback(input: { provider: string; query: URLSearchParams; flowCookie: string | undefined }, meta: RequestMeta): Promise<ConnectAnswer> {
      const state = input.query.get("state");
      const flow = state ? await prisma.oAuthState.findUnique({ where: { stateHash: hashToken(state) } }) : null;
      // Without a known state there is no allow-listed page to return to.
      if (!state || !flow || flow.provider !== input.provider) {
        return { ...refused(400, FailureReason.INVALID_STATE, "This sign-in link is invalid or has expired; start again"), clearFlowCookie: true };
      }
      const now = new Date();
      // Spent here, once: a replayed callback, another browser (no or another cookie), or a late one fails.
      const { count } = input.flowCookie
        ? await prisma.oAuthState.updateMany({
            where: { id: flow.id, bindingHash: hashToken(input.flowCookie), usedAt: null, expiresAt: { gt: now } },
            data: { usedAt: now },
          })
        : { count: 0 };
      if (count !== 1) {
        await audited(meta, input.provider, { kind: "refused", reason: FailureReason.INVALID_STATE, userId: flow.linkUserId ?? undefined });
        return toFrontEnd(flow.redirectUrl, { error: FailureReason.INVALID_STATE });
      }
      if (input.query.has("error")) {
        await audited(meta, input.provider, { kind: "refused", reason: FailureReason.PROVIDER_DENIED, userId: flow.linkUserId ?? undefined });
        return toFrontEnd(flow.redirectUrl, { error: FailureReason.PROVIDER_DENIED });
      }
      const provider = await providers.resolve(input.provider);
      if (!provider) return toFrontEnd(flow.redirectUrl, { error: FailureReason.PROVIDER_NOT_ENABLED });

      const callbackUrl = new URL(`${publicUrl}${callbackPath(provider.name)}`);
      callbackUrl.search = input.query.toString();
      let profile;
      try {
        profile = await client.profileFromCallback(provider, callbackUrl, flowChecks(input.flowCookie!, state));
      } catch (error) {
        const detail = failureDetail(error);
        await audit.record({
          action: AuditAction.PROVIDER_SIGN_IN,
          success: false,
          actorId: flow.linkUserId,
          ip: meta.ip,
          userAgent: meta.userAgent,
          metadata: { provider: provider.name, reason: FailureReason.PROVIDER_ERROR, detail },
        });
        return toFrontEnd(flow.redirectUrl, { error: FailureReason.PROVIDER_ERROR });
      }

      const outcome = flow.linkUserId !== null
        ? await accounts.link(flow.linkUserId, provider.name, profile, meta)
        : await accounts.signIn(provider.name, profile, meta);
      await audited(meta, provider.name, outcome);
      if (outcome.kind === "refused") return toFrontEnd(flow.redirectUrl, { error: outcome.reason });
      if (outcome.kind === "linked") return toFrontEnd(flow.redirectUrl, { linked: provider.name });
      const loginCode = await issueOneTimeCode(prisma, { userId: outcome.userId, purpose: "OAUTH_LOGIN", lifespanSeconds: LOGIN_CODE_LIFESPAN_SECONDS });
      return toFrontEnd(flow.redirectUrl, { loginCode });
    },
  };
}

export type ConnectFlow = ReturnType<typeof createConnectFlow>;

/**
 * What failed, for the audit log: openid-client's error code and messages, which name a failed check
 * (`unexpected ID Token "nonce" claim value`) but never the values compared (a nonce is the flow's secret).
 */
function failureDetail(error: unknown): string {
  if (!(error instanceof Error)) return "unknown";
  const { code, cause } = error as { code?: string; cause?: unknown };
  // openid-client wraps oauth4webapi's error, whose message names the check that failed.
  const inner = cause instanceof Error && cause.message !== error.message ? `: ${cause.message}` : "";
  return `${code ?? error.name}: ${error.message}${inner}`;
}
