/**
 * Email templates: sender, reply-to, subject and MJML body of each email Gatehouse sends, the variables a
 * template may use, and a live preview the server renders (previewEmailTemplate, with sample values) a
 * moment after each edit. Saving goes through updateSettings; a template the server cannot use is refused
 * with its message, in the preview as on save, and nothing is stored.
 */
import {
  type EmailTemplateInput,
  type EmailTemplateName,
  type PreviewEmailTemplateQuery,
  PreviewEmailTemplateDocument,
  SettingsDocument,
  type SettingsFieldsFragment,
  UpdateSettingsDocument,
} from "@gatehouse/sdk";
import { useEffect, useState } from "preact/hooks";
import { client, errorMessage } from "../api.ts";
import { ErrorAlert } from "../error-alert.tsx";
import { useLoaded } from "../load.ts";
import { LoadError, Loading } from "../states.tsx";
import { useSubmit } from "../submit.ts";

type Template = SettingsFieldsFragment["emailTemplates"][number];
type Preview = PreviewEmailTemplateQuery["previewEmailTemplate"];

const LABELS: Record<EmailTemplateName, string> = {
  emailConfirmation: "Email confirmation",
  resetPassword: "Password reset",
  passwordChanged: "Password changed",
  signUpAttempt: "Sign-up with a taken address",
};

const PREVIEW_DELAY_MS = 400;

export function EmailTemplatesPage() {
  const [loaded, reload, replace] = useLoaded(() => client.request(SettingsDocument).then((data) => data.settings.emailTemplates), []);
  const [name, setName] = useState<EmailTemplateName>("emailConfirmation");

  return (
    <section aria-labelledby="templates-title">
      <h1 id="templates-title">Email templates</h1>
      {loaded.state === "loading" && <Loading what="templates" />}
      {loaded.state === "error" && <LoadError what="templates" message={loaded.message} onRetry={reload} />}
      {loaded.state === "ready" && loaded.value.length === 0 && (
        <div class="empty">
          <p>This server sends no email.</p>
        </div>
      )}
      {loaded.state === "ready" && loaded.value.length > 0 && (
        <>
          <div class="filters">
            <div class="field grow">
            <label for="template-name">Email</label>
            <select id="template-name" value={name} onChange={(event) => setName(event.currentTarget.value as EmailTemplateName)}>
              {loaded.value.map((template) => (
                <option key={template.name} value={template.name}>
                  {LABELS[template.name]}
                </option>
              ))}
            </select>
            </div>
          </div>
          <TemplateEditor
            key={name}
            template={loaded.value.find((template) => template.name === name) ?? loaded.value[0]!}
            onSaved={(saved) => replace(saved)}
          />
        </>
      )}
    </section>
  );
}

function TemplateEditor({ template, onSaved }: { template: Template; onSaved: (templates: Template[]) => void }) {
  const [fromName, setFromName] = useState(template.fromName ?? "");
  const [fromEmail, setFromEmail] = useState(template.fromEmail ?? "");
  const [replyTo, setReplyTo] = useState(template.replyTo ?? "");
  const [subject, setSubject] = useState(template.subject);
  const [body, setBody] = useState(template.body);
  const { busy, error, setError, run } = useSubmit();
  const [status, setStatus] = useState("");
  const [preview, setPreview] = useState<{ state: "rendering" } | { state: "error"; message: string } | { state: "ready"; email: Preview }>({
    state: "rendering",
  });

  // Empty sender fields mean "the server's EMAIL_FROM" (null), as the API has it.
  const input: EmailTemplateInput = {
    name: template.name,
    fromName: fromName || null,
    fromEmail: fromEmail || null,
    replyTo: replyTo || null,
    subject,
    body,
  };

  useEffect(() => {
    let current = true;
    setPreview({ state: "rendering" });
    setError(null); // a refusal is about what was sent, not about the edit since
    const timer = setTimeout(() => {
      client.request(PreviewEmailTemplateDocument, { template: input }).then(
        (data) => current && setPreview({ state: "ready", email: data.previewEmailTemplate }),
        (caught) => current && setPreview({ state: "error", message: errorMessage(caught) }),
      );
    }, PREVIEW_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [fromName, fromEmail, replyTo, subject, body]);

  function save(event: Event) {
    event.preventDefault();
    setStatus("");
    run(
      () => client.request(UpdateSettingsDocument, { input: { emailTemplates: [input] } }),
      ({ updateSettings }) => {
        onSaved(updateSettings.emailTemplates);
        setStatus(`The ${LABELS[template.name].toLowerCase()} template was saved.`);
      },
    );
  }

  return (
    <div class="template-editor">
      <form class="stacked card" onSubmit={save} aria-label={`${LABELS[template.name]} template`}>
        <p class="sr-status" role="status" aria-live="polite">
          {status}
        </p>
        <ErrorAlert message={error} />
        <label for="template-from-name">Sender name</label>
        <input id="template-from-name" value={fromName} placeholder="From EMAIL_FROM" onInput={(event) => setFromName(event.currentTarget.value)} />
        <label for="template-from-email">Sender address</label>
        <input
          id="template-from-email"
          type="email"
          value={fromEmail}
          placeholder="From EMAIL_FROM"
          onInput={(event) => setFromEmail(event.currentTarget.value)}
        />
        <label for="template-reply-to">Reply-to</label>
        <input id="template-reply-to" type="email" value={replyTo} onInput={(event) => setReplyTo(event.currentTarget.value)} />
        <label for="template-subject">Subject</label>
        <input id="template-subject" required value={subject} onInput={(event) => setSubject(event.currentTarget.value)} />
        <label for="template-body">Body (MJML)</label>
        <textarea
          id="template-body"
          required
          rows={16}
          spellcheck={false}
          aria-describedby="template-variables"
          value={body}
          onInput={(event) => setBody(event.currentTarget.value)}
        />
        <div id="template-variables" class="hint">
          Variables:{" "}
          {template.variables.map((variable) => (
            <code key={variable} class="variable">{`<%= ${variable} %>`}</code>
          ))}
        </div>
        <div class="dialog-actions">
          <button type="submit" class="primary" disabled={busy} aria-busy={busy}>
            {busy ? "Saving…" : "Save template"}
          </button>
        </div>
      </form>
      <section class="card preview" aria-labelledby="preview-title" aria-busy={preview.state === "rendering"}>
        <h2 id="preview-title">Preview</h2>
        {preview.state === "rendering" && (
          <p class="loading" role="status">
            Rendering…
          </p>
        )}
        {preview.state === "error" && (
          <p class="error" role="alert" data-preview="error">
            {preview.message}
          </p>
        )}
        {preview.state === "ready" && (
          <>
            <dl class="preview-headers">
              <dt>Subject</dt>
              <dd data-preview="subject">{preview.email.subject}</dd>
              <dt>From</dt>
              <dd>{preview.email.from}</dd>
              {preview.email.replyTo && (
                <>
                  <dt>Reply-to</dt>
                  <dd>{preview.email.replyTo}</dd>
                </>
              )}
            </dl>
            {/* No script runs in the frame and it has an origin of its own. */}
            <iframe title="HTML part" sandbox="" srcDoc={preview.email.html} class="preview-frame" />
            <details>
              <summary>Plain-text part</summary>
              <pre data-preview="text">{preview.email.text}</pre>
            </details>
          </>
        )}
      </section>
    </div>
  );
}
