/**
 * Error messages worded as Strapi's users-permissions plugin words them, so front-ends that display or
 * match them keep working.
 */
export const AuthMessage = {
  INVALID_CREDENTIALS: "Invalid identifier or password",
  NOT_CONFIRMED: "Your account email is not confirmed",
  BLOCKED: "Your account has been blocked by an administrator",
  TAKEN: "Email or Username are already taken",
  PASSWORDS_DO_NOT_MATCH: "Passwords do not match",
  INCORRECT_CODE: "Incorrect code provided",
  INVALID_CONFIRMATION: "Invalid token",
  REGISTER_DISABLED: "Register action is currently disabled",
  WRONG_CURRENT_PASSWORD: "The provided current password is invalid",
  SAME_PASSWORD: "Your new password must be different than your current password",
  INVALID_REFRESH_TOKEN: "Invalid refresh token",
  NO_LOCAL_PASSWORD: "Invalid identifier or password",
} as const;
