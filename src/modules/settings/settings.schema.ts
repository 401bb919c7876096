/**
 * Strapi's "advanced settings", changed by admins at run time. Access is decided by the ACL like every
 * other field: no default rule grants these to anyone but the Admin role.
 */
import { builder } from "../../schema/builder.ts";
import { auditSourceOf } from "../audit/audit.service.ts";
import { EMAIL_TEMPLATE_NAMES, type EmailTemplate, type EmailTemplateName } from "../email/templates/index.ts";
import type { AdvancedSettings } from "./settings.defaults.ts";

const EmailTemplateNameEnum = builder.enumType("EmailTemplateName", {
  values: EMAIL_TEMPLATE_NAMES,
  description: "The emails Gatehouse sends.",
});

const EmailTemplateType = builder.objectRef<EmailTemplate & { name: EmailTemplateName }>("EmailTemplate").implement({
  description: "A customisable email: MJML body and subject with Strapi's variables (<%= URL %>, <%= CODE %>, ...).",
  fields: (t) => ({
    name: t.field({ type: EmailTemplateNameEnum, resolve: (template) => template.name }),
    fromName: t.exposeString("fromName", { nullable: true, description: "Null: the name from EMAIL_FROM." }),
    fromEmail: t.exposeString("fromEmail", { nullable: true, description: "Null: the address from EMAIL_FROM." }),
    replyTo: t.exposeString("replyTo", { nullable: true }),
    subject: t.exposeString("subject"),
    body: t.exposeString("body", { description: "MJML document." }),
  }),
});

const EmailTemplateInput = builder.inputType("EmailTemplateInput", {
  fields: (t) => ({
    name: t.field({ type: EmailTemplateNameEnum, required: true }),
    fromName: t.string(),
    fromEmail: t.string(),
    replyTo: t.string(),
    subject: t.string(),
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
      resolve: async (_settings, _args, ctx) => {
        const templates = await ctx.services.settings.getEmailTemplates();
        return EMAIL_TEMPLATE_NAMES.map((name) => ({ name, ...templates[name] }));
      },
    }),
  }),
});

const SettingsInput = builder.inputType("SettingsInput", {
  fields: (t) => ({
    allowRegister: t.boolean(),
    uniqueEmail: t.boolean(),
    emailConfirmation: t.boolean(),
    defaultRole: t.string(),
    resetPasswordUrl: t.string(),
    emailConfirmationRedirection: t.string(),
    registerAllowedFields: t.stringList(),
    providerRedirectUrls: t.stringList(),
    emailTemplates: t.field({ type: [EmailTemplateInput] }),
  }),
});

builder.queryField("settings", (t) =>
  t.field({
    type: Settings,
    resolve: (_root, _args, ctx) => ctx.services.settings.getAdvanced(),
  }),
);

builder.mutationField("updateSettings", (t) =>
  t.field({
    type: Settings,
    args: { input: t.arg({ type: SettingsInput, required: true }) },
    resolve: (_root, { input: { emailTemplates, ...advanced } }, ctx) =>
      ctx.services.settings.update({ advanced, emailTemplates }, auditSourceOf(ctx)),
  }),
);
