/**
 * A real SMTP listener (smtp-server) on 127.0.0.1 that parses what it receives with mailparser, so
 * integration tests can read the emails Gatehouse sends and follow their links. It can be stopped and
 * started again on the same port to play an SMTP outage.
 */
import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface ReceivedEmail {
  to: string[];
  from: string;
  replyTo: string | undefined;
  subject: string;
  html: string;
  text: string;
  parsed: ParsedMail;
}

export interface MailServer {
  /** SMTP_URL for Gatehouse. */
  url: string;
  port: number;
  /** Every email received so far, oldest first (kept across stop/start). */
  messages: ReceivedEmail[];
  /** Resolves with the newest email to `address` received after `since` (index into messages, default 0). */
  lastEmailTo(address: string, options?: { timeoutMs?: number; since?: number }): Promise<ReceivedEmail>;
  /** Stops listening (connections are refused until start). */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
}

const addressesOf = (field: ParsedMail["to"]) =>
  (Array.isArray(field) ? field : field ? [field] : []).flatMap((group) =>
    group.value.map((entry) => (entry.address ?? "").toLowerCase()),
  );

export async function startMailServer({ port = 0 }: { port?: number } = {}): Promise<MailServer> {
  const messages: ReceivedEmail[] = [];
  const waiters = new Set<() => void>();

  const createServer = () =>
    new SMTPServer({
      // smtp-server's bundled certificate has expired: no STARTTLS, so clients stay on plain SMTP.
      disabledCommands: ["STARTTLS", "AUTH"],
      authOptional: true,
      logger: false,
      // Gatehouse's non-pooled transport hangs up after each mail; don't wait 30 s for stragglers on stop.
      closeTimeout: 1_000,
      onData(stream, _session, callback) {
        simpleParser(stream)
          .then((parsed) => {
            messages.push({
              to: addressesOf(parsed.to),
              from: parsed.from?.text ?? "",
              replyTo: parsed.replyTo?.text,
              subject: parsed.subject ?? "",
              html: typeof parsed.html === "string" ? parsed.html : "",
              text: parsed.text ?? "",
              parsed,
            });
            for (const wake of waiters) wake();
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    });

  let server = createServer();
  const listen = () =>
    new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve((server.server.address() as AddressInfo).port));
    });
  port = await listen();

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    lastEmailTo(address, { timeoutMs = 10_000, since = 0 } = {}) {
      const wanted = address.toLowerCase();
      const find = () => messages.slice(since).findLast((message) => message.to.includes(wanted));
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = find();
          if (!found) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`No email to ${address} within ${timeoutMs} ms (received: ${messages.length})`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
    async start() {
      server = createServer();
      await listen();
    },
  };
}
