/** Embedded-mode specifics (this file runs in the PGlite project only). */
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startDatabase } from "../src/database.ts";
import { openDatabase } from "../src/infra/db/database.ts";
import { createPglite, pgliteTemplate } from "../src/infra/db/pglite.ts";
import { createPasswordHasher } from "../src/modules/auth/passwords.ts";

const passwords = createPasswordHasher({ cost: 4 });

describe("embedded PGlite on disk", () => {
  it("keeps its data across a close and reopen", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "gatehouse-pglite-"));
    try {
      const first = await startDatabase({ kind: "pglite", dataDir }, { passwords });
      await first.prisma.role.create({ data: { name: "Editors", type: "editors" } });
      await first.close();

      const second = await openDatabase({ kind: "pglite", dataDir });
      const names = (await second.prisma.role.findMany({ orderBy: { id: "asc" } })).map((r) => r.name);
      await second.close();
      expect(names).toEqual(["Public", "Authenticated", "Admin", "Editors"]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe("a new embedded database", () => {
  it("starts from a template when there is one (copied on disk, unpacked in memory), on 16 MB of shared buffers", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gatehouse-pglite-template-"));
    try {
      // A template with a marker table: finding the table in a new database proves it came from there.
      const template = { dir: join(dir, "template"), tarball: join(dir, "template.tar.gz") };
      const source = await createPglite(template.dir);
      await source.exec("CREATE TABLE template_marker (id int); INSERT INTO template_marker VALUES (42)");
      await writeFile(template.tarball, Buffer.from(await (await source.dumpDataDir("gzip")).arrayBuffer()));
      await source.close();

      const dataDir = join(dir, "data");
      const fresh = await createPglite(dataDir, template);
      expect((await fresh.query<{ id: number }>("SELECT id FROM template_marker")).rows).toEqual([{ id: 42 }]);
      expect((await fresh.query<{ shared_buffers: string }>("SHOW shared_buffers")).rows[0]?.shared_buffers).toBe("16MB");
      await fresh.exec("INSERT INTO template_marker VALUES (43)");
      await fresh.close();

      // An existing database is opened as it is, never overwritten by the template.
      const reopened = await createPglite(dataDir, template);
      expect((await reopened.query<{ id: number }>("SELECT id FROM template_marker ORDER BY id")).rows).toEqual([{ id: 42 }, { id: 43 }]);
      await reopened.close();

      const inMemory = await createPglite(undefined, template);
      expect((await inMemory.query<{ id: number }>("SELECT id FROM template_marker")).rows).toEqual([{ id: 42 }]);
      await inMemory.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("finds the template the build prepared (npm run build, run by postinstall and pretest)", () => {
    const template = pgliteTemplate();
    expect(existsSync(join(template.dir, "PG_VERSION"))).toBe(true);
    expect(existsSync(template.tarball)).toBe(true);
  });
});
