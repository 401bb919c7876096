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

/**
 * A client asks for cookie delivery on one request with `x-gatehouse-refresh-cookie: httpOnly` (as
 * Strapi's `x-strapi-refresh-cookie`), whatever AUTH_COOKIE says: the admin page works with the default
 * configuration. Safe to honour: a custom header makes the request non-simple, so a cross-site page
 * cannot send it without a CORS preflight that the allow-list refuses.
 */
export const REFRESH_COOKIE_REQUEST_HEADER = "x-gatehouse-refresh-cookie";

/** Whether the request asked for cookie delivery itself (see REFRESH_COOKIE_REQUEST_HEADER). */
export function asksForRefreshCookie(request: Request): boolean {
  return request.headers.get(REFRESH_COOKIE_REQUEST_HEADER)?.trim().toLowerCase() === "httponly";
}

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
  const enabled = options.enabled || asksForRefreshCookie(request);
  const write = (value: string, maxAge: number) =>
    setCookies.push(
      stringifySetCookie({ name: REFRESH_COOKIE, value, httpOnly: true, secure: true, sameSite: "strict", path: "/", maxAge }),
    );
  return {
    enabled,
    setCookies,
    refreshToken() {
      if (!enabled || !isNonSimpleRequest(request)) return undefined;
      const header = request.headers.get("cookie");
      return header ? parseCookie(header)[REFRESH_COOKIE] : undefined;
    },
    setRefreshToken(token) {
      if (enabled) write(token, options.maxAgeSeconds);
    },
    clearRefreshToken() {
      if (enabled) write("", 0);
    },
  };
}
