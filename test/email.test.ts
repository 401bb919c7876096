/**
 * Email end to end: the app's email service renders, the outbox row is written in a transaction, the
 * worker delivers to a real SMTP listener (or to files in development), through outages and restarts.
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "@graphql-yoga/logger";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import type { PrismaClient } from "../src/generated/prisma/client.ts";
import { type DatabaseTarget, startDatabase } from "../src/database.ts";
import { createPasswordHasher } from "../src/modules/auth/passwords.ts";
import { SettingKey } from "../src/modules/settings/settings.defaults.ts";
import { createTestDatabase } from "./helpers/database.ts";
import { type MailServer, startMailServer } from "./helpers/mail.ts";
import { startTestServer, type TestServer } from "./helpers/server.ts";

/** Fast retries so an outage test takes a fraction of a second per attempt. */
const quickRetries = { EMAIL_POLL_INTERVAL_MS: "50", EMAIL_RETRY_BASE_MS: "50", EMAIL_RETRY_MAX_MS: "200" };

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const outboxRow = (prisma: PrismaClient, id: number) => prisma.emailOutbox.findUniqueOrThrow({ where: { id } });
const sentRow = (prisma: PrismaClient, id: number) =>
  eventually(async () => {
    const row = await outboxRow(prisma, id);
    return row.status === "SENT" ? row : undefined;
  }, `email ${id} to be marked SENT`);

const hrefs = (html: string) => [...html.matchAll(/href="([^"]+)"/g)].map((match) => match[1]!.replaceAll("&amp;", "&"));

/** Renders and queues an email in one transaction, as the auth module does with its code, then wakes the worker. */
async function queueEmail(server: Pick<TestServer, "email" | "prisma">, to: string, code: string, url: string) {
  const message = await server.email.compose("emailConfirmation", to, { USER: { username: "ada", email: to }, CODE: code, URL: url });
  const { id } = await server.prisma.$transaction((tx) => server.email.enqueue(tx, message));
  server.email.kick();
  return id;
}

