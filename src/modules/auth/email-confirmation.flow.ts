/**
 * Email confirmation: the code from the confirmation email (by the `emailConfirmation` mutation or the
 * link's route) confirms the address; `sendEmailConfirmation` sends the email again.
 */
import { badUserInput } from "../../errors.ts";
import { AuditAction } from "../audit/audit.service.ts";
import type { AuthResult, FlowKit, RequestMeta } from "./flow-kit.ts";
import { code, email, identifierOf } from "./inputs.ts";
import { AuthMessage } from "./messages.ts";
import { consumeOneTimeCode } from "./one-time-codes.ts";

/** Path of the link in confirmation emails (served by the HTTP router). */
export const CONFIRMATION_PATH = "/auth/email-confirmation";

/** Strapi's URL variable: the page; the template appends ?confirmation=CODE. */
export const confirmationUrl = (publicUrl: string) => `${publicUrl}${CONFIRMATION_PATH}`;

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

  /** `emailConfirmation` mutation: confirms, then signs the user in as Strapi does. */
  async function confirmEmail(confirmation: string, meta: RequestMeta): Promise<AuthResult> {
    await rateLimits.consume("emailConfirmation", { ip: meta.ip });
    const userId = await confirmEmailCode(confirmation, meta);
    if (userId === null) throw badUserInput(AuthMessage.INVALID_CONFIRMATION);
    return kit.signIn(await kit.requireUser(userId), meta);
  }

  /** Always succeeds: only real, unblocked, unconfirmed accounts get an email. */
  async function sendEmailConfirmation(rawEmail: string, meta: RequestMeta): Promise<void> {
    await rateLimits.consume("sendEmailConfirmation", { ip: meta.ip, identifier: identifierOf(rawEmail) });
    const address = email.safeParse(rawEmail);
    if (!address.success) return;
    const user = await prisma.user.findUnique({ where: { email: address.data } });
    if (!user || user.blocked || user.confirmed) return;
    await kit.sendCodeEmail("EMAIL_CONFIRMATION", user, confirmationUrl(kit.publicUrl));
  }

  return { confirmEmailCode, confirmEmail, sendEmailConfirmation };
}
