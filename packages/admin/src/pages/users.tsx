/**
 * Users: the list with search, filters (role, blocked, confirmed) and pages of PAGE_SIZE; create (the
 * server's createUser), edit (and in the edit dialog, further roles: assignRole / unassignRole, applied at
 * once), block and unblock, unlock (lifts a failed sign-in lockout), revoke every session and delete, both
 * after a confirmation.
 */
import {
  AssignRoleDocument,
  CreateUserDocument,
  DeleteUserDocument,
  RevokeUserSessionsDocument,
  type RoleFieldsFragment,
  RolesDocument,
  UnassignRoleDocument,
  UnlockUserDocument,
  UpdateUserDocument,
  UserDocument,
  type UserFieldsFragment,
  type UsersFilter,
  UsersDocument,
} from "@gatehouse/sdk";
import { useState } from "preact/hooks";
import { client } from "../api.ts";
import { ConfirmDialog, Dialog } from "../dialog.tsx";
import { ErrorAlert } from "../error-alert.tsx";
import { useLoaded } from "../load.ts";
import { Pager } from "../pager.tsx";
import { LoadError, Loading } from "../states.tsx";
import { useKeyedSubmit, useSubmit } from "../submit.ts";

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

type Editing = { mode: "create" } | { mode: "edit"; user: User };
/** A destructive action waiting for its confirmation. */
type Confirming = { kind: "delete" | "revokeSessions"; user: User };
/** A row action in flight: its button is disabled and says so. */
type RowBusy = { userId: string; action: "block" | "unlock" };

/** The user's roles beyond the primary one. */
const furtherRoles = (user: Pick<User, "role" | "roles">) => user.roles.filter((role) => role.id !== user.role.id);

