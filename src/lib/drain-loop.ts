/**
 * The loop behind Gatehouse's background workers (the email outbox, mail requests): drain what is due,
 * then sleep until the next poll or until someone kicks. One drain at a time per process; a kick during
 * a drain runs another drain right after, so nothing enqueued meanwhile waits for the poll.
 */
export interface DrainLoop {
  /** Starts polling and drains what is already due. */
  start(): void;
  /**
   * Stops polling and waits for the drain in progress (which sees `isStopped()` turn true), at most
   * `stopTimeoutMs`: a drain stuck on a database that went away must not hold up shutdown, and what it had
   * claimed is leased, so a worker takes it over once the lease runs out.
   */
  stop(): Promise<void>;
  /** Drains now (call after committing new work). Never throws. */
  kick(): void;
}

export interface DrainLoopOptions {
  /** Handles due work; check `isStopped()` between items to stop early. */
  drain(isStopped: () => boolean): Promise<void>;
  /** How often to drain when nobody kicks (ms). */
  pollIntervalMs: number;
  /** Longest wait in `stop()` for the drain in progress (ms). Default 5000. */
  stopTimeoutMs?: number;
  /** A drain that threw (logged; the next poll tries again). */
  onError(error: Error): void;
}

export function createDrainLoop({ drain, pollIntervalMs, onError, stopTimeoutMs = 5_000 }: DrainLoopOptions): DrainLoop {
  let running: Promise<void> | undefined;
  let rerun = false;
  let stopped = true;
  let timer: NodeJS.Timeout | undefined;
  const isStopped = () => stopped;

  function schedule() {
    clearTimeout(timer);
    if (stopped) return;
    timer = setTimeout(kick, pollIntervalMs);
    // The poll alone must not keep the process alive (tests, CLI scripts); the HTTP server does that.
    timer.unref();
  }

  function kick() {
    if (stopped) return;
    if (running) {
      rerun = true;
      return;
    }
    running = drain(isStopped)
      .catch((error: unknown) => onError(error as Error))
      .finally(() => {
        running = undefined;
        if (rerun && !stopped) {
          rerun = false;
          kick();
        } else schedule();
      });
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      kick();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      let giveUp: NodeJS.Timeout | undefined;
      const timedOut = new Promise<void>((resolve) => {
        giveUp = setTimeout(resolve, stopTimeoutMs);
        giveUp.unref();
      });
      await Promise.race([running, timedOut]);
      clearTimeout(giveUp);
    },
    kick,
  };
}
