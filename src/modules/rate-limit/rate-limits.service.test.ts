import { describe, expect, it } from "vitest";
import { loadConfig, type RateLimitsConfig } from "../../config.ts";
import { GatehouseError } from "../../errors.ts";
import { limiterBackends, settle, useLimiterBackend } from "../../../test/helpers/limiter-backends.ts";
import { createRateLimits } from "./rate-limits.service.ts";

const limitsOf = (max: number): RateLimitsConfig =>
  loadConfig({ NODE_ENV: "test", RATE_LIMIT_MAX: String(max), RATE_LIMIT_WINDOW_SECONDS: "60" }).rateLimits;

const outcome = async (promise: Promise<void>) => (await settle(promise)) ?? "allowed";

describe.each(limiterBackends)("rate limits ($name)", (backend) => {
  const limiter = useLimiterBackend(backend);

  it("lets exactly 3 of 20 concurrent logins through a limit of 3", async () => {
    const limits = createRateLimits({ limits: limitsOf(3), limiter: limiter() });
    const results = await Promise.all(
      Array.from({ length: 20 }, () => outcome(limits.consume("login", { ip: "203.0.113.7", identifier: "alice@example.com" }))),
    );
    expect(results.filter((r) => r === "allowed")).toHaveLength(3);
    const rejected = results.filter((r): r is GatehouseError => r !== "allowed");
    expect(rejected).toHaveLength(17);
    for (const error of rejected) {
      expect(error.extensions.code).toBe("RATE_LIMITED");
      expect(error.extensions.retryAfter).toBeGreaterThanOrEqual(1);
      expect(error.extensions.retryAfter).toBeLessThanOrEqual(60);
    }
  });

  it("needs both keys to pass: a fresh IP cannot keep guessing one identifier, nor a fresh identifier from one IP", async () => {
    const limits = createRateLimits({ limits: limitsOf(2), limiter: limiter() });
    await limits.consume("login", { ip: "198.51.100.1", identifier: "bob" });
    await limits.consume("login", { ip: "198.51.100.2", identifier: "bob" });
    expect(await outcome(limits.consume("login", { ip: "198.51.100.3", identifier: "BOB " }))).toMatchObject({
      extensions: { code: "RATE_LIMITED" },
    });
    await limits.consume("login", { ip: "198.51.100.9", identifier: "carol" });
    await limits.consume("login", { ip: "198.51.100.9", identifier: "dave" });
    expect(await outcome(limits.consume("login", { ip: "198.51.100.9", identifier: "erin" }))).toMatchObject({
      extensions: { code: "RATE_LIMITED" },
    });
  });

  it("keeps separate budgets per field and per configured rule", async () => {
    const limits = createRateLimits({
      limits: { ...limitsOf(1), register: { max: 3, windowSeconds: 60 } },
      limiter: limiter(),
    });
    await limits.consume("login", { ip: "192.0.2.1" });
    expect(await outcome(limits.consume("login", { ip: "192.0.2.1" }))).not.toBe("allowed");
    expect(await outcome(limits.consume("refresh", { ip: "192.0.2.1" }))).toBe("allowed");
    for (let i = 0; i < 3; i++) await limits.consume("register", { ip: "192.0.2.1" });
    expect(await outcome(limits.consume("register", { ip: "192.0.2.1" }))).not.toBe("allowed");
  });

  it("forgets a key on reset", async () => {
    const limits = createRateLimits({ limits: limitsOf(1), limiter: limiter() });
    await limits.consume("forgotPassword", { ip: "192.0.2.5", identifier: "x@example.com" });
    await limits.reset("forgotPassword", { ip: "192.0.2.5", identifier: "x@example.com" });
    expect(await outcome(limits.consume("forgotPassword", { ip: "192.0.2.5", identifier: "x@example.com" }))).toBe("allowed");
  });
});
