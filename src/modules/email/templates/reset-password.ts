import { layout } from "./layout.ts";

/** Sent by forgotPassword. URL is the front-end page from the resetPasswordUrl setting. */
export const resetPassword = {
  subject: "Reset password",
  body: layout({
    preview: "Reset your password",
    heading: "Reset your password",
    content: `        <mj-text>Hello <%= USER.username %>, we received a request to reset the password of your account.</mj-text>
        <mj-button href="<%= URL %>?code=<%= TOKEN %>">Choose a new password</mj-button>
        <mj-text>Or open this link: <a href="<%= URL %>?code=<%= TOKEN %>"><%= URL %>?code=<%= TOKEN %></a></mj-text>
        <mj-text>The link works once and expires soon. If you did not ask for it, ignore this email: your password stays as it is.</mj-text>`,
  }),
};
