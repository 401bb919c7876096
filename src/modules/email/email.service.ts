/**
 * Email as the rest of Gatehouse sees it: render a template with the admins' current settings, queue the
 * result in the caller's transaction, wake the worker after the commit. createServices builds one of these.
 */
import type { YogaLogger } from "@graphql-yoga/logger";
import type { Config } from "../../config.ts";
import type { Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import { loadEmailTemplates, saveEmailTemplates } from "./email-settings.ts";
import { createMailer, type MailMessage } from "./mailer.ts";
import { createOutboxWorker, enqueueEmail, exponentialBackoff, type OutboxWorker, requeueFailedEmails } from "./outbox.ts";
import { loadPrecompiledTemplates } from "./precompiled-templates.ts";
import { createEmailRenderer, type RenderedEmail, type TemplateVariables } from "./render-email.ts";
import { EMAIL_TEMPLATE_NAMES, type EmailTemplateName, type EmailTemplates } from "./templates/index.ts";

const WARM_UP_DELAY_MS = 5_000;

export interface EmailServiceDependencies {
  config: Pick<Config, "nodeEnv" | "smtpUrl" | "dataDir" | "emailFrom" | "publicUrl" | "emailOutbox">;
  prisma: PrismaClient;
  logger: YogaLogger;
}

export interface EmailService {
  /**
   * Renders `template` for `to` with the templates stored in settings. SERVER_URL defaults to PUBLIC_URL and
   * TOKEN to CODE. Inside a `$transaction` pass its client as `db`: on PGlite the root client would wait
   * for the connection the transaction holds.
   */
  compose(
    template: EmailTemplateName,
    to: string,
    variables: TemplateVariables,
    db?: Pick<Prisma.TransactionClient, "setting">,
  ): Promise<MailMessage>;
  /** Queues a message with the given client (root or transaction); see enqueueEmail. */
  enqueue: typeof enqueueEmail;
  /** Throws EmailTemplateError when an admin's subject or MJML body cannot be used (for updateSettings). */
  checkTemplate(body: string, subject?: string): Promise<void>;
  /**
   * Renders `name` from `templates` (the stored ones with an admin's change applied) with sample
   * `variables`, for a preview; throws EmailTemplateError rather than falling back to the default when the
   * template cannot be used. URL defaults to SERVER_URL.
   */
  preview(name: EmailTemplateName, templates: EmailTemplates, variables: TemplateVariables): Promise<RenderedEmail>;
  /** The admins' templates merged over the defaults. */
  loadTemplates(): Promise<EmailTemplates>;
  /** Stores the admins' templates (checked with checkTemplate first). */
  saveTemplates(templates: EmailTemplates): Promise<void>;
  /** Wakes the worker; call after the transaction that enqueued has committed. */
  kick(): void;
  /** FAILED emails back to PENDING with a fresh budget of attempts; resolves to how many (`gatehouse outbox retry`). */
  retryFailed(): Promise<number>;
  /** Starts the outbox worker and stops it, waiting for an email in flight. */
  worker: OutboxWorker;
  /** Stops the worker and closes the mail transport. */
  close(): Promise<void>;
}

export function createEmailService({ config, prisma, logger }: EmailServiceDependencies): EmailService {
  const mailer = createMailer(config, logger);
  const renderer = createEmailRenderer({ defaultFrom: config.emailFrom, logger, precompiled: loadPrecompiledTemplates });
  const { maxAttempts, retryBaseMs, retryMaxMs, pollIntervalMs } = config.emailOutbox;
  const worker = createOutboxWorker({
    prisma,
    mailer,
    logger,
    pollIntervalMs,
    maxAttempts,
    backoff: exponentialBackoff({ baseMs: retryBaseMs, maxMs: retryMaxMs }),
  });

  async function compose(
    template: EmailTemplateName,
    to: string,
    variables: TemplateVariables,
    db: Pick<Prisma.TransactionClient, "setting"> = prisma,
  ): Promise<MailMessage> {
    const templates = await loadEmailTemplates(db);
    const rendered = await renderer.renderEmail(template, { SERVER_URL: config.publicUrl, ...variables }, templates);
    return { to, ...rendered };
  }

  // Compiled in the background a little after start-up (not competing with it for CPU), so the first email,
  // often rendered inside a registration's transaction, does not wait the best part of a second for MJML to
  // load. The build's precompiled defaults make this a cache fill: MJML loads here only for templates an
  // admin customised. Failures show up again, and are logged, at send time.
  const warmUp = setTimeout(() => {
    void loadEmailTemplates(prisma)
      .then((templates) => Promise.all(EMAIL_TEMPLATE_NAMES.map((name) => renderer.checkTemplate(templates[name].body))))
      .catch(() => undefined);
  }, WARM_UP_DELAY_MS);
  warmUp.unref();

  return {
    compose,
    enqueue: enqueueEmail,
    checkTemplate: renderer.checkTemplate,
    async preview(name, templates, variables) {
      await renderer.checkTemplate(templates[name].body, templates[name].subject);
      return renderer.renderEmail(name, { SERVER_URL: config.publicUrl, URL: config.publicUrl, ...variables }, templates);
    },
    loadTemplates: () => loadEmailTemplates(prisma),
    saveTemplates: (templates) => saveEmailTemplates(prisma, templates),
    kick: worker.kick,
    async retryFailed() {
      const count = await requeueFailedEmails(prisma);
      worker.kick();
      return count;
    },
    worker,
    async close() {
      clearTimeout(warmUp);
      await worker.stop();
      mailer.close();
    },
  };
}
