import { describe, expect, it } from "vitest";
import { decodeCursor, decodeIdCursor, encodeCursor, pageOf, pageSize } from "./pages.ts";

const codeOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return (error as { extensions?: { code?: string } }).extensions?.code;
  }
  return "no error";
};

describe("page cursors", () => {
  it("round-trip a key of their own kind only", () => {
    const cursor = encodeCursor("audit", 42);
    expect(cursor).not.toContain("42");
    expect(decodeIdCursor("audit", cursor)).toBe(42);
    expect(codeOf(() => decodeIdCursor("user", cursor))).toBe("BAD_USER_INPUT");
    expect(decodeCursor("session", encodeCursor("session", "17:ab"), /^(\d+):(\w+)$/).slice(1)).toEqual(["17", "ab"]);
  });

  it("keep the users list's former cursors valid", () => {
    expect(encodeCursor("user", 7)).toBe(Buffer.from("user:7").toString("base64url"));
  });

  it("refuse garbage, ids that are not positive or do not fit an int4 key", () => {
    for (const cursor of ["garbage", "", "42", encodeCursor("user", 0), encodeCursor("user", -1), encodeCursor("user", 2 ** 31), encodeCursor("user", "1.5")]) {
      expect(codeOf(() => decodeIdCursor("user", cursor)), cursor).toBe("BAD_USER_INPUT");
    }
    expect(decodeIdCursor("user", encodeCursor("user", 2 ** 31 - 1))).toBe(2 ** 31 - 1);
  });
});

describe("page size and page", () => {
  const rule = { fallback: 25, min: 0, max: 100 };

  it("defaults `first`, and refuses sizes out of range rather than correcting them", () => {
    expect(pageSize(undefined, rule)).toBe(25);
    expect(pageSize(0, rule)).toBe(0);
    for (const first of [-1, 101, 1.5]) expect(codeOf(() => pageSize(first, rule))).toBe("BAD_USER_INPUT");
  });

  it("keeps `take` rows, tells whether more exist, and ends with the last node's cursor", async () => {
    const page = pageOf([1, 2, 3], 2, (n) => `c${n}`, async () => 9);
    expect(page).toMatchObject({ nodes: [1, 2], hasNextPage: true, endCursor: "c2" });
    expect(await page.totalCount()).toBe(9);
    expect(pageOf([], 2, String, async () => 0)).toMatchObject({ nodes: [], hasNextPage: false, endCursor: null });
  });
});
