/**
 * Password policy after NIST SP 800-63B-4 (section 3.1.1.2): a minimum length, long passphrases accepted,
 * no composition rules, no periodic change, but refusal of passwords that are commonly used or contain
 * the account's own name or email.
 */
import { badUserInput, FailureReason } from "../../errors.ts";

export interface PasswordPolicyOptions {
  /** Fewest Unicode code points (PASSWORD_MIN_LENGTH; NIST requires 15 for single-factor use, 8 with MFA). */
  minLength: number;
  /** Most code points; generous (NIST asks for at least 64) but bounded, since every byte is hashed. */
  maxLength: number;
  /**
   * Lower-case passwords refused outright, loaded on the first check and kept: the common-password list
   * costs start-up time and memory that a server which never sees a new password need not pay.
   */
  blocklist: () => Promise<ReadonlySet<string>>;
}

/** Who the password is for: it must not contain these. */
export interface PasswordOwner {
  username?: string | null | undefined;
  email?: string | null | undefined;
}

export type PasswordProblemCode =
  | "TOO_SHORT"
  | "TOO_LONG"
  | "CONTROL_CHARACTERS"
  | "COMMON_PASSWORD"
  | "CONTAINS_USERNAME"
  | "CONTAINS_EMAIL";

export interface PasswordProblem {
  code: PasswordProblemCode;
  message: string;
}

export interface PasswordPolicy {
  readonly minLength: number;
  readonly maxLength: number;
  /** Every reason the password is refused; empty when acceptable. */
  problems(password: string, owner?: PasswordOwner): Promise<PasswordProblem[]>;
  /**
   * Throws BAD_USER_INPUT (`extensions.problems` lists the codes) unless acceptable; returns the
   * normalised password, which is what must be hashed.
   */
  assertAcceptable(password: string, owner?: PasswordOwner): Promise<string>;
}

/**
 * NFKC, as NIST recommends, so that the same passphrase typed on different keyboards (composed or
 * decomposed accents, full-width digits) hashes the same. Hash and verify this form.
 */
export function normalizePassword(password: string): string {
  return password.normalize("NFKC");
}

/**
 * The ~49,000 most common passwords of the `passwords-common` dictionary shipped by
 * @zxcvbn-ts/language-common (MIT), compiled by the zxcvbn-ts project from public breach-frequency lists.
 * Imported on call: the package decompresses every dictionary it ships when loaded.
 */
export async function commonPasswords(): Promise<ReadonlySet<string>> {
  const { dictionary } = await import("@zxcvbn-ts/language-common");
  return new Set(dictionary["passwords-common"].map((password) => password.toLowerCase()));
}

/** Names shorter than this are not looked for inside passwords ("al" would forbid "always"). */
const MIN_NAME_LENGTH = 3;
// C0 and C1 controls (NUL included): never typed by a person, and some bcrypt implementations stop at NUL.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/u;

export function createPasswordPolicy({ minLength, maxLength, blocklist }: PasswordPolicyOptions): PasswordPolicy {
  // Concurrent first checks share one load; a failed load is retried by the next check, never skipped.
  let loading: Promise<ReadonlySet<string>> | undefined;
  const refused = () =>
    (loading ??= blocklist().catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));

  const problems = async (password: string, owner: PasswordOwner = {}): Promise<PasswordProblem[]> => {
    const normalised = normalizePassword(password);
    const found: PasswordProblem[] = [];
    // Length in code points, not UTF-16 units: an emoji is one character to the person typing it.
    const length = [...normalised].length;
    if (length < minLength) found.push({ code: "TOO_SHORT", message: `Use at least ${minLength} characters` });
    if (length > maxLength) found.push({ code: "TOO_LONG", message: `Use at most ${maxLength} characters` });
    if (CONTROL_CHARACTERS.test(normalised)) {
      found.push({ code: "CONTROL_CHARACTERS", message: "Control characters are not allowed" });
    }
    const lower = normalised.toLowerCase();
    if ((await refused()).has(lower)) {
      found.push({ code: "COMMON_PASSWORD", message: "This password is too common; choose another" });
    }
    const username = owner.username?.normalize("NFKC").trim().toLowerCase();
    if (username && [...username].length >= MIN_NAME_LENGTH && lower.includes(username)) {
      found.push({ code: "CONTAINS_USERNAME", message: "The password must not contain the username" });
    }
    const localPart = owner.email?.normalize("NFKC").trim().toLowerCase().split("@")[0];
    if (localPart && [...localPart].length >= MIN_NAME_LENGTH && lower.includes(localPart)) {
      found.push({ code: "CONTAINS_EMAIL", message: "The password must not contain the email address" });
    }
    return found;
  };

  return {
    minLength,
    maxLength,
    problems,
    async assertAcceptable(password, owner) {
      const found = await problems(password, owner);
      if (found.length > 0) {
        throw badUserInput(`Password not accepted: ${found.map((p) => p.message).join("; ")}`, {
          field: "password",
          problems: found.map((p) => p.code),
          reason: FailureReason.PASSWORD_POLICY,
        });
      }
      return normalizePassword(password);
    },
  };
}

