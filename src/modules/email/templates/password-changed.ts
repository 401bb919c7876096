import { layout } from "./layout.ts";

/** Notice after a password change or reset. URL, when given, is where the user can reset the password. */
export const passwordChanged = {
  subject: "Your password was changed",
  body: layout({
    preview: "Your password was changed",
    heading: "Your password was changed",
    content: `        <mj-text>Hello <%= USER.username %>, the password of your account (<%= USER.email %>) was just changed, and every session signed in with the old one was ended.</mj-text>
        <mj-text>If this was not you, reset your password right away: <a href="<%= URL %>"><%= URL %></a></mj-text>`,
  }),
};
