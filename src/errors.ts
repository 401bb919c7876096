/**
 * The catalogue of error codes clients may see in `extensions.code`. Anything thrown that is not a
 * GatehouseError is masked by Yoga as INTERNAL_SERVER_ERROR ("Unexpected error."), so never wrap an
 * internal error in one of these.
 */
import { GraphQLError } from "graphql";
import { maskError } from "graphql-yoga";

export const ErrorCode = {
  BAD_USER_INPUT: "BAD_USER_INPUT",
  UNAUTHENTICATED: "UNAUTHENTICATED",
  FORBIDDEN: "FORBIDDEN",
  /** A request a browser could have sent cross-site without a preflight (cookie mode). */
  CSRF_REJECTED: "CSRF_REJECTED",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  /** Too many requests for a field or for the whole endpoint; `extensions.retryAfter` gives seconds. */
  RATE_LIMITED: "RATE_LIMITED",
  /**
   * Too many failed sign-ins for this account from this client; `extensions.retryAfter` gives seconds.
   * Also answered for unknown identifiers, so it does not reveal which accounts exist.
   */
  ACCOUNT_LOCKED: "ACCOUNT_LOCKED",
  /** The operation exceeds a depth, alias, cost, token, directive or once-per-request limit; `extensions.limit` names it. */
  OPERATION_LIMIT_EXCEEDED: "OPERATION_LIMIT_EXCEEDED",
  /** Introspection is turned off (production default; INTROSPECTION=true turns it on). */
  INTROSPECTION_DISABLED: "INTROSPECTION_DISABLED",
  /** POST bodies must be application/json (HTTP 415). */
  UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  /** The request body is larger than MAX_BODY_BYTES (HTTP 413). */
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  INTERNAL_SERVER_ERROR: "INTERNAL_SERVER_ERROR",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class GatehouseError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
    this.name = "GatehouseError";
  }
}

export const badUserInput = (message: string, extensions?: Record<string, unknown>) =>
  new GatehouseError(ErrorCode.BAD_USER_INPUT, message, extensions);
export const unauthenticated = (message = "You must be signed in") =>
  new GatehouseError(ErrorCode.UNAUTHENTICATED, message);
/**
 * The request's access token was refused (invalid, expired, revoked, or its user blocked). Clients that
 * accept `application/graphql-response+json` get HTTP 401, as the GraphQL-over-HTTP spec and Strapi's REST
 * API answer; `spec: true` makes Yoga keep 200 for `application/json` clients. Yoga reads `http` for the
 * status and headers and strips it from the response body.
 */
export const invalidAccessToken = (message: string) =>
  new GatehouseError(ErrorCode.UNAUTHENTICATED, message, {
    http: { status: 401, spec: true, headers: { "www-authenticate": 'Bearer error="invalid_token"' } },
  });
export const forbidden = (message = "Forbidden") => new GatehouseError(ErrorCode.FORBIDDEN, message);
export const notFound = (message = "Not found") => new GatehouseError(ErrorCode.NOT_FOUND, message);
export const conflict = (message: string) => new GatehouseError(ErrorCode.CONFLICT, message);
/** `retryAfterSeconds` is whole seconds, at least 1, as in an HTTP Retry-After header. */
export const rateLimited = (retryAfterSeconds: number) =>
  new GatehouseError(ErrorCode.RATE_LIMITED, `Too many requests, retry in ${retryAfterSeconds} s`, {
    retryAfter: retryAfterSeconds,
  });
export const accountLocked = (retryAfterSeconds: number) =>
  new GatehouseError(ErrorCode.ACCOUNT_LOCKED, `Too many failed attempts, retry in ${retryAfterSeconds} s`, {
    retryAfter: retryAfterSeconds,
  });
export const operationLimitExceeded = (limit: string, message: string) =>
  new GatehouseError(ErrorCode.OPERATION_LIMIT_EXCEEDED, message, { limit });

/**
 * Yoga's masking, plus a code for the errors graphql-js raises itself without one (a variable of the
 * wrong type, a missing required argument): they are the client's mistake, so BAD_USER_INPUT. The code is
 * added in place: Yoga logs any error its mask replaced as an unexpected server error.
 */
export const maskErrorWithCode: typeof maskError = (error, message, isDev) => {
  const masked = maskError(error, message, isDev);
  if (masked instanceof GraphQLError && !masked.extensions.code) {
    (masked.extensions as Record<string, unknown>).code = ErrorCode.BAD_USER_INPUT;
  }
  return masked;
};
