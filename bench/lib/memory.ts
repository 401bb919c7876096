/** Memory of another process, read from /proc (Linux). */
import { readFile } from "node:fs/promises";

export interface ProcessMemory {
  /** Resident set size now, MB. */
  rssMb: number;
  /** Highest resident set size since the process started (VmHWM), MB. */
  peakMb: number;
}

export async function processMemory(pid: number): Promise<ProcessMemory> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
  return { rssMb: kb("VmRSS") / 1024, peakMb: kb("VmHWM") / 1024 };
}
