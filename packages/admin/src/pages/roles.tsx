/**
 * Roles: the list, create (name, description, optional type slug), edit name and description, delete a
 * custom role after a confirmation (its users move to the default role, as the API does). The built-in
 * roles (public, authenticated, admin) are refused by the server, whose message is shown.
 */
import { CreateRoleDocument, DeleteRoleDocument, type RoleFieldsFragment, RolesDocument, UpdateRoleDocument } from "@gatehouse/sdk";
import { useState } from "preact/hooks";
import { client } from "../api.ts";
import { ConfirmDialog, Dialog } from "../dialog.tsx";
import { ErrorAlert } from "../error-alert.tsx";
import { useLoaded } from "../load.ts";
import { BASE, onLinkClick } from "../router.ts";
import { LoadError, Loading } from "../states.tsx";
import { useSubmit } from "../submit.ts";

type Role = RoleFieldsFragment;

export function RolesPage() {
  const [list, reload] = useLoaded(() => client.request(RolesDocument).then((data) => data.roles), []);
  const [editing, setEditing] = useState<{ role?: Role } | null>(null);
  const [deleting, setDeleting] = useState<Role | null>(null);
  const [status, setStatus] = useState("");

  return (
    <section aria-labelledby="roles-title">
      <div class="page-head">
        <h1 id="roles-title">Roles</h1>
        <button type="button" class="primary" onClick={() => setEditing({})}>
          New role
        </button>
      </div>
      <p class="sr-status" role="status" aria-live="polite">
        {status}
      </p>
      {list.state === "loading" && <Loading what="roles" />}
      {list.state === "error" && <LoadError what="roles" message={list.message} onRetry={reload} />}
      {list.state === "ready" && list.value.length === 0 && (
        <div class="empty">
          <p>There are no roles.</p>
        </div>
      )}
      {list.state === "ready" && list.value.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Description</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.value.map((role) => (
                <tr key={role.id} data-role={role.type ?? role.name}>
                  <th scope="row" data-label="Name">
                    {role.name}
                  </th>
                  <td data-label="Type">{role.type ?? "—"}</td>
                  <td data-label="Description">{role.description || "—"}</td>
                  <td class="row-actions">
                    <a class="button" href={`${BASE}/roles/${role.id}/permissions`} onClick={onLinkClick(`/roles/${role.id}/permissions`)} aria-label={`Permissions of ${role.name}`}>
                      Permissions
                    </a>
                    <button type="button" onClick={() => setEditing({ role })} aria-label={`Edit ${role.name}`}>
                      Edit
                    </button>
                    <button type="button" class="danger" onClick={() => setDeleting(role)} aria-label={`Delete ${role.name}`}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing && (
        <RoleForm
          role={editing.role}
          onClose={() => setEditing(null)}
          onSaved={(role) => {
            setEditing(null);
            setStatus(`${role.name} was saved.`);
            reload();
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete ${deleting.name}?`}
          confirmLabel="Delete role"
          busyLabel="Deleting…"
          action={() => client.request(DeleteRoleDocument, { id: deleting.id })}
          onClose={() => setDeleting(null)}
          onDone={() => {
            setStatus(`${deleting.name} was deleted.`);
            setDeleting(null);
            reload();
          }}
        >
          <p>Its users move to the default role.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function RoleForm({ role, onClose, onSaved }: { role?: Role; onClose: () => void; onSaved: (role: Role) => void }) {
  const [name, setName] = useState(role?.name ?? "");
  const [type, setType] = useState("");
  const [description, setDescription] = useState(role?.description ?? "");
  const { busy, error, run } = useSubmit();

  function submit(event: Event) {
    event.preventDefault();
    run(async () => {
      if (role) {
        const data = await client.request(UpdateRoleDocument, { id: role.id, data: { name, description } });
        return data.updateRole;
      }
      const data = await client.request(CreateRoleDocument, { data: { name, description, ...(type ? { type } : {}) } });
      return data.createRole;
    }, onSaved);
  }

  return (
    <Dialog title={role ? `Edit ${role.name}` : "New role"} onClose={onClose}>
      <form class="stacked" onSubmit={submit}>
        <ErrorAlert message={error} />
        <label for="role-name">Name</label>
        <input id="role-name" required value={name} onInput={(event) => setName(event.currentTarget.value)} />
        {!role && (
          <>
            <label for="role-type">Type (optional)</label>
            <input
              id="role-type"
              aria-describedby="role-type-hint"
              value={type}
              onInput={(event) => setType(event.currentTarget.value)}
            />
            <p id="role-type-hint" class="hint">
              The slug ACL rules use; derived from the name when empty.
            </p>
          </>
        )}
        <label for="role-description">Description</label>
        <textarea id="role-description" rows={3} value={description} onInput={(event) => setDescription(event.currentTarget.value)} />
        <div class="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy} aria-busy={busy}>
            {busy ? "Saving…" : role ? "Save" : "Create role"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
