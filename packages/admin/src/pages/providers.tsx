/**
 * Sign-in providers: every preset (GitHub, Google, ...) and stored generic provider from `authProviders`,
 * enable / disable, and configure one (client id, write-only client secret, OpenID Connect issuer or the
 * three OAuth 2 endpoints, scopes) or a new generic one with updateAuthProvider. Only changed fields are
 * sent: an emptied field is null (back to the preset's value), an empty secret field keeps the stored one
 * and "Remove the stored secret" sends null for it.
 * Below, the redirect allow-list (settings.providerRedirectUrls, saved with updateSettings). The server
 * checks everything (enabling needs a client id, a secret and endpoints) and its message is shown.
 */
import {
  type AuthProviderFieldsFragment,
  type AuthProviderInput,
  AuthProvidersDocument,
  SettingsDocument,
  UpdateAuthProviderDocument,
  UpdateSettingsDocument,
} from "@gatehouse/sdk";
import { Fragment } from "preact";
import { useState } from "preact/hooks";
import { client } from "../api.ts";
import { Dialog } from "../dialog.tsx";
import { ErrorAlert } from "../error-alert.tsx";
import { useLoaded } from "../load.ts";
import { LoadError, Loading } from "../states.tsx";
import { useKeyedSubmit, useSubmit } from "../submit.ts";

type Provider = AuthProviderFieldsFragment;

