/**
 * Users: the list with search, filters (role, blocked, confirmed) and pages of PAGE_SIZE; create (the
 * server's createUser), edit, block and unblock, delete after a confirmation.
 */
import {
  CreateUserDocument,
  DeleteUserDocument,
  type RoleFieldsFragment,
  RolesDocument,
  UpdateUserDocument,
  type UserFieldsFragment,
  type UsersFilter,
  UsersDocument,
} from "@gatehouse/sdk";
import { useEffect, useState } from "preact/hooks";
import { client, errorMessage } from "../api.ts";
import { Dialog } from "../dialog.tsx";

export const PAGE_SIZE = 20;

type User = UserFieldsFragment;
type Role = RoleFieldsFragment;
type Tristate = "" | "yes" | "no";

interface Filters {
  text: string;
  role: string;
  blocked: Tristate;
  confirmed: Tristate;
}

const NO_FILTERS: Filters = { text: "", role: "", blocked: "", confirmed: "" };
const asBoolean = (value: Tristate) => (value === "" ? undefined : value === "yes");

function toFilter(filters: Filters): UsersFilter {
  const filter: UsersFilter = {};
  if (filters.text.trim()) filter.text = filters.text.trim();
  if (filters.role) filter.role = filters.role;
  const blocked = asBoolean(filters.blocked);
  if (blocked !== undefined) filter.blocked = blocked;
  const confirmed = asBoolean(filters.confirmed);
  if (confirmed !== undefined) filter.confirmed = confirmed;
  return filter;
}

type ListState =
  | { state: "loading" }
  | { state: "error"; message: string }
  | { state: "ready"; users: User[]; totalCount: number };

type Editing = { mode: "create" } | { mode: "edit"; user: User };

