/**
 * The admins' email templates, stored in the "email-templates" setting and read merged field by field over
 * the defaults in code: a template or field missing from the stored value (or of the wrong type) keeps its
 * default. The email module owns this setting; the settings module edits it through the email service.
 */
import type { Prisma } from "../../generated/prisma/client.ts";
import {
  defaultEmailTemplates,
  EMAIL_TEMPLATE_NAMES,
  type EmailTemplate,
  type EmailTemplates,
} from "./templates/index.ts";

/** Key of the setting row holding the templates. */
export const EMAIL_TEMPLATES_SETTING = "email-templates";

const NULLABLE_FIELDS = ["fromName", "fromEmail", "replyTo"] as const;
const REQUIRED_FIELDS = ["subject", "body"] as const;

type Stored = Record<string, unknown> | undefined;
const asRecord = (value: unknown): Stored =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

export function mergeEmailTemplates(stored: unknown): EmailTemplates {
  const all = asRecord(stored);
  const merged = { ...defaultEmailTemplates };
  for (const name of EMAIL_TEMPLATE_NAMES) {
    const custom = asRecord(all?.[name]);
    const template: EmailTemplate = { ...defaultEmailTemplates[name] };
    for (const field of NULLABLE_FIELDS) {
      const value = custom?.[field];
      if (value === null || (typeof value === "string" && value.trim() !== "")) template[field] = value;
    }
    for (const field of REQUIRED_FIELDS) {
      const value = custom?.[field];
      if (typeof value === "string" && value.trim() !== "") template[field] = value;
    }
    merged[name] = template;
  }
  return merged;
}

/** Takes the root client or a transaction client (inside `$transaction`, pass the transaction's). */
export async function loadEmailTemplates(db: Pick<Prisma.TransactionClient, "setting">): Promise<EmailTemplates> {
  const row = await db.setting.findUnique({ where: { key: EMAIL_TEMPLATES_SETTING } });
  return mergeEmailTemplates(row?.value);
}

export async function saveEmailTemplates(db: Pick<Prisma.TransactionClient, "setting">, templates: EmailTemplates): Promise<void> {
  const key = EMAIL_TEMPLATES_SETTING;
  const value: object = templates;
  await db.setting.upsert({ where: { key }, create: { key, value }, update: { value } });
}
