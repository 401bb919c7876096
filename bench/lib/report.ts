/** The benchmark's report: Markdown tables on stdout (ready to paste) and the targets of issue 10. */
import { GATEWAY_WORKLOAD } from "./gateway.ts";
import type { ProcessMemory } from "./memory.ts";
import type { Summary, WorkloadResult } from "./rounds.ts";
import { median, round } from "./stats.ts";

export interface Footprint {
  /** Spawn to first 200 on an empty database (migrations, seed, first admin), ms. */
  firstStartMs?: number;
  /** Spawn to first 200 on a database that is already set up, ms. */
  restartMs: number;
  idle: ProcessMemory;
  /** Once the workloads are over and the server has idled a moment. */
  after?: ProcessMemory;
}

export interface StatementCount {
  operation: string;
  /** Statements (Query + Execute messages) seen for each measured request. */
  perRequest: number[];
  /** The statements of the last measured request. */
  sql: string[];
}

/** A steady `me` load for a while, with the server's RSS after each slice. */
export interface SoakResult {
  seconds: number;
  samples: { atSeconds: number; rps: number; errors: number; rssMb: number }[];
}

/**
 * RSS growth over a soak: the mean of the last third of the readings over the mean of the first third.
 * Single readings swing by a quarter with the garbage collector's cycles; thirds compare levels.
 */
export function soakGrowth(soak: SoakResult): number {
  const rss = soak.samples.map((sample) => sample.rssMb);
  const third = Math.max(1, Math.floor(rss.length / 3));
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  return mean(rss.slice(-third)) / mean(rss.slice(0, third));
}

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  machine: { cores: number; cpu: string; memoryGb: number; node: string; loadAverageBefore: number[]; loadAverageAfter: number[] };
  settings: Record<string, unknown> & {
    quick: boolean;
    rounds: number;
    seconds: number;
    hashingSeconds: number;
    bcryptCost: number;
    /** BCRYPT_CONCURRENCY as the Gatehouse servers compute it. */
    serverBcryptConcurrency: number;
    algorithm: string;
    connections: Record<string, number>;
  };
  workloads: WorkloadResult[];
  statementCounts: StatementCount[] | undefined;
  footprints: Record<string, Footprint>;
  /** `--soak`: per Gatehouse. */
  soaks?: Record<string, SoakResult>;
}

const LABELS: Record<string, string> = {
  baseline: "baseline",
  "bcrypt-limit": "bcrypt limit",
  postgres: "Gatehouse PostgreSQL",
  pglite: "Gatehouse PGlite",
  "postgres-1m": "Gatehouse PostgreSQL, 1M users",
  gateway: "Gatehouse gateway → posts subgraph",
  "posts-direct": "posts subgraph, direct",
  "gateway-local": "Gatehouse gateway, `viewer { id }` only",
};
const label = (id: string) => LABELS[id] ?? id;

function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

const num = (value: number | undefined, digits = 0) => (value === undefined || Number.isNaN(value) ? "—" : round(value, digits).toLocaleString("en"));
const pct = (ratio: number | undefined) => (ratio === undefined ? "—" : `${Math.round(ratio * 100)} %`);

function workloadRows(workloads: WorkloadResult[]): (string | number)[][] {
  const rows: (string | number)[][] = [];
  for (const workload of workloads) {
    for (const [id, s] of Object.entries(workload.summary) as [string, Summary][]) {
      const vs = s.ratio !== undefined ? `${pct(s.ratio)} of ${label(workload.reference!)}` : "";
      const extra = s.extra?.loginRps !== undefined ? ` (logins meanwhile: ${num(s.extra.loginRps, 1)} /s)` : "";
      rows.push([workload.name, label(id), num(s.rps, s.rps < 100 ? 1 : 0), num(s.p50), num(s.p99), s.errors, vs + extra]);
    }
  }
  return rows;
}

interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
}

function summaryOf(report: BenchReport, workload: string, id: string): Summary | undefined {
  return report.workloads.find((w) => w.name === workload)?.summary[id];
}

/** The targets of issue 10 (Targets and Footprint sections), for whatever this run measured. */
export function checkTargets(report: BenchReport): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const ratioAtLeast = (name: string, workload: string, id: string, min: number) => {
    const s = summaryOf(report, workload, id);
    if (s?.ratio !== undefined) checks.push({ target: `${name} (${label(id)}) ≥ ${pct(min)}`, measured: pct(s.ratio), met: s.ratio >= min });
  };
  for (const id of ["postgres", "pglite"]) {
    ratioAtLeast("`me` vs baseline", "me", id, 0.7);
    ratioAtLeast("invalid token vs baseline", "invalid token", id, 0.9);
    ratioAtLeast("login vs bcrypt limit", "login", id, 0.9);
    ratioAtLeast("register vs bcrypt limit", "register", id, 0.85);
    const flood = summaryOf(report, "me during login flood", id);
    if (flood?.p99 !== undefined) checks.push({ target: `\`me\` p99 during login flood (${label(id)}) < 50 ms`, measured: `${flood.p99} ms`, met: flood.p99 < 50 });
  }
  ratioAtLeast("`me`, 1M users vs 1,000", "me (1M users)", "postgres-1m", 0.9);
  ratioAtLeast("login, 1M users vs 1,000", "login (1M users)", "postgres-1m", 0.9);

  const footprint = (id: string, what: string, value: number | undefined, max: number, unit: string) => {
    if (value !== undefined) checks.push({ target: `${what} (${label(id)}) < ${max} ${unit}`, measured: `${num(value)} ${unit}`, met: value < max });
  };
  const pg = report.footprints.postgres;
  if (pg) {
    footprint("postgres", "spawn → first 200", pg.restartMs, 1000, "ms");
    footprint("postgres", "idle RSS", pg.idle.rssMb, 120, "MB");
  }
  const lite = report.footprints.pglite;
  if (lite) {
    footprint("pglite", "restart, spawn → first 200", lite.restartMs, 2000, "ms");
    footprint("pglite", "first start on an empty data dir", lite.firstStartMs, 4000, "ms");
    footprint("pglite", "idle RSS", lite.idle.rssMb, 250, "MB");
  }
  for (const id of ["postgres", "pglite"]) {
    const f = report.footprints[id];
    if (f?.after) checks.push({ target: `RSS after the run (${label(id)}) < 1.5 × idle`, measured: `${round(f.after.rssMb / f.idle.rssMb, 2)} ×`, met: f.after.rssMb < 1.5 * f.idle.rssMb });
  }
  for (const [id, soak] of Object.entries(report.soaks ?? {})) {
    if (soak.samples.length < 2) continue;
    const growth = soakGrowth(soak);
    checks.push({
      target: `RSS flat over a ${num(soak.seconds / 60, 1)}-minute soak of \`me\` (${label(id)}): last third < 1.1 × first third`,
      measured: `${round(growth, 2)} ×`,
      met: growth < 1.1,
    });
  }
  return checks;
}

