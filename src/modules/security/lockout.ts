/**
 * Temporary lockout after repeated failed sign-ins (in the spirit of Logto's sign-in attempt limits).
 *
 * Every attempt is counted twice, per client network (an IP, or an IPv6 prefix):
 * - under the **identifier** as typed (canonical form: a lower-cased email or a username's key). This
 *   counter is the visible lock: after `maxFailures` failures the identifier answers ACCOUNT_LOCKED. It
 *   behaves the same whether or not the identifier names an account, so a lock tells nothing.
 * - under the **account** it names, shared by all of the account's identifiers (email and username), so
 *   an attacker gets `maxFailures` password evaluations per account, not per spelling. When this budget is
 *   spent the attempt is not *evaluated* (the caller compares against a dummy hash and answers as for a
 *   wrong password), but nothing says so: a visible lock here would tell that the username someone has
 *   been failing on and the email they now type are the same account. An identifier that names no
 *   account gets an account counter of its own, so both cases do the same work.
 *
 * Counters are per network as well: failures from an attacker's address lock only that address out, so
 * nobody can lock a victim out from elsewhere. Attackers spreading over many addresses are bounded by the
 * per-identifier rate limit of `login` (rate-limit module) instead.
 *
 * Each attempt takes its points BEFORE the password is checked, atomically, so 20 concurrent guesses
 * against a limit of 5 evaluate at most 5 passwords. A success clears the counters; the failure that uses
 * the last point locks the key for `baseLockSeconds`, doubling with every further lock up to `maxLockSeconds`.
 */
import { RateLimiterRes } from "rate-limiter-flexible";
import type { LockoutConfig } from "../../config.ts";
import { accountLocked } from "../../errors.ts";
import { type ClientKey, clientNetworkKey } from "../rate-limit/client-network.ts";
import { identifierKey, retryAfterSeconds, type LimiterFactory } from "../rate-limit/limiter-store.ts";

export interface LockoutKey {
  /** The identifier as typed, in canonical form (a lower-cased email or a username's key). */
  identifier: string;
  /** The account the identifier names, or null when it names none. */
  userId: number | null;
  ip: string | undefined;
}

/** The identifiers a user can sign in with, in the canonical form of `LockoutKey.identifier`. */
export interface AccountIdentifiers {
  id: number;
  email: string;
  usernameKey: string;
}

export interface FailureOutcome {
  /** True when this failure started a lock, visible or not (audit ACCOUNT_LOCKED then). */
  locked: boolean;
  /** Seconds the lock lasts, when `locked`. */
  retryAfter?: number;
}

/** One sign-in attempt that has passed the lockout check; report how it ended. */
export interface LoginAttempt {
  /**
   * False when the account's shared budget is spent from this network: do not evaluate the password
   * (compare against the dummy hash instead, the same work) and fail as for a wrong password.
   */
  evaluate: boolean;
  succeeded(): Promise<void>;
  failed(): Promise<FailureOutcome>;
}

export interface Lockout {
  /** Call before checking the password. Throws ACCOUNT_LOCKED (`extensions.retryAfter`) while the identifier is locked. */
  begin(key: LockoutKey): Promise<LoginAttempt>;
  /** Lifts every lock of an account and of its identifiers, from every IP (admin action). */
  unlock(account: AccountIdentifiers): Promise<void>;
}

/** Lock levels are remembered this long after the first lock, so repeated locks keep doubling. */
const LOCK_LEVEL_MEMORY_SECONDS = 24 * 60 * 60;

export interface LockoutDependencies {
  config: LockoutConfig;
  limiter: LimiterFactory;
  /** The key a client IP is counted under (IPv6 grouped by prefix); default: per /64. */
  clientKey?: ClientKey;
}

/** The subject of the shared budget: the account, or the identifier itself when it names none. */
const accountSubject = (key: Pick<LockoutKey, "identifier" | "userId">) =>
  key.userId === null ? `identifier:${key.identifier}` : `user:${key.userId}`;
const identifierSubject = (identifier: string) => `identifier:${identifier}`;

