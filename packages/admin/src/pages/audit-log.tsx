/**
 * Audit log: newest first, filtered by action, outcome (succeeded / failed / any), actor id, target (type
 * and id), client IP and time, in pages of PAGE_SIZE (cursor pages: Previous goes back through the cursors
 * already seen).
 */
import { type AuditAction, type AuditLogFilter, AuditLogDocument } from "@gatehouse/sdk";
import { useState } from "preact/hooks";
import { client } from "../api.ts";
import { useLoaded } from "../load.ts";
import { Pager } from "../pager.tsx";
import { LoadError, Loading } from "../states.tsx";

const PAGE_SIZE = 25;

/** Every AuditAction of the schema (the type is a union: TypeScript checks the list against it). */
const ACTIONS: readonly AuditAction[] = [
  "ACCOUNT_LOCKED", "ACCOUNT_UNLOCKED", "ACL_CHANGED", "AUTH_PROVIDER_CHANGED", "EMAIL_CONFIRMED",
  "LOGIN_FAILED", "LOGIN_SUCCEEDED", "PASSWORD_CHANGED", "PASSWORD_RESET", "PASSWORD_RESET_REQUESTED",
  "PROVIDER_LINKED", "PROVIDER_SIGN_IN", "PROVIDER_UNLINKED", "ROLE_CHANGED", "SESSION_REVOKED",
  "SETTINGS_CHANGED", "USERS_IMPORTED", "USER_BLOCKED", "USER_CREATED", "USER_DELETED", "USER_REGISTERED",
  "USER_UNBLOCKED",
];

interface Filters {
  action: string;
  /** "" for any outcome. */
  success: "" | "yes" | "no";
  actorId: string;
  targetType: string;
  targetId: string;
  ip: string;
  from: string;
  to: string;
}

const NO_FILTERS: Filters = { action: "", success: "", actorId: "", targetType: "", targetId: "", ip: "", from: "", to: "" };

function toFilter(filters: Filters): AuditLogFilter {
  const filter: AuditLogFilter = {};
  if (filters.action) filter.actions = [filters.action as AuditAction];
  if (filters.success) filter.success = filters.success === "yes";
  if (filters.actorId.trim()) filter.actorId = filters.actorId.trim();
  if (filters.targetType.trim()) filter.targetType = filters.targetType.trim();
  if (filters.targetId.trim()) filter.targetId = filters.targetId.trim();
  if (filters.ip.trim()) filter.ip = filters.ip.trim();
  // datetime-local values are local times without a zone: Date reads them as such.
  if (filters.from) filter.from = new Date(filters.from).toISOString();
  if (filters.to) filter.to = new Date(filters.to).toISOString();
  return filter;
}

export function AuditLogPage() {
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  /** The `after` cursor of every page up to the current one (undefined: the first page). */
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const after = cursors[cursors.length - 1];
  const [list, reload] = useLoaded(
    () =>
      client
        .request(AuditLogDocument, { first: PAGE_SIZE, filter: toFilter(filters), ...(after ? { after } : {}) })
        .then((data) => data.auditLog),
    [filters, after],
  );

  function apply(next: Filters) {
    setDraft(next);
    setFilters(next);
    setCursors([undefined]);
  }

  const onInput = (key: keyof Filters) => (event: { currentTarget: HTMLInputElement }) =>
    setDraft({ ...draft, [key]: event.currentTarget.value });
  const text = (key: keyof Filters, label: string) => (
    <div class="field">
      <label for={`audit-${key}`}>{label}</label>
      <input id={`audit-${key}`} type="text" value={draft[key]} onInput={onInput(key)} />
    </div>
  );
  const time = (key: keyof Filters, label: string) => (
    <div class="field">
      <label for={`audit-${key}`}>{label}</label>
      <input id={`audit-${key}`} type="datetime-local" value={draft[key]} onInput={onInput(key)} />
    </div>
  );

  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <form
        class="filters"
        role="search"
        aria-label="Filter the audit log"
        onSubmit={(event) => {
          event.preventDefault();
          apply(draft);
        }}
      >
        <div class="field">
          <label for="audit-action">Action</label>
          <select id="audit-action" value={draft.action} onChange={(event) => apply({ ...draft, action: event.currentTarget.value })}>
            <option value="">Any action</option>
            {ACTIONS.map((action) => (
              <option key={action} value={action}>
                {action}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="audit-success">Result</label>
          <select
            id="audit-success"
            value={draft.success}
            onChange={(event) => apply({ ...draft, success: event.currentTarget.value as Filters["success"] })}
          >
            <option value="">Any result</option>
            <option value="yes">Succeeded</option>
            <option value="no">Failed</option>
          </select>
        </div>
        {text("actorId", "Actor (user id)")}
        {text("targetType", "Target type")}
        {text("targetId", "Target id")}
        {text("ip", "IP address")}
        {time("from", "From")}
        {time("to", "Until")}
        <div class="field actions">
          <button type="submit">Filter</button>
          <button type="button" onClick={() => apply(NO_FILTERS)}>
            Clear
          </button>
        </div>
      </form>
      {list.state === "loading" && <Loading what="the audit log" />}
      {list.state === "error" && <LoadError what="audit log" message={list.message} onRetry={reload} />}
      {list.state === "ready" && list.value.nodes.length === 0 && (
        <div class="empty">
          <p>No entry matches.</p>
        </div>
      )}
      {list.state === "ready" && list.value.nodes.length > 0 && (
        <>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Action</th>
                  <th scope="col">Result</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Target</th>
                  <th scope="col">IP</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {list.value.nodes.map((entry) => (
                  <tr key={entry.id} data-action={entry.action}>
                    <td data-label="When">
                      <time dateTime={entry.createdAt}>{new Date(entry.createdAt).toLocaleString()}</time>
                    </td>
                    <th scope="row" data-label="Action">
                      {entry.action}
                    </th>
                    <td data-label="Result">{entry.success ? "Succeeded" : "Failed"}</td>
                    <td data-label="Actor">{entry.actor?.username ?? entry.actorId ?? "—"}</td>
                    <td data-label="Target">{entry.targetType ? `${entry.targetType} ${entry.targetId ?? ""}` : "—"}</td>
                    <td data-label="IP">{entry.ip ?? "—"}</td>
                    <td data-label="Details">
                      <EntryDetails metadata={entry.metadata} userAgent={entry.userAgent} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            hasPrevious={cursors.length !== 1}
            hasNext={list.value.hasNextPage && !!list.value.endCursor}
            onPrevious={() => setCursors(cursors.slice(0, -1))}
            onNext={() => list.value.endCursor && setCursors([...cursors, list.value.endCursor])}
          >
            Page {cursors.length} · {list.value.totalCount} entries
          </Pager>
        </>
      )}
    </section>
  );
}

/** What the entry recorded besides its columns (never a secret: the audit module keeps them out). */
function EntryDetails({ metadata, userAgent }: { metadata: Record<string, unknown> | null | undefined; userAgent: string | null | undefined }) {
  const hasMetadata = metadata && Object.keys(metadata).length > 0;
  if (!hasMetadata && !userAgent) return <>—</>;
  return (
    <details class="entry-details">
      <summary>Show</summary>
      {userAgent && (
        <p>
          <strong>User agent:</strong> {userAgent}
        </p>
      )}
      {hasMetadata && <pre>{JSON.stringify(metadata, null, 2)}</pre>}
    </details>
  );
}
