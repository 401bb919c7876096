/**
 * What the change feed carries: the notifications that the triggers of migration
 * 20261201170000_auth_change_feed send, on one PostgreSQL channel, for every write that can change
 * whether an access token is still good or what its holder may do. The same payloads travel on Redis.
 */

/** The PostgreSQL channel of the triggers (NOTIFY is per database, so every database has its own). */
export const CHANGE_CHANNEL = "gatehouse_auth_changes";

/**
 * - `user`: that user's blocked state, token version, sessions or static roles changed (or the user went);
 * - `roles`: roles themselves changed (a name, a deleted role): every user's held roles;
 * - `rules`: the stored ACL rules changed;
 * - `settings`: a row of the settings table changed (migration 20261202020000_settings_change_feed);
 * - `all`: forget everything (a truncated table, or the feed itself was interrupted).
 */
export type Change = { kind: "user"; userId: number } | { kind: "roles" } | { kind: "rules" } | { kind: "settings" } | { kind: "all" };

/** A payload as the triggers write it; null for anything else (never trusted to mean less than `all`). */
export function parseChange(payload: string): Change | null {
  if (payload === "roles" || payload === "rules" || payload === "settings" || payload === "all") return { kind: payload };
  const match = /^user:(\d{1,15})$/.exec(payload);
  return match ? { kind: "user", userId: Number(match[1]) } : null;
}

export const formatChange = (change: Change): string => (change.kind === "user" ? `user:${change.userId}` : change.kind);

/**
 * The groups a change drops in a cache of per-user entries, grouped under the user's id, that also read
 * the roles table (a user's held roles, what `me` shows of the primary role): the user's own change
 * drops theirs, a change of roles drops everyone's.
 */
export function perUserWithRoles(change: Change): readonly string[] | "all" {
  if (change.kind === "user") return [String(change.userId)];
  return change.kind === "roles" || change.kind === "all" ? "all" : [];
}

/** The groups a change drops in a cache of one table's contents (the stored rules, the settings): all, on that table's kind. */
export const wholeTable =
  (kind: "rules" | "settings") =>
  (change: Change): readonly string[] | "all" =>
    change.kind === kind || change.kind === "all" ? "all" : [];
