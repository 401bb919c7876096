/**
 * The refresh-token cookies of each request (cookie mode): resolvers read and set them through the
 * context, and the plugin adds the Set-Cookie headers they asked for to the response.
 */
import type { Plugin } from "graphql-yoga";
import { createRefreshCookies, type RefreshCookies } from "../modules/auth/refresh-cookie.ts";

export interface ResponseCookies {
  /** The cookies of `request`, created on first use. */
  forRequest(request: Request): RefreshCookies;
  plugin: Plugin;
}

export function createResponseCookies(options: { enabled: boolean; maxAgeSeconds: number }): ResponseCookies {
  const cookiesOf = new WeakMap<Request, RefreshCookies>();
  return {
    forRequest(request) {
      let cookies = cookiesOf.get(request);
      if (!cookies) {
        cookies = createRefreshCookies(request, options);
        cookiesOf.set(request, cookies);
      }
      return cookies;
    },
    plugin: {
      onResponse({ request, response }) {
        for (const value of cookiesOf.get(request)?.setCookies ?? []) response.headers.append("set-cookie", value);
      },
    },
  };
}
