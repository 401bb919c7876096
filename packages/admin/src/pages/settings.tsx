/**
 * Advanced settings, as Strapi's: the default role of new accounts, sign-ups, email confirmation, unique
 * emails, the reset-password and confirmation-redirect URLs, and the profile fields sign-up accepts.
 * Saved with updateSettings; the server checks the values and its message is shown.
 */
import { RolesDocument, type RoleFieldsFragment, SettingsDocument, type SettingsFieldsFragment, UpdateSettingsDocument } from "@gatehouse/sdk";
import { useState } from "preact/hooks";
import { client } from "../api.ts";
import { ErrorAlert } from "../error-alert.tsx";
import { useLoaded } from "../load.ts";
import { LoadError, Loading } from "../states.tsx";
import { useSubmit } from "../submit.ts";

type Settings = SettingsFieldsFragment;

export function SettingsPage() {
  const [load, reload] = useLoaded(
    () =>
      Promise.all([client.request(SettingsDocument), client.request(RolesDocument)]).then(([settings, roles]) => ({
        settings: settings.settings,
        roles: roles.roles,
      })),
    [],
  );

  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">Advanced settings</h1>
      {load.state === "loading" && <Loading what="settings" />}
      {load.state === "error" && <LoadError what="settings" message={load.message} onRetry={reload} />}
      {load.state === "ready" && <SettingsForm settings={load.value.settings} roles={load.value.roles} />}
    </section>
  );
}

function SettingsForm({ settings, roles }: { settings: Settings; roles: RoleFieldsFragment[] }) {
  const [defaultRole, setDefaultRole] = useState(settings.defaultRole);
  const [allowRegister, setAllowRegister] = useState(settings.allowRegister);
  const [emailConfirmation, setEmailConfirmation] = useState(settings.emailConfirmation);
  const [uniqueEmail, setUniqueEmail] = useState(settings.uniqueEmail);
  const [resetPasswordUrl, setResetPasswordUrl] = useState(settings.resetPasswordUrl ?? "");
  const [redirection, setRedirection] = useState(settings.emailConfirmationRedirection ?? "");
  const [fields, setFields] = useState(settings.registerAllowedFields.join(", "));
  const { busy, error, run } = useSubmit();
  const [status, setStatus] = useState("");

  function submit(event: Event) {
    event.preventDefault();
    setStatus("");
    const input = {
      defaultRole,
      allowRegister,
      emailConfirmation,
      uniqueEmail,
      // URLs only when changed: an untouched empty field is not a new value.
      ...(resetPasswordUrl !== (settings.resetPasswordUrl ?? "") ? { resetPasswordUrl } : {}),
      ...(redirection !== (settings.emailConfirmationRedirection ?? "") ? { emailConfirmationRedirection: redirection } : {}),
      registerAllowedFields: fields
        .split(",")
        .map((field) => field.trim())
        .filter(Boolean),
    };
    run(
      () => client.request(UpdateSettingsDocument, { input }),
      () => setStatus("The settings were saved."),
    );
  }

  return (
    <form class="card stacked settings" onSubmit={submit}>
      <ErrorAlert message={error} />
      <label for="settings-default-role">Default role of new accounts</label>
      <select id="settings-default-role" value={defaultRole} onChange={(event) => setDefaultRole(event.currentTarget.value)}>
        {roles.map((role) => (
          <option key={role.id} value={role.type ?? role.name}>
            {role.name}
          </option>
        ))}
      </select>
      <label class="check">
        <input type="checkbox" checked={allowRegister} onChange={(event) => setAllowRegister(event.currentTarget.checked)} />
        Allow sign-ups
      </label>
      <label class="check">
        <input type="checkbox" checked={emailConfirmation} onChange={(event) => setEmailConfirmation(event.currentTarget.checked)} />
        Require email confirmation
      </label>
      <label class="check">
        <input type="checkbox" checked={uniqueEmail} onChange={(event) => setUniqueEmail(event.currentTarget.checked)} />
        One account per email
      </label>
      <label for="settings-reset-url">Reset password page (URL)</label>
      <input id="settings-reset-url" type="url" value={resetPasswordUrl} onInput={(event) => setResetPasswordUrl(event.currentTarget.value)} />
      <label for="settings-redirection">After email confirmation, redirect to (URL)</label>
      <input id="settings-redirection" type="url" value={redirection} onInput={(event) => setRedirection(event.currentTarget.value)} />
      <label for="settings-fields">Profile fields accepted at sign-up</label>
      <input
        id="settings-fields"
        aria-describedby="settings-fields-hint"
        value={fields}
        onInput={(event) => setFields(event.currentTarget.value)}
      />
      <p id="settings-fields-hint" class="hint">
        Comma separated, e.g. firstName, lastName.
      </p>
      <div class="dialog-actions">
        <button type="submit" class="primary" disabled={busy} aria-busy={busy}>
          {busy ? "Saving…" : "Save settings"}
        </button>
      </div>
      <p class="sr-status" role="status" aria-live="polite">
        {status}
      </p>
    </form>
  );
}
