import { describe, expect, it } from "vitest";
import type { LockoutConfig } from "../../config.ts";
import { GatehouseError } from "../../errors.ts";
import { limiterBackends, settle, useLimiterBackend } from "../../../test/helpers/limiter-backends.ts";
import { createLockout, type Lockout, type LockoutKey, type LoginAttempt } from "./lockout.ts";

const config: LockoutConfig = { maxFailures: 5, windowSeconds: 900, baseLockSeconds: 60, maxLockSeconds: 3600 };

const begin = (lockout: Lockout, key: LockoutKey): Promise<LoginAttempt | GatehouseError> => settle(lockout.begin(key));

async function failTimes(lockout: Lockout, key: LockoutKey, times: number) {
  const outcomes = [];
  for (let i = 0; i < times; i++) {
    const attempt = await lockout.begin(key);
    outcomes.push(await attempt.failed());
  }
  return outcomes;
}

describe.each(limiterBackends)("lockout ($name)", (backend) => {
  const limiter = useLimiterBackend(backend);

  const attacker: LockoutKey = { identifier: "wendy", userId: 42, ip: "203.0.113.66" };
  const victim: LockoutKey = { identifier: "wendy", userId: 42, ip: "198.51.100.10" };
  const wendy = { id: 42, email: "wendy@example.com", usernameKey: "wendy" };

  it("locks after the fifth failure, with ACCOUNT_LOCKED and the lock's length", async () => {
    const lockout = createLockout({ config, limiter: limiter() });
    const outcomes = await failTimes(lockout, attacker, 5);
    expect(outcomes.map((o) => o.locked)).toEqual([false, false, false, false, true]);
    expect(outcomes[4]?.retryAfter).toBe(60);
    const refused = await begin(lockout, attacker);
    expect(refused).toBeInstanceOf(GatehouseError);
    expect((refused as GatehouseError).extensions).toMatchObject({ code: "ACCOUNT_LOCKED" });
    const retryAfter = (refused as GatehouseError).extensions.retryAfter as number;
    expect(retryAfter).toBeGreaterThan(55);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it("evaluates exactly 5 of 20 concurrent attempts and locks once", async () => {
    const lockout = createLockout({ config, limiter: limiter() });
    const results = await Promise.all(Array.from({ length: 20 }, () => begin(lockout, attacker)));
    const admitted = results.filter((r): r is LoginAttempt => !(r instanceof GatehouseError));
    expect(admitted).toHaveLength(5);
    expect(results.filter((r) => r instanceof GatehouseError).every((e) => e.extensions.code === "ACCOUNT_LOCKED")).toBe(true);
    const outcomes = await Promise.all(admitted.map((attempt) => attempt.failed()));
    expect(outcomes.filter((o) => o.locked)).toEqual([{ locked: true, retryAfter: 60 }]);
  });

  it("locks the attacker's IP out of the account while the victim's IP still gets in", async () => {
    const lockout = createLockout({ config, limiter: limiter() });
    await failTimes(lockout, attacker, 5);
    expect(await begin(lockout, attacker)).toBeInstanceOf(GatehouseError);
    const attempt = await begin(lockout, victim);
    expect(attempt).not.toBeInstanceOf(GatehouseError);
    await (attempt as LoginAttempt).succeeded();
  });

  it("forgets failures after a success", async () => {
    const lockout = createLockout({ config, limiter: limiter() });
    await failTimes(lockout, victim, 4);
    await (await lockout.begin(victim)).succeeded();
    const outcomes = await failTimes(lockout, victim, 4);
    expect(outcomes.every((o) => !o.locked)).toBe(true);
    expect(await begin(lockout, victim)).not.toBeInstanceOf(GatehouseError);
  });

  it("doubles each further lock up to the maximum", async () => {
    // One-second locks so the test can wait them out on both stores (Redis expiry is real time).
    const lockout = createLockout({ config: { ...config, baseLockSeconds: 1, maxLockSeconds: 3 }, limiter: limiter() });
    const lengths: (number | undefined)[] = [];
    for (let lock = 0; lock < 3; lock++) {
      const retryAfter = (await failTimes(lockout, attacker, 5)).at(-1)?.retryAfter;
      lengths.push(retryAfter);
      expect(await begin(lockout, attacker)).toBeInstanceOf(GatehouseError);
      if (lock < 2) await new Promise((resolve) => setTimeout(resolve, (retryAfter ?? 0) * 1000 + 150));
    }
    expect(lengths).toEqual([1, 2, 3]);
  }, 15_000);

  it("lets an admin unlock an account for every IP", async () => {
    const lockout = createLockout({ config, limiter: limiter() });
    const otherAttacker = { identifier: "wendy@example.com", userId: 42, ip: "203.0.113.67" };
    await failTimes(lockout, attacker, 5);
    await failTimes(lockout, otherAttacker, 5);
    await lockout.unlock(wendy);
    expect(await begin(lockout, attacker)).not.toBeInstanceOf(GatehouseError);
    expect(await begin(lockout, otherAttacker)).not.toBeInstanceOf(GatehouseError);
  });

  it("locks unknown identifiers exactly like real accounts", async () => {
    const lockout = createLockout({ config, limiter: limiter() });
    const ghost = { identifier: "nobody@example.com", userId: null, ip: "203.0.113.66" };
    await failTimes(lockout, ghost, 5);
    expect(await begin(lockout, ghost)).toMatchObject({ extensions: { code: "ACCOUNT_LOCKED" } });
  });

  it("shares one evaluation budget between an account's identifiers, without a visible lock that links them", async () => {
    const lockout = createLockout({ config, limiter: limiter() });
    const byEmail = { ...attacker, identifier: "wendy@example.com" };
    await failTimes(lockout, attacker, 3);
    await failTimes(lockout, byEmail, 2);
    // The account's 5 evaluations are spent: the next attempts by either identifier are not evaluated,
    // but neither identifier shows a lock before its own 5 failures.
    for (const key of [attacker, attacker, byEmail, byEmail, byEmail]) {
      const next = await lockout.begin(key);
      expect(next.evaluate).toBe(false);
      await next.failed();
    }
    expect(await begin(lockout, attacker)).toMatchObject({ extensions: { code: "ACCOUNT_LOCKED" } });
    expect(await begin(lockout, byEmail)).toMatchObject({ extensions: { code: "ACCOUNT_LOCKED" } });
  });

  it("gives an unknown pair of identifiers the same answers as an account's two identifiers", async () => {
    const run = async (username: LockoutKey, email: LockoutKey) => {
      const lockout = createLockout({ config, limiter: limiter() });
      const seen: string[] = [];
      for (const key of [username, username, username, email, email, username, username, email, email, email, username, email]) {
        const attempt = await begin(lockout, key);
        if (attempt instanceof GatehouseError) seen.push(String(attempt.extensions.code));
        else seen.push(`failed:${(await attempt.failed()).locked}`);
      }
      return seen;
    };
    const known = await run(attacker, { ...attacker, identifier: "wendy@example.com" });
    const unknown = await run(
      { identifier: "ghost", userId: null, ip: attacker.ip },
      { identifier: "ghost@example.com", userId: null, ip: attacker.ip },
    );
    // `locked` also reports the hidden account lock (for the audit log): compare the answers a client sees.
    const answers = (seen: string[]) => seen.map((s) => (s.startsWith("failed") ? "INVALID_CREDENTIALS" : s));
    expect(answers(known)).toEqual(answers(unknown));
    expect(answers(known)).toEqual([...Array(10).fill("INVALID_CREDENTIALS"), "ACCOUNT_LOCKED", "ACCOUNT_LOCKED"]);
  });
});
