/** Redis connection for state shared between Gatehouse instances (rate limits, lockouts). */
import { Redis } from "ioredis";

/**
 * Connects and waits until Redis is ready. The offline queue is off so that a command issued while Redis
 * is down fails at once (the limiters then fall back to memory) instead of piling up unanswered.
 */
export async function connectRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, { enableOfflineQueue: false, lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  return redis;
}
