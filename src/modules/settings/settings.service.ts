import type { PrismaClient, Prisma } from "../../generated/prisma/client.ts";
import { type AdvancedSettings, defaultAdvancedSettings, SettingKey } from "./settings.defaults.ts";

type Db = PrismaClient | Prisma.TransactionClient;

/** Stored advanced settings over their defaults (read per request, so admin changes apply at once). */
export async function getAdvancedSettings(db: Db): Promise<AdvancedSettings> {
  const row = await db.setting.findUnique({ where: { key: SettingKey.ADVANCED } });
  return { ...defaultAdvancedSettings, ...((row?.value as Partial<AdvancedSettings> | undefined) ?? {}) };
}

export async function updateAdvancedSettings(db: Db, changes: Partial<AdvancedSettings>): Promise<AdvancedSettings> {
  const next = { ...(await getAdvancedSettings(db)), ...changes };
  await db.setting.upsert({
    where: { key: SettingKey.ADVANCED },
    create: { key: SettingKey.ADVANCED, value: next as object },
    update: { value: next as object },
  });
  return next;
}
