/**
 * Passwords: `forgotPassword` emails a reset code, `resetPassword` spends it, `changePassword` needs the
 * current one. A new password always ends every session of the user and mails its owner a notice.
 */
import { failure } from "../../errors.ts";
import { AuditAction } from "../audit/audit.service.ts";
import type { AuthResult, FlowKit, RequestMeta } from "./flow-kit.ts";
import { code, email, identifierOf, parse, password } from "./inputs.ts";
import { AuthFailure } from "./failures.ts";
import { consumeOneTimeCode, findOneTimeCodeHolder, revokeOneTimeCodes } from "./one-time-codes.ts";
import { revokeAllSessions } from "./sessions.ts";

export interface ResetPasswordInput {
  password: string;
  passwordConfirmation: string;
  code: string;
}

export interface ChangePasswordInput {
  currentPassword: string;
  password: string;
  passwordConfirmation: string;
}

export function createPasswordFlow(kit: FlowKit) {
  const { prisma, passwords, settings } = kit;
  const { rateLimits, passwordPolicy } = kit.security;

  /**
   * Always succeeds, in the same time for every address: the request only records a mail request (one
   * INSERT); the worker looks the account up and mails a reset code to real, unblocked users, auditing
   * PASSWORD_RESET_REQUESTED with this request's IP and user agent.
   */
  async function forgotPassword(rawEmail: string, meta: RequestMeta): Promise<void> {
    await rateLimits.consume("forgotPassword", { ip: meta.ip, identifier: identifierOf(rawEmail) });
    const address = email.safeParse(rawEmail);
    if (!address.success) return; // Same answer as for an unknown address.
    await kit.mailRequests.request(prisma, "PASSWORD_RESET", address.data, meta);
    kit.mailRequests.kickSoon();
  }

  /**
   * Sets the password of the code's holder, ends their sessions and asks for the owner's notice; null
   * when the code was already spent.
   */
  async function applyReset(resetCode: string, passwordHash: string, meta: RequestMeta): Promise<number | null> {
    return prisma.$transaction(async (tx) => {
      const owner = await consumeOneTimeCode(tx, { code: resetCode, purpose: "PASSWORD_RESET" });
      if (owner === null) return null;
      const { email: ownerEmail } = await tx.user.update({ where: { id: owner }, data: { passwordHash, passwordNormalized: true }, select: { email: true } });
      // Whoever held the old password may hold sessions and codes too: end them all.
      await revokeAllSessions(tx, { userId: owner, reason: "password-reset" });
      await revokeOneTimeCodes(tx, { userId: owner });
      await kit.mailRequests.request(tx, "PASSWORD_CHANGED", ownerEmail, meta);
      return owner;
    });
  }

  async function resetPassword(input: ResetPasswordInput, meta: RequestMeta): Promise<AuthResult> {
    await rateLimits.consume("resetPassword", { ip: meta.ip });
    const next = parse(password, input.password);
    if (next !== input.passwordConfirmation) throw failure(AuthFailure.PASSWORDS_DO_NOT_MATCH);
    const resetCode = parse(code, input.code);
    // The policy needs the account's names; look the code up first so a refused password does not
    // spend it. Consuming in applyReset is still the atomic, single-use step.
    const holder = await findOneTimeCodeHolder(prisma, { code: resetCode, purpose: "PASSWORD_RESET" });
    if (!holder) throw failure(AuthFailure.INCORRECT_CODE);
    const userId = await applyReset(resetCode, await passwords.hash(await passwordPolicy.assertAcceptable(next, holder)), meta);
    if (userId === null) throw failure(AuthFailure.INCORRECT_CODE);
    kit.mailRequests.kickSoon();
    await kit.auditOwnAccount(meta, AuditAction.PASSWORD_RESET, userId);
    return kit.signIn(await kit.requireUser(userId), meta);
  }

  async function changePassword(userId: number, input: ChangePasswordInput, meta: RequestMeta): Promise<AuthResult> {
    await rateLimits.consume("changePassword", { ip: meta.ip, identifier: String(userId) });
    const user = await kit.requireUser(userId);
    const next = parse(password, input.password);
    if (!(await kit.verifyPassword(parse(password, input.currentPassword), user))) {
      const metadata = { reason: "wrong-current-password" };
      await kit.auditOwnAccount(meta, AuditAction.PASSWORD_CHANGED, userId, { success: false, metadata });
      throw failure(AuthFailure.WRONG_CURRENT_PASSWORD);
    }
    if (next !== input.passwordConfirmation) throw failure(AuthFailure.PASSWORDS_DO_NOT_MATCH);
    if (input.currentPassword === next) throw failure(AuthFailure.SAME_PASSWORD);
    const passwordHash = await passwords.hash(await passwordPolicy.assertAcceptable(next, user));
    await prisma.$transaction(async (tx) => {
      await tx.user.update({ where: { id: userId }, data: { passwordHash, passwordNormalized: true } });
      await revokeAllSessions(tx, { userId, reason: "password-change" });
      await revokeOneTimeCodes(tx, { userId });
      // The notice is composed by the mail-request worker after this commits, not inside the transaction.
      await kit.mailRequests.request(tx, "PASSWORD_CHANGED", user.email, meta);
    });
    kit.mailRequests.kickSoon();
    await kit.auditOwnAccount(meta, AuditAction.PASSWORD_CHANGED, userId);
    return kit.signIn(user, meta);
  }

  return { forgotPassword, resetPassword, changePassword };
}
