import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, parseEncryptionKey } from "./encryption.ts";

describe("secrets at rest", () => {
  const key = randomBytes(32);

  it("round-trips, with a fresh IV each time", () => {
    const a = encryptSecret(key, "client secret", "github");
    const b = encryptSecret(key, "client secret", "github");
    expect(a).not.toBe(b);
    expect(a).not.toContain("client secret");
    expect(decryptSecret(key, a, "github")).toBe("client secret");
  });

  it("refuses another key, another context or an altered value", () => {
    const sealed = encryptSecret(key, "client secret", "github");
    expect(() => decryptSecret(randomBytes(32), sealed, "github")).toThrow();
    expect(() => decryptSecret(key, sealed, "google")).toThrow();
    const body = Buffer.from(sealed.slice(3), "base64url");
    body[body.length - 1]! ^= 1;
    expect(() => decryptSecret(key, `v1.${body.toString("base64url")}`, "github")).toThrow();
    expect(() => decryptSecret(key, "plain", "github")).toThrow();
  });

  it("reads 32-byte keys in hex, base64 and base64url, and nothing shorter", () => {
    const raw = randomBytes(32);
    expect(parseEncryptionKey(raw.toString("hex"))?.equals(raw)).toBe(true);
    expect(parseEncryptionKey(raw.toString("base64"))?.equals(raw)).toBe(true);
    expect(parseEncryptionKey(raw.toString("base64url"))?.equals(raw)).toBe(true);
    expect(parseEncryptionKey(randomBytes(16).toString("hex"))).toBeNull();
    expect(parseEncryptionKey("not a key at all, not at all!!")).toBeNull();
  });
});
