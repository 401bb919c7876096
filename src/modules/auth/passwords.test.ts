import { webcrypto } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createPasswordHasher } from "./passwords.ts";

/**
 * Ordering, not timing: a cost-10 hash keeps a thread of libuv's pool busy for about 70 ms, an
 * Ed25519 signature (WebCrypto, the same pool) for a fraction of a millisecond. Whether the signature
 * finishes before the first hash says whether it found a free thread or queued behind the hashes.
 */
async function firstToFinish(concurrency: number | undefined): Promise<string[]> {
  const { privateKey } = (await webcrypto.subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const hasher = createPasswordHasher({ cost: 10, concurrency });
  const finished: string[] = [];
  // More hashes than libuv's 4 threads, as a burst of sign-ins brings.
  const hashes = Array.from({ length: 6 }, (_, i) => hasher.hash(`burst password ${i}`).then(() => finished.push("hash")));
  // p-limit starts its tasks a microtask later: let every hash reach the pool before the signature.
  await new Promise((resolve) => setImmediate(resolve));
  await webcrypto.subtle.sign("Ed25519", privateKey, new TextEncoder().encode("an access token")).then(() => finished.push("token"));
  await Promise.all(hashes);
  return finished;
}

describe("password hasher", () => {
  it("verifies what it hashed, and nothing else", async () => {
    const hasher = createPasswordHasher({ cost: 4, concurrency: 1 });
    const stored = await hasher.hash("correct horse battery staple");
    expect(await hasher.verify("correct horse battery staple", stored)).toBe(true);
    expect(await hasher.verify("correct horse battery stapler", stored)).toBe(false);
    expect(await hasher.verify("anything", null)).toBe(false);
    expect(await hasher.verify("anything", "not a bcrypt hash")).toBe(false);
  });

  it("tells passwords apart beyond bcrypt's 72 bytes", async () => {
    const hasher = createPasswordHasher({ cost: 4 });
    const long = "x".repeat(72);
    expect(await hasher.verify(`${long}a`, await hasher.hash(`${long}b`))).toBe(false);
  });

  it("leaves libuv's threads to token checks while a burst of hashes queues", async () => {
    // Bounded to 2 (the default on 2 CPUs), the signature gets a thread at once.
    expect((await firstToFinish(2))[0]).toBe("token");
    // Unbounded, the hashes take all 4 threads and the signature waits for one of them.
    expect((await firstToFinish(undefined))[0]).toBe("hash");
  }, 30_000);
});
