/**
 * Verifies the Bearer token Gatehouse puts on requests to a subgraph, against Gatehouse's published key
 * set. The algorithm, issuer and audience are pinned; the keys come from jose's remote JWKS, which caches
 * them and refetches when a token names a `kid` it does not know (after a cooldown).
 */
import {
  createRemoteJWKSet,
  errors as joseErrors,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
  type RemoteJWKSetOptions,
} from "jose";
import { GatehouseAuthError } from "./errors.ts";

/** The asymmetric algorithms Gatehouse signs with. HS256 and `none` are never accepted. */
export const GATEHOUSE_ALGORITHMS = ["EdDSA", "ES256", "RS256"] as const;
export type GatehouseAlgorithm = (typeof GATEHOUSE_ALGORITHMS)[number];

/** The caller Gatehouse vouches for. */
export interface GatehouseIdentity {
  /** Gatehouse's user id (the `sub` claim). */
  userId: string;
  /** The caller's static role types when the token was issued (`roles`), e.g. `["authenticated"]`. */
  roles: string[];
  /** The caller's Gatehouse session (`sid`); null for tokens without one (Gatehouse's legacy JWT mode). */
  sessionId: string | null;
}

export interface GatehouseVerifierOptions {
  /** Gatehouse's public key set, e.g. `https://auth.example.com/.well-known/jwks.json`. */
  jwksUrl: string | URL;
  /** Gatehouse's issuer: its `JWT_ISSUER`, which defaults to its `PUBLIC_URL`. */
  issuer: string;
  /**
   * The audience this service accepts. Behind Gatehouse's gateway it is the subgraph's name in
   * `GATEWAY_SUBGRAPHS` (e.g. `posts`); to accept client access tokens forwarded by another router it is
   * Gatehouse's `JWT_AUDIENCE` (`gatehouse`). Several are allowed; none is refused.
   */
  audience: string | string[];
  /**
   * Algorithms to accept, a subset of {@link GATEHOUSE_ALGORITHMS} (the default: all three). Narrow it to
   * the `JWT_ALGORITHM` your Gatehouse uses.
   */
  algorithms?: GatehouseAlgorithm[];
  /** Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds (default 0). */
  clockToleranceSeconds?: number;
  /**
   * Key set fetching, in milliseconds: `cooldownDuration` (default 30 000) is the least time between two
   * refetches for an unknown `kid`, `cacheMaxAge` (default 600 000) how long keys are kept before a refetch,
   * `timeoutDuration` (default 5 000) the fetch timeout.
   */
  jwks?: Pick<RemoteJWKSetOptions, "cooldownDuration" | "cacheMaxAge" | "timeoutDuration">;
}

/** Anything with request headers: a Fetch API `Request` (Yoga, Hono, ...) or Node's `IncomingMessage`. */
export interface RequestWithHeaders {
  headers: { get(name: string): string | null } | Record<string, string | string[] | undefined>;
}

export interface GatehouseVerifier {
  /**
   * The caller of a request: null when it has no Authorization header (anonymous), the identity when it
   * carries a valid token, and a thrown {@link GatehouseAuthError} when it carries anything else.
   */
  verifyRequest(request: RequestWithHeaders): Promise<GatehouseIdentity | null>;
  /** Verifies a bare token; throws {@link GatehouseAuthError} unless it is valid. */
  verifyToken(token: string): Promise<GatehouseIdentity>;
}

/** Builds a verifier once (at start-up) and keeps its key cache for the life of the process. */
export function createGatehouseVerifier(options: GatehouseVerifierOptions): GatehouseVerifier {
  return buildVerifier(options, createRemoteJWKSet(jwksUrlOf(options), options.jwks));
}

const sharedKeySets = new Map<string, JWTVerifyGetKey>();

/**
 * One-call form of {@link createGatehouseVerifier}: the caller of `request`, or null when it is anonymous;
 * throws {@link GatehouseAuthError} for a present but unacceptable Authorization header. Key sets are
 * shared per JWKS URL across calls, so keys are fetched once, not per request.
 */
export function verifyGatehouseRequest(request: RequestWithHeaders, options: GatehouseVerifierOptions): Promise<GatehouseIdentity | null> {
  const url = jwksUrlOf(options);
  const cacheKey = JSON.stringify([url.href, options.jwks ?? {}]);
  let keySet = sharedKeySets.get(cacheKey);
  if (!keySet) {
    keySet = createRemoteJWKSet(url, options.jwks);
    sharedKeySets.set(cacheKey, keySet);
  }
  return buildVerifier(options, keySet).verifyRequest(request);
}

