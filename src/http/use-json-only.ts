/**
 * POST requests must be JSON. Yoga would also take form-encoded and multipart bodies; browsers send
 * those cross-origin without a CORS preflight, which is what CSRF rides on, and an auth server has no
 * file uploads. Anything else gets HTTP 415.
 */
import type { Plugin } from "graphql-yoga";
import { ErrorCode } from "../errors.ts";
import { httpErrorResponse } from "./error-response.ts";

const JSON_TYPE = /^application\/(graphql-response\+)?json\s*(;|$)/i;

export function useJsonOnly({ endpoint }: { endpoint: string }): Plugin {
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (request.method !== "POST" || url.pathname !== endpoint) return;
      if (JSON_TYPE.test(request.headers.get("content-type") ?? "")) return;
      endResponse(
        httpErrorResponse(fetchAPI, {
          status: 415,
          code: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          message: "Send GraphQL requests as application/json",
          headers: { accept: "application/json" },
        }),
      );
    },
  };
}
