/**
 * ACL rules, LoopBack style: the stored list (resource, access type, principal, permission) with create
 * and delete after a confirmation, and "who may call this field?", which asks the server to decide a
 * field for a user of every role and for every user a rule names. The defaults in code are not listed
 * as rules; the check shows them where they decide.
 */
import {
  type AclPermission,
  type AclPrincipalType,
  type AclRuleFieldsFragment,
  AclRulesDocument,
  CreateAclRuleDocument,
  DeleteAclRuleDocument,
  FieldAccessDocument,
  type FieldAccessQuery,
  MyPermissionsDocument,
  RolesDocument,
} from "@gatehouse/sdk";
import { useState } from "preact/hooks";
import { client } from "../api.ts";
import { ConfirmDialog, Dialog } from "../dialog.tsx";
import { ErrorAlert } from "../error-alert.tsx";
import { useLoaded } from "../load.ts";
import { LoadError, Loading } from "../states.tsx";
import { useSubmit } from "../submit.ts";
import { decisionLabel, sourceLabel } from "./role-permissions.tsx";

type Rule = AclRuleFieldsFragment;

const DYNAMIC_ROLES = ["$everyone", "$authenticated", "$unauthenticated", "$owner"];

export function AclRulesPage() {
  // The admin may use every guarded field, so their permissions name them all: the resource suggestions.
  const [loaded, reload] = useLoaded(
    () =>
      Promise.all([client.request(AclRulesDocument), client.request(RolesDocument), client.request(MyPermissionsDocument)]).then(
        ([rules, roles, permissions]) => ({
          rules: rules.aclRules,
          principals: [...roles.roles.map((role) => role.type), ...DYNAMIC_ROLES],
          resources: [...new Set(permissions.myPermissions.map((permission) => permission.resource))],
        }),
      ),
    [],
  );
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<Rule | null>(null);
  const [status, setStatus] = useState("");

  return (
    <section aria-labelledby="rules-title">
      <div class="page-head">
        <h1 id="rules-title">ACL rules</h1>
        <button type="button" class="primary" onClick={() => setCreating(true)} disabled={loaded.state !== "ready"}>
          New rule
        </button>
      </div>
      <p class="hint">
        The most specific rule whose principal the caller holds decides; at equal precision DENY wins; no rule means
        refused. Defaults in code (each field's own, and everything for admins) are not listed.
      </p>
      <p class="sr-status" role="status" aria-live="polite">
        {status}
      </p>
      {loaded.state === "loading" && <Loading what="rules" />}
      {loaded.state === "error" && <LoadError what="rules" message={loaded.message} onRetry={reload} />}
      {loaded.state === "ready" && loaded.value.rules.length === 0 && (
        <div class="empty">
          <p>No rule is stored: the defaults in code decide everything.</p>
        </div>
      )}
      {loaded.state === "ready" && loaded.value.rules.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Resource</th>
                <th scope="col">Access type</th>
                <th scope="col">Principal</th>
                <th scope="col">Permission</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {loaded.value.rules.map((rule) => (
                <tr key={rule.id} data-rule={rule.id}>
                  <th scope="row" data-label="Resource">
                    <code>{rule.resource}</code>
                  </th>
                  <td data-label="Access type">{rule.accessType}</td>
                  <td data-label="Principal">
                    {rule.principalType === "USER" ? "user " : "role "}
                    <code>{rule.principalId}</code>
                  </td>
                  <td data-label="Permission">{rule.permission}</td>
                  <td class="row-actions">
                    <button type="button" class="danger" onClick={() => setDeleting(rule)} aria-label={`Delete rule ${rule.id}`}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {loaded.state === "ready" && <WhoMay resources={loaded.value.resources} />}
      {loaded.state === "ready" && (
        <datalist id="guarded-resources">
          {loaded.value.resources.map((resource) => (
            <option key={resource} value={resource} />
          ))}
        </datalist>
      )}
      {creating && loaded.state === "ready" && (
        <RuleForm
          principals={loaded.value.principals}
          onClose={() => setCreating(false)}
          onCreated={(rule) => {
            setCreating(false);
            setStatus(`The rule on ${rule.resource} was created.`);
            reload();
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title="Delete this rule?"
          confirmLabel="Delete rule"
          busyLabel="Deleting…"
          action={() => client.request(DeleteAclRuleDocument, { id: deleting.id })}
          onClose={() => setDeleting(null)}
          onDone={() => {
            setStatus(`The rule on ${deleting.resource} was deleted.`);
            setDeleting(null);
            reload();
          }}
        >
          <p>
            {deleting.permission} <code>{deleting.resource}</code> ({deleting.accessType}) for{" "}
            {deleting.principalType === "USER" ? "user" : "role"} <code>{deleting.principalId}</code>. It stops applying from
            the next request.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function RuleForm({ principals, onClose, onCreated }: { principals: string[]; onClose: () => void; onCreated: (rule: Rule) => void }) {
  const [resource, setResource] = useState("");
  const [accessType, setAccessType] = useState("*");
  const [principalType, setPrincipalType] = useState<AclPrincipalType>("ROLE");
  const [principalId, setPrincipalId] = useState("");
  const [permission, setPermission] = useState<AclPermission>("ALLOW");
  const { busy, error, run } = useSubmit();

  function submit(event: Event) {
    event.preventDefault();
    run(
      () => client.request(CreateAclRuleDocument, { data: { resource, accessType, principalType, principalId, permission } }),
      ({ createAclRule }) => onCreated(createAclRule),
    );
  }

  return (
    <Dialog title="New rule" onClose={onClose}>
      <form class="stacked" onSubmit={submit}>
        <ErrorAlert message={error} />
        <label for="rule-resource">Resource</label>
        <input
          id="rule-resource"
          required
          list="guarded-resources"
          aria-describedby="rule-resource-hint"
          value={resource}
          onInput={(event) => setResource(event.currentTarget.value)}
        />
        <p id="rule-resource-hint" class="hint">
          A schema coordinate (Query.users, User.email), Type.* or *.
        </p>
        <label for="rule-access">Access type</label>
        <select id="rule-access" value={accessType} onChange={(event) => setAccessType(event.currentTarget.value)}>
          {["*", "READ", "WRITE", "EXECUTE"].map((value) => (
            <option key={value} value={value}>
              {value}
            </option>
          ))}
        </select>
        <label for="rule-principal-type">Principal type</label>
        <select
          id="rule-principal-type"
          value={principalType}
          onChange={(event) => setPrincipalType(event.currentTarget.value as AclPrincipalType)}
        >
          <option value="ROLE">Role</option>
          <option value="USER">User (by id)</option>
        </select>
        <label for="rule-principal">Principal</label>
        <input
          id="rule-principal"
          required
          list={principalType === "ROLE" ? "rule-principals" : undefined}
          value={principalId}
          onInput={(event) => setPrincipalId(event.currentTarget.value)}
        />
        <datalist id="rule-principals">
          {principals.map((principal) => (
            <option key={principal} value={principal} />
          ))}
        </datalist>
        <label for="rule-permission">Permission</label>
        <select id="rule-permission" value={permission} onChange={(event) => setPermission(event.currentTarget.value as AclPermission)}>
          <option value="ALLOW">ALLOW</option>
          <option value="DENY">DENY</option>
        </select>
        <div class="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy} aria-busy={busy}>
            {busy ? "Creating…" : "Create rule"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

type Answer = FieldAccessQuery["fieldAccess"];

function WhoMay({ resources }: { resources: string[] }) {
  const [resource, setResource] = useState("");
  const [asked, setAsked] = useState<{ resource: string; answer: Answer } | null>(null);
  const { busy, error, run } = useSubmit();

  function ask(event: Event) {
    event.preventDefault();
    run(
      () =>
        client.request(FieldAccessDocument, { resource: resource.trim() }).catch((caught: unknown) => {
          // The previous answer stays while asking, but not beside a refusal about another field.
          setAsked(null);
          throw caught;
        }),
      ({ fieldAccess }) => setAsked({ resource: resource.trim(), answer: fieldAccess }),
    );
  }

  return (
    <section class="card who-may" aria-labelledby="who-may-title">
      <h2 id="who-may-title">Who may call this field?</h2>
      <form class="inline-form" onSubmit={ask}>
        <label for="who-may-resource">Field</label>
        <input
          id="who-may-resource"
          required
          list="guarded-resources"
          placeholder={resources[0] ?? "Query.users"}
          value={resource}
          onInput={(event) => setResource(event.currentTarget.value)}
        />
        <button type="submit" disabled={busy} aria-busy={busy}>
          {busy ? "Checking…" : "Check"}
        </button>
      </form>
      <ErrorAlert message={error} />
      {asked && (
        <div class="table-wrap">
          <table aria-label={`Who may call ${asked.resource}`}>
            <thead>
              <tr>
                <th scope="col">Who</th>
                <th scope="col">Decision</th>
                <th scope="col">Decided by</th>
              </tr>
            </thead>
            <tbody>
              {asked.answer.map((entry) => (
                <tr key={`${entry.principalType} ${entry.principalId}`} data-principal={`${entry.principalType} ${entry.principalId}`} data-decision={entry.scope ?? "REFUSED"}>
                  <th scope="row" data-label="Who">
                    {entry.principalType === "ROLE" ? `Users of ${entry.name}` : `User ${entry.name}`}
                  </th>
                  <td data-label="Decision">{decisionLabel(entry)}</td>
                  <td data-label="Decided by">{sourceLabel(entry)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
