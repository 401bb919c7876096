import type { Prisma } from "../../generated/prisma/client.ts";
import type { EmailTemplateName } from "../email/templates/index.ts";

/** What the authentication flows need from the email module. */
export interface AuthMail {
  /** Queues a templated email inside the caller's transaction (the same one that stores its code). */
  enqueue(
    tx: Prisma.TransactionClient,
    template: EmailTemplateName,
    user: { email: string; username: string },
    variables: { CODE?: string; URL?: string },
  ): Promise<void>;
  /** Asks the delivery worker to send now rather than at its next poll (call after commit). */
  kick(): void;
}

