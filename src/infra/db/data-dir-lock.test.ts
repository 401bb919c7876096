import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DataDirLockedError, lockDataDir, lockFileOf } from "./data-dir-lock.ts";

describe("data directory lock", () => {
  let parent: string;
  let dataDir: string;
  beforeEach(async () => {
    parent = await mkdtemp(join(tmpdir(), "gatehouse-lock-"));
    dataDir = join(parent, "pglite");
  });
  afterEach(() => rm(parent, { recursive: true, force: true }));

  it("writes who holds it beside the directory and removes it on release", async () => {
    const release = await lockDataDir(dataDir, "the Gatehouse server");
    expect(JSON.parse(await readFile(lockFileOf(dataDir), "utf8"))).toMatchObject({ pid: process.pid, holder: "the Gatehouse server" });
    expect((await stat(lockFileOf(dataDir))).mode & 0o777).toBe(0o600);
    await expect(lockDataDir(dataDir, "gatehouse users list")).rejects.toThrow(
      `The embedded database in ${dataDir} is in use by the Gatehouse server (pid ${process.pid})`,
    );
    await release();
    await expect(stat(lockFileOf(dataDir))).rejects.toMatchObject({ code: "ENOENT" });
    await (await lockDataDir(dataDir, "again"))();
  });

  it("refuses while another live process holds it", async () => {
    await writeFile(lockFileOf(dataDir), JSON.stringify({ pid: process.ppid, holder: "the Gatehouse server", startedAt: "" }));
    const error = await lockDataDir(dataDir, "gatehouse migrate").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DataDirLockedError);
    expect((error as DataDirLockedError).lock).toMatchObject({ pid: process.ppid, holder: "the Gatehouse server" });
  });

  it("takes over a lock left by a process that is gone, or one it cannot read", async () => {
    const gone = spawnSync(process.execPath, ["-e", ""]).pid!;
    await writeFile(lockFileOf(dataDir), JSON.stringify({ pid: gone, holder: "the Gatehouse server", startedAt: "" }));
    await (await lockDataDir(dataDir, "gatehouse users list"))();
    await writeFile(lockFileOf(dataDir), "{half-writ");
    const release = await lockDataDir(dataDir, "gatehouse users list");
    expect(JSON.parse(await readFile(lockFileOf(dataDir), "utf8")).pid).toBe(process.pid);
    await release();
  });
});
