/**
 * Hands one finished message to the outside world: an SMTP server when SMTP_URL is set, otherwise (the
 * development default) the log plus files under DATA_DIR/mail so a developer can open the link. Callers see
 * the same `send` either way; retries are the outbox's business, not the mailer's.
 */
import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { YogaLogger } from "@graphql-yoga/logger";
import type { Transporter } from "nodemailer";
import type { Config } from "../../config.ts";

/** A fully rendered email, as stored in the outbox. */
export interface MailMessage {
  to: string;
  /** RFC 5322 address, e.g. `"Gatehouse" <no-reply@example.com>`. */
  from: string;
  replyTo?: string | null;
  subject: string;
  html: string;
  text: string;
}

export interface Mailer {
  /** Resolves once the message is accepted (by the SMTP server, or written to disk); rejects with MailDeliveryError. */
  send(message: MailMessage): Promise<void>;
  /** Closes pooled connections, if any. */
  close(): void;
}

/** A delivery failure whose message is safe to store and log: no credentials, bounded length. */
export class MailDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MailDeliveryError";
  }
}

// Bounded so a worker's lease (see outbox.ts) always outlives one send; nodemailer's defaults go up to 10 min.
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

export function createMailer(config: Pick<Config, "smtpUrl" | "dataDir" | "nodeEnv">, logger: YogaLogger): Mailer {
  if (config.smtpUrl) return createSmtpMailer(config.smtpUrl);
  const directory = join(config.dataDir, "mail");
  // Legitimate in production only for a deployment that never emails; there the files hold live codes.
  logger[config.nodeEnv === "production" ? "warn" : "info"](`No SMTP_URL: emails are written to ${directory}`);
  return createFileMailer(directory, logger);
}

function createSmtpMailer(smtpUrl: string): Mailer {
  // Loaded on first send, off the start-up path. Query parameters of SMTP_URL (e.g. `?ignoreTLS=true`,
  // `?pool=true`) override the timeouts.
  let transport: Promise<Transporter> | undefined;
  const smtp = () =>
    (transport ??= import("nodemailer").then(({ createTransport }) => createTransport({ ...SMTP_TIMEOUTS, url: smtpUrl })));
  const secrets = credentialsOf(smtpUrl);
  return {
    async send(message) {
      try {
        await (await smtp()).sendMail({
          to: message.to,
          from: message.from,
          replyTo: message.replyTo ?? undefined,
          subject: message.subject,
          html: message.html,
          text: message.text,
        });
      } catch (error) {
        throw new MailDeliveryError(describeError(error, secrets));
      }
    },
    close: () => void transport?.then((opened) => opened.close()),
  };
}

function createFileMailer(directory: string, logger: YogaLogger): Mailer {
  return {
    async send(message) {
      await mkdir(directory, { recursive: true });
      // Sortable by time; the random part keeps two mails in the same millisecond apart.
      const stamp = new Date().toISOString().replace(/[:.]/g, "-");
      const base = join(directory, `${stamp}-${randomBytes(3).toString("hex")}`);
      const headers = [`From: ${message.from}`, `To: ${message.to}`];
      if (message.replyTo) headers.push(`Reply-To: ${message.replyTo}`);
      headers.push(`Subject: ${message.subject}`);
      await writeFile(`${base}.html`, message.html);
      await writeFile(`${base}.txt`, `${headers.join("\n")}\n\n${message.text}`);
      logger.info(`Mail to ${message.to} "${message.subject}" written to ${base}.html (no SMTP_URL set)`);
    },
    close: () => undefined,
  };
}

function credentialsOf(smtpUrl: string): string[] {
  const { username, password } = new URL(smtpUrl);
  return [password, decodeURIComponent(password), username && password ? decodeURIComponent(username) : ""].filter(
    (secret) => secret.length >= 3,
  );
}

/** `CODE: message` without the SMTP credentials, short enough for a log line and a database column. */
function describeError(error: unknown, secrets: string[]): string {
  const { code, message } = error as { code?: unknown; message?: unknown };
  let description = `${typeof code === "string" ? `${code}: ` : ""}${typeof message === "string" ? message : String(error)}`;
  for (const secret of secrets) description = description.split(secret).join("***");
  return description.slice(0, 500);
}
