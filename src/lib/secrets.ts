import { createHash, randomBytes } from "node:crypto";

/** An opaque secret for one-time codes and refresh tokens: 256 random bits, URL-safe. */
export function newOpaqueToken(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * What the database stores instead of a token. A plain SHA-256 is enough here (no salt, no slow hash):
 * the input is 256 random bits, so there is nothing to brute-force, and lookups stay indexable.
 */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}
