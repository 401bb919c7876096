/**
 * Cookie mode only: a cookie rides along on any request a browser sends, including cross-site form posts
 * and GETs that skip CORS preflights. Such "simple" requests are refused unless they carry a custom
 * header, which a cross-site page cannot add without a preflight.
 */
import type { Plugin } from "graphql-yoga";
import { ErrorCode, GatehouseError } from "../errors.ts";
import { isNonSimpleRequest } from "../modules/auth/refresh-cookie.ts";

/** Header that marks a GET or form request as deliberate in cookie mode. */
export const CSRF_HEADER = "x-gatehouse-csrf";

export function useCsrfGuard(): Plugin {
  return {
    onRequestParse({ request }) {
      if (isNonSimpleRequest(request) || request.headers.has(CSRF_HEADER)) return;
      throw new GatehouseError(ErrorCode.CSRF_REJECTED, `Send a JSON request or the ${CSRF_HEADER} header`, {
        http: { status: 403 },
      });
    },
  };
}
