/**
 * A GraphQL-shaped error answered before GraphQL runs (rate limit, body size, content type): the body
 * clients already parse, `{ errors: [{ message, extensions: { code } }] }`, with a real HTTP status.
 */
import type { FetchAPI } from "graphql-yoga";
import type { ErrorCode } from "../errors.ts";

export interface HttpErrorOptions {
  status: number;
  code: ErrorCode;
  message: string;
  /** Extra `extensions` beside the code. */
  extensions?: Record<string, unknown>;
  headers?: Record<string, string>;
}

export function httpErrorResponse(fetchAPI: FetchAPI, { status, code, message, extensions, headers }: HttpErrorOptions): Response {
  return new fetchAPI.Response(JSON.stringify({ errors: [{ message, extensions: { code, ...extensions } }] }), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}
