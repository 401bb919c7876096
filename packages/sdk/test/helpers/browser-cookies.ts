/**
 * A fetch that keeps cookies the way a browser does for a page calling the API with
 * `credentials: "include"`: it stores what Set-Cookie says (Max-Age=0 deletes) and sends it back, and
 * without `include` it neither sends nor stores any. Node's fetch has no cookie jar; the repository's
 * cookie-mode tests pass the cookie header by hand, and this does the same for every request.
 *
 * The `__Host-` prefix is enforced as browsers do (Secure, Path=/, no Domain). Secure cookies are kept
 * from http://127.0.0.1 because browsers treat loopback addresses as secure contexts.
 */
import { parseSetCookie } from "cookie";

interface StoredCookie {
  value: string;
  expiresAt: number;
}

export interface BrowserCookies {
  fetch: typeof globalThis.fetch;
  /** The value of a stored, unexpired cookie. */
  get(name: string): string | undefined;
}

export function browserCookies(inner: typeof globalThis.fetch = globalThis.fetch): BrowserCookies {
  const jar = new Map<string, StoredCookie>();
  const live = () => [...jar].filter(([, cookie]) => cookie.expiresAt > Date.now());

  function store(header: string) {
    const cookie = parseSetCookie(header);
    if (cookie.name.startsWith("__Host-") && (!cookie.secure || cookie.path !== "/" || cookie.domain)) return;
    const expiresAt =
      cookie.maxAge !== undefined ? Date.now() + cookie.maxAge * 1000 : (cookie.expires?.getTime() ?? Number.POSITIVE_INFINITY);
    if (expiresAt <= Date.now()) jar.delete(cookie.name);
    else jar.set(cookie.name, { value: cookie.value ?? "", expiresAt });
  }

  return {
    get: (name) => live().find(([stored]) => stored === name)?.[1].value,
    async fetch(input, init = {}) {
      const include = init.credentials === "include";
      const headers = new Headers(init.headers);
      const cookies = live().map(([name, cookie]) => `${name}=${cookie.value}`);
      if (include && cookies.length > 0) headers.set("cookie", cookies.join("; "));
      const response = await inner(input, { ...init, headers });
      if (include) for (const header of response.headers.getSetCookie()) store(header);
      return response;
    },
  };
}
