import { describe, expect, it } from "vitest";
import { generateKeySet, generatePrivateJwk, loadSigningKeys, rotateKeySet } from "./signing-keys.ts";
import type { JwtConfig } from "../../config.ts";

const kids = (keys: { kid?: string }[]) => keys.map((key) => key.kid);

describe("signing key sets", () => {
  it("generates a signing key and a next key that load as JWT_SIGNING_KEYS", async () => {
    const set = await generateKeySet("EdDSA");
    expect(set.keys).toHaveLength(2);
    const loaded = await loadSigningKeys({ algorithm: "EdDSA", signingKeys: JSON.stringify(set) } as JwtConfig, "/nonexistent");
    expect(loaded.current.kid).toBe(set.keys[0]!.kid);
    expect(loaded.jwks.keys.map((key) => key.kid)).toEqual(kids(set.keys));
    expect(loaded.jwks.keys.some((key) => "d" in key)).toBe(false);
  });

  it("promotes the next key, adds a new next key, retires the signer and drops the retired", async () => {
    const [a, b, c] = await Promise.all([generatePrivateJwk("ES256"), generatePrivateJwk("ES256"), generatePrivateJwk("ES256")]);
    const rotated = await rotateKeySet(JSON.stringify({ keys: [a, b, c] }));
    expect(kids(rotated.keys)).toEqual([b!.kid, rotated.next, a!.kid]);
    expect(rotated).toMatchObject({ signing: b!.kid, dropped: [c!.kid] });
    expect(rotated.keys[1]!.alg).toBe("ES256");
  });

  it("gives a single key a next key without promoting anything", async () => {
    const only = await generatePrivateJwk("RS256");
    const rotated = await rotateKeySet(JSON.stringify({ keys: [only] }));
    expect(kids(rotated.keys)).toEqual([only.kid, rotated.next]);
    expect(rotated).toMatchObject({ signing: only.kid, dropped: [] });
  });

  it("refuses sets the server would refuse", async () => {
    const key = await generatePrivateJwk("EdDSA");
    const { d: _d, ...publicKey } = key;
    await expect(rotateKeySet("not json")).rejects.toThrow("JWT_SIGNING_KEYS must be a JSON Web Key Set");
    await expect(rotateKeySet(JSON.stringify({ keys: [publicKey] }))).rejects.toThrow("is a public key");
    await expect(rotateKeySet(JSON.stringify({ keys: [key, await generatePrivateJwk("ES256")] }))).rejects.toThrow("is for ES256, not EdDSA");
    await expect(rotateKeySet(JSON.stringify({ keys: [key, key] }))).rejects.toThrow("same kid");
  });
});