describe("email over SMTP", () => {
  let mail: MailServer;
  let server: TestServer;
  beforeAll(async () => {
    mail = await startMailServer();
    server = await startTestServer({ SMTP_URL: mail.url, PUBLIC_URL: "https://auth.example.com", ...quickRetries });
  });
  afterAll(async () => {
    await server?.close();
    await mail?.stop();
  });

  it("delivers a queued confirmation email with its subject and link, then clears the stored body", async () => {
    const id = await queueEmail(server, "ada@example.com", "code-one", "https://auth.example.com/confirm");

    const email = await mail.lastEmailTo("ada@example.com");
    expect(email.subject).toBe("Account confirmation");
    expect(email.from).toBe('"Gatehouse" <no-reply@localhost>');
    expect(hrefs(email.html)).toContain("https://auth.example.com/confirm?confirmation=code-one");
    expect(email.text).toContain("https://auth.example.com/confirm?confirmation=code-one");
    expect(email.text).toContain("Sent by https://auth.example.com");

    const row = await sentRow(server.prisma, id);
    expect(row).toMatchObject({ html: null, text: null, attempts: 1, lastError: null });
    expect(row.sentAt).toBeInstanceOf(Date);
  });

  it("queues inside the caller's transaction: a rollback leaves neither row nor email", async () => {
    const user = { username: "lin", email: "lin@example.com" };
    const compose = (code: string) =>
      server.email.compose("resetPassword", user.email, { USER: user, CODE: code, URL: "https://app.example.com/reset" });
    const rolledBack = await compose("rolled-back");
    await expect(
      server.prisma.$transaction(async (tx) => {
        await server.email.enqueue(tx, rolledBack);
        throw new Error("the code could not be stored");
      }),
    ).rejects.toThrow("the code could not be stored");
    expect(await server.prisma.emailOutbox.count({ where: { to: user.email } })).toBe(0);

    const committed = await compose("committed");
    const { id } = await server.prisma.$transaction((tx) => server.email.enqueue(tx, committed));
    server.email.kick();
    const email = await mail.lastEmailTo(user.email);
    expect(email.subject).toBe("Reset password");
    expect(hrefs(email.html)).toContain("https://app.example.com/reset?code=committed");
    await sentRow(server.prisma, id);
    expect(mail.messages.some((message) => message.html.includes("rolled-back"))).toBe(false);
  });

  it("escapes a hostile username in the delivered HTML", async () => {
    const to = "mallory@example.com";
    const message = await server.email.compose("resetPassword", to, {
      USER: { username: "<img src=x onerror=alert(1)>", email: to },
      CODE: "c",
      URL: "https://app.example.com/reset",
    });
    await server.email.enqueue(server.prisma, message);
    server.email.kick();
    const email = await mail.lastEmailTo(to);
    expect(email.html).not.toContain("<img src=x");
    expect(email.html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(email.text).toContain("Hello <img src=x onerror=alert(1)>,");
  });

  it("sends with the template an admin stored in settings", async () => {
    await server.prisma.setting.update({
      where: { key: SettingKey.EMAIL_TEMPLATES },
      data: {
        value: {
          emailConfirmation: {
            fromName: "Acme Accounts",
            fromEmail: "accounts@acme.test",
            replyTo: "help@acme.test",
            subject: "Acme: confirm <%= USER.email %>",
            body: `<mjml><mj-body><mj-section><mj-column>
              <mj-text>Dear <%= USER.username %>, confirm at <a href="<%= URL %>/<%= CODE %>">this link</a>.</mj-text>
            </mj-column></mj-section></mj-body></mjml>`,
          },
        },
      },
    });
    try {
      await queueEmail(server, "grace@example.com", "code-two", "https://acme.test/confirm");
      const email = await mail.lastEmailTo("grace@example.com");
      expect(email.subject).toBe("Acme: confirm grace@example.com");
      expect(email.from).toBe('"Acme Accounts" <accounts@acme.test>');
      expect(email.replyTo).toBe("help@acme.test");
      expect(hrefs(email.html)).toEqual(["https://acme.test/confirm/code-two"]);
      expect(email.text).toContain("Dear ada, confirm at this link (https://acme.test/confirm/code-two).");
    } finally {
      await server.prisma.setting.delete({ where: { key: SettingKey.EMAIL_TEMPLATES } });
    }
  });

  it("keeps an email through an SMTP outage and delivers it once the server is back", async () => {
    await mail.stop();
    const id = await queueEmail(server, "outage@example.com", "code-three", "https://auth.example.com/confirm");

    // lastError is written when an attempt has failed (attempts counts claims, including one in flight).
    const failed = await eventually(async () => {
      const row = await outboxRow(server.prisma, id);
      return row.lastError ? row : undefined;
    }, "a failed attempt");
    expect(failed.status).toBe("PENDING");
    expect(failed.lastError).toMatch(/ECONNREFUSED|ECONNECTION/);
    expect(failed.html).toContain("code-three");

    await mail.start();
    const email = await mail.lastEmailTo("outage@example.com");
    expect(hrefs(email.html)).toContain("https://auth.example.com/confirm?confirmation=code-three");
    const row = await sentRow(server.prisma, id);
    expect(row.attempts).toBeGreaterThanOrEqual(2);
    expect(row).toMatchObject({ html: null, text: null });
  });
});

describe("email retries", () => {
  it("marks an email FAILED after the configured attempts, keeping its body for `gatehouse outbox retry`", async () => {
    // A port that was just free and has nothing listening: every attempt is refused.
    const closed = await startMailServer();
    await closed.stop();
    const server = await startTestServer({ SMTP_URL: closed.url, EMAIL_MAX_ATTEMPTS: "3", ...quickRetries });
    try {
      const id = await queueEmail(server, "never@example.com", "code-four", "https://x.test");
      const row = await eventually(async () => {
        const current = await outboxRow(server.prisma, id);
        return current.status === "FAILED" ? current : undefined;
      }, "the email to be marked FAILED");
      expect(row).toMatchObject({ attempts: 3, sentAt: null });
      expect(row.text).toContain("code-four");
      expect(row.lastError).toMatch(/ECONNREFUSED|ECONNECTION/);
    } finally {
      await server.close();
    }
  });
});

describe("email across a restart", () => {
  let mail: MailServer;
  let dataDir: string;
  beforeAll(async () => {
    mail = await startMailServer();
    dataDir = await mkdtemp(join(tmpdir(), "gatehouse-email-restart-"));
  });
  afterAll(async () => {
    await mail?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("delivers with the next instance an email the previous one queued but never sent", async () => {
    const testDatabase = await createTestDatabase();
    // Two openings of one database: a file-backed PGlite (in-memory would die with the first instance).
    const target: DatabaseTarget =
      testDatabase.kind === "pglite" ? { kind: "pglite", dataDir: join(dataDir, "pglite") } : testDatabase.target;
    const config = loadConfig({ NODE_ENV: "test", DATA_DIR: dataDir, SMTP_URL: mail.url, LOG_LEVEL: "error", ...quickRetries });
    const boot = async () => {
      const database = await startDatabase(target, { passwords: createPasswordHasher({ cost: 4 }) });
      return { database, app: await createApp({ config, database, logger: createLogger("error") }) };
    };

    try {
      const first = await boot();
      await first.app.email.worker.stop();
      const id = await queueEmail(
        { email: first.app.email, prisma: first.database.prisma },
        "restart@example.com",
        "code-five",
        "https://auth.example.com/confirm",
      );
      await first.app.close();
      await first.database.close();
      expect(mail.messages.filter((message) => message.to.includes("restart@example.com"))).toHaveLength(0);

      const second = await boot();
      try {
        const email = await mail.lastEmailTo("restart@example.com");
        expect(hrefs(email.html)).toContain("https://auth.example.com/confirm?confirmation=code-five");
        expect(await sentRow(second.database.prisma, id)).toMatchObject({ attempts: 1, html: null, text: null });
      } finally {
        await second.app.close();
        await second.database.close();
      }
    } finally {
      await testDatabase.drop();
    }
  });
});

describe("email without SMTP_URL (development)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ PUBLIC_URL: "http://localhost:4000" });
  });
  afterAll(() => server?.close());

  it("writes each email as HTML and text files under DATA_DIR/mail, with a clickable link", async () => {
    const id = await queueEmail(server, "dev@example.com", "code-six", "http://localhost:4000/confirm");
    await sentRow(server.prisma, id);

    const files = (await readdir(join(server.dataDir, "mail"))).sort();
    expect(files.map((file) => file.replace(/^.*\./, ""))).toEqual(["html", "txt"]);
    const html = await readFile(join(server.dataDir, "mail", files[0]!), "utf8");
    const text = await readFile(join(server.dataDir, "mail", files[1]!), "utf8");
    expect(hrefs(html)).toContain("http://localhost:4000/confirm?confirmation=code-six");
    expect(text).toContain("To: dev@example.com");
    expect(text).toContain("Subject: Account confirmation");
    expect(text).toContain("http://localhost:4000/confirm?confirmation=code-six");
  });
});
