/**
 * Cookie mode: the refresh token lives in a Secure, HttpOnly, SameSite=Strict cookie that scripts cannot
 * read. The `__Host-` prefix pins it to this exact origin (no Domain, Path=/).
 *
 * CSRF: the cookie is only honoured on requests with a JSON content type. Browsers cannot send those
 * cross-site without a CORS preflight, which the CORS allow-list then refuses; HTML forms and other
 * "simple" requests never reach the cookie.
 */
import { parseCookie, stringifySetCookie } from "cookie";

export const REFRESH_COOKIE = "__Host-gatehouse-refresh";

export interface RefreshCookies {
  enabled: boolean;
  /** The refresh token from the request's cookie, when cookie mode is on and the request is non-simple. */
  refreshToken(): string | undefined;
  setRefreshToken(token: string): void;
  clearRefreshToken(): void;
  /** Set-Cookie values to add to the response. */
  readonly setCookies: string[];
}

/** Whether a browser would have sent a CORS preflight before this request (so CORS protects it). */
export function isNonSimpleRequest(request: Request): boolean {
  const contentType = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  return contentType === "application/json" || contentType === "application/graphql-response+json";
}

export function createRefreshCookies(request: Request, options: { enabled: boolean; maxAgeSeconds: number }): RefreshCookies {
  const setCookies: string[] = [];
  const write = (value: string, maxAge: number) =>
    setCookies.push(
      stringifySetCookie({ name: REFRESH_COOKIE, value, httpOnly: true, secure: true, sameSite: "strict", path: "/", maxAge }),
    );
  return {
    enabled: options.enabled,
    setCookies,
    refreshToken() {
      if (!options.enabled || !isNonSimpleRequest(request)) return undefined;
      const header = request.headers.get("cookie");
      return header ? parseCookie(header)[REFRESH_COOKIE] : undefined;
    },
    setRefreshToken(token) {
      if (options.enabled) write(token, options.maxAgeSeconds);
    },
    clearRefreshToken() {
      if (options.enabled) write("", 0);
    },
  };
}
