import { z } from "zod";
import { badUserInput } from "../../errors.ts";
import type { Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import { type ChangeFeed, createFeedCache, wholeTable } from "../../infra/change-feed/index.ts";
import { AuditAction, type AuditService, type AuditSource } from "../audit/audit.service.ts";
import type { EmailService } from "../email/email.service.ts";
import { EmailTemplateError } from "../email/render-email.ts";
import { BuiltinRoleType } from "../roles/builtin-roles.ts";
import type { EmailTemplate, EmailTemplateName, EmailTemplates } from "../email/templates/index.ts";
import { type AdvancedSettings, defaultAdvancedSettings, SettingKey } from "./settings.defaults.ts";

type Db = PrismaClient | Prisma.TransactionClient;

/**
 * The settings that hold a URL Gatehouse puts in emails or redirects browsers to. Codes travel in them,
 * so in production they must be https. A new URL setting (e.g. an OAuth redirect) belongs in this list.
 */
const URL_SETTINGS = ["resetPasswordUrl", "emailConfirmationRedirection"] as const;

const isHttps = (value: string) => value.startsWith("https://");

/**
 * Stored advanced settings over their defaults, as stored now (the service serves them from a change-fed
 * cache; see createSettingsService). With `requireHttps`, a plain-http URL stored earlier (a database
 * brought over from development) counts as unset rather than being used.
 */
async function getAdvancedSettings(db: Db, requireHttps: boolean): Promise<AdvancedSettings> {
  const row = await db.setting.findUnique({ where: { key: SettingKey.ADVANCED } });
  const settings = { ...defaultAdvancedSettings, ...((row?.value as Partial<AdvancedSettings> | undefined) ?? {}) };
  if (requireHttps) {
    for (const key of URL_SETTINGS) if (settings[key] && !isHttps(settings[key])) settings[key] = null;
    settings.providerRedirectUrls = settings.providerRedirectUrls.filter(isHttps);
  }
  return settings;
}

/** Fields of the user record itself: never accepted as extra profile fields. */
const RESERVED_FIELDS = new Set([
  "id", "documentId", "username", "email", "password", "passwordHash", "provider", "confirmed", "blocked",
  "role", "roles", "primaryRole", "primaryRoleId", "profile", "createdAt", "updatedAt",
]);

const httpUrl = z.url({ protocol: /^https?$/ }).max(2048);
const httpsUrl = z.url({ protocol: /^https$/ }).max(2048);

/** What an admin may send; null clears the optional URLs. */
export interface AdvancedSettingsChanges {
  allowRegister?: boolean | null;
  uniqueEmail?: boolean | null;
  emailConfirmation?: boolean | null;
  defaultRole?: string | null;
  resetPasswordUrl?: string | null;
  emailConfirmationRedirection?: string | null;
  registerAllowedFields?: string[] | null;
  providerRedirectUrls?: string[] | null;
}

/** An admin's change to one email template; null resets a sender field to EMAIL_FROM / none. */
export interface EmailTemplateChange {
  name: EmailTemplateName;
  fromName?: string | null;
  fromEmail?: string | null;
  replyTo?: string | null;
  subject?: string | null;
  body?: string | null;
}

const emailAddress = z.email().max(254);
const senderName = z.string().trim().max(100).regex(/^[^\r\n<>"]*$/, "must not contain line breaks, quotes or angle brackets");

async function validate(
  db: Db,
  changes: AdvancedSettingsChanges,
  { roleAllowedEverything, requireHttps }: Pick<SettingsDependencies, "roleAllowedEverything" | "requireHttps">,
): Promise<Partial<AdvancedSettings>> {
  const next: Partial<AdvancedSettings> = {};
  if (changes.uniqueEmail === false) {
    throw badUserInput("uniqueEmail cannot be turned off: an email identifies exactly one account");
  }
  for (const key of ["allowRegister", "emailConfirmation"] as const) {
    const value = changes[key];
    if (value !== undefined && value !== null) next[key] = value;
  }
  for (const key of URL_SETTINGS) {
    const value = changes[key];
    if (value === undefined) continue;
    if (value === null || value === "") next[key] = null;
    else {
      const parsed = (requireHttps ? httpsUrl : httpUrl).safeParse(value);
      if (!parsed.success) {
        throw badUserInput(requireHttps ? `${key} must be an https URL in production` : `${key} must be an http(s) URL`, { field: key });
      }
      next[key] = parsed.data;
    }
  }
  if (changes.defaultRole !== undefined && changes.defaultRole !== null) {
    const role = await db.role.findUnique({ where: { type: changes.defaultRole } });
    if (!role || role.type === BuiltinRoleType.PUBLIC) {
      throw badUserInput(`defaultRole must be the type of an existing role other than public`, { field: "defaultRole" });
    }
    // Anyone can register: a default role with an admin's powers would make every newcomer an admin.
    if (role.type === BuiltinRoleType.ADMIN || (await roleAllowedEverything(role.type))) {
      throw badUserInput("defaultRole cannot be the admin role nor a role that a rule allows everything", {
        field: "defaultRole",
      });
    }
    next.defaultRole = role.type;
  }
  if (changes.providerRedirectUrls) {
    const urls = changes.providerRedirectUrls.map((value) => (requireHttps ? httpsUrl : httpUrl).safeParse(value));
    if (urls.some((url) => !url.success) || urls.length > 50) {
      throw badUserInput(
        requireHttps ? "providerRedirectUrls must be at most 50 https URLs in production" : "providerRedirectUrls must be at most 50 http(s) URLs",
        { field: "providerRedirectUrls" },
      );
    }
    // Stored exactly as given: the redirect parameter must match one of them character for character.
    next.providerRedirectUrls = [...new Set(changes.providerRedirectUrls)];
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

async function applyTemplateChanges(
  current: EmailTemplates,
  changes: EmailTemplateChange[],
  checkTemplate: EmailService["checkTemplate"],
): Promise<EmailTemplates> {
  const next = { ...current };
  for (const change of changes) {
    const template: EmailTemplate = { ...next[change.name] };
    if (change.fromName !== undefined) {
      if (change.fromName !== null && !senderName.safeParse(change.fromName).success) {
        throw badUserInput(`${change.name}.fromName must be a plain name on one line`);
      }
      template.fromName = change.fromName || null;
    }
    for (const field of ["fromEmail", "replyTo"] as const) {
      const value = change[field];
      if (value === undefined) continue;
      if (value !== null && value !== "" && !emailAddress.safeParse(value).success) {
        throw badUserInput(`${change.name}.${field} must be an email address`);
      }
      template[field] = value || null;
    }
    if (change.subject) template.subject = change.subject;
    if (change.body) template.body = change.body;
    try {
      await checkTemplate(template.body, template.subject);
    } catch (error) {
      if (error instanceof EmailTemplateError) throw badUserInput(`${change.name}: ${error.message}`);
      throw error;
    }
    next[change.name] = template;
  }
  return next;
}

/** Keys whose value differs between two flat records, each prefixed (`emailTemplates.resetPassword.`). */
function changedKeys(prefix: string, before: object, after: object): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const valueOf = (record: object, key: string) => JSON.stringify((record as Record<string, unknown>)[key] ?? null);
  return [...keys].filter((key) => valueOf(before, key) !== valueOf(after, key)).map((key) => `${prefix}${key}`);
}

/** The sample recipient and code of a preview (URL: the reset page, or the server's own address). */
const PREVIEW_VARIABLES = { USER: { username: "jane.doe", email: "jane.doe@example.com" }, CODE: "3f9a1c07b2e84d5a" };

export interface SettingsDependencies {
  prisma: PrismaClient;
  audit: AuditService;
  /** The email module owns the templates' storage and knows whether one compiles. */
  email: Pick<EmailService, "checkTemplate" | "loadTemplates" | "saveTemplates" | "preview">;
  /** Whether an ACL rule allows everything to a role (the access module knows the rules). */
  roleAllowedEverything: (type: string) => Promise<boolean>;
  /** Production: URL settings (reset page, confirmation redirect, ...) must be https. */
  requireHttps: boolean;
  /** Keeps the cached advanced settings exact: the settings table's trigger sends `settings`. */
  feed: ChangeFeed;
}

/** Frozen, since every caller shares the cached object: a caller that tried to change it would throw. */
function frozen(settings: AdvancedSettings): AdvancedSettings {
  // Copies: the arrays may be the defaults' own.
  const registerAllowedFields = [...settings.registerAllowedFields];
  const providerRedirectUrls = [...settings.providerRedirectUrls];
  Object.freeze(registerAllowedFields);
  Object.freeze(providerRedirectUrls);
  return Object.freeze({ ...settings, registerAllowedFields, providerRedirectUrls });
}

export function createSettingsService(deps: SettingsDependencies) {
  const { prisma, audit, email, requireHttps } = deps;
  // Every login and register reads these. An admin's change applies at once on this instance (its own
  // connections hear the trigger at commit) and within the feed's bound on every other one; while the
  // feed is not live they are read from the database, as before.
  const advanced = createFeedCache<AdvancedSettings>({
    feed: deps.feed,
    max: 1,
    groupsOf: wholeTable("settings"),
  });
  const loadAdvanced = async () => frozen(await getAdvancedSettings(prisma, requireHttps));
  return {
    /** The advanced settings in force; shared and frozen, so callers copy before changing anything. */
    getAdvanced: () => advanced.get(SettingKey.ADVANCED, SettingKey.ADVANCED, loadAdvanced),
    getEmailTemplates: () => email.loadTemplates(),
    /**
     * What an email would look like with a change applied (nothing stored), filled with sample values:
     * refused with the message updateSettings would give.
     */
    async previewEmailTemplate(change: EmailTemplateChange) {
      const [templates, advanced] = await Promise.all([email.loadTemplates(), getAdvancedSettings(prisma, requireHttps)]);
      const changed = await applyTemplateChanges(templates, [change], email.checkTemplate);
      const linksToReset = change.name === "resetPassword" || change.name === "signUpAttempt";
      return email.preview(change.name, changed, {
        ...PREVIEW_VARIABLES,
        ...(linksToReset && advanced.resetPasswordUrl ? { URL: advanced.resetPasswordUrl } : {}),
      });
    },
    /**
     * An admin's change to advanced settings and email templates, audited as one SETTINGS_CHANGED entry
     * that names the changed keys only: template bodies and subjects are never copied into the log.
     * Everything is validated (templates compiled) before anything is stored, so a refused change
     * stores nothing.
     */
    async update(
      changes: { advanced: AdvancedSettingsChanges; emailTemplates?: EmailTemplateChange[] | null },
      source: AuditSource,
    ): Promise<AdvancedSettings> {
      const changed: string[] = [];
      let templates: { before: EmailTemplates; after: EmailTemplates } | undefined;
      if (changes.emailTemplates) {
        const before = await email.loadTemplates();
        templates = { before, after: await applyTemplateChanges(before, changes.emailTemplates, email.checkTemplate) };
      }
      const before = await getAdvancedSettings(prisma, requireHttps);
      const after = { ...before, ...(await validate(prisma, changes.advanced, deps)) };
      if (templates) {
        await email.saveTemplates(templates.after);
        for (const name of Object.keys(templates.after) as EmailTemplateName[]) {
          changed.push(...changedKeys(`emailTemplates.${name}.`, templates.before[name] ?? {}, templates.after[name]));
        }
      }
      const key = SettingKey.ADVANCED;
      await prisma.setting.upsert({ where: { key }, create: { key, value: after }, update: { value: after } });
      changed.push(...changedKeys("", before, after));
      if (changed.length > 0) {
        await audit.recordBy(source, { action: AuditAction.SETTINGS_CHANGED, targetType: "Settings", metadata: { changed } });
      }
      return after;
    },
  };
}

export type SettingsService = ReturnType<typeof createSettingsService>;
