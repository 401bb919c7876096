/**
 * How much password hashing delays everything else in the process: the event loop's p99 delay
 * (perf_hooks.monitorEventLoopDelay) while PARALLEL hashes at cost 12 run, measured for bcryptjs on the
 * main thread and for @node-rs/bcrypt on libuv's pool through passwords.ts, in the same run.
 *
 *   npm run bench:hash              (defaults: 4 parallel, 3 rounds)
 *   npm run bench:hash -- 8 2       (8 parallel, 2 rounds)
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import bcryptjs from "bcryptjs";
import { createPasswordHasher } from "../src/modules/auth/passwords.ts";
import { round } from "./lib/stats.ts";

const COST = 12;
const parallel = Number(process.argv[2] ?? 4);
const rounds = Number(process.argv[3] ?? 3);
const password = "correct horse battery staple";

interface Result {
  name: string;
  p50: number;
  p99: number;
  max: number;
  hashesPerSecond: number;
}

async function measure(name: string, hashOnce: () => Promise<unknown>): Promise<Result> {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  // Let the loop settle so the histogram starts from an idle process.
  await new Promise((resolve) => setTimeout(resolve, 200));
  histogram.enable();
  const started = performance.now();
  for (let round = 0; round < rounds; round++) {
    await Promise.all(Array.from({ length: parallel }, hashOnce));
    // Give the loop one turn, so that a blocking round shows up as one long delay instead of none.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const seconds = (performance.now() - started) / 1000;
  histogram.disable();
  const ms = (ns: number) => round(ns / 1e6);
  return {
    name,
    p50: ms(histogram.percentile(50)),
    p99: ms(histogram.percentile(99)),
    max: ms(histogram.max),
    hashesPerSecond: round((parallel * rounds) / seconds),
  };
}

const idle = await measure("idle (setTimeout only)", () => new Promise((resolve) => setTimeout(resolve, 250)));
const hasher = createPasswordHasher({ cost: COST });
// The hasher computes its timing-equaliser hash once at creation: keep that out of the measurement.
await hasher.verify(password, null);
const nodeRs = await measure("@node-rs/bcrypt via passwords.ts (libuv pool)", () => hasher.hash(password));
const jsAsync = await measure("bcryptjs hash() (main thread, chunked)", () => bcryptjs.hash(password, COST));
const jsSync = await measure("bcryptjs hashSync() (main thread)", async () => bcryptjs.hashSync(password, COST));

console.log(`Event-loop delay while hashing, cost ${COST}, ${parallel} in parallel x ${rounds} rounds (ms)`);
console.table([idle, nodeRs, jsAsync, jsSync]);
const ratio = (a: Result, b: Result) => (b.p99 > 0 ? round(a.p99 / b.p99) : Infinity);
console.log(`p99 ratio bcryptjs hash() / @node-rs/bcrypt: ${ratio(jsAsync, nodeRs)}x`);
console.log(`p99 ratio bcryptjs hashSync() / @node-rs/bcrypt: ${ratio(jsSync, nodeRs)}x`);
