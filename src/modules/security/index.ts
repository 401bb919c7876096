/**
 * The abuse-resistance services the auth resolvers call, built once per app from config. They are put
 * into every GraphQL context as `ctx.security`.
 */
import type { Redis } from "ioredis";
import type { Config } from "../../config.ts";
import { createLockout, type Lockout } from "../auth/lockout.ts";
import { commonPasswords, createPasswordPolicy, type PasswordPolicy } from "../auth/password-policy.ts";
import { createLimiterFactory, type LimiterFactory } from "../rate-limit/limiter-store.ts";
import { createRateLimits, type RateLimits } from "../rate-limit/rate-limits.service.ts";

export interface SecurityServices {
  /** Per-field limits: `await rateLimits.consume("login", { ip, identifier })`. */
  rateLimits: RateLimits;
  /** Failed sign-in lockout per account and IP. */
  lockout: Lockout;
  passwordPolicy: PasswordPolicy;
  /** Counter store (memory or Redis) for further limiters. */
  limiter: LimiterFactory;
}

export function createSecurityServices(config: Config, redis: Redis | undefined): SecurityServices {
  const limiter = createLimiterFactory({ redis, keyPrefix: config.redisKeyPrefix });
  return {
    limiter,
    rateLimits: createRateLimits({ limits: config.rateLimits, limiter }),
    lockout: createLockout({ config: config.lockout, limiter }),
    passwordPolicy: createPasswordPolicy({ ...config.passwordPolicy, blocklist: commonPasswords() }),
  };
}
