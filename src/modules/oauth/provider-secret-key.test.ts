import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadProviderSecretKey } from "./provider-secret-key.ts";

describe("the provider secret key", () => {
  let dataDir: string | undefined;
  afterEach(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("uses AUTH_PROVIDER_SECRET_KEY when set", async () => {
    const raw = randomBytes(32);
    const key = await loadProviderSecretKey({ configured: raw.toString("hex"), production: true, dataDir: "/nonexistent" });
    expect(key.require().equals(raw)).toBe(true);
  });

  it("outside production, generates one under DATA_DIR/keys (0600) and keeps it across starts", async () => {
    dataDir = await mkdtemp(join(tmpdir(), "gatehouse-key-"));
    const first = (await loadProviderSecretKey({ configured: undefined, production: false, dataDir })).require();
    const again = (await loadProviderSecretKey({ configured: undefined, production: false, dataDir })).require();
    expect(again.equals(first)).toBe(true);
    const file = join(dataDir, "keys", "auth-provider-secret.key");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, "utf8")).toBe(first.toString("hex"));
  });

  it("in production never generates one: storing or reading a secret says which variable to set", async () => {
    dataDir = await mkdtemp(join(tmpdir(), "gatehouse-key-"));
    const key = await loadProviderSecretKey({ configured: undefined, production: true, dataDir });
    expect(() => key.require()).toThrow(/AUTH_PROVIDER_SECRET_KEY is not set/);
    await expect(stat(join(dataDir, "keys"))).rejects.toThrow();
  });
});
