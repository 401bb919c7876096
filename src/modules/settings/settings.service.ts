/** Reads settings changed by admins, merged over the defaults in code. */
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { type AdvancedSettings, defaultAdvancedSettings, SettingKey } from "./settings.defaults.ts";

export async function getAdvancedSettings(prisma: PrismaClient): Promise<AdvancedSettings> {
  const row = await prisma.setting.findUnique({ where: { key: SettingKey.ADVANCED } });
  const stored = row?.value && typeof row.value === "object" && !Array.isArray(row.value) ? row.value : {};
  return { ...defaultAdvancedSettings, ...(stored as Partial<AdvancedSettings>) };
}
