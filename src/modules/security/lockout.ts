/**
 * Temporary lockout after repeated failed sign-ins (in the spirit of Logto's sign-in attempt limits).
 *
 * Counters are kept per account AND client IP: failures from an attacker's address lock only that
 * address out of that account, so nobody can lock a victim out from elsewhere. Attackers spreading over
 * many addresses are bounded by the per-identifier rate limit of `login` (rate-limit module) instead.
 *
 * Each attempt takes a point BEFORE the password is checked, atomically, so 20 concurrent guesses against
 * a limit of 5 evaluate exactly 5 passwords. A success clears the counters; the failure that uses the
 * last point locks the key for `baseLockSeconds`, doubling with every further lock up to `maxLockSeconds`.
 */
import { RateLimiterRes } from "rate-limiter-flexible";
import type { LockoutConfig } from "../../config.ts";
import { accountLocked } from "../../errors.ts";
import { type ClientKey, clientNetworkKey } from "../rate-limit/client-network.ts";
import { identifierKey, retryAfterSeconds, type LimiterFactory } from "../rate-limit/limiter-store.ts";

export interface LockoutKey {
  /**
   * The account being signed in to: the user's id when the identifier matched a user, otherwise the
   * identifier as typed (unknown identifiers lock the same way, so a lock reveals nothing).
   */
  account: string;
  ip: string | undefined;
}

export interface FailureOutcome {
  /** True when this failure started a lock (audit ACCOUNT_LOCKED then). */
  locked: boolean;
  /** Seconds the lock lasts, when `locked`. */
  retryAfter?: number;
}

/** One sign-in attempt that has passed the lockout check; report how it ended. */
export interface LoginAttempt {
  succeeded(): Promise<void>;
  failed(): Promise<FailureOutcome>;
}

export interface Lockout {
  /** Call before checking the password. Throws ACCOUNT_LOCKED (`extensions.retryAfter`) while locked. */
  begin(key: LockoutKey): Promise<LoginAttempt>;
  /** Lifts every lock of an account, from every IP (admin action). */
  unlock(account: string): Promise<void>;
}

/** Lock levels are remembered this long after the first lock, so repeated locks keep doubling. */
const LOCK_LEVEL_MEMORY_SECONDS = 24 * 60 * 60;

export interface LockoutDependencies {
  config: LockoutConfig;
  limiter: LimiterFactory;
  /** The key a client IP is counted under (IPv6 grouped by prefix); default: per /64. */
  clientKey?: ClientKey;
}

export function createLockout({ config, limiter, clientKey = clientNetworkKey() }: LockoutDependencies): Lockout {
  const attempts = limiter({ name: "lockout:attempts", points: config.maxFailures, duration: config.windowSeconds });
  const lockLevels = limiter({ name: "lockout:levels", points: Number.MAX_SAFE_INTEGER, duration: LOCK_LEVEL_MEMORY_SECONDS });
  // Counter keys embed an account generation: unlocking bumps it, which abandons the counters of every IP
  // at once without having to enumerate them (the in-memory store cannot).
  const generations = limiter({ name: "lockout:generation", points: Number.MAX_SAFE_INTEGER, duration: 0 });

  const lockSeconds = (level: number) => Math.min(config.maxLockSeconds, config.baseLockSeconds * 2 ** (level - 1));

  return {
    async begin({ account, ip }) {
      const accountKey = identifierKey(account);
      const generation = (await generations.get(accountKey))?.consumedPoints ?? 0;
      const key = `${accountKey}:${generation}:${clientKey(ip)}`;
      let consumed: number;
      try {
        consumed = (await attempts.consume(key)).consumedPoints;
      } catch (error) {
        if (!(error instanceof RateLimiterRes)) throw error;
        // While the attempt that used the last point is still being checked, the wait reported here is
        // the rest of the failure window, longer than the lock that may follow: erring long is harmless.
        throw accountLocked(retryAfterSeconds(error.msBeforeNext));
      }
      return {
        async succeeded() {
          await Promise.all([attempts.delete(key), lockLevels.delete(key)]);
        },
        async failed() {
          // Increments are atomic, so exactly one attempt sees the last point and decides the lock.
          if (consumed < config.maxFailures) return { locked: false };
          const level = (await lockLevels.penalty(key, 1)).consumedPoints;
          const seconds = lockSeconds(level);
          await attempts.block(key, seconds);
          return { locked: true, retryAfter: seconds };
        },
      };
    },
    async unlock(account) {
      await generations.penalty(identifierKey(account), 1);
    },
  };
}
