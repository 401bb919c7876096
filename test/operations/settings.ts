/**
 * Settings operations the integration tests send: the advanced settings, the email templates, and their
 * update. Typed by graphql-codegen (test/gql) against schema.graphql.
 */
import { graphql } from "../gql/index.ts";

export const Settings = graphql(`
  query Settings {
    settings {
      allowRegister
      uniqueEmail
      emailConfirmation
      defaultRole
      resetPasswordUrl
      emailConfirmationRedirection
      registerAllowedFields
      providerRedirectUrls
    }
  }
`);

export const EmailTemplates = graphql(`
  query EmailTemplates {
    settings {
      emailTemplates {
        name
        fromName
        fromEmail
        replyTo
        subject
        body
      }
    }
  }
`);

export const UpdateSettings = graphql(`
  mutation UpdateSettings($input: SettingsInput!) {
    updateSettings(input: $input) {
      allowRegister
      emailConfirmation
      defaultRole
      resetPasswordUrl
      registerAllowedFields
      emailTemplates {
        name
        fromName
        subject
      }
    }
  }
`);

export const PreviewEmailTemplate = graphql(`
  query PreviewEmailTemplate($template: EmailTemplateInput!) {
    previewEmailTemplate(template: $template) {
      subject
      from
      replyTo
      html
      text
    }
  }
`);
