import type { Prisma } from "../../generated/prisma/client.ts";

export type AuthEmailTemplate = "email-confirmation" | "reset-password" | "password-changed";

/** What the authentication flows need from the email module. */
export interface AuthMail {
  /** Queues a templated email inside the caller's transaction (the same one that stores its code). */
  enqueue(
    tx: Prisma.TransactionClient,
    template: AuthEmailTemplate,
    user: { email: string; username: string },
    variables: { CODE?: string; URL?: string },
  ): Promise<void>;
  /** Asks the delivery worker to send now rather than at its next poll (call after commit). */
  kick(): void;
}

const subjects: Record<AuthEmailTemplate, string> = {
  "email-confirmation": "Account confirmation",
  "reset-password": "Reset password",
  "password-changed": "Your password was changed",
};

/**
 * Plain-text emails written to the outbox. Interim: the email module's MJML templates replace the
 * rendering; the transactional outbox write stays.
 */
export function createPlainOutboxMail(options: { from: string; kick?: () => void }): AuthMail {
  return {
    async enqueue(tx, template, user, variables) {
      const lines = [`Hello ${user.username},`, variables.URL ?? "", variables.CODE ? `Code: ${variables.CODE}` : ""];
      await tx.emailOutbox.create({
        data: { to: user.email, from: options.from, subject: subjects[template], text: lines.filter(Boolean).join("\n\n") },
      });
    },
    kick: () => options.kick?.(),
  };
}
