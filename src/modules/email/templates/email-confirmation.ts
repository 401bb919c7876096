import { layout } from "./layout.ts";

/** Sent on registration (and on resend) when email confirmation is on. URL is the confirmation endpoint. */
export const emailConfirmation = {
  subject: "Account confirmation",
  body: layout({
    preview: "Confirm your email address",
    heading: "Welcome, <%= USER.username %>!",
    content: `        <mj-text>Thank you for registering. Please confirm your email address by clicking the button below.</mj-text>
        <mj-button href="<%= URL %>?confirmation=<%= CODE %>">Confirm my email</mj-button>
        <mj-text>Or open this link: <a href="<%= URL %>?confirmation=<%= CODE %>"><%= URL %>?confirmation=<%= CODE %></a></mj-text>
        <mj-text>If you did not create an account, you can ignore this email.</mj-text>`,
  }),
};
