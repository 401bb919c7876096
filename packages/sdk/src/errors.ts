/**
 * Every failure the client reports is a GatehouseError: a GraphQL error from the server (its
 * `extensions.code`, `extensions.reason`, message and path), or NETWORK_ERROR when no GraphQL answer
 * arrived at all. UIs branch on `code` and `reason`, never on the message.
 */

/** One entry of a GraphQL response's `errors`. */
export interface GraphQLErrorPayload {
  message: string;
  path?: readonly (string | number)[];
  extensions?: Record<string, unknown>;
}

/**
 * The server's catalogue of `extensions.code` values (see the server README), and NETWORK_ERROR for a
 * request that got no GraphQL response (unreachable server, a proxy's HTML error page).
 */
export type GatehouseErrorCode =
  | "BAD_USER_INPUT"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "RATE_LIMITED"
  | "ACCOUNT_LOCKED"
  | "OPERATION_LIMIT_EXCEEDED"
  | "INTROSPECTION_DISABLED"
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "CSRF_REJECTED"
  | "INTERNAL_SERVER_ERROR"
  | "NETWORK_ERROR"
  // Codes a newer server may add still type-check, and editors still suggest the known ones.
  | (string & {});

export interface GatehouseErrorInit {
  code: GatehouseErrorCode;
  message: string;
  reason?: string;
  path?: readonly (string | number)[];
  extensions?: Record<string, unknown>;
  errors?: readonly GraphQLErrorPayload[];
  status?: number;
  cause?: unknown;
}

export class GatehouseError extends Error {
  override readonly name = "GatehouseError";
  /** `extensions.code` of the first error, or NETWORK_ERROR. */
  readonly code: GatehouseErrorCode;
  /** `extensions.reason` (why exactly, e.g. INVALID_CREDENTIALS) when the server sends one. */
  readonly reason: string | undefined;
  /** The GraphQL path of the field that failed; undefined for request-level errors. */
  readonly path: readonly (string | number)[] | undefined;
  /** Every extension of the first error (`retryAfter` of RATE_LIMITED, for instance). */
  readonly extensions: Readonly<Record<string, unknown>>;
  /** Every error of the response, the first one included. */
  readonly errors: readonly GraphQLErrorPayload[];
  /** HTTP status of the response; undefined when none arrived. */
  readonly status: number | undefined;

  constructor(init: GatehouseErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.reason = init.reason;
    this.path = init.path;
    this.extensions = init.extensions ?? {};
    this.errors = init.errors ?? [];
    this.status = init.status;
  }

  /** The error for a GraphQL response's `errors` (the first one leads). */
  static fromGraphQLErrors(errors: readonly GraphQLErrorPayload[], status?: number): GatehouseError {
    const [first] = errors;
    const extensions = first?.extensions ?? {};
    return new GatehouseError({
      code: typeof extensions.code === "string" ? extensions.code : "INTERNAL_SERVER_ERROR",
      reason: typeof extensions.reason === "string" ? extensions.reason : undefined,
      message: first?.message ?? "The server answered with an error",
      path: first?.path,
      extensions,
      errors,
      status,
    });
  }
}

export const isGatehouseError = (error: unknown): error is GatehouseError => error instanceof GatehouseError;