export function createLockout({ config, limiter, clientKey = clientNetworkKey() }: LockoutDependencies): Lockout {
  const identifierAttempts = limiter({ name: "lockout:attempts", points: config.maxFailures, duration: config.windowSeconds });
  const accountAttempts = limiter({ name: "lockout:account", points: config.maxFailures, duration: config.windowSeconds });
  const lockLevels = limiter({ name: "lockout:levels", points: Number.MAX_SAFE_INTEGER, duration: LOCK_LEVEL_MEMORY_SECONDS });
  // Counter keys embed a generation per subject: unlocking bumps it, which abandons the counters of every
  // IP at once without having to enumerate them (the in-memory store cannot).
  const generations = limiter({ name: "lockout:generation", points: Number.MAX_SAFE_INTEGER, duration: 0 });
  const lockSeconds = (level: number) => Math.min(config.maxLockSeconds, config.baseLockSeconds * 2 ** (level - 1));

  async function counterKey(subject: string, client: string) {
    const subjectKey = identifierKey(subject);
    const generation = (await generations.get(subjectKey))?.consumedPoints ?? 0;
    return `${subjectKey}:${generation}:${client}`;
  }

  /** Lock levels of both counters live in one family: tell them apart. */
  const levelKey = (counter: typeof identifierAttempts, key: string) =>
    `${counter === identifierAttempts ? "identifier" : "account"}:${key}`;

  /** Takes a point; the points used so far, or the milliseconds until the key unlocks. */
  async function take(counter: typeof identifierAttempts, key: string): Promise<{ consumed: number } | { lockedForMs: number }> {
    try {
      return { consumed: (await counter.consume(key)).consumedPoints };
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      return { lockedForMs: error.msBeforeNext };
    }
  }

  /** Locks `key` of `counter` when this failure used its last point; returns the lock's length. */
  async function lockIfSpent(counter: typeof identifierAttempts, key: string, consumed: number): Promise<number | null> {
    // Increments are atomic, so exactly one attempt sees the last point and decides the lock.
    if (consumed < config.maxFailures) return null;
    const level = (await lockLevels.penalty(levelKey(counter, key), 1)).consumedPoints;
    const seconds = lockSeconds(level);
    await counter.block(key, seconds);
    return seconds;
  }

  return {
    async begin(attempt) {
      const client = clientKey(attempt.ip);
      const [identifierCounter, accountCounter] = await Promise.all([
        counterKey(identifierSubject(attempt.identifier), client),
        counterKey(accountSubject(attempt), client),
      ]);
      // Both counters are always taken, for known and unknown identifiers alike: the same work either way.
      const [byIdentifier, byAccount] = await Promise.all([
        take(identifierAttempts, identifierCounter),
        take(accountAttempts, accountCounter),
      ]);
      if ("lockedForMs" in byIdentifier) {
        // While the attempt that used the last point is still being checked, the wait reported here is
        // the rest of the failure window, longer than the lock that may follow: erring long is harmless.
        throw accountLocked(retryAfterSeconds(byIdentifier.lockedForMs));
      }
      return {
        evaluate: !("lockedForMs" in byAccount),
        async succeeded() {
          await Promise.all([
            identifierAttempts.delete(identifierCounter),
            accountAttempts.delete(accountCounter),
            lockLevels.delete(levelKey(identifierAttempts, identifierCounter)),
            lockLevels.delete(levelKey(accountAttempts, accountCounter)),
          ]);
        },
        async failed() {
          const [identifierLock, accountLock] = await Promise.all([
            lockIfSpent(identifierAttempts, identifierCounter, byIdentifier.consumed),
            "consumed" in byAccount ? lockIfSpent(accountAttempts, accountCounter, byAccount.consumed) : null,
          ]);
          const seconds = identifierLock ?? accountLock;
          return seconds === null ? { locked: false } : { locked: true, retryAfter: seconds };
        },
      };
    },
    async unlock(account) {
      const subjects = [accountSubject({ identifier: "", userId: account.id }), identifierSubject(account.email), identifierSubject(account.usernameKey)];
      await Promise.all(subjects.map((subject) => generations.penalty(identifierKey(subject), 1)));
    },
  };
}