export function UsersPage() {
  const [roles, setRoles] = useState<Role[]>([]);
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [offset, setOffset] = useState(0);
  const [list, setList] = useState<ListState>({ state: "loading" });
  const [reloads, setReloads] = useState(0);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [deleting, setDeleting] = useState<User | null>(null);
  const [status, setStatus] = useState<string>("");
  const [actionError, setActionError] = useState<string | null>(null);
  const [busyUserId, setBusyUserId] = useState<string | null>(null);

  useEffect(() => {
    client.request(RolesDocument).then(
      (data) => setRoles(data.roles),
      () => setRoles([]),
    );
  }, []);

  useEffect(() => {
    let current = true;
    setList({ state: "loading" });
    client.request(UsersDocument, { first: PAGE_SIZE, offset, filter: toFilter(filters) }).then(
      (data) => current && setList({ state: "ready", users: data.users.nodes, totalCount: data.users.totalCount }),
      (error) => current && setList({ state: "error", message: errorMessage(error) }),
    );
    return () => {
      current = false;
    };
  }, [filters, offset, reloads]);

  const reload = () => setReloads((count) => count + 1);

  function applyFilters(next: Filters) {
    setDraft(next);
    setFilters(next);
    setOffset(0);
  }

  async function setBlocked(user: User, blocked: boolean) {
    setBusyUserId(user.id);
    setActionError(null);
    try {
      await client.request(UpdateUserDocument, { id: user.id, data: { blocked } });
      setStatus(`${user.username} is ${blocked ? "blocked" : "unblocked"}.`);
      reload();
    } catch (error) {
      setActionError(errorMessage(error));
    } finally {
      setBusyUserId(null);
    }
  }

  const hasFilters = JSON.stringify(filters) !== JSON.stringify(NO_FILTERS);

  return (
    <section aria-labelledby="users-title">
      <div class="page-head">
        <h1 id="users-title">Users</h1>
        <button type="button" class="primary" onClick={() => setEditing({ mode: "create" })}>
          New user
        </button>
      </div>

      <form
        class="filters"
        role="search"
        aria-label="Filter users"
        onSubmit={(event) => {
          event.preventDefault();
          applyFilters(draft);
        }}
      >
        <div class="field grow">
          <label for="filter-text">Search</label>
          <input
            id="filter-text"
            type="search"
            placeholder="Username or email"
            value={draft.text}
            onInput={(event) => setDraft({ ...draft, text: event.currentTarget.value })}
          />
        </div>
        <div class="field">
          <label for="filter-role">Role</label>
          <select
            id="filter-role"
            value={draft.role}
            onChange={(event) => applyFilters({ ...draft, role: event.currentTarget.value })}
          >
            <option value="">Any role</option>
            {roles.map((role) => (
              <option key={role.id} value={role.id}>
                {role.name}
              </option>
            ))}
          </select>
        </div>
        <TristateSelect
          id="filter-blocked"
          label="Blocked"
          yes="Blocked"
          no="Not blocked"
          value={draft.blocked}
          onChange={(blocked) => applyFilters({ ...draft, blocked })}
        />
        <TristateSelect
          id="filter-confirmed"
          label="Confirmed"
          yes="Confirmed"
          no="Not confirmed"
          value={draft.confirmed}
          onChange={(confirmed) => applyFilters({ ...draft, confirmed })}
        />
        <div class="field actions">
          <button type="submit">Search</button>
          {hasFilters && (
            <button type="button" onClick={() => applyFilters(NO_FILTERS)}>
              Clear
            </button>
          )}
        </div>
      </form>

      <p class="sr-status" role="status" aria-live="polite">
        {status}
      </p>
      {actionError && (
        <p class="error" role="alert">
          {actionError}
        </p>
      )}

      {list.state === "loading" && (
        <p class="loading" role="status" aria-busy="true">
          Loading users…
        </p>
      )}
      {list.state === "error" && (
        <div class="error" role="alert">
          <p>The users could not be loaded: {list.message}</p>
          <button type="button" onClick={reload}>
            Try again
          </button>
        </div>
      )}
      {list.state === "ready" && list.users.length === 0 && (
        <div class="empty">
          <p>{hasFilters ? "No user matches these filters." : "There are no users yet."}</p>
        </div>
      )}
      {list.state === "ready" && list.users.length > 0 && (
        <>
          <div class="table-wrap">
            <table>
              <caption class="visually-hidden">Users, page {Math.floor(offset / PAGE_SIZE) + 1}</caption>
              <thead>
                <tr>
                  <th scope="col">Username</th>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Confirmed</th>
                  <th scope="col">Blocked</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.users.map((user) => (
                  <tr key={user.id} data-user={user.username}>
                    <th scope="row" data-label="Username">
                      {user.username}
                    </th>
                    <td data-label="Email">{user.email ?? "—"}</td>
                    <td data-label="Role">{user.role?.name ?? "—"}</td>
                    <td data-label="Confirmed">{user.confirmed ? "Yes" : "No"}</td>
                    <td data-label="Blocked">{user.blocked ? "Yes" : "No"}</td>
                    <td class="row-actions">
                      <button type="button" onClick={() => setEditing({ mode: "edit", user })} aria-label={`Edit ${user.username}`}>
                        Edit
                      </button>
                      <button
                        type="button"
                        disabled={busyUserId === user.id}
                        aria-busy={busyUserId === user.id}
                        onClick={() => setBlocked(user, !user.blocked)}
                        aria-label={`${user.blocked ? "Unblock" : "Block"} ${user.username}`}
                      >
                        {user.blocked ? "Unblock" : "Block"}
                      </button>
                      <button type="button" class="danger" onClick={() => setDeleting(user)} aria-label={`Delete ${user.username}`}>
                        Delete
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav class="pager" aria-label="Pages">
            <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
              Previous
            </button>
            <span>
              {offset + 1}–{offset + list.users.length} of {list.totalCount}
            </span>
            <button
              type="button"
              disabled={offset + list.users.length >= list.totalCount}
              onClick={() => setOffset(offset + PAGE_SIZE)}
            >
              Next
            </button>
          </nav>
        </>
      )}

      {editing && (
        <UserForm
          editing={editing}
          roles={roles}
          onClose={() => setEditing(null)}
          onSaved={(user) => {
            setEditing(null);
            setStatus(editing.mode === "create" ? `${user.username} was created.` : `${user.username} was saved.`);
            reload();
          }}
        />
      )}
      {deleting && (
        <ConfirmDelete
          user={deleting}
          onClose={() => setDeleting(null)}
          onDeleted={() => {
            setStatus(`${deleting.username} was deleted.`);
            setDeleting(null);
            reload();
          }}
        />
      )}
    </section>
  );
}

function TristateSelect(props: {
  id: string;
  label: string;
  yes: string;
  no: string;
  value: Tristate;
  onChange: (value: Tristate) => void;
}) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} onChange={(event) => props.onChange(event.currentTarget.value as Tristate)}>
        <option value="">Any</option>
        <option value="yes">{props.yes}</option>
        <option value="no">{props.no}</option>
      </select>
    </div>
  );
}

