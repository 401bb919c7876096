/**
 * The outbox worker against a real database, with in-process mailers standing in for SMTP so a test can
 * hold a send open: claims are exclusive, a crashed worker's claim expires, a stopping worker hands back
 * what it has not sent.
 */
import { createLogger } from "@graphql-yoga/logger";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Database, startDatabase } from "../src/database.ts";
import { createPasswordHasher } from "../src/modules/auth/passwords.ts";
import type { Mailer, MailMessage } from "../src/modules/email/mailer.ts";
import { createOutboxWorker, enqueueEmail, type OutboxWorkerOptions } from "../src/modules/email/outbox.ts";
import { createTestDatabase, type TestDatabase } from "./helpers/database.ts";

const message = (to: string): MailMessage => ({
  to,
  from: "no-reply@example.com",
  subject: "Hello",
  html: `<p>code for ${to}</p>`,
  text: `code for ${to}`,
});

/** Records what it sends; `hold()` makes the next sends wait until released. */
function recordingMailer() {
  const sent: string[] = [];
  let gate: Promise<void> | undefined;
  let open = () => {};
  const mailer: Mailer & { sent: string[]; hold(): void; release(): void } = {
    sent,
    async send(mail) {
      await gate;
      sent.push(mail.to);
    },
    close: () => undefined,
    hold() {
      gate = new Promise((resolve) => (open = resolve));
    },
    release() {
      gate = undefined;
      open();
    },
  };
  return mailer;
}

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("outbox worker", () => {
  let testDatabase: TestDatabase;
  let database: Database;
  const workerOptions = (mailer: Mailer): OutboxWorkerOptions => ({
    prisma: database.prisma,
    mailer,
    logger: createLogger("silent"),
    pollIntervalMs: 30,
    maxAttempts: 5,
    backoff: () => 30,
  });
  const rows = () => database.prisma.emailOutbox.findMany({ orderBy: { id: "asc" } });

  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    database = await startDatabase(testDatabase.target, { passwords: createPasswordHasher({ cost: 4 }) });
  });
  afterAll(async () => {
    await database?.close();
    await testDatabase?.drop();
  });
  beforeEach(async () => {
    await database.prisma.emailOutbox.deleteMany();
  });

  it("sends each email exactly once with two workers polling the same table", async () => {
    for (let i = 0; i < 25; i++) await enqueueEmail(database.prisma, message(`user${i}@example.com`));
    const mailers = [recordingMailer(), recordingMailer()];
    const workers = mailers.map((mailer) => createOutboxWorker({ ...workerOptions(mailer), batchSize: 4 }));
    workers.forEach((worker) => worker.start());
    try {
      await until(async () => (await rows()).every((row) => row.status === "SENT"), "all emails SENT");
    } finally {
      await Promise.all(workers.map((worker) => worker.stop()));
    }
    const sent = mailers.flatMap((mailer) => mailer.sent).sort();
    expect(sent).toHaveLength(25);
    expect(new Set(sent).size).toBe(25);
    expect((await rows()).every((row) => row.attempts === 1 && row.html === null && row.text === null)).toBe(true);
  });

  it("retries an email whose worker died mid-send once its lease has expired", async () => {
    const { id } = await enqueueEmail(database.prisma, message("lease@example.com"));
    const stuck = recordingMailer();
    stuck.hold();
    const crashed = createOutboxWorker({ ...workerOptions(stuck), leaseMs: 300 });
    crashed.start();
    await until(async () => (await rows())[0]?.attempts === 1, "the first worker to claim the email");

    // The first worker never finishes (a crash, as far as the table can tell); a second one takes over.
    const healthy = recordingMailer();
    const successor = createOutboxWorker({ ...workerOptions(healthy), leaseMs: 300 });
    successor.start();
    try {
      await until(() => healthy.sent.length === 1, "the second worker to send after the lease");
      await until(async () => (await rows())[0]?.status === "SENT", "the email to be SENT");
    } finally {
      await successor.stop();
    }
    expect((await rows())[0]).toMatchObject({ id, status: "SENT", attempts: 2 });

    // The stale worker finishing late must not overwrite the newer outcome.
    stuck.release();
    await crashed.stop();
    expect(stuck.sent).toEqual(["lease@example.com"]);
    expect((await rows())[0]).toMatchObject({ status: "SENT", attempts: 2, html: null });
  });

  it("on stop, waits for the email in flight and hands back claimed ones it did not send", async () => {
    for (const to of ["a@example.com", "b@example.com", "c@example.com"]) await enqueueEmail(database.prisma, message(to));
    const mailer = recordingMailer();
    mailer.hold();
    const worker = createOutboxWorker({ ...workerOptions(mailer), leaseMs: 60_000 });
    worker.start();
    await until(async () => (await rows()).every((row) => row.attempts === 1), "the batch to be claimed");

    const stopping = worker.stop();
    mailer.release();
    await stopping;
    expect(mailer.sent).toEqual(["a@example.com"]);
    const [first, ...rest] = await rows();
    expect(first).toMatchObject({ status: "SENT" });
    for (const row of rest) {
      expect(row).toMatchObject({ status: "PENDING", attempts: 0 });
      expect(row.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now());
    }

    // So a new worker sends them at once, not after the 60 s lease.
    const next = recordingMailer();
    const successor = createOutboxWorker(workerOptions(next));
    successor.start();
    try {
      await until(() => next.sent.length === 2, "the released emails to be sent");
    } finally {
      await successor.stop();
    }
    expect(next.sent.sort()).toEqual(["b@example.com", "c@example.com"]);
  });

  it("keeps polling through a failing mailer, scheduling retries with the backoff", async () => {
    const { id } = await enqueueEmail(database.prisma, message("flaky@example.com"));
    let failures = 2;
    const sent: string[] = [];
    const flaky: Mailer = {
      async send(mail) {
        if (failures-- > 0) throw new Error("421 try again later");
        sent.push(mail.to);
      },
      close: () => undefined,
    };
    const worker = createOutboxWorker(workerOptions(flaky));
    worker.start();
    try {
      await until(() => sent.length === 1, "the third attempt to succeed");
      await until(async () => (await rows())[0]?.status === "SENT", "the email to be SENT");
    } finally {
      await worker.stop();
    }
    expect((await rows())[0]).toMatchObject({ id, attempts: 3, lastError: null });
  });
});
