/** The shapes auth inputs must have before any flow looks at them; a bad one is BAD_USER_INPUT. */
import { z } from "zod";
import { badUserInput, FailureReason } from "../../errors.ts";

// Username and email rules live with the users module, the one place every writer takes them from.
export { email, username } from "../users/identity.ts";
// Upper bound keeps hashing cost bounded; the password policy module sets the real rules.
export const password = z.string().min(1, "password is required").max(256, "password is too long");
export const identifier = z.string().trim().min(1, "identifier is required").max(254, "identifier is too long");
export const code = z.string().trim().min(1).max(256);

export function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw badUserInput(result.error.issues[0]?.message ?? "Invalid input", { reason: FailureReason.INVALID_INPUT });
  return result.data;
}

/** The key a rate limit counts an email-like identifier under, however it is spelled. */
export const identifierOf = (value: string) => value.trim().toLowerCase();
