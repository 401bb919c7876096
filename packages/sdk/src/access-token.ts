/**
 * When to renew an access token. The SDK never verifies tokens (the server does, on every request); it
 * only reads `iat` and `exp` from the payload to know when a token is about to expire.
 */

export interface AccessToken {
  value: string;
  /** Local clock (ms) at which the server will refuse the token. */
  expiresAt: number;
  /** Local clock (ms) from which the client renews it before use. */
  refreshAt: number;
}

/** Renew this long before expiry at most; a tenth of the lifetime for short-lived tokens. */
const MAX_SKEW_MS = 30_000;

/**
 * The token's lifetime is measured from its receipt on the local clock (`exp - iat` after `receivedAt`),
 * so a client whose clock is off by minutes neither renews on every call nor sends expired tokens. The
 * claims count whole seconds and `iat` is rounded down: the token may have been signed up to a second
 * after `iat`, so that second is taken off.
 */
export function readAccessToken(value: string, receivedAt: number): AccessToken {
  const claims = decodePayload(value);
  const exp = typeof claims?.exp === "number" ? claims.exp : undefined;
  const iat = typeof claims?.iat === "number" ? claims.iat : undefined;
  if (exp === undefined) return { value, expiresAt: Number.POSITIVE_INFINITY, refreshAt: Number.POSITIVE_INFINITY };
  const lifetimeMs = iat !== undefined && exp > iat ? (exp - iat - 1) * 1000 : Math.max(0, exp * 1000 - receivedAt);
  const expiresAt = receivedAt + lifetimeMs;
  return { value, expiresAt, refreshAt: expiresAt - Math.min(MAX_SKEW_MS, lifetimeMs / 10) };
}

function decodePayload(jwt: string): Record<string, unknown> | undefined {
  const payload = jwt.split(".")[1];
  if (!payload) return undefined;
  try {
    const base64 = payload.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(payload.length / 4) * 4, "=");
    const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return claims !== null && typeof claims === "object" ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
