/**
 * Where limiter counters live: in this process, or in Redis when several instances share them.
 * rate-limiter-flexible increments and reads a counter in one atomic step (a Lua script on Redis), so
 * concurrent requests cannot all read "2 of 3 used" and all pass, the flaw measured in graphql-rate-limit.
 */
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from "rate-limiter-flexible";

export interface LimiterOptions {
  /** Names this counter family; part of every stored key. */
  name: string;
  /** Events allowed per window. */
  points: number;
  /** Window length in seconds (0: counters never expire). */
  duration: number;
}

export type LimiterFactory = (options: LimiterOptions) => RateLimiterAbstract;

export interface LimiterStoreOptions {
  /** Shared store; without it counters are per process. */
  redis?: Redis | undefined;
  /** Prefix of every key, so that several deployments or tests can share one Redis. */
  keyPrefix?: string;
}

export function createLimiterFactory({ redis, keyPrefix = "gatehouse" }: LimiterStoreOptions): LimiterFactory {
  return ({ name, points, duration }) => {
    const options = { keyPrefix: `${keyPrefix}:${name}`, points, duration };
    if (!redis) return new RateLimiterMemory(options);
    return new RateLimiterRedis({
      ...options,
      storeClient: redis,
      // While Redis is unreachable each instance limits on its own rather than failing every login.
      insuranceLimiter: new RateLimiterMemory(options),
    });
  };
}

/**
 * A fixed-length key for a user-supplied value (email, username): normalised so that "Bob@x" and
 * " bob@x" share a counter, and hashed so that no address is stored in Redis and a 100 kB identifier
 * does not make a 100 kB key.
 */
export function identifierKey(value: string): string {
  const normalised = value.normalize("NFKC").trim().toLowerCase();
  return createHash("sha256").update(normalised, "utf8").digest("base64url").slice(0, 32);
}

/** Whole seconds to wait, at least 1, as an HTTP Retry-After header expects. */
export function retryAfterSeconds(msBeforeNext: number): number {
  return Math.max(1, Math.ceil(msBeforeNext / 1000));
}
