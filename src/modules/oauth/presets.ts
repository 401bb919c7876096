/**
 * Provider presets: the endpoints, scopes and profile mapping of well-known providers, one declarative
 * entry each. An admin enables one with `updateAuthProvider(name: "github", input: { enabled: true,
 * clientId, clientSecret })`; any field set there overrides the preset's. A name without a preset is a
 * generic provider: OpenID Connect discovery from `issuer`, or the three endpoints with the standard
 * OIDC userinfo claims (sub, email, email_verified).
 *
 * Adding a preset is one entry below: `issuer` for an OpenID Connect provider (discovery, ID token
 * checked), or `authorizationUrl`/`tokenUrl`/`userinfoUrl` for a plain OAuth 2 one; `scopes`; and
 * `profile` when its profile is not shaped like OIDC userinfo. `emailVerified` must only be true when the
 * provider itself asserts that the user proved the address: it decides whether a sign-in may link to an
 * existing account.
 */

/** What a provider says about the account that signed in. */
export interface ProviderProfile {
  /** The provider's stable id of the account: the link key, together with the provider's name. */
  subject: string;
  email: string | null;
  /** True only when the provider asserts the email was verified. */
  emailVerified: boolean;
  /** A name to propose for a new account (the email's local part is preferred, Strapi's rule). */
  username?: string | null;
}

/** Reads a further resource of the provider with the access token (GitHub's /user/emails). */
export type FetchJson = (url: string) => Promise<unknown>;

export interface ProviderPreset {
  /** Shown on login pages. */
  label: string;
  /** OpenID Connect: discovery from this issuer, ID token validated (issuer, audience, nonce, signature). */
  issuer?: string;
  authorizationUrl?: string;
  tokenUrl?: string;
  userinfoUrl?: string;
  scopes: readonly string[];
  /** Extra authorization request parameters. */
  authorizationParams?: Readonly<Record<string, string>>;
  /** Maps the userinfo (OAuth 2) or ID token claims merged with userinfo (OIDC) to a profile. */
  profile?: (info: Record<string, unknown>, fetchJson: FetchJson, userinfoUrl: string) => Promise<ProviderProfile>;
}

const text = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);
const idOf = (value: unknown): string | null => (typeof value === "number" ? String(value) : text(value));
/** Some providers (Apple) send booleans as strings. */
const yes = (value: unknown) => value === true || value === "true";

/** OpenID Connect's standard claims: `sub`, `email`, `email_verified`, `preferred_username`. */
export async function oidcProfile(info: Record<string, unknown>): Promise<ProviderProfile> {
  const subject = idOf(info.sub);
  if (!subject) throw new Error("the provider's profile has no sub");
  return {
    subject,
    email: text(info.email),
    emailVerified: yes(info.email_verified),
    username: text(info.preferred_username) ?? text(info.nickname),
  };
}

/** Refuses a profile without the provider's account id. */
function required(value: unknown, name: string): string {
  const id = idOf(value);
  if (!id) throw new Error(`the provider's profile has no ${name}`);
  return id;
}

export const PROVIDER_PRESETS = {
  github: {
    label: "GitHub",
    authorizationUrl: "https://github.com/login/oauth/authorize",
    tokenUrl: "https://github.com/login/oauth/access_token",
    userinfoUrl: "https://api.github.com/user",
    scopes: ["read:user", "user:email"],
    // /user shows the public email, unverified; /user/emails says which address is primary and verified.
    async profile(user, fetchJson, userinfoUrl) {
      const emails = (await fetchJson(`${userinfoUrl}/emails`)) as { email?: unknown; primary?: unknown; verified?: unknown }[];
      const primary = Array.isArray(emails) ? emails.find((entry) => entry.primary === true) : undefined;
      return {
        subject: required(user.id, "id"),
        email: text(primary?.email) ?? text(user.email),
        emailVerified: primary?.verified === true,
        username: text(user.login),
      };
    },
  },
  google: {
    label: "Google",
    issuer: "https://accounts.google.com",
    scopes: ["openid", "email", "profile"],
  },
  microsoft: {
    label: "Microsoft",
    // The multi-tenant ("common") endpoints name each tenant as the ID token's issuer, so the profile
    // comes from Microsoft Graph instead. Set `issuer` to https://login.microsoftonline.com/<tenant>/v2.0
    // (and scopes openid email profile) for one tenant's OpenID Connect.
    authorizationUrl: "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
    tokenUrl: "https://login.microsoftonline.com/common/oauth2/v2.0/token",
    userinfoUrl: "https://graph.microsoft.com/v1.0/me",
    scopes: ["User.Read"],
    // Entra ID lets tenant admins set any unverified address as `mail` (the "nOAuth" takeover): it never
    // counts as verified, so a Microsoft sign-in never links to an existing account by email.
    profile: async (user) => ({
      subject: required(user.id, "id"),
      email: text(user.mail) ?? text(user.userPrincipalName),
      emailVerified: false,
      username: null,
    }),
  },
  gitlab: {
    label: "GitLab",
    issuer: "https://gitlab.com",
    scopes: ["openid", "email", "profile"],
  },
  discord: {
    label: "Discord",
    authorizationUrl: "https://discord.com/oauth2/authorize",
    tokenUrl: "https://discord.com/api/oauth2/token",
    userinfoUrl: "https://discord.com/api/users/@me",
    scopes: ["identify", "email"],
    profile: async (user) => ({
      subject: required(user.id, "id"),
      email: text(user.email),
      emailVerified: user.verified === true,
      username: text(user.username),
    }),
  },
  facebook: {
    label: "Facebook",
    authorizationUrl: "https://www.facebook.com/v19.0/dialog/oauth",
    tokenUrl: "https://graph.facebook.com/v19.0/oauth/access_token",
    userinfoUrl: "https://graph.facebook.com/me?fields=id,name,email",
    scopes: ["email"],
    // The Graph API does not say whether the address was verified: it never links by email.
    profile: async (user) => ({ subject: required(user.id, "id"), email: text(user.email), emailVerified: false, username: null }),
  },
  apple: {
    label: "Apple",
    issuer: "https://appleid.apple.com",
    // Apple sends the email only in the ID token (email_verified as "true"), and with the email scope
    // only as a form POST to the callback, which the callback route bounces to its GET form (same-site,
    // so the SameSite=Lax flow cookie comes along). The client secret is the JWT Apple's docs describe.
    scopes: ["openid", "email"],
    authorizationParams: { response_mode: "form_post" },
  },
  twitch: {
    label: "Twitch",
    issuer: "https://id.twitch.tv/oauth2",
    scopes: ["openid", "user:read:email"],
    // Twitch puts the email into userinfo only when the claims parameter asks for it.
    authorizationParams: { claims: JSON.stringify({ userinfo: { email: null, email_verified: null, preferred_username: null } }) },
  },
} as const satisfies Record<string, ProviderPreset>;

export type PresetName = keyof typeof PROVIDER_PRESETS;

export function presetOf(name: string): ProviderPreset | undefined {
  return Object.hasOwn(PROVIDER_PRESETS, name) ? (PROVIDER_PRESETS as Record<string, ProviderPreset>)[name] : undefined;
}
