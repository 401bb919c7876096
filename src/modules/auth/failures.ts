/**
 * The expected failures of the auth flows: Strapi's users-permissions message (front-ends display or
 * match it) and code, and the reason clients branch on (see FailureReason in errors.ts).
 */
import { ErrorCode, type Failure, FailureReason } from "../../errors.ts";

const { BAD_USER_INPUT, FORBIDDEN, UNAUTHENTICATED } = ErrorCode;

export const AuthFailure = {
  INVALID_CREDENTIALS: { code: BAD_USER_INPUT, message: "Invalid identifier or password", reason: FailureReason.INVALID_CREDENTIALS },
  NOT_CONFIRMED: { code: FORBIDDEN, message: "Your account email is not confirmed", reason: FailureReason.EMAIL_NOT_CONFIRMED },
  BLOCKED: { code: FORBIDDEN, message: "Your account has been blocked by an administrator", reason: FailureReason.ACCOUNT_BLOCKED },
  TAKEN: { code: BAD_USER_INPUT, message: "Email or Username are already taken", reason: FailureReason.IDENTITY_TAKEN },
  PASSWORDS_DO_NOT_MATCH: { code: BAD_USER_INPUT, message: "Passwords do not match", reason: FailureReason.PASSWORD_MISMATCH },
  INCORRECT_CODE: { code: BAD_USER_INPUT, message: "Incorrect code provided", reason: FailureReason.INVALID_CODE },
  INVALID_CONFIRMATION: { code: BAD_USER_INPUT, message: "Invalid token", reason: FailureReason.INVALID_CODE },
  REGISTER_DISABLED: { code: FORBIDDEN, message: "Register action is currently disabled", reason: FailureReason.REGISTRATION_DISABLED },
  WRONG_CURRENT_PASSWORD: {
    code: BAD_USER_INPUT,
    message: "The provided current password is invalid",
    reason: FailureReason.WRONG_CURRENT_PASSWORD,
  },
  SAME_PASSWORD: {
    code: BAD_USER_INPUT,
    message: "Your new password must be different than your current password",
    reason: FailureReason.SAME_PASSWORD,
  },
  INVALID_REFRESH_TOKEN: { code: UNAUTHENTICATED, message: "Invalid refresh token", reason: FailureReason.INVALID_TOKEN },
} as const satisfies Record<string, Failure>;
