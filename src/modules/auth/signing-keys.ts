/**
 * Signing keys for access tokens. Asymmetric by default: the private keys stay here, the public halves are
 * published at /.well-known/jwks.json so other services verify tokens without a shared secret.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from "jose";
import type { JwtConfig } from "../../config.ts";

type Algorithm = JwtConfig["algorithm"];
type Key = CryptoKey | Uint8Array;

export interface SigningKeys {
  algorithm: Algorithm;
  /** Signs new tokens. */
  current: { kid: string; key: Key };
  /** Every key that verifies tokens, by kid (the current one and rotated-out ones). */
  verificationKeys: Map<string, Key>;
  /** Public JWKS document (empty for HS256: a shared secret is never published). */
  jwks: { keys: JWK[] };
}

/**
 * Loads keys from JWT_SIGNING_KEYS (a JWK set of private keys, first one signs), or from JWT_SECRET for
 * HS256, or, when neither is configured (development), from `<dataDir>/keys/signing-keys.json`, generating
 * it on first start. Production is refused without configured keys by config validation.
 */
export async function loadSigningKeys(jwt: JwtConfig, dataDir: string): Promise<SigningKeys> {
  if (jwt.algorithm === "HS256") {
    if (!jwt.secret) throw new Error("JWT_SECRET is required with HS256");
    // Imported once as a CryptoKey: given the raw bytes, jose imports them again on every sign and verify.
    const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(jwt.secret), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
      "verify",
    ]);
    return { algorithm: "HS256", current: { kid: "hs256", key }, verificationKeys: new Map([["hs256", key]]), jwks: { keys: [] } };
  }
  const algorithm = jwt.algorithm;
  const privateJwks = jwt.signingKeys ? parseKeySet(jwt.signingKeys) : await developmentKeys(algorithm, dataDir);
  return fromPrivateJwks(algorithm, privateJwks);
}

/** Parses a JWT_SIGNING_KEYS value (a JWK set of private keys); throws with a one-line reason. */
export function parseKeySet(text: string): JWK[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error("JWT_SIGNING_KEYS must be a JSON Web Key Set");
  }
  const keys = (parsed as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new Error("JWT_SIGNING_KEYS must hold at least one key");
  return keys as JWK[];
}

async function developmentKeys(algorithm: Exclude<Algorithm, "HS256">, dataDir: string): Promise<JWK[]> {
  const dir = join(dataDir, "keys");
  const file = join(dir, `signing-keys.${algorithm}.json`);
  try {
    return parseKeySet(await readFile(file, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const jwk = await generatePrivateJwk(algorithm);
  await mkdir(dir, { recursive: true });
  // 0600: the private key must not be readable by other users of the machine.
  await writeFile(file, JSON.stringify({ keys: [jwk] }, null, 2), { mode: 0o600 });
  return [jwk];
}

/** A new private JWK with its RFC 7638 thumbprint as kid (also used by the key rotation docs/tests). */
export async function generatePrivateJwk(algorithm: Exclude<Algorithm, "HS256">): Promise<JWK> {
  const { privateKey } = await generateKeyPair(algorithm, { extractable: true, crv: algorithm === "EdDSA" ? "Ed25519" : undefined });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, alg: algorithm, use: "sig", kid: await calculateJwkThumbprint(jwk) };
}

async function fromPrivateJwks(algorithm: Algorithm, privateJwks: JWK[]): Promise<SigningKeys> {
  const verificationKeys = new Map<string, Key>();
  const publicJwks: JWK[] = [];
  for (const jwk of privateJwks) {
    if (!jwk.kid) throw new Error("every key in JWT_SIGNING_KEYS needs a kid");
    if (jwk.alg && jwk.alg !== algorithm) throw new Error(`key ${jwk.kid} is for ${jwk.alg}, not ${algorithm}`);
    if (!jwk.d) throw new Error(`key ${jwk.kid} is a public key; JWT_SIGNING_KEYS holds private keys`);
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = jwk;
    verificationKeys.set(jwk.kid, (await importJWK({ ...publicJwk, alg: algorithm }, algorithm)) as Key);
    publicJwks.push({ ...publicJwk, alg: algorithm, use: "sig" });
  }
  const first = privateJwks[0]!;
  const signingKey = (await importJWK({ ...first, alg: algorithm }, algorithm)) as Key;
  return { algorithm, current: { kid: first.kid!, key: signingKey }, verificationKeys, jwks: { keys: publicJwks } };
}

/** The asymmetric algorithms a JWK set can hold (HS256 takes JWT_SECRET instead). */
export type KeySetAlgorithm = Exclude<Algorithm, "HS256">;
export const KEY_SET_ALGORITHMS: readonly KeySetAlgorithm[] = ["EdDSA", "ES256", "RS256"];

/**
 * A new JWT_SIGNING_KEYS set: a signing key and the next key. The set's order is its meaning (see
 * loadSigningKeys: the first key signs, every key verifies and is published):
 *   keys[0]  signs new tokens;
 *   keys[1]  the next key: published at /.well-known/jwks.json, not signing yet;
 *   keys[2…] retired keys: still verify the tokens they signed until those expire.
 */
export async function generateKeySet(algorithm: KeySetAlgorithm): Promise<{ keys: JWK[] }> {
  return { keys: [await generatePrivateJwk(algorithm), await generatePrivateJwk(algorithm)] };
}

export interface RotatedKeySet {
  keys: JWK[];
  /** The kid that signs after the rotation. */
  signing: string;
  /** The new key's kid (published now, signs after the next rotation). */
  next: string;
  /** The kids of retired keys dropped by this rotation. */
  dropped: string[];
}

/**
 * One rotation step in the order generateKeySet documents: the next key, published since the last
 * rotation, starts signing; a new next key is added (published now, signing only at the following
 * rotation, so every verifier has it by then); the key that signed until now is kept, retired, to verify
 * its tokens; keys retired by the previous rotation are dropped. A set of one key has no next key to
 * promote: it keeps signing and gets a next key. Rotate no more often than the longest token lifespan
 * (so a dropped key signed nothing still valid) and than verifiers cache the JWKS.
 */
export async function rotateKeySet(text: string): Promise<RotatedKeySet> {
  const keys = parseKeySet(text);
  const algorithm = keys[0]!.alg;
  if (!KEY_SET_ALGORITHMS.includes(algorithm as KeySetAlgorithm)) {
    throw new Error(`the first key must have "alg" ${KEY_SET_ALGORITHMS.join(", ")}`);
  }
  // Every key must load as loadSigningKeys would load it (kid, one algorithm, a private key).
  await fromPrivateJwks(algorithm as KeySetAlgorithm, keys);
  const kids = keys.map((key) => key.kid!);
  if (new Set(kids).size !== kids.length) throw new Error("two keys in the set have the same kid");
  const added = await generatePrivateJwk(algorithm as KeySetAlgorithm);
  const [current, next, ...retired] = keys;
  const rotated = next ? [next, added, current!] : [current!, added];
  return { keys: rotated, signing: rotated[0]!.kid!, next: added.kid!, dropped: retired.map((key) => key.kid!) };
}
