/**
 * The counter stores the limiter unit tests run against. Memory always; Redis when REDIS_URL is
 * set (CI sets it), each test with its own key prefix, deleted afterwards.
 */
import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { afterEach, beforeEach } from "vitest";
import { GatehouseError } from "../../src/errors.ts";
import { connectRedis } from "../../src/infra/redis/index.ts";
import { createLimiterFactory, type LimiterFactory } from "../../src/modules/rate-limit/limiter-store.ts";

export interface LimiterBackend {
  name: "memory" | "redis";
  /** A factory with a fresh key prefix, so tests never see each other's counters. */
  open(): Promise<{ limiter: LimiterFactory; close(): Promise<void> }>;
}

const memory: LimiterBackend = {
  name: "memory",
  open: async () => ({ limiter: createLimiterFactory({}), close: async () => undefined }),
};

function redisBackend(url: string): LimiterBackend {
  return {
    name: "redis",
    async open() {
      const redis: Redis = await connectRedis(url);
      const keyPrefix = `gatehouse-unit-${randomBytes(6).toString("hex")}`;
      return {
        limiter: createLimiterFactory({ redis, keyPrefix }),
        async close() {
          const keys = await redis.keys(`${keyPrefix}:*`);
          if (keys.length > 0) await redis.del(...keys);
          await redis.quit();
        },
      };
    },
  };
}

const redisUrl = process.env.REDIS_URL;
export const limiterBackends: LimiterBackend[] = redisUrl ? [memory, redisBackend(redisUrl)] : [memory];

/** Opens a fresh store of `backend` before each test and closes it after; call the result for it. */
export function useLimiterBackend(backend: LimiterBackend): () => LimiterFactory {
  let opened: Awaited<ReturnType<LimiterBackend["open"]>> | undefined;
  beforeEach(async () => {
    opened = await backend.open();
  });
  afterEach(() => opened?.close());
  return () => {
    if (!opened) throw new Error("useLimiterBackend: no test is running");
    return opened.limiter;
  };
}

/** The value of `promise`, or the GatehouseError it rejected with (anything else is rethrown). */
export async function settle<T>(promise: Promise<T>): Promise<T | GatehouseError> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof GatehouseError) return error;
    throw error;
  }
}
