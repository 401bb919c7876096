import { describe, expect, it } from "vitest";
import { exponentialBackoff } from "./outbox.ts";

describe("exponentialBackoff", () => {
  it("doubles from the base up to the cap", () => {
    const noJitter = exponentialBackoff({ baseMs: 1_000, maxMs: 10_000 }, () => 1);
    expect([1, 2, 3, 4, 5, 6].map(noJitter)).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
  });

  it("jitters between half and all of the delay", () => {
    expect(exponentialBackoff({ baseMs: 1_000, maxMs: 10_000 }, () => 0)(3)).toBe(2_000);
    const delays = Array.from({ length: 200 }, () => exponentialBackoff({ baseMs: 1_000, maxMs: 10_000 })(3));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(2_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(4_000);
    expect(new Set(delays).size).toBeGreaterThan(1);
  });
});
