/**
 * The catalogues of what clients may see in an error's `extensions`: `code` (what kind of failure, with
 * the HTTP-ish meaning Strapi's clients expect) and, for the expected failures of the flows, `reason`
 * (why exactly, for clients to branch on instead of message text). Anything thrown that is not a
 * GatehouseError is masked by Yoga as INTERNAL_SERVER_ERROR ("Unexpected error."), so never wrap an
 * internal error in one of these.
 */
import { GraphQLError, type GraphQLErrorExtensions } from "graphql";
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
  /**
   * `_service { sdl }` with introspection off, from a request without the router's SDL token
   * (`x-gatehouse-sdl-token` equal to SUBGRAPH_SDL_TOKEN).
   */
  SUBGRAPH_SDL_DISABLED: "SUBGRAPH_SDL_DISABLED",
  /** POST bodies must be application/json (HTTP 415). */
  UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  /** The request body is larger than MAX_BODY_BYTES (HTTP 413). */
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  /** Gateway mode: a subgraph could not be reached or gave no usable answer; `extensions.subgraph` names it. */
  SUBGRAPH_UNAVAILABLE: "SUBGRAPH_UNAVAILABLE",
  /** Gateway mode: a subgraph did not answer within GATEWAY_TIMEOUT_MS; `extensions.subgraph` names it. */
  SUBGRAPH_TIMEOUT: "SUBGRAPH_TIMEOUT",
  /** Gateway mode: a subgraph's own error that carried no code; `extensions.subgraph` names it. */
  DOWNSTREAM_SERVICE_ERROR: "DOWNSTREAM_SERVICE_ERROR",
  INTERNAL_SERVER_ERROR: "INTERNAL_SERVER_ERROR",
  /** A request Yoga could not read as GraphQL (malformed JSON, no query). */
  BAD_REQUEST: "BAD_REQUEST",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Why an expected failure happened. A reason never says more than the message beside it: an unknown
 * account and a wrong password are both INVALID_CREDENTIALS, and flows that always answer ok have none.
 */
export const FailureReason = {
  /** An argument has the wrong shape (too long, not an email, an unknown profile field...). */
  INVALID_INPUT: "INVALID_INPUT",
  /** Wrong identifier or password, or no such account: the two are never told apart. */
  INVALID_CREDENTIALS: "INVALID_CREDENTIALS",
  /** Right password, but the address must be confirmed first (settings.emailConfirmation). */
  EMAIL_NOT_CONFIRMED: "EMAIL_NOT_CONFIRMED",
  ACCOUNT_BLOCKED: "ACCOUNT_BLOCKED",
  /** Too many failed sign-ins from this client; `retryAfter` gives seconds. */
  ACCOUNT_LOCKED: "ACCOUNT_LOCKED",
  /** Too many calls of this field; `retryAfter` gives seconds. */
  RATE_LIMITED: "RATE_LIMITED",
  /** The new password breaks the policy; `problems` lists why. */
  PASSWORD_POLICY: "PASSWORD_POLICY",
  /** password and passwordConfirmation differ. */
  PASSWORD_MISMATCH: "PASSWORD_MISMATCH",
  WRONG_CURRENT_PASSWORD: "WRONG_CURRENT_PASSWORD",
  SAME_PASSWORD: "SAME_PASSWORD",
  /** A reset or confirmation code that is unknown, used or expired. */
  INVALID_CODE: "INVALID_CODE",
  /** An access or refresh token that is malformed, forged, unknown or revoked. */
  INVALID_TOKEN: "INVALID_TOKEN",
  TOKEN_EXPIRED: "TOKEN_EXPIRED",
  /** The access token's session was revoked or has expired: sign in again. */
  SESSION_ENDED: "SESSION_ENDED",
  REGISTRATION_DISABLED: "REGISTRATION_DISABLED",
  /** The username or email belongs to another account. */
  IDENTITY_TAKEN: "IDENTITY_TAKEN",
  /** Anonymous caller on something that needs a session. */
  SIGN_IN_REQUIRED: "SIGN_IN_REQUIRED",
  /** Signed-in caller whom no rule allows. */
  NOT_ALLOWED: "NOT_ALLOWED",
  /** The sign-in provider is unknown or not enabled. */
  PROVIDER_NOT_ENABLED: "PROVIDER_NOT_ENABLED",
  /** A redirect URL that is not in settings.providerRedirectUrls (exact match). */
  REDIRECT_NOT_ALLOWED: "REDIRECT_NOT_ALLOWED",
  /** A provider callback whose state is unknown, used, expired, or not this browser's (flow cookie). */
  INVALID_STATE: "INVALID_STATE",
  /** The user declined at the provider, or the provider answered with an error. */
  PROVIDER_DENIED: "PROVIDER_DENIED",
  /** The provider's answer failed a check (code exchange, PKCE, ID token issuer/audience/nonce/signature, profile). */
  PROVIDER_ERROR: "PROVIDER_ERROR",
  /** The provider gave no email address, which a new account needs. */
  PROVIDER_EMAIL_REQUIRED: "PROVIDER_EMAIL_REQUIRED",
  /**
   * The provider's email belongs to an existing account, but the provider did not assert it verified or
   * the account's email is not confirmed: sign in to that account and link the provider (linkProvider).
   */
  PROVIDER_LINK_REQUIRED: "PROVIDER_LINK_REQUIRED",
  /** This provider account is linked to another user, or the user already links another account of it. */
  PROVIDER_ALREADY_LINKED: "PROVIDER_ALREADY_LINKED",
  /** unlinkProvider would leave the account with no password and no other enabled provider. */
  LAST_SIGN_IN_METHOD: "LAST_SIGN_IN_METHOD",
} as const;
export type FailureReason = (typeof FailureReason)[keyof typeof FailureReason];

