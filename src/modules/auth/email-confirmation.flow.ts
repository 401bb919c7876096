/**
 * Email confirmation: the code from the confirmation email (by the `emailConfirmation` mutation or the
 * link's route) confirms the address; `sendEmailConfirmation` sends the email again.
 */
import { failure } from "../../errors.ts";
import { AuditAction } from "../audit/audit.service.ts";
import type { AuthResult, FlowKit, RequestMeta } from "./flow-kit.ts";
import { code, email, identifierOf } from "./inputs.ts";
import { AuthFailure } from "./failures.ts";
import { consumeOneTimeCode } from "./one-time-codes.ts";

export { CONFIRMATION_PATH, confirmationUrl } from "./links.ts";

export function createEmailConfirmationFlow(kit: FlowKit) {
  const { prisma } = kit;
  const { rateLimits } = kit.security;

  /** Confirms the address a code was sent to; returns the user id, or null for a bad code. */
  async function confirmEmailCode(confirmation: string, meta: RequestMeta): Promise<number | null> {
    const parsed = code.safeParse(confirmation);
    if (!parsed.success) return null;
    const owner = await prisma.$transaction(async (tx) => {
      const userId = await consumeOneTimeCode(tx, { code: parsed.data, purpose: "EMAIL_CONFIRMATION" });
      if (userId !== null) await tx.user.update({ where: { id: userId }, data: { confirmed: true } });
      return userId;
    });
    if (owner !== null) await kit.auditOwnAccount(meta, AuditAction.EMAIL_CONFIRMED, owner);
    return owner;
  }

  /** The confirmation link: limited like the mutation (one budget for both), confirms without signing in. */
  async function confirmEmailByLink(confirmation: string, meta: RequestMeta): Promise<number | null> {
    await rateLimits.consume("emailConfirmation", { ip: meta.ip });
    return confirmEmailCode(confirmation, meta);
  }

  /** `emailConfirmation` mutation: confirms, then signs the user in as Strapi does. */
  async function confirmEmail(confirmation: string, meta: RequestMeta): Promise<AuthResult> {
    await rateLimits.consume("emailConfirmation", { ip: meta.ip });
    const userId = await confirmEmailCode(confirmation, meta);
    if (userId === null) throw failure(AuthFailure.INVALID_CONFIRMATION);
    return kit.signIn(await kit.requireUser(userId), meta);
  }

  /**
   * Always succeeds, in the same time for every address: the request only records a mail request; the
   * worker sends the email if the address belongs to a real, unblocked, unconfirmed account.
   */
  async function sendEmailConfirmation(rawEmail: string, meta: RequestMeta): Promise<void> {
    await rateLimits.consume("sendEmailConfirmation", { ip: meta.ip, identifier: identifierOf(rawEmail) });
    const address = email.safeParse(rawEmail);
    if (!address.success) return;
    await kit.mailRequests.request(prisma, "EMAIL_CONFIRMATION", address.data, meta);
    kit.mailRequests.kickSoon();
  }

  return { confirmEmailByLink, confirmEmail, sendEmailConfirmation };
}
