/**
 * The key that encrypts OAuth client secrets at rest. AUTH_PROVIDER_SECRET_KEY when set; outside
 * production, when it is not, a key generated on first start and kept in DATA_DIR/keys (like the
 * development signing keys). Production never generates one: without the variable no client secret can
 * be stored or read, and the admin who tries is told why.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ErrorCode, GatehouseError } from "../../errors.ts";
import { ENCRYPTION_KEY_BYTES, parseEncryptionKey } from "../../lib/encryption.ts";

export interface ProviderSecretKey {
  /** The key, or an error that names the missing variable. */
  require(): Buffer;
}

export async function loadProviderSecretKey(options: {
  configured: string | undefined;
  production: boolean;
  dataDir: string;
}): Promise<ProviderSecretKey> {
  const key = options.configured ? parseEncryptionKey(options.configured) : options.production ? null : await developmentKey(options.dataDir);
  return {
    require() {
      if (key) return key;
      throw new GatehouseError(
        ErrorCode.INTERNAL_SERVER_ERROR,
        "AUTH_PROVIDER_SECRET_KEY is not set: provider client secrets cannot be stored or read until it is",
      );
    },
  };
}

async function developmentKey(dataDir: string): Promise<Buffer> {
  const file = join(dataDir, "keys", "auth-provider-secret.key");
  try {
    const key = parseEncryptionKey(await readFile(file, "utf8"));
    if (key) return key;
    throw new Error(`${file} does not hold a 32-byte key`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const key = randomBytes(ENCRYPTION_KEY_BYTES);
  await mkdir(join(dataDir, "keys"), { recursive: true });
  // 0600, and never overwritten (flag wx): secrets stored under a lost key cannot be read again.
  await writeFile(file, key.toString("hex"), { mode: 0o600, flag: "wx" });
  return key;
}
