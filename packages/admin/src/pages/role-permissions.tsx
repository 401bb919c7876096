/**
 * A role's permission matrix, as Strapi's: every guarded field grouped by type (downstream subgraphs'
 * fields too, in gateway mode), a tick for "allowed on any record", the effective decision for a user
 * of the role and where it comes from. A tick is saved at once with setRolePermission, which stores,
 * flips or drops the role's own rule; a refusal (another rule decides first) shows the server's message
 * and the tick goes back.
 */
import { type RolePermissionsQuery, RolePermissionsDocument, RoleDocument, SetRolePermissionDocument } from "@gatehouse/sdk";
import { useState } from "preact/hooks";
import { client, errorMessage } from "../api.ts";
import { ErrorAlert } from "../error-alert.tsx";
import { useLoaded } from "../load.ts";
import { BASE, onLinkClick } from "../router.ts";
import { LoadError, Loading } from "../states.tsx";
import { useKeyedSubmit } from "../submit.ts";

type Cell = RolePermissionsQuery["rolePermissions"][number];

/** The tick being saved: shown as ticked (or not) until the server answers. */
interface Saving {
  key: string;
  allowed: boolean;
}

/** How a decision reads in the table. */
export function decisionLabel(cell: Pick<Cell, "scope">): string {
  return cell.scope === "ALL" ? "Allowed" : cell.scope === "OWN" ? "Own records only" : "Refused";
}

/** Where a decision comes from, for people. */
export function sourceLabel(cell: Pick<Cell, "source" | "rule">): string {
  const rule = cell.rule;
  if (!rule) return "No rule (refused by default)";
  const who = `${rule.principalType === "USER" ? "user " : ""}${rule.principalId}`;
  return cell.source === "STORED" ? `Stored rule #${rule.storedRuleId}: ${rule.permission} ${who}` : `Default: ${rule.permission} ${who}`;
}

export function RolePermissionsPage({ roleId }: { roleId: string }) {
  const [loaded, reload, replace] = useLoaded(
    () =>
      Promise.all([client.request(RoleDocument, { id: roleId }), client.request(RolePermissionsDocument, { roleId })]).then(
        ([role, matrix]) => ({ role: role.role, cells: matrix.rolePermissions }),
      ),
    [roleId],
  );
  const [filter, setFilter] = useState("");
  // The tick being saved, and the value it is being set to.
  const { busy: saving, error, run } = useKeyedSubmit<Saving>();
  const [status, setStatus] = useState("");

  function toggle(cell: Cell, allowed: boolean) {
    if (loaded.state !== "ready") return;
    const key = `${cell.accessType} ${cell.resource}`;
    const matrix = loaded.value;
    setStatus("");
    run(
      { key, allowed },
      () =>
        client.request(SetRolePermissionDocument, { roleId, resource: cell.resource, accessType: cell.accessType, allowed }).catch((caught: unknown) => {
          // Among a hundred ticks, the message names the field it is about.
          throw new Error(`${cell.resource}: ${errorMessage(caught)}`);
        }),
      ({ setRolePermission }) => {
        const cells = matrix.cells.map((other) => (`${other.accessType} ${other.resource}` === key ? setRolePermission : other));
        replace({ ...matrix, cells });
        setStatus(`${cell.resource} is now ${decisionLabel(setRolePermission).toLowerCase()} for ${matrix.role?.name}.`);
      },
    );
  }

  const title = loaded.state === "ready" && loaded.value.role ? `Permissions of ${loaded.value.role.name}` : "Permissions";
  return (
    <section aria-labelledby="permissions-title">
      <p>
        <a href={`${BASE}/roles`} onClick={onLinkClick("/roles")}>
          ← Roles
        </a>
      </p>
      <h1 id="permissions-title">{title}</h1>
      <p class="hint">
        A tick allows the field on any record to users of this role. What users of the role may do also depends on the
        rules for every signed-in user and on the defaults in code; the last columns say what decides.
      </p>
      <p class="sr-status" role="status" aria-live="polite">
        {status}
      </p>
      <ErrorAlert message={error} />
      {loaded.state === "loading" && <Loading what="permissions" />}
      {loaded.state === "error" && <LoadError what="permissions" message={loaded.message} onRetry={reload} />}
      {loaded.state === "ready" && !loaded.value.role && (
        <div class="empty">
          <p>There is no such role.</p>
        </div>
      )}
      {loaded.state === "ready" && loaded.value.role && (
        <>
          <div class="filters">
            <div class="field grow">
            <label for="permission-filter">Filter fields</label>
            <input
              id="permission-filter"
              type="search"
              value={filter}
              placeholder="users, Mutation…"
              onInput={(event) => setFilter(event.currentTarget.value)}
            />
            </div>
          </div>
          <Matrix cells={loaded.value.cells} filter={filter} saving={saving} onToggle={toggle} />
        </>
      )}
    </section>
  );
}

function Matrix({
  cells,
  filter,
  saving,
  onToggle,
}: {
  cells: Cell[];
  filter: string;
  saving: Saving | null;
  onToggle: (cell: Cell, allowed: boolean) => void;
}) {
  const needle = filter.trim().toLowerCase();
  const shown = cells.filter((cell) => !needle || cell.resource.toLowerCase().includes(needle));
  if (shown.length === 0) {
    return (
      <div class="empty">
        <p>No field matches “{filter}”.</p>
      </div>
    );
  }
  const groups = [...new Set(shown.map((cell) => cell.typeName))];
  return (
    <>
      {groups.map((typeName) => (
        <div class="table-wrap matrix" key={typeName}>
          <table aria-labelledby={`group-${typeName}`}>
            <caption id={`group-${typeName}`}>{typeName}</caption>
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">Allow</th>
                <th scope="col">Decision</th>
                <th scope="col">Decided by</th>
              </tr>
            </thead>
            <tbody>
              {shown
                .filter((cell) => cell.typeName === typeName)
                .map((cell) => {
                  const key = `${cell.accessType} ${cell.resource}`;
                  const busy = saving?.key === key;
                  return (
                    <tr key={key} data-resource={cell.resource} data-decision={cell.scope ?? "REFUSED"} aria-busy={busy}>
                      <th scope="row" data-label="Field">
                        <code>{cell.fieldName}</code>
                        {cell.downstream && <span class="badge">subgraph</span>}
                        {cell.accessType !== "READ" && <span class="badge">{cell.accessType}</span>}
                      </th>
                      <td data-label="Allow">
                        <input
                          type="checkbox"
                          aria-label={`Allow ${cell.resource}`}
                          checked={busy ? saving.allowed : cell.allowed}
                          disabled={saving !== null}
                          onChange={(event) => onToggle(cell, event.currentTarget.checked)}
                        />
                        {busy && <span class="hint"> Saving…</span>}
                      </td>
                      <td data-label="Decision">{decisionLabel(cell)}</td>
                      <td data-label="Decided by">{sourceLabel(cell)}</td>
                    </tr>
                  );
                })}
            </tbody>
          </table>
        </div>
      ))}
    </>
  );
}
