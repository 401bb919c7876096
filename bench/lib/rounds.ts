/**
 * Interleaved rounds: every contender of a workload runs once per round, in the same order, so that
 * drift of a shared machine hits all of them alike. Summaries are medians over the rounds; a ratio is
 * the median of per-round ratios (each contender against the reference measured in the same round).
 */
import { median, sleep } from "./stats.ts";

export interface Sample {
  /** Successful operations per second. */
  rps: number;
  p50?: number;
  p99?: number;
  errors: number;
  /** Further figures of a sample (e.g. logins/s beside a flood's `me`). */
  extra?: Record<string, number>;
  firstError?: string;
}

export interface Contender {
  id: string;
  measure(seconds: number): Promise<Sample>;
}

export interface Summary {
  rps: number;
  p50?: number;
  p99?: number;
  /** Errors over all rounds. */
  errors: number;
  /** Against the workload's reference contender, median of the per-round ratios of rps. */
  ratio?: number;
  extra?: Record<string, number>;
  firstError?: string;
}

export interface WorkloadResult {
  name: string;
  /** Contender id the ratios are taken against. */
  reference?: string;
  samples: Record<string, Sample[]>;
  summary: Record<string, Summary>;
}

export interface RoundOptions {
  rounds: number;
  seconds: number;
  /** Seconds of unmeasured load on each contender before the first round (JIT, pools, caches). */
  warmupSeconds: number;
  /**
   * Pause after each measurement, so that work a server still does for requests cut off at the end
   * (a login's hash) does not slow the next contender down.
   */
  pauseMs: number;
  onSample?: (workload: string, contender: string, round: number, sample: Sample) => void;
}

export async function runRounds(name: string, contenders: Contender[], reference: string | undefined, options: RoundOptions): Promise<WorkloadResult> {
  const measure = async (contender: Contender, seconds: number) => {
    const sample = await contender.measure(seconds);
    await sleep(options.pauseMs);
    return sample;
  };
  if (options.warmupSeconds > 0) for (const contender of contenders) await measure(contender, options.warmupSeconds);
  const samples: Record<string, Sample[]> = Object.fromEntries(contenders.map((c) => [c.id, []]));
  for (let round = 1; round <= options.rounds; round++) {
    for (const contender of contenders) {
      const sample = await measure(contender, options.seconds);
      samples[contender.id]!.push(sample);
      options.onSample?.(name, contender.id, round, sample);
    }
  }
  return { name, ...(reference ? { reference } : {}), samples, summary: summarize(samples, reference) };
}

function summarize(samples: Record<string, Sample[]>, reference: string | undefined): Record<string, Summary> {
  const summary: Record<string, Summary> = {};
  for (const [id, list] of Object.entries(samples)) {
    const pick = (get: (s: Sample) => number | undefined) => {
      const values = list.map(get).filter((v): v is number => v !== undefined);
      return values.length > 0 ? median(values) : undefined;
    };
    const extraKeys = [...new Set(list.flatMap((s) => Object.keys(s.extra ?? {})))];
    const ref = reference && reference !== id ? samples[reference] : undefined;
    const ratios = ref ? list.map((s, i) => s.rps / (ref[i]?.rps ?? Number.NaN)).filter(Number.isFinite) : [];
    const p50 = pick((s) => s.p50);
    const p99 = pick((s) => s.p99);
    const firstError = list.find((s) => s.firstError)?.firstError;
    summary[id] = {
      rps: pick((s) => s.rps) ?? 0,
      ...(p50 !== undefined ? { p50 } : {}),
      ...(p99 !== undefined ? { p99 } : {}),
      errors: list.reduce((sum, s) => sum + s.errors, 0),
      ...(ratios.length > 0 ? { ratio: median(ratios) } : {}),
      ...(extraKeys.length > 0 ? { extra: Object.fromEntries(extraKeys.map((k) => [k, pick((s) => s.extra?.[k]) ?? 0])) } : {}),
      ...(firstError ? { firstError } : {}),
    };
  }
  return summary;
}
