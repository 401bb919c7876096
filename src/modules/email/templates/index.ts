/**
 * The email templates Gatehouse sends, with their defaults. Admins override any field through the
 * "email-templates" setting; see docs/email.md for the variables a template may use.
 */
import { emailConfirmation } from "./email-confirmation.ts";
import { passwordChanged } from "./password-changed.ts";
import { resetPassword } from "./reset-password.ts";
import { signUpAttempt } from "./sign-up-attempt.ts";

export const EMAIL_TEMPLATE_NAMES = ["emailConfirmation", "resetPassword", "passwordChanged", "signUpAttempt"] as const;
export type EmailTemplateName = (typeof EMAIL_TEMPLATE_NAMES)[number];

/** One customisable email. */
export interface EmailTemplate {
  /** Sender display name; null takes the name from EMAIL_FROM. */
  fromName: string | null;
  /** Sender address; null takes the address from EMAIL_FROM. */
  fromEmail: string | null;
  /** Reply-To address; null sends none. */
  replyTo: string | null;
  /** Subject line; may contain variables. Never HTML-escaped; line breaks are removed. */
  subject: string;
  /** Body as an MJML document with `<%= VARIABLE %>` placeholders; the plain-text part is derived from it. */
  body: string;
}

export type EmailTemplates = Record<EmailTemplateName, EmailTemplate>;

const sender = { fromName: null, fromEmail: null, replyTo: null };

export const defaultEmailTemplates: EmailTemplates = {
  emailConfirmation: { ...sender, ...emailConfirmation },
  resetPassword: { ...sender, ...resetPassword },
  passwordChanged: { ...sender, ...passwordChanged },
  signUpAttempt: { ...sender, ...signUpAttempt },
};
