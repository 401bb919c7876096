import { z } from "zod";
import { badUserInput } from "../../errors.ts";
import type { Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import { BuiltinRoleType } from "../roles/builtin-roles.ts";
import { type AdvancedSettings, defaultAdvancedSettings, SettingKey } from "./settings.defaults.ts";

type Db = PrismaClient | Prisma.TransactionClient;

/** Stored advanced settings over their defaults (read per request, so admin changes apply at once). */
export async function getAdvancedSettings(db: Db): Promise<AdvancedSettings> {
  const row = await db.setting.findUnique({ where: { key: SettingKey.ADVANCED } });
  return { ...defaultAdvancedSettings, ...((row?.value as Partial<AdvancedSettings> | undefined) ?? {}) };
}

/** Fields of the user record itself: never accepted as extra profile fields. */
const RESERVED_FIELDS = new Set([
  "id", "documentId", "username", "email", "password", "passwordHash", "provider", "confirmed", "blocked",
  "role", "roles", "primaryRole", "primaryRoleId", "profile", "createdAt", "updatedAt",
]);

const httpUrl = z
  .url({ protocol: /^https?$/, message: "must be an http(s) URL" })
  .max(2048);

/** What an admin may send; null clears the optional URLs. */
export interface AdvancedSettingsChanges {
  allowRegister?: boolean | null;
  uniqueEmail?: boolean | null;
  emailConfirmation?: boolean | null;
  defaultRole?: string | null;
  resetPasswordUrl?: string | null;
  emailConfirmationRedirection?: string | null;
  registerAllowedFields?: string[] | null;
}

async function validate(db: Db, changes: AdvancedSettingsChanges): Promise<Partial<AdvancedSettings>> {
  const next: Partial<AdvancedSettings> = {};
  if (changes.uniqueEmail === false) {
    throw badUserInput("uniqueEmail cannot be turned off: an email identifies exactly one account");
  }
  for (const key of ["allowRegister", "emailConfirmation"] as const) {
    const value = changes[key];
    if (value !== undefined && value !== null) next[key] = value;
  }
  for (const key of ["resetPasswordUrl", "emailConfirmationRedirection"] as const) {
    const value = changes[key];
    if (value === undefined) continue;
    if (value === null || value === "") next[key] = null;
    else {
      const parsed = httpUrl.safeParse(value);
      if (!parsed.success) throw badUserInput(`${key} must be an http(s) URL`);
      next[key] = parsed.data;
    }
  }
  if (changes.defaultRole !== undefined && changes.defaultRole !== null) {
    const role = await db.role.findUnique({ where: { type: changes.defaultRole } });
    if (!role || role.type === BuiltinRoleType.PUBLIC) {
      throw badUserInput(`defaultRole must be the type of an existing role other than public`);
    }
    next.defaultRole = role.type;
  }
  if (changes.registerAllowedFields) {
    const invalid = changes.registerAllowedFields.filter(
      (field) => !/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(field) || RESERVED_FIELDS.has(field),
    );
    if (invalid.length > 0) throw badUserInput(`Not allowed as extra fields: ${invalid.join(", ")}`);
    next.registerAllowedFields = [...new Set(changes.registerAllowedFields)];
  }
  return next;
}

export function createSettingsService(db: PrismaClient) {
  return {
    getAdvanced: () => getAdvancedSettings(db),
    async updateAdvanced(changes: AdvancedSettingsChanges): Promise<AdvancedSettings> {
      const next = { ...(await getAdvancedSettings(db)), ...(await validate(db, changes)) };
      await db.setting.upsert({
        where: { key: SettingKey.ADVANCED },
        create: { key: SettingKey.ADVANCED, value: next as object },
        update: { value: next as object },
      });
      return next;
    },
  };
}

export type SettingsService = ReturnType<typeof createSettingsService>;
