/**
 * The rules for a user's username and email, in one place. Every path that writes either uses them:
 * `register`, `updateMe`, `updateUser`, the first-admin seed, and any later one (imports, OAuth
 * sign-up). Two copies of these rules drifted once; keep it one.
 *
 * Every check bounds the input's length before it normalises or matches a pattern, so a hostile 40 kB
 * value costs no more than a short one.
 */
import { z } from "zod";
import { badUserInput, FailureReason } from "../../errors.ts";
import { hasInvisibleCharacters } from "../../lib/text.ts";

/** In code points, after NFKC normalisation. */
export const USERNAME_MIN_LENGTH = 3;
export const USERNAME_MAX_LENGTH = 64;
/** RFC 5321's limit on a forward path, the most any mail system will carry. */
export const EMAIL_MAX_LENGTH = 254;
// Raw input beyond this is refused before normalisation: NFKC can lengthen or shorten a string a few
// times over, never enough for a longer one to become a valid username.
const USERNAME_MAX_RAW_LENGTH = 4 * USERNAME_MAX_LENGTH;

/** What is wrong with an NFKC-normalised, trimmed username, or null when it is acceptable. */
function usernameProblem(value: string): string | null {
  const length = [...value].length;
  if (length < USERNAME_MIN_LENGTH) return `username must be at least ${USERNAME_MIN_LENGTH} characters`;
  if (length > USERNAME_MAX_LENGTH) return "username is too long";
  // `@` is what tells an email from a username at sign-in; spaces and invisible characters (zero-width,
  // bidi overrides, fillers) let two different names look the same.
  if (/[\s@]/u.test(value) || hasInvisibleCharacters(value)) {
    return "username must not contain spaces, @, control or invisible characters";
  }
  return null;
}

/**
 * A username as stored: NFKC (full-width letters, ligatures and other compatibility forms folded into
 * one spelling), without surrounding spaces, 3 to 64 code points, no `@`, no whitespace, no control,
 * format, bidi or zero-width characters.
 */
export const username = z
  .string()
  .max(USERNAME_MAX_RAW_LENGTH, "username is too long")
  .transform((raw, ctx) => {
    const value = raw.normalize("NFKC").trim();
    const problem = usernameProblem(value);
    if (problem) {
      ctx.addIssue({ code: "custom", message: problem });
      return z.NEVER;
    }
    return value;
  });

/** An email as stored: trimmed, at most 254 characters (checked before the pattern), lower-cased. */
export const email = z
  .string()
  .trim()
  .max(EMAIL_MAX_LENGTH, "email is too long")
  .pipe(z.email("email must be a valid email address"))
  .transform((value) => value.toLowerCase());

function parseField<T>(schema: z.ZodType<T>, field: string, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw badUserInput(result.error.issues[0]?.message ?? `Invalid ${field}`, { field, reason: FailureReason.INVALID_INPUT });
  return result.data;
}

/** The username to store, or BAD_USER_INPUT (`extensions.field: "username"`). */
export const parseUsername = (value: unknown): string => parseField(username, "username", value);

/** The email to store, or BAD_USER_INPUT (`extensions.field: "email"`). */
export const parseEmail = (value: unknown): string => parseField(email, "email", value);

/**
 * The key under which usernames are unique (`users.username_key`, a unique column): case-folded, so
 * "Ada", "ADA" and "ada" are one name, and ß and SS too (upper- then lower-casing applies the full case
 * mappings that a plain lower-casing misses).
 */
export const usernameKey = (value: string): string => value.normalize("NFKC").toUpperCase().toLowerCase().normalize("NFKC");

/** The columns to write for a username that passed `parseUsername`: the name and its unique key. */
export const usernameColumns = (value: string) => ({ username: value, usernameKey: usernameKey(value) });

export interface Identity {
  username: string;
  usernameKey: string;
  email: string;
}

/** Username and email of a new account, checked and normalised, with the unique key to store. */
export function parseIdentity(input: { username: unknown; email: unknown }): Identity {
  return { ...usernameColumns(parseUsername(input.username)), email: parseEmail(input.email) };
}

/**
 * A username to propose for an account that only has an email (the first admin, later OAuth sign-ups):
 * the email's local part when it is a valid username, otherwise null. Whether it is free is the
 * caller's to check.
 */
export function usernameFromEmail(address: string): string | null {
  const at = address.lastIndexOf("@");
  const result = username.safeParse(at < 0 ? address : address.slice(0, at));
  return result.success ? result.data : null;
}
