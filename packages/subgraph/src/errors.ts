/**
 * Why a request that carried an Authorization header was refused. A request without one is anonymous
 * (`null`), never an error; a request with one is either verified or refused, never downgraded.
 */
export type GatehouseAuthErrorCode =
  /** The header is there but is not exactly one `Bearer <token>`. */
  | "MALFORMED_AUTHORIZATION"
  /** A genuine token whose `exp` has passed. */
  | "TOKEN_EXPIRED"
  /**
   * Anything else about the token: bad signature, an algorithm other than the pinned ones (HS256, none),
   * an unknown `kid`, a wrong audience or issuer, a missing or malformed claim, not yet valid.
   */
  | "TOKEN_INVALID"
  /** Gatehouse's key set could not be fetched or read: a fault on the server side, not the caller's. */
  | "JWKS_UNAVAILABLE";

export class GatehouseAuthError extends Error {
  override readonly name = "GatehouseAuthError";
  readonly code: GatehouseAuthErrorCode;

  constructor(code: GatehouseAuthErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** The HTTP status that fits: 503 when the keys were unavailable, 401 for everything about the token. */
  get status(): 401 | 503 {
    return this.code === "JWKS_UNAVAILABLE" ? 503 : 401;
  }
}
