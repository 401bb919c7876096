/**
 * A bounded LRU cache that a change feed keeps exact. Entries are grouped (a user's token state and
 * roles under the user's id); a change drops whole groups. Three rules keep it from ever answering
 * with data older than the feed allows:
 * - it is consulted and filled only while the feed is live (`feed.live()`); the feed empties it (`all`)
 *   when changes may have gone unheard;
 * - a load that was under way when its group changed is not stored (its read may predate the commit);
 * - concurrent loads of one key share one read, unless the group changed in between.
 */
import { LRUCache } from "lru-cache";
import type { Change } from "./changes.ts";
import type { ChangeFeed } from "./change-feed.ts";

export interface FeedCache<V> {
  /** The cached value of `key`, or `load()`'s (stored under `group` when nothing changed meanwhile). */
  get(key: string, group: string, load: () => Promise<V>): Promise<V>;
  /** Entries held now (for tests and diagnostics). */
  readonly size: number;
}

export interface FeedCacheOptions {
  feed: ChangeFeed;
  /** Most entries kept; 0 keeps none (every get loads). */
  max: number;
  /** The groups a change drops, or "all". */
  groupsOf(change: Change): readonly string[] | "all";
}

export interface FeedCacheOptionsOf<V> extends FeedCacheOptions {
  /** Whether a loaded value may be kept (default: all are). */
  keep?: (value: V) => boolean;
}

interface Load<V> {
  group: string;
  promise: Promise<V>;
  /** Set when the group changed while the load was under way. */
  stale: boolean;
}

export function createFeedCache<V>({ feed, max, groupsOf, keep = () => true }: FeedCacheOptionsOf<V>): FeedCache<V> {
  if (max === 0) return { get: (_key, _group, load) => load(), size: 0 };

  const groups = new Map<string, Set<string>>();
  const entries = new LRUCache<string, { group: string; value: V }>({
    max,
    dispose: (entry, key) => {
      const keys = groups.get(entry.group);
      keys?.delete(key);
      if (keys?.size === 0) groups.delete(entry.group);
    },
  });
  const loads = new Map<string, Load<V>>();

  function dropGroup(group: string) {
    for (const key of [...(groups.get(group) ?? [])]) entries.delete(key);
    for (const [key, load] of loads) {
      if (load.group !== group) continue;
      load.stale = true;
      loads.delete(key);
    }
  }

  function dropAll() {
    entries.clear();
    for (const load of loads.values()) load.stale = true;
    loads.clear();
  }

  feed.subscribe((change) => {
    const dropped = groupsOf(change);
    if (dropped === "all") dropAll();
    else for (const group of dropped) dropGroup(group);
  });

  return {
    get size() {
      return entries.size;
    },
    async get(key, group, load) {
      if (!feed.live()) return load();
      const hit = entries.get(key);
      if (hit) return hit.value;
      const pending = loads.get(key);
      if (pending) return pending.promise;

      const entry: Load<V> = { group, stale: false, promise: load() };
      loads.set(key, entry);
      try {
        const value = await entry.promise;
        if (!entry.stale && keep(value) && feed.live()) {
          entries.set(key, { group, value });
          let keys = groups.get(group);
          if (!keys) groups.set(group, (keys = new Set()));
          keys.add(key);
        }
        return value;
      } finally {
        if (loads.get(key) === entry) loads.delete(key);
      }
    },
  };
}