function UserForm({
  editing,
  roles,
  onClose,
  onSaved,
}: {
  editing: Editing;
  roles: Role[];
  onClose: () => void;
  onSaved: (user: User) => void;
}) {
  const existing = editing.mode === "edit" ? editing.user : undefined;
  const [username, setUsername] = useState(existing?.username ?? "");
  const [email, setEmail] = useState(existing?.email ?? "");
  const [password, setPassword] = useState("");
  const [roleId, setRoleId] = useState(existing?.role?.id ?? "");
  const [confirmed, setConfirmed] = useState(existing?.confirmed ?? false);
  const [blocked, setBlocked] = useState(existing?.blocked ?? false);
  const [profile, setProfile] = useState(JSON.stringify(existing?.profile ?? {}, null, 2));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: Event) {
    event.preventDefault();
    setError(null);
    let profileValue: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(profile || "{}");
      if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
      profileValue = parsed as Record<string, unknown>;
    } catch {
      setError("Profile fields must be a JSON object, such as {\"city\": \"Lyon\"}.");
      return;
    }
    setBusy(true);
    try {
      if (existing) {
        const data = await client.request(UpdateUserDocument, {
          id: existing.id,
          data: { username, email, confirmed, blocked, profile: profileValue, ...(roleId ? { primaryRoleId: roleId } : {}) },
        });
        onSaved(data.updateUser);
      } else {
        const data = await client.request(CreateUserDocument, {
          data: {
            username,
            email,
            confirmed,
            blocked,
            profile: profileValue,
            ...(password ? { password } : {}),
            ...(roleId ? { role: roleId } : {}),
          },
        });
        onSaved(data.createUser);
      }
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog title={existing ? `Edit ${existing.username}` : "New user"} onClose={onClose}>
      <form class="stacked" onSubmit={submit}>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <label for="user-username">Username</label>
        <input id="user-username" required value={username} onInput={(event) => setUsername(event.currentTarget.value)} />
        <label for="user-email">Email</label>
        <input id="user-email" type="email" required value={email} onInput={(event) => setEmail(event.currentTarget.value)} />
        {!existing && (
          <>
            <label for="user-password">Password</label>
            <input
              id="user-password"
              type="password"
              autocomplete="new-password"
              aria-describedby="user-password-hint"
              value={password}
              onInput={(event) => setPassword(event.currentTarget.value)}
            />
            <p id="user-password-hint" class="hint">
              Leave empty to email the user a link to choose one.
            </p>
          </>
        )}
        <label for="user-role">Role</label>
        <select id="user-role" value={roleId} onChange={(event) => setRoleId(event.currentTarget.value)}>
          {!existing && <option value="">Default role</option>}
          {roles.map((role) => (
            <option key={role.id} value={role.id}>
              {role.name}
            </option>
          ))}
        </select>
        <label class="check">
          <input type="checkbox" checked={confirmed} onChange={(event) => setConfirmed(event.currentTarget.checked)} />
          Email confirmed
        </label>
        <label class="check">
          <input type="checkbox" checked={blocked} onChange={(event) => setBlocked(event.currentTarget.checked)} />
          Blocked (also ends the user's sessions)
        </label>
        <label for="user-profile">Profile fields (JSON)</label>
        <textarea id="user-profile" rows={4} value={profile} onInput={(event) => setProfile(event.currentTarget.value)} />
        <div class="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy} aria-busy={busy}>
            {busy ? "Saving…" : existing ? "Save" : "Create user"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function ConfirmDelete({ user, onClose, onDeleted }: { user: User; onClose: () => void; onDeleted: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await client.request(DeleteUserDocument, { id: user.id });
      onDeleted();
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog title={`Delete ${user.username}?`} onClose={onClose}>
      <p>The account, its sessions and its role assignments are deleted. This cannot be undone.</p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="dialog-actions">
        <button type="button" onClick={onClose} autofocus>
          Cancel
        </button>
        <button type="button" class="danger" onClick={confirm} disabled={busy} aria-busy={busy}>
          {busy ? "Deleting…" : "Delete user"}
        </button>
      </div>
    </Dialog>
  );
}