function jwksUrlOf(options: GatehouseVerifierOptions): URL {
  if (!options?.jwksUrl) throw new TypeError("@gatehouse/subgraph: jwksUrl is required");
  return new URL(options.jwksUrl);
}

function buildVerifier(options: GatehouseVerifierOptions, keySet: JWTVerifyGetKey): GatehouseVerifier {
  const { issuer, audience } = options;
  // jose skips the issuer and audience checks when they are not given: refuse to build such a verifier.
  if (typeof issuer !== "string" || issuer === "") throw new TypeError("@gatehouse/subgraph: issuer is required");
  const audiences = typeof audience === "string" ? [audience] : audience;
  if (!Array.isArray(audiences) || audiences.length === 0 || audiences.some((a) => typeof a !== "string" || a === "")) {
    throw new TypeError("@gatehouse/subgraph: audience is required");
  }
  const algorithms = options.algorithms ?? [...GATEHOUSE_ALGORITHMS];
  const refused = algorithms.filter((alg) => !(GATEHOUSE_ALGORITHMS as readonly string[]).includes(alg));
  if (algorithms.length === 0 || refused.length > 0) {
    throw new TypeError(`@gatehouse/subgraph: algorithms must be among ${GATEHOUSE_ALGORITHMS.join(", ")}`);
  }

  const getKey: JWTVerifyGetKey = async (header, token) => {
    try {
      return await keySet(header, token);
    } catch (error) {
      // These are about the token (its kid or alg); everything else is about fetching the key set.
      if (
        error instanceof joseErrors.JWKSNoMatchingKey ||
        error instanceof joseErrors.JWKSMultipleMatchingKeys ||
        error instanceof joseErrors.JOSENotSupported
      ) {
        throw error;
      }
      throw new GatehouseAuthError("JWKS_UNAVAILABLE", "Gatehouse's key set could not be fetched", { cause: error });
    }
  };

  const verifyToken = async (token: string): Promise<GatehouseIdentity> => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, getKey, {
        algorithms,
        issuer,
        audience: audiences,
        requiredClaims: ["sub", "exp", "iat"],
        clockTolerance: options.clockToleranceSeconds ?? 0,
      }));
    } catch (error) {
      if (error instanceof GatehouseAuthError) throw error;
      if (error instanceof joseErrors.JWTExpired) throw new GatehouseAuthError("TOKEN_EXPIRED", "Token expired", { cause: error });
      throw new GatehouseAuthError("TOKEN_INVALID", `Invalid token: ${describe(error)}`, { cause: error });
    }
    return identityOf(payload);
  };

  return {
    verifyToken,
    async verifyRequest(request) {
      const header = authorizationHeader(request);
      if (header === undefined) return null;
      const match = /^Bearer +([^\s,]+) *$/i.exec(header);
      if (!match) throw new GatehouseAuthError("MALFORMED_AUTHORIZATION", "Authorization must be one Bearer token");
      return verifyToken(match[1]!);
    },
  };
}

/** The header's value; undefined only when there is none, so an empty or repeated header is refused. */
function authorizationHeader({ headers }: RequestWithHeaders): string | undefined {
  if (typeof headers.get === "function") return headers.get("authorization") ?? undefined;
  const value = (headers as Record<string, string | string[] | undefined>).authorization;
  if (Array.isArray(value)) return value.join(", ");
  return value;
}

function identityOf(payload: JWTPayload): GatehouseIdentity {
  const { sub, roles, sid } = payload;
  if (typeof sub !== "string" || sub === "") throw new GatehouseAuthError("TOKEN_INVALID", "Invalid token: sub must be a user id");
  if (!Array.isArray(roles) || !roles.every((role) => typeof role === "string")) {
    throw new GatehouseAuthError("TOKEN_INVALID", "Invalid token: roles must be a list of role types");
  }
  if (sid !== undefined && (typeof sid !== "string" || sid === "")) {
    throw new GatehouseAuthError("TOKEN_INVALID", "Invalid token: sid must be a session id");
  }
  return { userId: sub, roles: [...roles], sessionId: sid ?? null };
}

function describe(error: unknown): string {
  if (error instanceof joseErrors.JWKSNoMatchingKey) return "unknown signing key";
  if (error instanceof joseErrors.JOSEAlgNotAllowed || error instanceof joseErrors.JOSENotSupported) return "algorithm not allowed";
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `${error.claim} claim ${error.reason}`;
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return "signature verification failed";
  return "malformed token";
}
