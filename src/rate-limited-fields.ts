/**
 * The mutations declared with `rateLimit: true`, as `npm run schema:print` reads them from the built
 * schema. Generated: do not edit (src/rate-limited-fields.test.ts fails when it differs from the schema).
 * Config validation reads it, since it runs before any schema is built.
 */
export const RATE_LIMITED_FIELDS = [
  "changePassword",
  "emailConfirmation",
  "forgotPassword",
  "login",
  "oauthLogin",
  "refresh",
  "register",
  "resetPassword",
  "sendEmailConfirmation",
] as const;
export type RateLimitedField = (typeof RATE_LIMITED_FIELDS)[number];
