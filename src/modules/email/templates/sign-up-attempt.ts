import { layout } from "./layout.ts";

/**
 * Sent to an account's owner when someone registers with their address while email confirmation is on:
 * the caller got the same answer as for a new address, and only the owner learns of the attempt.
 * URL is the reset-password page (the resetPasswordUrl setting), for an owner who forgot their password.
 */
export const signUpAttempt = {
  subject: "Someone tried to sign up with your address",
  body: layout({
    preview: "Someone tried to sign up with your address",
    heading: "You already have an account",
    content: `        <mj-text>Hello <%= USER.username %>, someone just tried to create a new account with your email address (<%= USER.email %>). Your address already belongs to your account, so no other account was created and nothing about yours changed.</mj-text>
        <mj-text>If it was you, sign in with your existing account. If you forgot your password, ask for a new one from the sign-in page: <a href="<%= URL %>"><%= URL %></a></mj-text>
        <mj-text>If it was not you, you can ignore this email.</mj-text>`,
  }),
};
