/** Links Gatehouse mails that point back at itself. */

/** Path of the link in confirmation emails (served by the HTTP router). */
export const CONFIRMATION_PATH = "/auth/email-confirmation";

/** Strapi's URL variable: the page; the template appends ?confirmation=CODE. */
export const confirmationUrl = (publicUrl: string) => `${publicUrl}${CONFIRMATION_PATH}`;
