import { EMAIL_TEMPLATES_SETTING } from "../email/email-settings.ts";
import { defaultEmailTemplates } from "../email/templates/index.ts";

/**
 * Default settings (Strapi's "advanced settings"). Stored values are merged over these at read time, so a
 * setting added in a later release gets its default without a data migration.
 */
export interface AdvancedSettings {
  /** Whether `register` is open. */
  allowRegister: boolean;
  /** One account per email address. */
  uniqueEmail: boolean;
  /** New accounts must confirm their email before signing in. */
  emailConfirmation: boolean;
  /** `type` of the role given to new users. */
  defaultRole: string;
  /** Front-end page that receives the reset code (`?code=...`). */
  resetPasswordUrl: string | null;
  /** Where the confirmation link redirects after confirming. */
  emailConfirmationRedirection: string | null;
  /** Extra profile fields `register` accepts (Strapi's register.allowedFields). */
  registerAllowedFields: string[];
  /**
   * Front-end URLs a provider sign-in may return to (GET /connect/:provider?redirect=...), matched
   * exactly: the callback sends the browser there with ?loginCode= or ?error=.
   */
  providerRedirectUrls: string[];
}

export const defaultAdvancedSettings: AdvancedSettings = {
  allowRegister: true,
  uniqueEmail: true,
  emailConfirmation: false,
  defaultRole: "authenticated",
  resetPasswordUrl: null,
  emailConfirmationRedirection: null,
  registerAllowedFields: [],
  providerRedirectUrls: [],
};

export const SettingKey = { ADVANCED: "advanced", EMAIL_TEMPLATES: EMAIL_TEMPLATES_SETTING } as const;

export const defaultSettings: Record<string, unknown> = {
  [SettingKey.ADVANCED]: defaultAdvancedSettings,
  [SettingKey.EMAIL_TEMPLATES]: defaultEmailTemplates,
};
