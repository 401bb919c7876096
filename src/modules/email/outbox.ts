/**
 * The persistent outbox: an email is a row written in the same transaction as the code it carries, and a
 * worker delivers due rows with retries. Nothing lives only in memory, so an SMTP outage or a restart
 * delays mail but loses none.
 *
 * Claiming: one UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED) counts the attempt and pushes
 * `nextAttemptAt` one lease into the future. Other workers skip the row while it is leased; if this worker
 * dies mid-send, the row becomes due again when the lease ends. Every later write is fenced on the
 * claimed attempt number, so a worker that outlived its lease cannot overwrite a newer outcome.
 */
import type { YogaLogger } from "@graphql-yoga/logger";
import { type Prisma, type PrismaClient, EmailStatus } from "../../generated/prisma/client.ts";
import { createDrainLoop, type DrainLoop } from "../../lib/drain-loop.ts";
import type { Mailer, MailMessage } from "./mailer.ts";

/**
 * Queues an email. Pass the transaction client when the email carries a code written in that transaction,
 * so both commit or neither does; call the worker's `kick()` after the commit for prompt delivery.
 */
export async function enqueueEmail(
  db: Pick<Prisma.TransactionClient, "emailOutbox">,
  message: MailMessage,
): Promise<{ id: number }> {
  return db.emailOutbox.create({
    data: {
      to: message.to,
      from: message.from,
      replyTo: message.replyTo ?? null,
      subject: message.subject,
      html: message.html,
      text: message.text,
      // Set here rather than by the column default: CURRENT_TIMESTAMP would follow the session's TimeZone.
      nextAttemptAt: new Date(),
    },
    select: { id: true },
  });
}

export interface BackoffOptions {
  /** Delay after the first failed attempt (ms); doubles with each further failure. */
  baseMs: number;
  /** Upper bound of one delay (ms). */
  maxMs: number;
}

/** Exponential backoff with jitter: between half and all of min(maxMs, baseMs * 2^(attempt-1)). */
export function exponentialBackoff({ baseMs, maxMs }: BackoffOptions, random: () => number = Math.random) {
  return (attempt: number): number => {
    const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
    // Jitter keeps many rows that failed together (one SMTP outage) from retrying in the same instant.
    return Math.round(ceiling * (0.5 + random() / 2));
  };
}

export interface OutboxWorkerOptions {
  prisma: PrismaClient;
  mailer: Mailer;
  logger: YogaLogger;
  /** How often the worker looks for due rows when nobody kicks it (ms). */
  pollIntervalMs: number;
  /** Attempts per email before it is marked FAILED. */
  maxAttempts: number;
  /** Delay before the next try, given how many attempts were made so far (≥ 1). */
  backoff: (attempts: number) => number;
  /** How long a claimed row stays hidden from other workers (ms); must outlast one send. Default 2 min. */
  leaseMs?: number;
  /** Rows claimed per round. Default 10. */
  batchSize?: number;
}

/**
 * `start` polls and delivers what is already due; `stop` waits for the email being sent (claimed rows not
 * yet sent are released at once); `kick` looks for due rows now (call after committing an enqueue).
 */
export interface OutboxWorker extends DrainLoop {
  /**
   * Delivers what is due now, once, and resolves when done, whether or not the worker was started: for
   * processes that do not run the worker (the CLI). Failures are settled as usual (retry later, FAILED).
   */
  flush(): Promise<void>;
}

interface ClaimedRow {
  id: number;
  to: string;
  from: string;
  replyTo: string | null;
  subject: string;
  html: string | null;
  text: string | null;
  attempts: number;
}

// next_attempt_at is `timestamp without time zone` holding UTC (as Prisma writes it). Passing the worker's
// clock as an ISO string cast to timestamp compares UTC with UTC whatever the session's TimeZone is.
const timestamp = (date: Date) => date.toISOString();

