import { describe, expect, it } from "vitest";
import { type ChangeFeed, createChangeHub, createHeartbeat, STALE_AFTER_MS } from "./change-feed.ts";
import type { Change } from "./changes.ts";
import { parseChange } from "./changes.ts";
import { createFeedCache } from "./feed-cache.ts";

/** A feed whose liveness the test sets, delivering what the test emits. */
function testFeed() {
  const hub = createChangeHub();
  let live = true;
  const feed: ChangeFeed = { transport: "local", live: () => live, subscribe: hub.subscribe, close: async () => undefined };
  return {
    feed,
    emit: (change: Change) => hub.emit(change),
    setLive(value: boolean) {
      live = value;
      hub.emit({ kind: "all" });
    },
  };
}

const byUser = (change: Change) => (change.kind === "user" ? [String(change.userId)] : change.kind === "all" ? "all" : []);

function counted<T>(value: () => T) {
  const load = async () => {
    load.calls++;
    return value();
  };
  load.calls = 0;
  return load;
}

describe("feed cache", () => {
  it("loads once, then answers from memory until the group changes", async () => {
    const { feed, emit } = testFeed();
    const cache = createFeedCache<string>({ feed, max: 10, groupsOf: byUser });
    let version = "v1";
    const load = counted(() => version);
    expect(await cache.get("1/a", "1", load)).toBe("v1");
    expect(await cache.get("1/a", "1", load)).toBe("v1");
    expect(load.calls).toBe(1);

    version = "v2";
    emit({ kind: "user", userId: 2 });
    expect(await cache.get("1/a", "1", load)).toBe("v1");
    emit({ kind: "user", userId: 1 });
    expect(await cache.get("1/a", "1", load)).toBe("v2");
    expect(load.calls).toBe(2);
  });

  it("does not keep a load that was under way when its group changed", async () => {
    const { feed, emit } = testFeed();
    const cache = createFeedCache<string>({ feed, max: 10, groupsOf: byUser });
    let release!: () => void;
    const slow = cache.get("1/a", "1", () => new Promise<string>((resolve) => (release = () => resolve("read before the change"))));
    emit({ kind: "user", userId: 1 });
    release();
    expect(await slow).toBe("read before the change");
    expect(await cache.get("1/a", "1", async () => "read after the change")).toBe("read after the change");
  });

  it("shares one load between concurrent callers, but not across a change", async () => {
    const { feed, emit } = testFeed();
    const cache = createFeedCache<number>({ feed, max: 10, groupsOf: byUser });
    let calls = 0;
    const load = () => new Promise<number>((resolve) => setTimeout(() => resolve(++calls), 5));
    const [first, second] = await Promise.all([cache.get("1", "1", load), cache.get("1", "1", load)]);
    expect([first, second]).toEqual([1, 1]);
    emit({ kind: "user", userId: 1 });
    const pending = cache.get("1", "1", load);
    emit({ kind: "user", userId: 1 });
    expect(await Promise.all([pending, cache.get("1", "1", load)])).toEqual([2, 3]);
  });

  it("neither answers nor stores while the feed is not live, and starts empty when it is back", async () => {
    const { feed, setLive } = testFeed();
    const cache = createFeedCache<string>({ feed, max: 10, groupsOf: byUser });
    await cache.get("1", "1", async () => "cached");
    setLive(false);
    expect(cache.size).toBe(0);
    expect(await cache.get("1", "1", async () => "from the database")).toBe("from the database");
    expect(cache.size).toBe(0);
    setLive(true);
    expect(await cache.get("1", "1", async () => "fresh")).toBe("fresh");
  });

  it("keeps at most `max` entries, least recently used out first, and nothing at max 0", async () => {
    const { feed } = testFeed();
    const cache = createFeedCache<string>({ feed, max: 2, groupsOf: byUser });
    for (const key of ["1", "2", "1", "3"]) await cache.get(key, key, async () => key);
    expect(cache.size).toBe(2);
    expect(await cache.get("2", "2", async () => "reloaded")).toBe("reloaded");
    const off = createFeedCache<string>({ feed, max: 0, groupsOf: byUser });
    await off.get("1", "1", async () => "x");
    expect(off.size).toBe(0);
  });

  it("keeps only what `keep` accepts", async () => {
    const { feed } = testFeed();
    const cache = createFeedCache<string | null>({ feed, max: 10, groupsOf: byUser, keep: (value) => value !== null });
    await cache.get("1", "1", async () => null);
    expect(cache.size).toBe(0);
  });
});

describe("change payloads", () => {
  it("reads what the triggers send and nothing else", () => {
    expect(parseChange("user:42")).toEqual({ kind: "user", userId: 42 });
    expect(parseChange("rules")).toEqual({ kind: "rules" });
    expect(parseChange("roles")).toEqual({ kind: "roles" });
    expect(parseChange("settings")).toEqual({ kind: "settings" });
    expect(parseChange("all")).toEqual({ kind: "all" });
    expect(parseChange("user:")).toBeNull();
    expect(parseChange("user:1 or more")).toBeNull();
  });
});

describe("heartbeat", () => {
  it("is fresh while the last returned heartbeat left less than STALE_AFTER_MS ago", () => {
    let now = 0;
    const heartbeat = createHeartbeat(() => now);
    expect(heartbeat.fresh()).toBe(false);
    const first = heartbeat.send();
    now = 5;
    expect(heartbeat.fresh()).toBe(false);
    heartbeat.returned(first);
    expect(heartbeat.fresh()).toBe(true);
    // Later heartbeats are sent but never come back (a silent partition).
    now = STALE_AFTER_MS - 1;
    heartbeat.send();
    expect(heartbeat.fresh()).toBe(true);
    now = STALE_AFTER_MS;
    expect(heartbeat.fresh()).toBe(false);
  });
});
