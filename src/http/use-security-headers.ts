/**
 * Security headers on every response. The API only ever returns JSON, so its Content-Security-Policy
 * allows nothing at all; HTML pages (the confirmation page, GraphiQL) bring their own policy, to which
 * framing is refused, and any other HTML gets at least that.
 */
import type { Plugin } from "graphql-yoga";

export interface SecurityHeadersOptions {
  /** Adds Strict-Transport-Security; only in production, where PUBLIC_URL is https. */
  hsts: boolean;
}

const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export function useSecurityHeaders({ hsts }: SecurityHeadersOptions): Plugin {
  return {
    onResponse({ response }) {
      const headers = response.headers;
      const isHtml = headers.get("content-type")?.startsWith("text/html") ?? false;
      headers.set("x-content-type-options", "nosniff");
      headers.set("referrer-policy", "no-referrer");
      headers.set("x-frame-options", "DENY");
      // A page that sets its own policy (the confirmation link's) keeps it, with framing refused.
      const own = headers.get("content-security-policy");
      headers.set("content-security-policy", own ? `${own}; frame-ancestors 'none'` : isHtml ? "frame-ancestors 'none'" : API_CSP);
      // Responses may carry tokens: no shared or browser cache may keep them.
      if (!headers.has("cache-control")) headers.set("cache-control", "no-store");
      // Two years, the preload list's minimum; browsers then refuse plain http for this host.
      if (hsts) headers.set("strict-transport-security", "max-age=63072000; includeSubDomains");
    },
  };
}
