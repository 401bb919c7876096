/**
 * Secrets at rest (OAuth client secrets): AES-256-GCM from node:crypto with a 96-bit random IV. The
 * ciphertext is bound to what it belongs to (`context`, e.g. the provider's name) as additional data, so a
 * value copied onto another row does not decrypt.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const ENCRYPTION_KEY_BYTES = 32;

/** `v1.<base64url(iv | tag | ciphertext)>` */
export function encryptSecret(key: Buffer, plaintext: string, context: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(context, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString("base64url")}`;
}

/** The plaintext; throws when the value was not made with this key and context or was altered. */
export function decryptSecret(key: Buffer, sealed: string, context: string): string {
  const [version, body] = sealed.split(".");
  if (version !== VERSION || !body) throw new Error("not an encrypted secret");
  const bytes = Buffer.from(body, "base64url");
  if (bytes.length < IV_BYTES + TAG_BYTES) throw new Error("not an encrypted secret");
  const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(context, "utf8"));
  decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
}

/** A 32-byte key from base64, base64url or hex text, or null when it is not one. */
export function parseEncryptionKey(text: string): Buffer | null {
  const value = text.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, "hex") : Buffer.from(value, "base64url");
  return bytes.length === ENCRYPTION_KEY_BYTES && /^[A-Za-z0-9+/_=-]+$/.test(value) ? bytes : null;
}
