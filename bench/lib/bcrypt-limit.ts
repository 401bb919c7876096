/**
 * The hashing ceiling of this machine: bcrypt verifications per second at the configured cost, with
 * enough in flight to keep every core busy, through the same hasher (and @node-rs/bcrypt on libuv's
 * pool) the server uses. No login can go faster than this.
 */
import type { PasswordHasher } from "../../src/modules/auth/passwords.ts";

export interface BcryptLimit {
  verifyPerSecond: number;
  concurrency: number;
  cost: number;
}

/** `hasher` must be warm: createPasswordHasher computes its timing-equaliser hash in the background. */
export async function measureBcryptLimit(
  hasher: PasswordHasher,
  options: { cost: number; seconds: number; concurrency: number; password: string; hash: string },
): Promise<BcryptLimit> {
  let done = 0;
  const deadline = performance.now() + options.seconds * 1000;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (performance.now() < deadline) {
        if (!(await hasher.verify(options.password, options.hash))) throw new Error("bcrypt limit: the hash does not verify");
        // Counted like the load generator counts responses: only what completes within the window.
        if (performance.now() <= deadline) done++;
      }
    }),
  );
  return { verifyPerSecond: done / options.seconds, concurrency: options.concurrency, cost: options.cost };
}
