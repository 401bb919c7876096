import type { TokenStorage } from "../../src/index.ts";

/** localStorage's interface over a Map, so a test can look at what the SDK stored. */
export function mapStorage(entries: [string, string][] = []): TokenStorage & { items: Map<string, string> } {
  const items = new Map(entries);
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}