export function printReport(report: BenchReport): void {
  const { machine, settings } = report;
  const out: string[] = [];
  out.push(
    `\n## Gatehouse benchmark, ${report.startedAt.slice(0, 10)}: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGb} GB, Node ${machine.node}`,
    `${settings.quick ? "Quick run: " : ""}${settings.rounds} interleaved rounds of ${settings.seconds} s (hashing workloads ${Math.max(settings.seconds, settings.hashingSeconds)} s), medians; bcrypt cost ${settings.bcryptCost} (Gatehouse hashing ${settings.serverBcryptConcurrency} at a time), ${settings.algorithm} tokens; load average ${machine.loadAverageBefore.join(" ")} before, ${machine.loadAverageAfter.join(" ")} after.\n`,
  );
  out.push(table(["workload", "server", "req/s", "p50 ms", "p99 ms", "errors", "ratio"], workloadRows(report.workloads)));

  const gateway = report.workloads.find((w) => w.name === GATEWAY_WORKLOAD);
  const through = gateway?.summary.gateway;
  const direct = gateway?.summary["posts-direct"];
  if (through && direct) {
    const added = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? "—" : `${num(a - b)} ms`);
    out.push(
      `\nGateway overhead (\`${GATEWAY_WORKLOAD}\` through Gatehouse's gateway vs the subgraph's part sent straight to it with a subgraph token):`,
      `added latency p50 ${added(through.p50, direct.p50)}, p99 ${added(through.p99, direct.p99)}; req/s ${pct(through.ratio)} of direct.`,
    );
    const local = gateway.summary["gateway-local"];
    if (local) {
      out.push(
        `Gatehouse's own part through the same gateway (\`viewer { id }\`, no downstream call): ${num(local.rps)} req/s, p50 ${num(local.p50)} ms, p99 ${num(local.p99)} ms.`,
      );
    }
  }

  if (report.statementCounts) {
    out.push("\nSQL statements per request (PostgreSQL wire protocol: Query + Execute messages, counted):\n");
    out.push(
      table(
        ["operation", "statements (median)", "min–max"],
        report.statementCounts.map((c) => [c.operation, median(c.perRequest), `${Math.min(...c.perRequest)}–${Math.max(...c.perRequest)}`]),
      ),
    );
  } else {
    out.push("\nSQL statements: counted on PostgreSQL only (set DATABASE_URL).");
  }

  out.push("\nFootprint (RSS in MB; cold start = spawn → first HTTP 200 from /graphql):\n");
  out.push(
    table(
      ["server", "first start ms", "restart ms", "idle RSS", "RSS after load", "peak RSS"],
      Object.entries(report.footprints).map(([id, f]) => [
        label(id),
        num(f.firstStartMs),
        num(f.restartMs),
        num(f.idle.rssMb),
        num(f.after?.rssMb),
        num(f.after?.peakMb ?? f.idle.peakMb),
      ]),
    ),
  );

  const soaks = Object.entries(report.soaks ?? {});
  if (soaks.length > 0) {
    out.push("\nSoak (`me` round-robin over the 1,000 users; RSS in MB read after each slice):\n");
    out.push(
      table(
        ["server", "seconds", "req/s (mean)", "errors", "RSS first slice", "RSS last", "RSS max", "growth (thirds)"],
        soaks.map(([id, soak]) => {
          const rss = soak.samples.map((sample) => sample.rssMb);
          return [
            label(id),
            num(soak.seconds),
            num(soak.samples.reduce((sum, sample) => sum + sample.rps, 0) / soak.samples.length),
            soak.samples.reduce((sum, sample) => sum + sample.errors, 0),
            num(rss[0]),
            num(rss.at(-1)),
            num(Math.max(...rss)),
            `${round(soakGrowth(soak), 2)} ×`,
          ];
        }),
      ),
    );
  }

  const checks = checkTargets(report);
  out.push("\nTargets (issue 10):\n");
  out.push(table(["target", "measured", ""], checks.map((c) => [c.target, c.measured, c.met ? "met" : "**missed**"])));
  out.push(`\n${checks.filter((c) => c.met).length} of ${checks.length} targets met.`);
  console.log(out.join("\n"));
}
