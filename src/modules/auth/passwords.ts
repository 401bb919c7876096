/**
 * Password hashing: bcrypt hashes (so Strapi users can be imported with theirs), computed by
 * @node-rs/bcrypt on libuv's thread pool so that hashing never blocks the event loop.
 *
 * That pool (4 threads by default) also runs WebCrypto, which verifies every access token. Unbounded, a
 * burst of sign-ins fills all of it with hashes and every other request's token check queues behind
 * them: `me` answered in 190 ms at the median during a login flood (bench/run.ts, 2 cores). So at most
 * `concurrency` hashes run at once and the rest wait their turn here, leaving threads free.
 */
import { createHash } from "node:crypto";
import { hash, verify } from "@node-rs/bcrypt";
import pLimit from "p-limit";

/** bcrypt only reads the first 72 bytes of its input. */
const BCRYPT_MAX_BYTES = 72;

/**
 * bcrypt silently truncates at 72 bytes, so two long passphrases sharing their first 72 bytes would
 * both verify. Longer passwords are therefore reduced to base64(SHA-256(password)) (44 bytes) first:
 * every byte counts, and short passwords keep plain bcrypt, compatible with imported hashes.
 */
function bcryptInput(password: string): string {
  if (Buffer.byteLength(password, "utf8") <= BCRYPT_MAX_BYTES) return password;
  return createHash("sha256").update(password, "utf8").digest("base64");
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, passwordHash: string | null | undefined): Promise<boolean>;
}

export interface PasswordHasherOptions {
  /** bcrypt work factor of new hashes (BCRYPT_COST). */
  cost: number;
  /**
   * bcrypt computations running at once (BCRYPT_CONCURRENCY); the rest queue in this process.
   * Unbounded when omitted, which only tools that do nothing else while hashing should want.
   */
  concurrency?: number;
}

export function createPasswordHasher({ cost, concurrency = Number.POSITIVE_INFINITY }: PasswordHasherOptions): PasswordHasher {
  const limit = pLimit(concurrency);
  // Compared against when the user does not exist, so that "no such user" costs the same as
  // "wrong password" and response times do not reveal which accounts exist. It queues like any
  // other verification, so that the wait does not tell them apart either.
  const dummyHash = limit(() => hash("gatehouse-timing-equaliser", cost));
  return {
    hash: (password) => limit(() => hash(bcryptInput(password), cost)),
    async verify(password, passwordHash) {
      if (!passwordHash) {
        const equaliser = await dummyHash;
        await limit(() => verify(bcryptInput(password), equaliser));
        return false;
      }
      // A stored value that is not a bcrypt hash (e.g. a half-imported account) never matches.
      return limit(() => verify(bcryptInput(password), passwordHash)).catch(() => false);
    },
  };
}
