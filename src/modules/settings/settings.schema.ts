/**
 * Strapi's "advanced settings", changed by admins at run time. Access is decided by the ACL like every
 * other field: no default rule grants these to anyone but the Admin role.
 */
import { builder } from "../../schema/builder.ts";
import { auditSourceOf } from "../audit/audit.service.ts";
import { type RenderedEmail, TEMPLATE_VARIABLE_NAMES } from "../email/render-email.ts";
import { EMAIL_TEMPLATE_NAMES, type EmailTemplate, type EmailTemplateName } from "../email/templates/index.ts";
import type { AdvancedSettings } from "./settings.defaults.ts";

const TEMPLATE_DESCRIPTIONS = {
  emailConfirmation: "Sent on register (with settings.emailConfirmation) and sendEmailConfirmation: the confirmation link.",
  resetPassword: "Sent by forgotPassword: the reset code and link.",
  passwordChanged: "Sent after a password change or reset, to warn the owner.",
  signUpAttempt: "Sent to an account's owner when someone registers with its address (email confirmation on).",
} satisfies Record<EmailTemplateName, string>;

const EmailTemplateNameEnum = builder.enumType("EmailTemplateName", {
  values: Object.fromEntries(EMAIL_TEMPLATE_NAMES.map((name) => [name, { value: name, description: TEMPLATE_DESCRIPTIONS[name] }])) as {
    [N in EmailTemplateName]: { value: N; description: string };
  },
  description: "The emails Gatehouse sends.",
});

const EmailTemplateType = builder.objectRef<EmailTemplate & { name: EmailTemplateName }>("EmailTemplate").implement({
  description: "A customisable email: MJML body and subject with Strapi's variables (<%= URL %>, <%= CODE %>, ...).",
  fields: (t) => ({
    name: t.field({ type: EmailTemplateNameEnum, description: "Which email.", resolve: (template) => template.name }),
    fromName: t.exposeString("fromName", { nullable: true, description: "Null: the name from EMAIL_FROM." }),
    fromEmail: t.exposeString("fromEmail", { nullable: true, description: "Null: the address from EMAIL_FROM." }),
    replyTo: t.exposeString("replyTo", { nullable: true, description: "Reply-To address; null for none." }),
    subject: t.exposeString("subject", { description: "Subject line, with the same variables as the body." }),
    body: t.exposeString("body", { description: "MJML document." }),
    variables: t.stringList({
      description: "The placeholders the subject and body may use, as <%= NAME %>.",
      resolve: () => [...TEMPLATE_VARIABLE_NAMES],
    }),
  }),
});

const EmailPreview = builder.objectRef<RenderedEmail>("EmailPreview").implement({
  description: "An email as it would be sent, filled with sample values.",
  fields: (t) => ({
    subject: t.exposeString("subject", { description: "The subject line." }),
    from: t.exposeString("from", { description: "The From header." }),
    replyTo: t.exposeString("replyTo", { nullable: true, description: "The Reply-To header; null for none." }),
    html: t.exposeString("html", { description: "The HTML part (show it in a sandboxed frame)." }),
    text: t.exposeString("text", { description: "The plain-text part." }),
  }),
});

const EmailTemplateInput = builder.inputType("EmailTemplateInput", {
  description: "Changes to one email template; fields left out keep their value.",
  fields: (t) => ({
    name: t.field({ type: EmailTemplateNameEnum, required: true, description: "Which email." }),
    fromName: t.string({ description: "Sender name; null goes back to the one from EMAIL_FROM." }),
    fromEmail: t.string({ description: "Sender address; null goes back to the one from EMAIL_FROM." }),
    replyTo: t.string({ description: "Reply-To address." }),
    subject: t.string({ description: "Subject line." }),
    body: t.string({ description: "MJML document; checked to compile before it is stored." }),
  }),
});

const Settings = builder.objectRef<AdvancedSettings>("Settings").implement({
  description: "Run-time settings of registration, confirmation and password reset.",
  fields: (t) => ({
    allowRegister: t.exposeBoolean("allowRegister", { description: "Whether `register` is open." }),
    uniqueEmail: t.exposeBoolean("uniqueEmail", { description: "Always true: an email identifies one account." }),
    emailConfirmation: t.exposeBoolean("emailConfirmation", {
      description: "New accounts must confirm their email before signing in.",
    }),
    defaultRole: t.exposeString("defaultRole", { description: "Type of the role given to new users." }),
    resetPasswordUrl: t.exposeString("resetPasswordUrl", {
      nullable: true,
      description: "Front-end page that receives the reset code as ?code=...",
    }),
    emailConfirmationRedirection: t.exposeString("emailConfirmationRedirection", {
      nullable: true,
      description: "Where the confirmation link sends the browser after confirming.",
    }),
    registerAllowedFields: t.exposeStringList("registerAllowedFields", {
      description: "Extra profile fields `register` accepts.",
    }),
    providerRedirectUrls: t.exposeStringList("providerRedirectUrls", {
      description: "Front-end URLs a provider sign-in may return to (exact match), with ?loginCode= or ?error=.",
    }),
    emailTemplates: t.field({
      type: [EmailTemplateType],
      description: "The emails and their current templates.",
      resolve: async (_settings, _args, ctx) => {
        const templates = await ctx.services.settings.getEmailTemplates();
        return EMAIL_TEMPLATE_NAMES.map((name) => ({ name, ...templates[name] }));
      },
    }),
  }),
});

const SettingsInput = builder.inputType("SettingsInput", {
  description: "Changes to the settings; fields left out keep their value.",
  fields: (t) => ({
    allowRegister: t.boolean({ description: "Whether `register` is open." }),
    uniqueEmail: t.boolean({ description: "Only true is accepted: an email identifies one account." }),
    emailConfirmation: t.boolean({ description: "New accounts must confirm their email before signing in." }),
    defaultRole: t.string({ description: "Type of an existing role, given to new users." }),
    resetPasswordUrl: t.string({ description: "Front-end page that receives the reset code as ?code=... (https in production)." }),
    emailConfirmationRedirection: t.string({ description: "Where the confirmation link sends the browser (https in production)." }),
    registerAllowedFields: t.stringList({ description: "Extra profile fields `register` accepts." }),
    providerRedirectUrls: t.stringList({ description: "Front-end URLs a provider sign-in may return to (exact match)." }),
    emailTemplates: t.field({ type: [EmailTemplateInput], description: "Templates to change." }),
  }),
});

builder.queryField("settings", (t) =>
  t.field({
    type: Settings,
    description: "The run-time settings (Strapi's advanced settings and email templates).",
    resolve: (_root, _args, ctx) => ctx.services.settings.getAdvanced(),
  }),
);

builder.queryField("previewEmailTemplate", (t) =>
  t.field({
    type: EmailPreview,
    description:
      "Renders an email template with changes applied, without storing them, filled with sample values. An unusable template is refused with the message updateSettings would give.",
    args: { template: t.arg({ type: EmailTemplateInput, required: true, description: "The template and its changes." }) },
    resolve: (_root, { template }, ctx) => ctx.services.settings.previewEmailTemplate(template),
  }),
);

builder.mutationField("updateSettings", (t) =>
  t.field({
    type: Settings,
    description: "Changes the settings; they apply from the next request. Audited.",
    args: { input: t.arg({ type: SettingsInput, required: true, description: "What changes." }) },
    resolve: (_root, { input: { emailTemplates, ...advanced } }, ctx) =>
      ctx.services.settings.update({ advanced, emailTemplates }, auditSourceOf(ctx)),
  }),
);
