/**
 * Access tokens: short-lived JWTs signed with jose. Verification pins the algorithm, issuer and audience
 * and picks the key by `kid`, so `alg: none`, algorithm confusion and unknown keys are all refused.
 */
import { randomUUID } from "node:crypto";
import { decodeProtectedHeader, errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { FailureReason, invalidAccessToken } from "../../errors.ts";
import type { SigningKeys } from "./signing-keys.ts";

export interface AccessTokenClaims {
  /** User id. */
  sub: string;
  /** Session id; absent for legacy long-lived tokens. */
  sid?: string;
  /** The user's token version at issue time (legacy tokens only); a newer version refuses the token. */
  ver?: number;
  /**
   * The types of the roles the user held at issue time, `authenticated` always among them (as in the
   * tokens minted for subgraphs): a hint for clients, never used for decisions.
   */
  roles: string[];
  jti: string;
  iat: number;
  exp: number;
}

export interface TokenService {
  sign(input: { userId: number; sessionId?: string; tokenVersion?: number; roles: string[]; lifespanSeconds: number }): Promise<string>;
  /** Throws UNAUTHENTICATED for anything but a valid, unexpired token of ours. */
  verify(token: string): Promise<AccessTokenClaims>;
  /**
   * What gateway mode sends a downstream subgraph instead of the client's credentials: a token addressed
   * to that subgraph alone (`aud` = its name, never JWT_AUDIENCE, so it is no access token here), signed
   * with the current key and valid {@link SUBGRAPH_TOKEN_LIFESPAN} seconds.
   */
  signSubgraphToken(input: { subgraph: string; userId: number; sessionId: string | null; roles: string[] }): Promise<string>;
  /** The public keys that verify our tokens, as served at /.well-known/jwks.json. */
  jwks: SigningKeys["jwks"];
}

/** Seconds a subgraph token lives: one request's worth, so it needs no revocation. */
export const SUBGRAPH_TOKEN_LIFESPAN = 60;

export function createTokenService(keys: SigningKeys, options: { issuer: string; audience: string }): TokenService {
  return {
    jwks: keys.jwks,
    sign({ userId, sessionId, tokenVersion, roles, lifespanSeconds }) {
      const jwt = new SignJWT({ roles, ...(sessionId ? { sid: sessionId } : {}), ...(tokenVersion === undefined ? {} : { ver: tokenVersion }) })
        .setProtectedHeader({ alg: keys.algorithm, kid: keys.current.kid, typ: "JWT" })
        .setSubject(String(userId))
        .setIssuer(options.issuer)
        .setAudience(options.audience)
        .setJti(randomUUID())
        .setIssuedAt()
        .setExpirationTime(`${lifespanSeconds}s`);
      return jwt.sign(keys.current.key);
    },

    async signSubgraphToken({ subgraph, userId, sessionId, roles }) {
      if (subgraph === options.audience) throw new Error(`A subgraph token cannot be addressed to ${options.audience}`);
      return new SignJWT({ roles, ...(sessionId ? { sid: sessionId } : {}) })
        .setProtectedHeader({ alg: keys.algorithm, kid: keys.current.kid, typ: "JWT" })
        .setSubject(String(userId))
        .setIssuer(options.issuer)
        .setAudience(subgraph)
        .setJti(randomUUID())
        .setIssuedAt()
        .setExpirationTime(`${SUBGRAPH_TOKEN_LIFESPAN}s`)
        .sign(keys.current.key);
    },

    async verify(token) {
      let kid: string | undefined;
      try {
        kid = decodeProtectedHeader(token).kid;
      } catch {
        throw invalidAccessToken("Invalid token");
      }
      const key = kid ? keys.verificationKeys.get(kid) : undefined;
      if (!key) throw invalidAccessToken("Invalid token");
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: [keys.algorithm],
          issuer: options.issuer,
          audience: options.audience,
          requiredClaims: ["sub", "exp", "iat", "jti"],
        });
        return payload as unknown as AccessTokenClaims;
      } catch (error) {
        if (error instanceof joseErrors.JWTExpired) throw invalidAccessToken("Token expired", FailureReason.TOKEN_EXPIRED);
        if (error instanceof joseErrors.JOSEError) throw invalidAccessToken("Invalid token");
        throw error;
      }
    },
  };
}
