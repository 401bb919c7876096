/**
 * The abuse-resistance services the auth flows call: per-field rate limits, failed sign-in lockout and
 * the password policy, over one counter store (memory, or Redis shared by several instances).
 */
import type { Redis } from "ioredis";
import type { Config } from "../../config.ts";
import { type ClientKey, clientNetworkKey } from "../rate-limit/client-network.ts";
import { createLimiterFactory, type LimiterFactory } from "../rate-limit/limiter-store.ts";
import { createRateLimits, type RateLimits } from "../rate-limit/rate-limits.service.ts";
import { createLockout, type Lockout } from "./lockout.ts";
import { createMailBudget, type MailBudget } from "./mail-budget.ts";
import { commonPasswords, createPasswordPolicy, type PasswordPolicy } from "./password-policy.ts";

export interface SecurityService {
  /** Per-field limits: `await rateLimits.consume("login", { ip, identifier })`. */
  rateLimits: RateLimits;
  /** Failed sign-in lockout per account and IP. */
  lockout: Lockout;
  passwordPolicy: PasswordPolicy;
  /** Emails per address per window (EMAIL_RATE_LIMIT_*), whatever the source IPs. */
  mailBudget: MailBudget;
  /** Counter store (memory or Redis) for further limiters. */
  limiter: LimiterFactory;
  /** The key every limit counts a client IP under: IPv4 as is, IPv6 by its RATE_LIMIT_IPV6_PREFIX network. */
  clientKey: ClientKey;
}

export interface SecurityDependencies {
  config: Pick<Config, "redisKeyPrefix" | "rateLimits" | "lockout" | "passwordPolicy" | "rateLimitIpv6Prefix" | "emailRateLimit">;
  /** Connected Redis when REDIS_URL is set; counters are in memory otherwise. */
  redis?: Redis | undefined;
}

export function createSecurityService({ config, redis }: SecurityDependencies): SecurityService {
  const limiter = createLimiterFactory({ redis, keyPrefix: config.redisKeyPrefix });
  const clientKey = clientNetworkKey(config.rateLimitIpv6Prefix);
  return {
    limiter,
    clientKey,
    rateLimits: createRateLimits({ limits: config.rateLimits, limiter, clientKey }),
    lockout: createLockout({ config: config.lockout, limiter, clientKey }),
    passwordPolicy: createPasswordPolicy({ ...config.passwordPolicy, blocklist: commonPasswords }),
    mailBudget: createMailBudget({ rule: config.emailRateLimit, limiter }),
  };
}
