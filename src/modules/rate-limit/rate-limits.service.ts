/**
 * Per-field rate limits for the sensitive auth mutations. Resolvers call `consume` once per execution,
 * so aliases and batched operations each count: there is no way to run a field without passing here.
 */
import { RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { RATE_LIMITED_FIELDS, type RateLimitedField, type RateLimitsConfig } from "../../config.ts";
import { rateLimited } from "../../errors.ts";
import { type ClientKey, clientNetworkKey } from "./client-network.ts";
import { identifierKey, retryAfterSeconds, type LimiterFactory } from "./limiter-store.ts";

/** Who is asking: every key given must still have points left. */
export interface RateLimitKeys {
  /** Client address from the GraphQL context (undefined only without a socket, e.g. yoga.fetch in tests). */
  ip: string | undefined;
  /** Email or username the operation is about, when it has one. */
  identifier?: string | undefined;
}

export interface RateLimits {
  /**
   * Counts one execution of `field` against the client IP and, when given, the identifier. Throws
   * RATE_LIMITED with `extensions.retryAfter` (seconds) when either is exhausted.
   */
  consume(field: RateLimitedField, keys: RateLimitKeys): Promise<void>;
  /** Forgets the counters of one key (admin tooling and tests). */
  reset(field: RateLimitedField, keys: RateLimitKeys): Promise<void>;
}

export interface RateLimitsDependencies {
  limits: RateLimitsConfig;
  limiter: LimiterFactory;
  /** The key a client IP is counted under (IPv6 grouped by prefix); default: per /64. */
  clientKey?: ClientKey;
}

export function createRateLimits({ limits, limiter, clientKey = clientNetworkKey() }: RateLimitsDependencies): RateLimits {
  const byField = new Map<RateLimitedField, RateLimiterAbstract>(
    RATE_LIMITED_FIELDS.map((field) => {
      const { max, windowSeconds } = limits[field];
      return [field, limiter({ name: `rl:${field}`, points: max, duration: windowSeconds })];
    }),
  );
  const keysOf = ({ ip, identifier }: RateLimitKeys) => [
    `ip:${clientKey(ip)}`,
    ...(identifier === undefined ? [] : [`id:${identifierKey(identifier)}`]),
  ];
  const limiterFor = (field: RateLimitedField) => {
    const found = byField.get(field);
    if (!found) throw new Error(`No rate limit for field ${field}`);
    return found;
  };

  return {
    async consume(field, keys) {
      const limiter = limiterFor(field);
      // Both keys are charged even when one is already exhausted: an attacker rotating identifiers still
      // uses up the IP's budget, and one rotating IPs still uses up the identifier's.
      const results = await Promise.allSettled(keysOf(keys).map((key) => limiter.consume(key)));
      let waitMs = 0;
      for (const result of results) {
        if (result.status === "fulfilled") continue;
        // Anything but a RateLimiterRes is a store failure: let it surface (masked) rather than allow.
        if (!(result.reason instanceof RateLimiterRes)) throw result.reason;
        waitMs = Math.max(waitMs, result.reason.msBeforeNext);
      }
      if (results.some((result) => result.status === "rejected")) throw rateLimited(retryAfterSeconds(waitMs));
    },
    async reset(field, keys) {
      const limiter = limiterFor(field);
      await Promise.all(keysOf(keys).map((key) => limiter.delete(key)));
    },
  };
}
