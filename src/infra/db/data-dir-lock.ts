/**
 * PGlite is one process's database: two processes opening the same data directory would corrupt it. The
 * process that opens it writes a lock file beside it (`<dataDir>.lock`: pid, what it is, when it started)
 * and removes it on close; a second process finds the lock, sees the pid alive, and is refused with one
 * line saying who holds it. A lock left by a process that died (kill -9, power loss) names a pid that is
 * gone and is taken over.
 */
import { link, readFile, rm, writeFile } from "node:fs/promises";

/** Who holds the lock, as the refusal names it: "the Gatehouse server", "gatehouse users list", ... */
export interface LockHolder {
  pid: number;
  holder: string;
  startedAt: string;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly lock: LockHolder,
  ) {
    super(
      `The embedded database in ${dataDir} is in use by ${lock.holder} (pid ${lock.pid}); PGlite allows one process at a time: ` +
        "stop it first, or set DATABASE_URL to a PostgreSQL database that several processes can share",
    );
    this.name = "DataDirLockedError";
  }
}

export const lockFileOf = (dataDir: string) => `${dataDir.replace(/\/+$/, "")}.lock`;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function readLock(file: string): Promise<LockHolder | null> {
  try {
    const parsed = JSON.parse(await readFile(file, "utf8")) as Partial<LockHolder>;
    return typeof parsed.pid === "number" ? { pid: parsed.pid, holder: String(parsed.holder ?? "another process"), startedAt: String(parsed.startedAt ?? "") } : null;
  } catch {
    // Gone, or not a lock Gatehouse wrote: nobody to name, so it does not hold the directory.
    return null;
  }
}

/** Takes the lock of `dataDir` for this process; resolves to its release. */
export async function lockDataDir(dataDir: string, holder: string): Promise<() => Promise<void>> {
  const file = lockFileOf(dataDir);
  const mine: LockHolder = { pid: process.pid, holder, startedAt: new Date().toISOString() };
  // Written whole under a private name, then linked into place: link fails with EEXIST if the lock
  // exists, so of two processes starting at once exactly one gets it, and nobody reads a half-written lock.
  const staged = `${file}.${process.pid}`;
  await writeFile(staged, JSON.stringify(mine), { mode: 0o600 });
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await link(staged, file);
        return async () => {
          const current = await readLock(file);
          if (current?.pid === process.pid) await rm(file, { force: true });
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      const current = await readLock(file);
      if (current && (current.pid === process.pid || isAlive(current.pid))) throw new DataDirLockedError(dataDir, current);
      await rm(file, { force: true });
    }
  } finally {
    await rm(staged, { force: true });
  }
  throw new Error(`Could not take the lock ${file}`);
}