export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { prisma, mailer, logger, pollIntervalMs, maxAttempts, backoff, leaseMs = 120_000, batchSize = 10 } = options;
  async function claim(): Promise<ClaimedRow[]> {
    const now = new Date();
    const leaseEnd = new Date(now.getTime() + leaseMs);
    return prisma.$queryRaw<ClaimedRow[]>`
      UPDATE "email_outbox"
         SET "attempts" = "attempts" + 1, "next_attempt_at" = ${timestamp(leaseEnd)}::timestamp(3)
       WHERE "id" IN (
             SELECT "id" FROM "email_outbox"
              WHERE "status" = 'PENDING'::"EmailStatus" AND "next_attempt_at" <= ${timestamp(now)}::timestamp(3)
              ORDER BY "next_attempt_at", "id"
              LIMIT ${batchSize}
                FOR UPDATE SKIP LOCKED)
      RETURNING "id", "to", "from", "reply_to" AS "replyTo", "subject", "html", "text", "attempts"`;
  }

  /** Writes an outcome only if the row is still ours (same attempt, still pending). */
  const settle = (row: ClaimedRow, data: Prisma.EmailOutboxUpdateManyMutationInput) =>
    prisma.emailOutbox.updateMany({ where: { id: row.id, attempts: row.attempts, status: EmailStatus.PENDING }, data });

  async function deliver(row: ClaimedRow): Promise<void> {
    if (row.attempts > maxAttempts) {
      // Only reachable when workers died mid-send on the last attempt: give up rather than loop forever.
      await settle(row, { status: EmailStatus.FAILED, lastError: "abandoned: lease expired" });
      return;
    }
    try {
      await mailer.send({ ...row, html: row.html ?? "", text: row.text ?? "" });
    } catch (error) {
      const lastError = (error as Error).message.slice(0, 500);
      const failed = row.attempts >= maxAttempts;
      // A FAILED row keeps its bodies so that `gatehouse outbox retry` can send it once the mail server
      // works again; the codes in them expire as they would in a pending row, and the retention job
      // clears the bodies of failed rows a week later.
      await settle(
        row,
        failed
          ? { status: EmailStatus.FAILED, lastError }
          : { lastError, nextAttemptAt: new Date(Date.now() + backoff(row.attempts)) },
      );
      const outcome = failed ? "giving up" : "will retry";
      logger.warn(`Email ${row.id}: attempt ${row.attempts} of ${maxAttempts} failed, ${outcome}: ${lastError}`);
      return;
    }
    await settle(row, { status: EmailStatus.SENT, sentAt: new Date(), html: null, text: null, lastError: null });
  }

  /** Hands back claimed rows this worker will not send because it is stopping, as if never claimed. */
  async function release(rows: ClaimedRow[]): Promise<void> {
    for (const row of rows) await settle(row, { attempts: { decrement: 1 }, nextAttemptAt: new Date() });
  }

  async function drain(isStopped: () => boolean): Promise<void> {
    for (;;) {
      const rows = await claim();
      for (const [index, row] of rows.entries()) {
        if (isStopped()) return release(rows.slice(index));
        await deliver(row);
      }
      if (rows.length < batchSize || isStopped()) return;
    }
  }

  const loop = createDrainLoop({ drain, pollIntervalMs, onError: (error) => logger.error(`Email outbox: ${error.message}`) });
  return {
    ...loop,
    async flush() {
      // Rows are claimed with SKIP LOCKED and a lease, so this may run beside the loop's own drain.
      await drain(() => false).catch((error: unknown) => logger.error(`Email outbox: ${(error as Error).message}`));
    },
  };
}

/**
 * Puts FAILED emails back to PENDING with a fresh budget of attempts (the operator has fixed the mail
 * server): the next worker round sends them. Only rows that still hold a body qualify.
 */
export async function requeueFailedEmails(prisma: PrismaClient, now = new Date()): Promise<number> {
  const { count } = await prisma.emailOutbox.updateMany({
    where: { status: EmailStatus.FAILED, OR: [{ html: { not: null } }, { text: { not: null } }] },
    data: { status: EmailStatus.PENDING, attempts: 0, nextAttemptAt: now },
  });
  return count;
}
