/**
 * Talking to a provider, all through openid-client (panva's certified relying party): discovery, the
 * authorization URL with PKCE (S256), the code exchange, ID token validation (issuer, audience, nonce,
 * signature, expiry), userinfo and further profile resources. Nothing here parses a token by hand.
 */
import * as oidc from "openid-client";
import type { ProviderProfile } from "./presets.ts";
import type { ResolvedProvider } from "./providers.ts";

/** What the callback checks the provider's answer against (derived from the flow cookie, see flow-secrets.ts). */
export interface FlowChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface ProviderClientOptions {
  /** Tests only: providers over plain http (a loopback IdP). */
  allowInsecureRequests: boolean;
  /** How long a discovered configuration is reused (ms). */
  cacheMs?: number;
}

const DISCOVERY_CACHE_MS = 10 * 60 * 1000;

export function createProviderClient({ allowInsecureRequests, cacheMs = DISCOVERY_CACHE_MS }: ProviderClientOptions) {
  const execute = allowInsecureRequests ? [oidc.allowInsecureRequests] : [];
  const cache = new Map<string, { config: oidc.Configuration; until: number }>();

  /** The configuration of a provider; discovery documents are cached per issuer and client. */
  async function configurationOf(provider: ResolvedProvider): Promise<oidc.Configuration> {
    const auth = oidc.ClientSecretPost(provider.clientSecret);
    if (!provider.issuer) {
      const server: oidc.ServerMetadata = {
        // Plain OAuth 2 has no issuer; the authorization endpoint's origin names it (no ID token is expected).
        issuer: new URL(provider.authorizationUrl!).origin,
        authorization_endpoint: provider.authorizationUrl,
        token_endpoint: provider.tokenUrl,
        userinfo_endpoint: provider.userinfoUrl,
      };
      const config = new oidc.Configuration(server, provider.clientId, undefined, auth);
      for (const step of execute) step(config);
      return config;
    }
    const key = JSON.stringify([provider.name, provider.issuer, provider.clientId, provider.clientSecret]);
    const hit = cache.get(key);
    if (hit && hit.until > Date.now()) return hit.config;
    const config = await oidc.discovery(new URL(provider.issuer), provider.clientId, undefined, auth, { execute });
    cache.set(key, { config, until: Date.now() + cacheMs });
    return config;
  }

  return {
    /** The provider's authorization URL for this flow. */
    async authorizationUrl(provider: ResolvedProvider, redirectUri: string, checks: FlowChecks): Promise<URL> {
      const config = await configurationOf(provider);
      const parameters: Record<string, string> = {
        ...provider.authorizationParams,
        redirect_uri: redirectUri,
        response_type: "code",
        scope: provider.scopes.join(" "),
        state: checks.state,
        code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
        code_challenge_method: "S256",
      };
      if (provider.issuer) parameters.nonce = checks.nonce;
      return oidc.buildAuthorizationUrl(config, parameters);
    },

    /**
     * Exchanges the code (with the PKCE verifier) and reads who signed in: the validated ID token's claims
     * merged with userinfo (OpenID Connect), or the profile resources (OAuth 2), mapped by the preset.
     * Throws on any failed check; the caller answers PROVIDER_ERROR.
     */
    async profileFromCallback(provider: ResolvedProvider, callbackUrl: URL, checks: FlowChecks): Promise<ProviderProfile> {
      const config = await configurationOf(provider);
      const openId = !!provider.issuer;
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        ...(openId ? { expectedNonce: checks.nonce, idTokenExpected: true } : {}),
      });
      const fetchJson = async (url: string) => {
        const response = await oidc.fetchProtectedResource(config, tokens.access_token, new URL(url), "GET", undefined, new Headers({ accept: "application/json" }));
        if (!response.ok) throw new Error(`${new URL(url).pathname} answered ${response.status}`);
        return (await response.json()) as unknown;
      };
      if (openId) {
        const claims = tokens.claims();
        if (!claims) throw new Error("no ID token");
        // Email claims usually come from userinfo, not the ID token; its `sub` must be the ID token's.
        const userinfo = config.serverMetadata().userinfo_endpoint
          ? await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)
          : {};
        return provider.profile({ ...claims, ...userinfo }, fetchJson, provider.userinfoUrl ?? "");
      }
      const info = await fetchJson(provider.userinfoUrl!);
      if (!info || typeof info !== "object") throw new Error("the profile is not a JSON object");
      return provider.profile(info as Record<string, unknown>, fetchJson, provider.userinfoUrl!);
    },
  };
}

export type ProviderClient = ReturnType<typeof createProviderClient>;
