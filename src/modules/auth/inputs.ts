/** The shapes auth inputs must have before any flow looks at them; a bad one is BAD_USER_INPUT. */
import { z } from "zod";
import { badUserInput } from "../../errors.ts";

// NFKC folds compatibility look-alikes (full-width letters, ligatures) into one spelling; control
// characters and spaces never belong in a name someone has to type to sign in.
export const username = z
  .string()
  .trim()
  .transform((value) => value.normalize("NFKC"))
  .pipe(
    z
      .string()
      .min(3, "username must be at least 3 characters")
      .max(64, "username is too long")
      .regex(/^[^\p{C}\s@]+$/u, "username must not contain spaces, @ or control characters"),
  );
export const email = z
  .string()
  .trim()
  .max(254, "email is too long")
  .pipe(z.email("email must be a valid email address"))
  .transform((value) => value.toLowerCase());
// Upper bound keeps hashing cost bounded; the password policy module sets the real rules.
export const password = z.string().min(1, "password is required").max(256, "password is too long");
export const identifier = z.string().trim().min(1, "identifier is required").max(254, "identifier is too long");
export const code = z.string().trim().min(1).max(256);

export function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw badUserInput(result.error.issues[0]?.message ?? "Invalid input");
  return result.data;
}

/** The key a rate limit counts an email-like identifier under, however it is spelled. */
export const identifierOf = (value: string) => value.trim().toLowerCase();
