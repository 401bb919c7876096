/**
 * The `redis` transport: every instance publishes the changes its own transactions committed (as its
 * database connections hear them, see `ownChanges` in infra/db) to one Redis channel and subscribes to
 * it. Writers that do not go through a Gatehouse process (psql, a script on the tables) publish nothing
 * here: the `postgres` transport hears those too (docs/performance.md). A heartbeat published every
 * HEARTBEAT_MS must come back through the subscription for the feed to be live.
 */
import type { Redis } from "ioredis";
import { parseChange } from "./changes.ts";
import { type ChangeHub, createHeartbeat, HEARTBEAT_MS } from "./change-feed.ts";

const HEARTBEAT_PREFIX = "heartbeat:";
/** A failed publish is retried this often, this many times (its change is committed: it must get out). */
const PUBLISH_RETRY_MS = 50;
const PUBLISH_ATTEMPTS = 10;

export interface RedisRelayOptions {
  redis: Redis;
  channel: string;
  hub: ChangeHub;
  instanceId: string;
  /** Subscribes to this process's own committed changes. */
  ownChanges: { subscribe(listener: (payload: string) => void): () => void };
  onDown(error: unknown): void;
  onUp(): void;
  onPublishFailed(error: unknown): void;
}

export async function startRedisRelay(options: RedisRelayOptions) {
  const { redis, channel, hub, instanceId } = options;
  const heartbeat = createHeartbeat();
  const subscriber = redis.duplicate({ connectionName: `gatehouse-change-feed-${instanceId}`, enableOfflineQueue: true });
  let ready = false;
  let closed = false;

  subscriber.on("message", (_channel: string, payload: string) => {
    if (payload.startsWith(HEARTBEAT_PREFIX)) {
      const [instance, id] = payload.slice(HEARTBEAT_PREFIX.length).split(":");
      if (instance === instanceId) heartbeat.returned(Number(id));
      return;
    }
    hub.emit(parseChange(payload) ?? { kind: "all" });
  });
  // ioredis subscribes again by itself after a reconnect; until then the feed is not live.
  subscriber.on("ready", () => {
    ready = true;
    options.onUp();
  });
  const down = (error: unknown) => {
    if (!ready) return;
    ready = false;
    heartbeat.reset();
    if (!closed) options.onDown(error);
  };
  subscriber.on("close", () => down(new Error("connection closed")));
  subscriber.on("error", (error: Error) => down(error));
  await subscriber.subscribe(channel);
  ready = subscriber.status === "ready";

  async function publish(payload: string, attempt = 1): Promise<void> {
    try {
      await redis.publish(channel, payload);
    } catch (error) {
      if (closed) return;
      if (attempt >= PUBLISH_ATTEMPTS) return options.onPublishFailed(error);
      await new Promise((resolve) => setTimeout(resolve, PUBLISH_RETRY_MS));
      return publish(payload, attempt + 1);
    }
  }
  const unsubscribeOwn = options.ownChanges.subscribe((payload) => void publish(payload));

  let beating = false;
  const ticker = setInterval(() => {
    if (!ready || beating) return;
    beating = true;
    redis
      .publish(channel, `${HEARTBEAT_PREFIX}${instanceId}:${heartbeat.send()}`)
      .catch(() => undefined)
      .finally(() => (beating = false));
  }, HEARTBEAT_MS);
  ticker.unref();

  return {
    fresh: () => ready && heartbeat.fresh(),
    async close() {
      closed = true;
      clearInterval(ticker);
      unsubscribeOwn();
      subscriber.disconnect();
    },
  };
}