export function ProvidersPage() {
  // A reload after a save keeps the table on screen (no "Loading…" flash) and leaves the allow-list alone.
  const [load, reload] = useLoaded(() => client.request(AuthProvidersDocument).then((data) => data.authProviders), [], {
    keepOnReload: true,
  });
  const [redirects, reloadRedirects] = useLoaded(
    () => client.request(SettingsDocument).then((data) => data.settings.providerRedirectUrls),
    [],
  );
  const [editing, setEditing] = useState<{ provider?: Provider } | null>(null);
  const [status, setStatus] = useState("");
  // The provider whose Enable / Disable is in flight.
  const { busy: toggling, error: actionError, run } = useKeyedSubmit<string>();

  function setEnabled(provider: Provider, enabled: boolean) {
    setStatus("");
    run(
      provider.name,
      () => client.request(UpdateAuthProviderDocument, { name: provider.name, input: { enabled } }),
      () => {
        setStatus(`${provider.label} is ${enabled ? "enabled" : "disabled"}.`);
        reload();
      },
    );
  }

  return (
    <section aria-labelledby="providers-title">
      <div class="page-head">
        <h1 id="providers-title">Sign-in providers</h1>
        <button type="button" class="primary" onClick={() => setEditing({})}>
          New provider
        </button>
      </div>
      <p class="sr-status" role="status" aria-live="polite">
        {status}
      </p>
      <ErrorAlert message={actionError} />
      {load.state === "loading" && <Loading what="providers" />}
      {load.state === "error" && <LoadError what="providers" message={load.message} onRetry={reload} />}
      {load.state === "ready" && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Provider</th>
                <th scope="col">Kind</th>
                <th scope="col">Status</th>
                <th scope="col">Client id</th>
                <th scope="col">Client secret</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {load.value.map((provider) => (
                <tr key={provider.name} data-provider={provider.name}>
                  <th scope="row" data-label="Provider">
                    {provider.label}
                  {provider.label !== provider.name && <span class="further-roles"> ({provider.name})</span>}
                  </th>
                  <td data-label="Kind">{provider.preset ? "Preset" : "Generic"}</td>
                  <td data-label="Status">{provider.enabled ? "Enabled" : "Disabled"}</td>
                  <td data-label="Client id">{provider.clientId ?? "—"}</td>
                  <td data-label="Client secret">{provider.hasClientSecret ? "set" : "not set"}</td>
                  <td class="row-actions">
                    <button type="button" onClick={() => setEditing({ provider })} aria-label={`Configure ${provider.label}`}>
                      Configure
                    </button>
                    <button
                      type="button"
                      disabled={toggling === provider.name}
                      aria-busy={toggling === provider.name}
                      onClick={() => setEnabled(provider, !provider.enabled)}
                      aria-label={`${provider.enabled ? "Disable" : "Enable"} ${provider.label}`}
                    >
                      {toggling === provider.name ? "Saving…" : provider.enabled ? "Disable" : "Enable"}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {redirects.state === "loading" && <Loading what="the redirect allow-list" />}
      {redirects.state === "error" && <LoadError what="redirect allow-list" message={redirects.message} onRetry={reloadRedirects} />}
      {redirects.state === "ready" && <RedirectUrls saved={redirects.value} />}
      {editing && (
        <ProviderForm
          provider={editing.provider}
          onClose={() => setEditing(null)}
          onSaved={(provider) => {
            setEditing(null);
            setStatus(`${provider.label} was saved.`);
            reload();
          }}
        />
      )}
    </section>
  );
}

/** Scopes as typed: separated by spaces or commas. */
const parseScopes = (text: string) => text.split(/[\s,]+/).filter(Boolean);

const URL_FIELDS = [
  { key: "issuer", label: "Issuer (OpenID Connect)", id: "provider-issuer" },
  { key: "authorizationUrl", label: "Authorization URL", id: "provider-authorization-url" },
  { key: "tokenUrl", label: "Token URL", id: "provider-token-url" },
  { key: "userinfoUrl", label: "User info URL", id: "provider-userinfo-url" },
] as const;
type UrlField = (typeof URL_FIELDS)[number]["key"];

function ProviderForm({ provider, onClose, onSaved }: { provider?: Provider; onClose: () => void; onSaved: (provider: Provider) => void }) {
  const [name, setName] = useState("");
  const [enabled, setEnabled] = useState(provider?.enabled ?? false);
  const [clientId, setClientId] = useState(provider?.clientId ?? "");
  const [clientSecret, setClientSecret] = useState("");
  const [removeSecret, setRemoveSecret] = useState(false);
  const [urls, setUrls] = useState<Record<UrlField, string>>({
    issuer: provider?.issuer ?? "",
    authorizationUrl: provider?.authorizationUrl ?? "",
    tokenUrl: provider?.tokenUrl ?? "",
    userinfoUrl: provider?.userinfoUrl ?? "",
  });
  const initialScopes = (provider?.scopes ?? []).join(" ");
  const [scopes, setScopes] = useState(initialScopes);
  const { busy, error, run } = useSubmit();

  function submit(event: Event) {
    event.preventDefault();
    const input: AuthProviderInput = {};
    if (enabled !== (provider?.enabled ?? false)) input.enabled = enabled;
    if (clientId.trim() !== (provider?.clientId ?? "")) input.clientId = clientId.trim() || null;
    // Write-only: an empty field keeps the stored secret; null removes it.
    if (removeSecret) input.clientSecret = null;
    else if (clientSecret) input.clientSecret = clientSecret;
    for (const { key } of URL_FIELDS) {
      const value = urls[key].trim();
      if (value !== (provider?.[key] ?? "")) input[key] = value || null;
    }
    if (scopes.trim() !== initialScopes) input.scopes = scopes.trim() ? parseScopes(scopes) : null;
    run(
      () => client.request(UpdateAuthProviderDocument, { name: provider?.name ?? name.trim(), input }),
      (data) => onSaved(data.updateAuthProvider),
    );
  }

  return (
    <Dialog title={provider ? `Configure ${provider.label}` : "New provider"} onClose={onClose}>
      <form class="stacked" onSubmit={submit}>
        <ErrorAlert message={error} />
        {!provider && (
          <>
            <label for="provider-name">Name</label>
            <input
              id="provider-name"
              required
              aria-describedby="provider-name-hint"
              value={name}
              onInput={(event) => setName(event.currentTarget.value)}
            />
            <p id="provider-name-hint" class="hint">
              As in /connect/name: lower-case letters, digits, - or _. A preset's name (github, google, …) configures that preset.
            </p>
          </>
        )}
        <label class="check">
          <input type="checkbox" checked={enabled} onChange={(event) => setEnabled(event.currentTarget.checked)} />
          Enabled: users may sign in with it
        </label>
        <label for="provider-client-id">Client id</label>
        <input id="provider-client-id" value={clientId} onInput={(event) => setClientId(event.currentTarget.value)} />
        <label for="provider-client-secret">Client secret</label>
        <input
          id="provider-client-secret"
          type="password"
          autocomplete="new-password"
          aria-describedby="provider-client-secret-hint"
          value={clientSecret}
          disabled={removeSecret}
          onInput={(event) => setClientSecret(event.currentTarget.value)}
        />
        <p id="provider-client-secret-hint" class="hint">
          {provider?.hasClientSecret ? "A secret is set." : "No secret is set."} It is never shown; leave the field empty to keep
          the stored one.
        </p>
        {provider?.hasClientSecret && (
          // An enabled provider needs its secret: the server refuses the removal and says so.
          <label class="check">
            <input type="checkbox" checked={removeSecret} onChange={(event) => setRemoveSecret(event.currentTarget.checked)} />
            Remove the stored secret
          </label>
        )}
        {URL_FIELDS.map((field) => (
          <Fragment key={field.key}>
            <label for={field.id}>{field.label}</label>
            <input
              id={field.id}
              type="url"
              value={urls[field.key]}
              onInput={(event) => setUrls({ ...urls, [field.key]: event.currentTarget.value })}
            />
          </Fragment>
        ))}
        <p class="hint">
          An issuer (discovery, ID token checked) or the three endpoints of a plain OAuth 2 provider. An emptied field falls back
          to the preset's value.
        </p>
        <label for="provider-scopes">Scopes</label>
        <input
          id="provider-scopes"
          aria-describedby="provider-scopes-hint"
          value={scopes}
          onInput={(event) => setScopes(event.currentTarget.value)}
        />
        <p id="provider-scopes-hint" class="hint">
          Separated by spaces; empty for the preset's.
        </p>
        <div class="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy} aria-busy={busy}>
            {busy ? "Saving…" : "Save provider"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/**
 * The front-end URLs a provider sign-in may return to (exact match). Edited as a list and stored with one
 * updateSettings on Save, so removing a URL by mistake is undone by not saving (or by a reload).
 */
function RedirectUrls({ saved: initial }: { saved: string[] }) {
  const [saved, setSaved] = useState(initial);
  const [urls, setUrls] = useState(initial);
  const [adding, setAdding] = useState("");
  const { busy, error, run } = useSubmit();
  const [status, setStatus] = useState("");
  const changed = JSON.stringify(urls) !== JSON.stringify(saved);

  function add(event: Event) {
    event.preventDefault();
    const url = adding.trim();
    if (url && !urls.includes(url)) setUrls([...urls, url]);
    setAdding("");
  }

  function save() {
    setStatus("");
    run(
      () => client.request(UpdateSettingsDocument, { input: { providerRedirectUrls: urls } }),
      ({ updateSettings }) => {
        setSaved(updateSettings.providerRedirectUrls);
        setUrls(updateSettings.providerRedirectUrls);
        setStatus("The redirect URLs were saved.");
      },
    );
  }

  return (
    <section class="card stacked redirect-urls" aria-labelledby="redirect-urls-title">
      <h2 id="redirect-urls-title">Redirect allow-list</h2>
      <p id="redirect-urls-hint" class="hint">
        Front-end pages a provider sign-in may return to, with ?loginCode= or ?error=. A redirect must match one exactly,
        scheme included.
      </p>
      <ErrorAlert message={error} />
      {urls.length === 0 ? (
        <p class="hint">No URL yet: provider sign-in cannot return anywhere.</p>
      ) : (
        <ul class="url-list" aria-label="Allowed redirect URLs">
          {urls.map((url) => (
            <li key={url} data-url={url}>
              <code>{url}</code>
              <button type="button" onClick={() => setUrls(urls.filter((other) => other !== url))} aria-label={`Remove ${url}`}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form class="stacked" onSubmit={add}>
        <label for="redirect-url-new">Redirect URL to add</label>
        <div class="inline-add">
          <input
            id="redirect-url-new"
            type="url"
            aria-describedby="redirect-urls-hint"
            value={adding}
            onInput={(event) => setAdding(event.currentTarget.value)}
          />
          <button type="submit">Add URL</button>
        </div>
      </form>
      <div class="dialog-actions">
        {changed && <span class="hint">Unsaved changes.</span>}
        <button type="button" class="primary" onClick={save} disabled={busy || !changed} aria-busy={busy}>
          {busy ? "Saving…" : "Save redirect URLs"}
        </button>
      </div>
      <p class="status-line" role="status" aria-live="polite">
        {status}
      </p>
    </section>
  );
}
