/** Signing keys for benchmark servers, generated with jose for each run. */
import { randomBytes } from "node:crypto";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from "jose";

export type JwtAlgorithm = "EdDSA" | "ES256" | "RS256" | "HS256";
export const JWT_ALGORITHMS: readonly JwtAlgorithm[] = ["EdDSA", "ES256", "RS256", "HS256"];

type Key = CryptoKey | Uint8Array;

/** A private key as Gatehouse takes it (JWT_SIGNING_KEYS or JWT_SECRET) and as jose signs with it. */
export interface BenchKey {
  algorithm: JwtAlgorithm;
  kid: string;
  /** Environment that makes Gatehouse sign and verify with this key. */
  gatehouseEnv: Record<string, string>;
  /** What a verifier needs: the public JWK, or the secret for HS256. */
  verifier: { jwk: JWK } | { secret: string };
  signingKey: Key;
}

export async function generateBenchKey(algorithm: JwtAlgorithm): Promise<BenchKey> {
  if (algorithm === "HS256") {
    const secret = randomBytes(32).toString("base64url");
    return {
      algorithm,
      kid: "hs256",
      gatehouseEnv: { JWT_ALGORITHM: algorithm, JWT_SECRET: secret },
      verifier: { secret },
      signingKey: new TextEncoder().encode(secret),
    };
  }
  const { privateKey, publicKey } = await generateKeyPair(algorithm, {
    extractable: true,
    crv: algorithm === "EdDSA" ? "Ed25519" : undefined,
  });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const privateJwk = { ...(await exportJWK(privateKey)), alg: algorithm, use: "sig", kid };
  return {
    algorithm,
    kid,
    gatehouseEnv: { JWT_ALGORITHM: algorithm, JWT_SIGNING_KEYS: JSON.stringify({ keys: [privateJwk] }) },
    verifier: { jwk: { ...publicJwk, alg: algorithm, kid } },
    signingKey: privateKey,
  };
}

/** The key a verifier checks signatures with. */
export async function verificationKey(verifier: BenchKey["verifier"], algorithm: JwtAlgorithm): Promise<Key> {
  if ("secret" in verifier) return new TextEncoder().encode(verifier.secret);
  return (await importJWK(verifier.jwk, algorithm)) as Key;
}

/** An access token as a baseline server takes it: subject plus `username` and `email` claims. */
export function signToken(
  key: BenchKey,
  claims: { issuer: string; audience: string; subject: string; extra?: Record<string, string> },
  signingKey: Key = key.signingKey,
): Promise<string> {
  return new SignJWT(claims.extra ?? {})
    .setProtectedHeader({ alg: key.algorithm, kid: key.kid, typ: "JWT" })
    .setSubject(claims.subject)
    .setIssuer(claims.issuer)
    .setAudience(claims.audience)
    .setJti(randomBytes(16).toString("hex"))
    .setIssuedAt()
    .setExpirationTime("2h")
    .sign(signingKey);
}

/**
 * A token that looks right (algorithm, kid, issuer, audience, claims) but is signed by another key of
 * the same kind: the verifier must check the signature to refuse it, the costly way to be wrong.
 */
export async function forgedToken(key: BenchKey, claims: { issuer: string; audience: string; subject: string }): Promise<string> {
  const other = await generateBenchKey(key.algorithm);
  return signToken(key, claims, other.signingKey);
}
