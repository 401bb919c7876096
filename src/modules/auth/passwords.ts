/**
 * Password hashing: bcrypt hashes (so Strapi users can be imported with theirs), computed by
 * @node-rs/bcrypt on libuv's thread pool so that hashing never blocks the event loop.
 */
import { createHash } from "node:crypto";
import { hash, verify } from "@node-rs/bcrypt";

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

export function createPasswordHasher({ cost }: { cost: number }): PasswordHasher {
  // Compared against when the user does not exist, so that "no such user" costs the same as
  // "wrong password" and response times do not reveal which accounts exist.
  const dummyHash = hash("gatehouse-timing-equaliser", cost);
  return {
    hash: (password) => hash(bcryptInput(password), cost),
    async verify(password, passwordHash) {
      if (!passwordHash) {
        await verify(bcryptInput(password), await dummyHash);
        return false;
      }
      // A stored value that is not a bcrypt hash (e.g. a half-imported account) never matches.
      return verify(bcryptInput(password), passwordHash).catch(() => false);
    },
  };
}
