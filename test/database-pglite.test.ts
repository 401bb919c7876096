/** Embedded-mode specifics (this file runs in the PGlite project only). */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startDatabase } from "../src/database.ts";
import { openDatabase } from "../src/infra/db/database.ts";
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