export function UsersPage() {
  // The role filter's and the user form's choices: until they arrive, or if they cannot be loaded, no role
  // is offered and the list works without them.
  const [roleChoices] = useLoaded(() => client.request(RolesDocument).then((data) => data.roles), []);
  const roles: Role[] = roleChoices.state === "ready" ? roleChoices.value : [];
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [offset, setOffset] = useState(0);
  const [list, reload] = useLoaded(
    () => client.request(UsersDocument, { first: PAGE_SIZE, offset, filter: toFilter(filters) }).then((data) => data.users),
    [filters, offset],
  );
  const [editing, setEditing] = useState<Editing | null>(null);
  const [confirming, setConfirming] = useState<Confirming | null>(null);
  const [status, setStatus] = useState<string>("");
  const { busy: rowBusy, error: actionError, run } = useKeyedSubmit<RowBusy>();

  function applyFilters(next: Filters) {
    setDraft(next);
    setFilters(next);
    setOffset(0);
  }

  function runRowAction(user: User, action: RowBusy["action"], request: () => Promise<unknown>, done: string) {
    setStatus("");
    run({ userId: user.id, action }, request, () => {
      setStatus(done);
      reload();
    });
  }

  const setBlocked = (user: User, blocked: boolean) =>
    runRowAction(
      user,
      "block",
      () => client.request(UpdateUserDocument, { id: user.id, data: { blocked } }),
      `${user.username} is ${blocked ? "blocked" : "unblocked"}.`,
    );
  const unlock = (user: User) =>
    runRowAction(
      user,
      "unlock",
      () => client.request(UnlockUserDocument, { id: user.id }),
      `${user.username} is unlocked: they may sign in again from every address.`,
    );
  const isBusy = (user: User, action: RowBusy["action"]) => rowBusy?.userId === user.id && rowBusy.action === action;

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
      <ErrorAlert message={actionError} />

      {list.state === "loading" && <Loading what="users" />}
      {list.state === "error" && <LoadError what="users" message={list.message} onRetry={reload} />}
      {list.state === "ready" && list.value.nodes.length === 0 && (
        <div class="empty">
          <p>{hasFilters ? "No user matches these filters." : "There are no users yet."}</p>
        </div>
      )}
      {list.state === "ready" && list.value.nodes.length > 0 && (
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
                {list.value.nodes.map((user) => (
                  <tr key={user.id} data-user={user.username}>
                    <th scope="row" data-label="Username">
                      {user.username}
                    </th>
                    <td data-label="Email">{user.email ?? "—"}</td>
                    <td data-label="Role">
                      {user.role?.name ?? "—"}
                      {furtherRoles(user).length > 0 && (
                        <span class="further-roles"> + {furtherRoles(user).map((role) => role.name).join(", ")}</span>
                      )}
                    </td>
                    <td data-label="Confirmed">{user.confirmed ? "Yes" : "No"}</td>
                    <td data-label="Blocked">{user.blocked ? "Yes" : "No"}</td>
                    <td class="row-actions">
                      <button type="button" onClick={() => setEditing({ mode: "edit", user })} aria-label={`Edit ${user.username}`}>
                        Edit
                      </button>
                      <button
                        type="button"
                        disabled={isBusy(user, "block")}
                        aria-busy={isBusy(user, "block")}
                        onClick={() => setBlocked(user, !user.blocked)}
                        aria-label={`${user.blocked ? "Unblock" : "Block"} ${user.username}`}
                      >
                        {isBusy(user, "block") ? (user.blocked ? "Unblocking…" : "Blocking…") : user.blocked ? "Unblock" : "Block"}
                      </button>
                      <button
                        type="button"
                        disabled={isBusy(user, "unlock")}
                        aria-busy={isBusy(user, "unlock")}
                        onClick={() => unlock(user)}
                        aria-label={`Unlock ${user.username}`}
                        title="Lift a lockout after failed sign-ins"
                      >
                        {isBusy(user, "unlock") ? "Unlocking…" : "Unlock"}
                      </button>
                      <button
                        type="button"
                        class="danger"
                        onClick={() => setConfirming({ kind: "revokeSessions", user })}
                        aria-label={`Revoke sessions of ${user.username}`}
                      >
                        Revoke sessions
                      </button>
                      <button
                        type="button"
                        class="danger"
                        onClick={() => setConfirming({ kind: "delete", user })}
                        aria-label={`Delete ${user.username}`}
                      >
                        Delete
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            hasPrevious={offset !== 0}
            hasNext={offset + list.value.nodes.length < list.value.totalCount}
            onPrevious={() => setOffset(Math.max(0, offset - PAGE_SIZE))}
            onNext={() => setOffset(offset + PAGE_SIZE)}
          >
            {offset + 1}–{offset + list.value.nodes.length} of {list.value.totalCount}
          </Pager>
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
          onRolesChanged={reload}
        />
      )}
      {confirming?.kind === "delete" && (
        <ConfirmDialog
          title={`Delete ${confirming.user.username}?`}
          confirmLabel="Delete user"
          busyLabel="Deleting…"
          action={() => client.request(DeleteUserDocument, { id: confirming.user.id })}
          onClose={() => setConfirming(null)}
          onDone={() => {
            setStatus(`${confirming.user.username} was deleted.`);
            setConfirming(null);
            reload();
          }}
        >
          <p>The account, its sessions and its role assignments are deleted. This cannot be undone.</p>
        </ConfirmDialog>
      )}
      {confirming?.kind === "revokeSessions" && (
        <ConfirmDialog
          title={`Revoke every session of ${confirming.user.username}?`}
          confirmLabel="Revoke sessions"
          busyLabel="Revoking…"
          action={() => client.request(RevokeUserSessionsDocument, { id: confirming.user.id })}
          onClose={() => setConfirming(null)}
          onDone={() => {
            setStatus(`Every session of ${confirming.user.username} has ended.`);
            setConfirming(null);
          }}
        >
          <p>
            They are signed out on every device: their refresh tokens stop working at once, their access tokens
            within seconds. The account stays usable; they may sign in again.
          </p>
        </ConfirmDialog>
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
  onRolesChanged,
}: {
  editing: Editing;
  roles: Role[];
  onClose: () => void;
  onSaved: (user: User) => void;
  /** A further role was added or removed (already stored: the list should reload). */
  onRolesChanged: () => void;
}) {
  const existing = editing.mode === "edit" ? editing.user : undefined;
  const [username, setUsername] = useState(existing?.username ?? "");
  const [email, setEmail] = useState(existing?.email ?? "");
  const [password, setPassword] = useState("");
  const [roleId, setRoleId] = useState(existing?.role?.id ?? "");
  const [confirmed, setConfirmed] = useState(existing?.confirmed ?? false);
  const [blocked, setBlocked] = useState(existing?.blocked ?? false);
  const [profile, setProfile] = useState(JSON.stringify(existing?.profile ?? {}, null, 2));
  const { busy, error, setError, run } = useSubmit();

  function submit(event: Event) {
    event.preventDefault();
    let profileValue: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(profile || "{}");
      if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
      profileValue = parsed as Record<string, unknown>;
    } catch {
      setError("Profile fields must be a JSON object, such as {\"city\": \"Lyon\"}.");
      return;
    }
    run(async () => {
      if (existing) {
        const data = await client.request(UpdateUserDocument, {
          id: existing.id,
          data: { username, email, confirmed, blocked, profile: profileValue, ...(roleId ? { primaryRoleId: roleId } : {}) },
        });
        return data.updateUser;
      }
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
      return data.createUser;
    }, onSaved);
  }

  return (
    <Dialog title={existing ? `Edit ${existing.username}` : "New user"} onClose={onClose}>
      <form class="stacked" onSubmit={submit}>
        <ErrorAlert message={error} />
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
        <label for="user-role">Primary role</label>
        <select id="user-role" value={roleId} onChange={(event) => setRoleId(event.currentTarget.value)}>
          {!existing && <option value="">Default role</option>}
          {roles.map((role) => (
            <option key={role.id} value={role.id}>
              {role.name}
            </option>
          ))}
        </select>
        {existing && <FurtherRoles user={existing} roles={roles} onChanged={onRolesChanged} />}
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

/**
 * The roles a user has beyond the primary one. Adding and removing apply at once (assignRole /
 * unassignRole), not on Save, and the list shown is the server's answer read back after each change.
 */
function FurtherRoles({ user, roles, onChanged }: { user: User; roles: Role[]; onChanged: () => void }) {
  const [held, setHeld] = useState<Role[]>(() => furtherRoles(user));
  const [adding, setAdding] = useState("");
  // The role being added or removed.
  const { busy, error, run } = useKeyedSubmit<string>();
  const [status, setStatus] = useState("");
  const heldIds = new Set([user.role.id, ...held.map((role) => role.id)]);
  const addable = roles.filter((role) => !heldIds.has(role.id));

  function change(roleId: string, assign: boolean) {
    const role = roles.find((candidate) => candidate.id === roleId) ?? held.find((candidate) => candidate.id === roleId);
    setStatus("");
    run(
      roleId,
      async () => {
        const variables = { userId: user.id, roleId };
        if (assign) await client.request(AssignRoleDocument, variables);
        else await client.request(UnassignRoleDocument, variables);
        return (await client.request(UserDocument, { id: user.id })).user;
      },
      (fresh) => {
        setHeld(furtherRoles(fresh));
        setAdding("");
        setStatus(`${role?.name ?? "The role"} was ${assign ? "added" : "removed"}.`);
        onChanged();
      },
    );
  }

  return (
    <fieldset class="further-roles-field">
      <legend>Further roles</legend>
      <p class="hint">Besides the primary role; changes here apply at once.</p>
      <ErrorAlert message={error} />
      {held.length === 0 ? (
        <p class="hint">None.</p>
      ) : (
        <ul class="chips" aria-label="Further roles of this user">
          {held.map((role) => (
            <li key={role.id} data-role={role.type ?? role.name}>
              <span>{role.name}</span>
              <button
                type="button"
                onClick={() => change(role.id, false)}
                disabled={busy !== null}
                aria-busy={busy === role.id}
                aria-label={`Remove role ${role.name}`}
              >
                {busy === role.id ? "Removing…" : "Remove"}
              </button>
            </li>
          ))}
        </ul>
      )}
      {addable.length > 0 && (
        <>
          <label for="user-add-role">Add a further role</label>
          <div class="inline-add">
            <select id="user-add-role" value={adding} onChange={(event) => setAdding(event.currentTarget.value)}>
              <option value="">Choose a role…</option>
              {addable.map((role) => (
                <option key={role.id} value={role.id}>
                  {role.name}
                </option>
              ))}
            </select>
            <button
              type="button"
              onClick={() => adding && change(adding, true)}
              disabled={!adding || busy !== null}
              aria-busy={busy !== null && busy === adding}
            >
              {busy !== null && busy === adding ? "Adding…" : "Add role"}
            </button>
          </div>
        </>
      )}
      <p class="status-line" role="status" aria-live="polite">
        {status}
      </p>
    </fieldset>
  );
}
