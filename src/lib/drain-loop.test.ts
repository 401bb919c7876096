import { describe, expect, it } from "vitest";
import { createDrainLoop } from "./drain-loop.ts";

describe("createDrainLoop", () => {
  it("stops after the drain in progress finishes", async () => {
    let finish!: () => void;
    const loop = createDrainLoop({
      drain: () => new Promise<void>((resolve) => (finish = resolve)),
      pollIntervalMs: 60_000,
      onError: () => undefined,
    });
    loop.start();
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(stopped).toBe(true);
  });

  it("gives up waiting for a drain that never ends (a database gone mid-query) after stopTimeoutMs", async () => {
    const loop = createDrainLoop({
      drain: () => new Promise<void>(() => undefined),
      pollIntervalMs: 60_000,
      stopTimeoutMs: 50,
      onError: () => undefined,
    });
    loop.start();
    await expect(loop.stop()).resolves.toBeUndefined();
  });
});
