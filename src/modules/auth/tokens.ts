/**
 * Access tokens: short-lived JWTs signed with jose. Verification pins the algorithm, issuer and audience
 * and picks the key by `kid`, so `alg: none`, algorithm confusion and unknown keys are all refused.
 */
import { randomUUID } from "node:crypto";
import { decodeProtectedHeader, errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { invalidAccessToken } from "../../errors.ts";
import type { SigningKeys } from "./signing-keys.ts";

export interface AccessTokenClaims {
  /** User id. */
  sub: string;
  /** Session id; absent for legacy long-lived tokens. */
  sid?: string;
  /** The user's token version at issue time (legacy tokens only); a newer version refuses the token. */
  ver?: number;
  /** Role types at issue time: a hint for clients, never used for decisions. */
  roles: string[];
  jti: string;
  iat: number;
  exp: number;
}

export interface TokenService {
  sign(input: { userId: number; sessionId?: string; tokenVersion?: number; roles: string[]; lifespanSeconds: number }): Promise<string>;
  /** Throws UNAUTHENTICATED for anything but a valid, unexpired token of ours. */
  verify(token: string): Promise<AccessTokenClaims>;
  /** The public keys that verify our tokens, as served at /.well-known/jwks.json. */
  jwks: SigningKeys["jwks"];
}

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
        if (error instanceof joseErrors.JWTExpired) throw invalidAccessToken("Token expired");
        if (error instanceof joseErrors.JOSEError) throw invalidAccessToken("Invalid token");
        throw error;
      }
    },
  };
}
