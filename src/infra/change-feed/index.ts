/**
 * Builds the change feed of a process (see change-feed.ts): from the database's own connections always,
 * plus a remote transport on PostgreSQL, LISTEN or Redis pub/sub.
 */
import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import type { Database } from "../db/index.ts";
import { type Change, parseChange } from "./changes.ts";
import { type ChangeFeed, createChangeHub } from "./change-feed.ts";
import { startPostgresListener } from "./postgres-listener.ts";
import { startRedisRelay } from "./redis-relay.ts";

export { type Change, perUserWithRoles, wholeTable } from "./changes.ts";
export type { ChangeFeed, ChangeListener } from "./change-feed.ts";
export { createFeedCache, type FeedCache } from "./feed-cache.ts";

export interface ChangeFeedOptions {
  database: Pick<Database, "kind" | "connection" | "ownChanges">;
  /** The remote transport on PostgreSQL; ignored for the embedded database. */
  transport: "postgres" | "redis";
  /** Needed by the `redis` transport. */
  redis?: Redis | undefined;
  /** Channel of the `redis` transport. */
  redisChannel: string;
  logger: { info(message: string): void; warn(message: string): void; error(message: string): void };
}

/** The feed when the caches are off (AUTH_CACHE_SIZE=0): never live, so nothing is ever cached. */
export const disabledChangeFeed: ChangeFeed = {
  transport: "local",
  live: () => false,
  subscribe: () => () => undefined,
  close: async () => undefined,
};

export async function openChangeFeed({ database, transport, redis, redisChannel, logger }: ChangeFeedOptions): Promise<ChangeFeed> {
  const hub = createChangeHub();
  const unsubscribeOwn = database.ownChanges.subscribe((payload) => hub.emit(parseChange(payload) ?? { kind: "all" }));
  if (database.kind === "pglite") {
    // One process, and every connection to it is ours: its own notifications are the whole story.
    return {
      transport: "local",
      live: () => true,
      subscribe: hub.subscribe,
      close: async () => unsubscribeOwn(),
    };
  }

  const instanceId = randomBytes(6).toString("hex");
  const everything: Change = { kind: "all" };
  const onDown = (error: unknown) => {
    logger.warn(`Change feed (${transport}) lost: ${(error as Error).message ?? error}; the caches answer from the database until it is back`);
    hub.emit(everything);
  };
  const onUp = () => hub.emit(everything);
  let remote: { fresh(): boolean; close(): Promise<void> };
  if (transport === "redis") {
    if (!redis) throw new Error("The redis change feed needs a Redis connection");
    remote = await startRedisRelay({
      redis,
      channel: redisChannel,
      hub,
      instanceId,
      ownChanges: database.ownChanges,
      onDown,
      onUp,
      onPublishFailed: (error) =>
        logger.error(`Change feed: a committed change could not be published to Redis (${(error as Error).message}); other instances learn of it only when their feed resyncs`),
    });
  } else {
    remote = startPostgresListener({ connection: database.connection, hub, instanceId, onDown, onUp });
  }

  // A late heartbeat (a busy event loop, a slow network) only suspends trust: nothing is lost while the
  // connection holds, and once a heartbeat is back every change before it has been applied. Only a lost
  // connection empties the caches (onDown, and onUp again after reconnecting).
  const live = () => remote.fresh();
  return {
    transport,
    live,
    subscribe: hub.subscribe,
    async close() {
      unsubscribeOwn();
      await remote.close();
    },
  };
}
