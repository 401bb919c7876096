/**
 * Mail bombing: at most `max` reset, confirmation and sign-up-notice emails per address per window,
 * however many IPs ask (per-IP limits do not help when the requests come from a botnet). Only the
 * mail-request worker asks, off the request path, so a spent budget changes no answer and no timing:
 * the surplus email is simply not sent.
 */
import { RateLimiterRes } from "rate-limiter-flexible";
import type { RateLimitRule } from "../../config.ts";
import { identifierKey, type LimiterFactory } from "../rate-limit/limiter-store.ts";

export interface MailBudget {
  /** Takes one email from the address's budget; false when it is spent (then send nothing). */
  take(address: string): Promise<boolean>;
}

export function createMailBudget({ rule, limiter }: { rule: RateLimitRule; limiter: LimiterFactory }): MailBudget {
  const counter = limiter({ name: "email:address", points: rule.max, duration: rule.windowSeconds });
  return {
    async take(address) {
      try {
        await counter.consume(identifierKey(address));
        return true;
      } catch (error) {
        if (error instanceof RateLimiterRes) return false;
        throw error;
      }
    },
  };
}
