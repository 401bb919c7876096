/**
 * Strapi's "advanced settings", changed by admins at run time. Access is decided by the ACL like every
 * other field: no default rule grants these to anyone but the Admin role.
 */
import { builder } from "../../schema/builder.ts";
import type { AdvancedSettings } from "./settings.defaults.ts";

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
  }),
});

builder.queryField("settings", (t) =>
  t.field({
    type: Settings,
    resolve: (_root, _args, ctx) => ctx.settings.getAdvanced(),
  }),
);

builder.mutationField("updateSettings", (t) =>
  t.field({
    type: Settings,
    args: { input: t.arg({ type: SettingsInput, required: true }) },
    resolve: (_root, { input }, ctx) => ctx.settings.updateAdvanced(input),
  }),
);
