/**
 * Retention: a background job that deletes what Gatehouse no longer needs, so that the tables holding
 * sessions, token hashes, codes, emails and the audit trail do not grow forever:
 * - sessions that ended (revoked, past their absolute end, or idle too long), with their refresh tokens;
 * - rotated refresh tokens past their expiry (until then they are kept: presenting one again is how a
 *   stolen token is detected, and it revokes the whole session);
 * - expired one-time codes (reset, email confirmation, loginCode, link tickets) and provider flows;
 * - delivered outbox rows, a day after delivery;
 * - audit entries older than AUDIT_RETENTION_DAYS (default 180).
 *
 * One run never overlaps another: in this process a run in progress is joined rather than started
 * again, and across instances a transaction-scoped advisory lock lets one instance prune at a time (the
 * others skip that round). The first run comes one interval after start.
 */
import type { YogaLogger } from "@graphql-yoga/logger";
import type { RetentionConfig } from "../../config.ts";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { deleteEndedSessions } from "../auth/sessions.ts";

/** Rows deleted by one run, by kind. */
export interface RetentionReport {
  sessions: number;
  refreshTokens: number;
  oneTimeCodes: number;
  /** Started provider sign-ins (oauth_states) past their ten minutes, used or not. */
  oauthStates: number;
  outbox: number;
  audit: number;
}

/** `pruned`: this run deleted what was due; `skipped`: another instance was pruning at the time. */
export type RetentionOutcome = ({ status: "pruned" } & RetentionReport) | { status: "skipped" };

export interface RetentionService {
  /** Prunes now (joins the run in progress if there is one). */
  runOnce(now?: Date): Promise<RetentionOutcome>;
  /** Schedules a run every `intervalSeconds`, each one interval after the previous one ended. */
  start(): void;
  /** Cancels the schedule and waits for a run in progress. */
  stop(): Promise<void>;
  /** Whether runs are scheduled (between start and stop). */
  readonly started: boolean;
}

export interface RetentionDependencies {
  prisma: PrismaClient;
  config: RetentionConfig;
  logger: YogaLogger;
}

/** Names the retention job among PostgreSQL advisory locks (any fixed 64-bit number unique to Gatehouse). */
export const RETENTION_LOCK_KEY = 7_146_932_015_004_117n;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Delivered emails stay visible this long after delivery (their bodies were cleared when sent). */
const DELIVERED_OUTBOX_KEPT_MS = DAY_MS;
/** Failed emails keep their bodies for `gatehouse outbox retry` for a week; the row itself stays. */
const FAILED_OUTBOX_BODY_KEPT_MS = 7 * DAY_MS;
/** A large backlog (the first run on an old database) may take a while; the default is 5 s. */
const TRANSACTION_TIMEOUT_MS = 10 * 60 * 1000;

export function createRetentionService({ prisma, config, logger }: RetentionDependencies): RetentionService {
  let running: Promise<RetentionOutcome> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let started = false;

  async function prune(now: Date): Promise<RetentionOutcome> {
    return prisma.$transaction(
      async (tx) => {
        const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(${RETENTION_LOCK_KEY}) AS locked`;
        if (!lock?.locked) return { status: "skipped" } as const;
        const sessions = await deleteEndedSessions(tx, now);
        const refreshTokens = await tx.refreshToken.deleteMany({ where: { rotatedAt: { not: null }, expiresAt: { lte: now } } });
        const oneTimeCodes = await tx.oneTimeToken.deleteMany({ where: { expiresAt: { lte: now } } });
        const oauthStates = await tx.oAuthState.deleteMany({ where: { expiresAt: { lte: now } } });
        const outbox = await tx.emailOutbox.deleteMany({
          where: { status: "SENT", sentAt: { lte: new Date(now.getTime() - DELIVERED_OUTBOX_KEPT_MS) } },
        });
        // Failed rows stay for operators to see; the bodies (and the codes in them) only as long as a retry makes sense.
        await tx.emailOutbox.updateMany({
          where: { status: "FAILED", createdAt: { lte: new Date(now.getTime() - FAILED_OUTBOX_BODY_KEPT_MS) }, OR: [{ html: { not: null } }, { text: { not: null } }] },
          data: { html: null, text: null },
        });
        const audit = await tx.auditLog.deleteMany({
          where: { createdAt: { lt: new Date(now.getTime() - config.auditRetentionDays * DAY_MS) } },
        });
        return {
          status: "pruned",
          sessions,
          refreshTokens: refreshTokens.count,
          oneTimeCodes: oneTimeCodes.count,
          oauthStates: oauthStates.count,
          outbox: outbox.count,
          audit: audit.count,
        } as const;
      },
      { timeout: TRANSACTION_TIMEOUT_MS },
    );
  }

  function runOnce(now = new Date()): Promise<RetentionOutcome> {
    running ??= prune(now).finally(() => {
      running = null;
    });
    return running;
  }

  function schedule() {
    const self: NodeJS.Timeout = setTimeout(async () => {
      try {
        const outcome = await runOnce();
        if (outcome.status === "pruned") {
          const { status: _, ...counts } = outcome;
          if (Object.values(counts).some((count) => count > 0)) logger.info(`Retention pruned ${JSON.stringify(counts)}`);
        }
      } catch (error) {
        logger.error(`Retention run failed: ${(error as Error).message}`);
      }
      // Only the current schedule goes on (not one that a stop and a new start replaced).
      if (started && timer === self) schedule();
    }, config.intervalSeconds * 1000);
    // A pending prune must not keep the process alive on its own.
    self.unref();
    timer = self;
  }

  return {
    runOnce,
    start() {
      if (started) return;
      started = true;
      schedule();
    },
    async stop() {
      started = false;
      if (timer) clearTimeout(timer);
      timer = null;
      await running?.catch(() => undefined);
    },
    get started() {
      return started;
    },
  };
}
