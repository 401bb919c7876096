/**
 * Emails asked for by address (`forgotPassword`, `sendEmailConfirmation`, `register`, and `createUser`'s
 * set-password link), resolved off the request path so that the answer and its timing are the same whether
 * or not the address belongs to anybody, and so that no request renders MJML inside its transaction. The
 * request writes one `mail_requests` row, the same one in every case; this worker claims due rows, looks
 * the account up, decides what (if anything) to send, takes it from the address's mail budget
 * (EMAIL_RATE_LIMIT_*), issues the code and queues the email in the outbox in one transaction that also
 * deletes the row. Nothing lives only in memory: a restart delays a request but loses none.
 *
 * Claiming is the outbox's: one UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED) counts the
 * attempt and leases the row; the transaction that queues the email deletes the row only if it is still
 * this worker's claim, so two workers never send the same email twice.
 */
import type { YogaLogger } from "@graphql-yoga/logger";
import type { MailRequestKind, OneTimeTokenPurpose, Prisma, PrismaClient, User } from "../../generated/prisma/client.ts";
import { createDrainLoop, type DrainLoop } from "../../lib/drain-loop.ts";
import { newOpaqueToken } from "../../lib/secrets.ts";
import { AuditAction, type AuditService } from "../audit/audit.service.ts";
import type { EmailService } from "../email/email.service.ts";
import { exponentialBackoff } from "../email/outbox.ts";
import type { EmailTemplateName } from "../email/templates/index.ts";
import type { MailBudget } from "../security/mail-budget.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import { confirmationUrl } from "./links.ts";
import { issueOneTimeCode } from "./one-time-codes.ts";

/** The one-time codes that travel by email (the OAuth codes travel in redirects). */
type MailedCodePurpose = Extract<OneTimeTokenPurpose, "EMAIL_CONFIRMATION" | "PASSWORD_RESET">;

/** Who asked, recorded with the request for the audit entry the worker writes. */
export interface MailRequester {
  ip?: string | undefined;
  userAgent?: string | undefined;
}

export interface MailRequestsDependencies {
  prisma: PrismaClient;
  email: Pick<EmailService, "compose" | "enqueue" | "kick">;
  settings: Pick<SettingsService, "getAdvanced">;
  audit: AuditService;
  mailBudget: MailBudget;
  logger: YogaLogger;
  publicUrl: string;
  /** Lifespan of each kind of code, in seconds. */
  codeLifespans: Record<MailedCodePurpose, number>;
  /** Polling and retries, shared with the outbox (EMAIL_POLL_INTERVAL_MS, EMAIL_MAX_ATTEMPTS, EMAIL_RETRY_*). */
  polling: { pollIntervalMs: number; maxAttempts: number; retryBaseMs: number; retryMaxMs: number };
}

export interface MailRequests extends DrainLoop {
  /**
   * Wakes the worker a moment later, after the caller's response has gone out: rendering an email is
   * CPU work on this event loop, and a worker woken at once would delay only the answers about real
   * accounts. (Call after the request's commit.)
   */
  kickSoon(): void;
  /**
   * Records that `email` asked for a `kind` email: one INSERT, whatever the address. Pass the transaction
   * client when the request belongs to a write (a new account); call `kick()` after the commit.
   */
  request(db: Pick<Prisma.TransactionClient, "mailRequest">, kind: MailRequestKind, email: string, by: MailRequester): Promise<void>;
  /**
   * Handles what is due now, once, and resolves when done, whether or not the worker was started: for
   * processes that do not run the worker (the CLI). Failures are settled as usual (retry later, give up).
   */
  flush(): Promise<void>;
}

interface ClaimedRequest {
  id: number;
  kind: MailRequestKind;
  email: string;
  ip: string | null;
  userAgent: string | null;
  attempts: number;
}

/** What a request turns into for the account it names: an email, maybe a code, maybe an audit entry. */
interface MailPlan {
  template: EmailTemplateName;
  purpose: MailedCodePurpose | null;
  url: string;
  audited: AuditAction | null;
  /** Whether it counts against the address's mail budget: every email anybody can ask for does. */
  budgeted: boolean;
}

const LEASE_MS = 120_000;
/** Long enough for the response that asked to be written; short enough that nobody waits for the email. */
const KICK_DELAY_MS = 200;
const BATCH_SIZE = 10;
const timestamp = (date: Date) => date.toISOString();

/** A row another worker took over after this one's lease ran out: roll back, send nothing. */
class LeaseLost extends Error {}

