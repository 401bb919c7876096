/**
 * The change feed: tells this process of every committed change to authentication and authorization
 * state (changes.ts), from whichever instance or tool made it, and says whether it can be trusted right
 * now. Three sources feed it:
 * - this process's own writes, on its database connections, synchronously at commit (the pool listens
 *   on the triggers' channel: see `notifications` in infra/db); a caller sees its own change at once;
 * - other writers: a dedicated PostgreSQL connection listening on the channel (`postgres`), or a Redis
 *   channel every instance publishes its own writes to (`redis`);
 * - for the embedded database, nothing more: it is one process, and its connections see every write.
 * A remote transport is trusted only while it is connected and a heartbeat sent through it came back
 * within STALE_AFTER_MS; otherwise `live()` is false and caches go to the database. Losing the
 * connection empties the caches (changes may have gone unheard); a late heartbeat only suspends them.
 */
import type { Change } from "./changes.ts";

/** How often a remote transport sends a heartbeat through itself. */
export const HEARTBEAT_MS = 100;
/**
 * A remote transport whose last returned heartbeat was sent longer ago than this is not trusted: a change
 * committed before that heartbeat would have reached us before it (the channel is ordered), so what the
 * caches hold is at most this old, within issue 10's bound of one second.
 */
export const STALE_AFTER_MS = 850;

export type ChangeListener = (change: Change) => void;

export interface ChangeFeed {
  /** `local` (embedded database), `postgres` (LISTEN) or `redis` (pub/sub). */
  readonly transport: "local" | "postgres" | "redis";
  /** Whether every change committed elsewhere has reached this process (within STALE_AFTER_MS). */
  live(): boolean;
  /** Called for every change, and with `all` when the remote transport loses or regains its connection. */
  subscribe(listener: ChangeListener): () => void;
  close(): Promise<void>;
}

/** The listeners of a feed and the one place that tells them. */
export function createChangeHub() {
  const listeners = new Set<ChangeListener>();
  return {
    subscribe(listener: ChangeListener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    emit(change: Change) {
      for (const listener of listeners) listener(change);
    },
  };
}

export type ChangeHub = ReturnType<typeof createChangeHub>;

/**
 * Liveness of a remote transport from its heartbeats: `sent(id)` when one goes out, `returned(id)` when it
 * comes back through the transport; live while the last returned one left less than STALE_AFTER_MS ago.
 */
export function createHeartbeat(now: () => number = () => performance.now()) {
  const sentAt = new Map<number, number>();
  let next = 0;
  let confirmedSentAt = Number.NEGATIVE_INFINITY;
  return {
    send(): number {
      const id = ++next;
      sentAt.set(id, now());
      // Heartbeats that never came back are forgotten after a while.
      if (sentAt.size > 64) sentAt.delete(sentAt.keys().next().value!);
      return id;
    },
    returned(id: number) {
      const at = sentAt.get(id);
      if (at === undefined) return;
      for (const older of sentAt.keys()) {
        if (older > id) break;
        sentAt.delete(older);
      }
      confirmedSentAt = Math.max(confirmedSentAt, at);
    },
    reset() {
      sentAt.clear();
      confirmedSentAt = Number.NEGATIVE_INFINITY;
    },
    fresh: () => now() - confirmedSentAt < STALE_AFTER_MS,
  };
}