declare module "graphql" {
  /** What Gatehouse puts in `extensions`, so the compiler checks every error against the catalogues. */
  interface GraphQLErrorExtensions {
    code?: ErrorCode;
    reason?: FailureReason;
    /** Seconds to wait (RATE_LIMITED, ACCOUNT_LOCKED). */
    retryAfter?: number;
    /** Which operation limit was exceeded (OPERATION_LIMIT_EXCEEDED). */
    limit?: string;
    /** The argument at fault. */
    field?: string;
    /** Unknown profile fields (register). */
    fields?: string[];
    /** Password policy problem codes (PASSWORD_POLICY). */
    problems?: string[];
  }
}

/** An expected failure as the flows declare it: Strapi's message and code, and the reason. */
export interface Failure {
  code: ErrorCode;
  message: string;
  reason: FailureReason;
}

/** Extensions besides the code (Omit would drop the declared keys: the interface has an index signature). */
type Extensions = GraphQLErrorExtensions & { code?: never };

export class GatehouseError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: Extensions = {}) {
    super(message, { extensions: { ...extensions, code } });
    this.name = "GatehouseError";
  }
}

/** The error of a declared failure. */
export const failure = ({ code, message, reason }: Failure, extensions: Extensions = {}) =>
  new GatehouseError(code, message, { ...extensions, reason });

export const badUserInput = (message: string, extensions?: Extensions) =>
  new GatehouseError(ErrorCode.BAD_USER_INPUT, message, extensions);
export const unauthenticated = (message = "You must be signed in", reason: FailureReason = FailureReason.SIGN_IN_REQUIRED) =>
  new GatehouseError(ErrorCode.UNAUTHENTICATED, message, { reason });
export const forbidden = (message = "Forbidden", reason: FailureReason = FailureReason.NOT_ALLOWED) =>
  new GatehouseError(ErrorCode.FORBIDDEN, message, { reason });
/**
 * The request's access token was refused (invalid, expired, revoked, or its user blocked). Clients that
 * accept `application/graphql-response+json` get HTTP 401, as the GraphQL-over-HTTP spec and Strapi's REST
 * API answer; `spec: true` makes Yoga keep 200 for `application/json` clients. Yoga reads `http` for the
 * status and headers and strips it from the response body.
 */
export const invalidAccessToken = (message: string, reason: FailureReason = FailureReason.INVALID_TOKEN) =>
  new GatehouseError(ErrorCode.UNAUTHENTICATED, message, {
    reason,
    http: { status: 401, spec: true, headers: { "www-authenticate": 'Bearer error="invalid_token"' } },
  });
export const notFound = (message = "Not found") => new GatehouseError(ErrorCode.NOT_FOUND, message);
export const conflict = (message: string) => new GatehouseError(ErrorCode.CONFLICT, message);
/** `retryAfterSeconds` is whole seconds, at least 1, as in an HTTP Retry-After header. */
export const rateLimited = (retryAfterSeconds: number) =>
  new GatehouseError(ErrorCode.RATE_LIMITED, `Too many requests, retry in ${retryAfterSeconds} s`, {
    retryAfter: retryAfterSeconds,
    reason: FailureReason.RATE_LIMITED,
  });
export const accountLocked = (retryAfterSeconds: number) =>
  new GatehouseError(ErrorCode.ACCOUNT_LOCKED, `Too many failed attempts, retry in ${retryAfterSeconds} s`, {
    retryAfter: retryAfterSeconds,
    reason: FailureReason.ACCOUNT_LOCKED,
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
    (masked.extensions as GraphQLErrorExtensions).code = ErrorCode.BAD_USER_INPUT;
  }
  return masked;
};