export function createMailRequests(deps: MailRequestsDependencies): MailRequests {
  const { prisma, email, settings, mailBudget, logger, polling } = deps;
  const backoff = exponentialBackoff({ baseMs: polling.retryBaseMs, maxMs: polling.retryMaxMs });

  async function resetUrl() {
    const { resetPasswordUrl } = await settings.getAdvanced();
    return resetPasswordUrl ?? `${deps.publicUrl}/reset-password`;
  }

  /** Null when the address gets nothing: no account, or one this kind of email is not for. */
  async function planFor(kind: MailRequestKind, user: User | null): Promise<MailPlan | null> {
    if (!user || user.blocked) return null;
    switch (kind) {
      case "PASSWORD_RESET":
        return { template: "resetPassword", purpose: "PASSWORD_RESET", url: await resetUrl(), audited: AuditAction.PASSWORD_RESET_REQUESTED, budgeted: true };
      case "EMAIL_CONFIRMATION":
        if (user.confirmed) return null;
        return { template: "emailConfirmation", purpose: "EMAIL_CONFIRMATION", url: confirmationUrl(deps.publicUrl), audited: null, budgeted: true };
      case "SIGN_UP_ATTEMPT":
        return { template: "signUpAttempt", purpose: null, url: await resetUrl(), audited: AuditAction.SIGN_UP_WITH_TAKEN_EMAIL, budgeted: true };
      case "SET_PASSWORD":
        // The reset email is the set-password link. An admin asked, once per account they created: not a
        // flood to budget, and USER_CREATED already audits it.
        return { template: "resetPassword", purpose: "PASSWORD_RESET", url: await resetUrl(), audited: null, budgeted: false };
      case "PASSWORD_CHANGED":
        // One per change the owner (or a reset code's holder) made, and audited as that change: not a
        // flood to budget. Its link is where to reset the password if the change was not theirs.
        return { template: "passwordChanged", purpose: null, url: await resetUrl(), audited: null, budgeted: false };
    }
  }

  /** Deletes the request if it is still this claim's; false when another worker has it now. */
  const finish = async (db: Pick<Prisma.TransactionClient, "mailRequest">, row: ClaimedRequest) =>
    (await db.mailRequest.deleteMany({ where: { id: row.id, attempts: row.attempts } })).count === 1;

  async function handle(row: ClaimedRequest): Promise<void> {
    const user = await prisma.user.findUnique({ where: { email: row.email } });
    const plan = await planFor(row.kind, user);
    // The budget is per address and counts only emails that would go out: a flood of requests for an
    // address from any number of IPs sends it at most EMAIL_RATE_LIMIT_MAX emails per window.
    if (!user || !plan || (plan.budgeted && !(await mailBudget.take(row.email)))) {
      await finish(prisma, row);
      return;
    }
    const recipient = { username: user.username, email: user.email };
    // Rendered before the transaction (MJML takes a while): the code is drawn first, stored inside.
    const code = plan.purpose ? newOpaqueToken() : undefined;
    const message = await email.compose(plan.template, user.email, { USER: recipient, URL: plan.url, ...(code && { CODE: code }) });
    await prisma.$transaction(async (tx) => {
      if (!(await finish(tx, row))) throw new LeaseLost();
      if (plan.purpose && code) {
        await issueOneTimeCode(tx, { userId: user.id, purpose: plan.purpose, lifespanSeconds: deps.codeLifespans[plan.purpose], code });
      }
      await email.enqueue(tx, message);
    });
    email.kick();
    if (plan.audited) {
      await deps.audit.record({ action: plan.audited, targetType: "User", targetId: user.id, ip: row.ip, userAgent: row.userAgent });
    }
  }

  async function claim(): Promise<ClaimedRequest[]> {
    const now = new Date();
    const leaseEnd = new Date(now.getTime() + LEASE_MS);
    return prisma.$queryRaw<ClaimedRequest[]>`
      UPDATE "mail_requests"
         SET "attempts" = "attempts" + 1, "next_attempt_at" = ${timestamp(leaseEnd)}::timestamp(3)
       WHERE "id" IN (
             SELECT "id" FROM "mail_requests"
              WHERE "next_attempt_at" <= ${timestamp(now)}::timestamp(3)
              ORDER BY "next_attempt_at", "id"
              LIMIT ${BATCH_SIZE}
                FOR UPDATE SKIP LOCKED)
      RETURNING "id", "kind"::text AS "kind", "email", "ip", "user_agent" AS "userAgent", "attempts"`;
  }

  async function handleOrRetry(row: ClaimedRequest): Promise<void> {
    try {
      await handle(row);
    } catch (error) {
      if (error instanceof LeaseLost) return;
      const message = (error as Error).message.slice(0, 500);
      if (row.attempts >= polling.maxAttempts) {
        await finish(prisma, row);
        logger.error(`Mail request ${row.id} (${row.kind}): attempt ${row.attempts} failed, giving up: ${message}`);
        return;
      }
      await prisma.mailRequest.updateMany({
        where: { id: row.id, attempts: row.attempts },
        data: { nextAttemptAt: new Date(Date.now() + backoff(row.attempts)) },
      });
      logger.warn(`Mail request ${row.id} (${row.kind}): attempt ${row.attempts} failed, will retry: ${message}`);
    }
  }

  /** Hands back claimed rows this worker will not handle because it is stopping. */
  async function release(rows: ClaimedRequest[]): Promise<void> {
    for (const row of rows) {
      await prisma.mailRequest.updateMany({ where: { id: row.id, attempts: row.attempts }, data: { attempts: { decrement: 1 }, nextAttemptAt: new Date() } });
    }
  }

  async function drain(isStopped: () => boolean): Promise<void> {
    for (;;) {
      const rows = await claim();
      for (const [index, row] of rows.entries()) {
        if (isStopped()) return release(rows.slice(index));
        await handleOrRetry(row);
      }
      if (rows.length < BATCH_SIZE || isStopped()) return;
    }
  }

  const loop = createDrainLoop({ drain, pollIntervalMs: polling.pollIntervalMs, onError: (error) => logger.error(`Mail requests: ${error.message}`) });
  return {
    ...loop,
    kickSoon() {
      setTimeout(loop.kick, KICK_DELAY_MS).unref();
    },
    async flush() {
      // Rows are claimed with SKIP LOCKED and a lease, so this may run beside the loop's own drain.
      await drain(() => false).catch((error: unknown) => logger.error(`Mail requests: ${(error as Error).message}`));
    },
    async request(db, kind, address, by) {
      await db.mailRequest.create({
        // A hostile user agent can be long: the audit log clips it too.
        data: { kind, email: address, ip: by.ip ?? null, userAgent: by.userAgent?.slice(0, 512) ?? null, nextAttemptAt: new Date() },
        select: { id: true },
      });
    },
  };
}
