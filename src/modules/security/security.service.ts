/**
 * The abuse-resistance services the auth flows call: per-field rate limits, failed sign-in lockout and
 * the password policy, over one counter store (memory, or Redis shared by several instances).
 */
import type { Redis } from "ioredis";
import type { Config } from "../../config.ts";
import { createLimiterFactory, type LimiterFactory } from "../rate-limit/limiter-store.ts";
import { createRateLimits, type RateLimits } from "../rate-limit/rate-limits.service.ts";
import { createLockout, type Lockout } from "./lockout.ts";
import { commonPasswords, createPasswordPolicy, type PasswordPolicy } from "./password-policy.ts";

export interface SecurityService {
  /** Per-field limits: `await rateLimits.consume("login", { ip, identifier })`. */
  rateLimits: RateLimits;
  /** Failed sign-in lockout per account and IP. */
  lockout: Lockout;
  passwordPolicy: PasswordPolicy;
  /** Counter store (memory or Redis) for further limiters. */
  limiter: LimiterFactory;
}

export interface SecurityDependencies {
  config: Pick<Config, "redisKeyPrefix" | "rateLimits" | "lockout" | "passwordPolicy">;
  /** Connected Redis when REDIS_URL is set; counters are in memory otherwise. */
  redis?: Redis | undefined;
}

export function createSecurityService({ config, redis }: SecurityDependencies): SecurityService {
  const limiter = createLimiterFactory({ redis, keyPrefix: config.redisKeyPrefix });
  return {
    limiter,
    rateLimits: createRateLimits({ limits: config.rateLimits, limiter }),
    lockout: createLockout({ config: config.lockout, limiter }),
    passwordPolicy: createPasswordPolicy({ ...config.passwordPolicy, blocklist: commonPasswords() }),
  };
}
