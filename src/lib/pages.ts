/**
 * One page shape for every list (`users`, `auditLog`, `sessions`): `nodes`, `totalCount`, `hasNextPage`
 * and `endCursor`, asked for with `first` and `after`. Cursors are opaque: base64url of `kind:key`, and a
 * cursor is only accepted by the list whose kind it names, so clients can neither read nor forge keys.
 */
import { badUserInput } from "../errors.ts";

/** What every page has besides its nodes. `totalCount` runs only when a client asks for it. */
export interface PageInfo {
  hasNextPage: boolean;
  /** Cursor of the last node (null on an empty page): pass it as `after` for the next page. */
  endCursor: string | null;
  totalCount: () => Promise<number>;
}

export interface Page<T> extends PageInfo {
  nodes: T[];
}

export function encodeCursor(kind: string, key: string | number): string {
  return Buffer.from(`${kind}:${key}`).toString("base64url");
}

const invalidCursor = () => badUserInput("Invalid cursor", { field: "after" });

/** The key inside a cursor of `kind`, matched against `key`; BAD_USER_INPUT for anything else. */
export function decodeCursor(kind: string, cursor: string, key: RegExp): RegExpExecArray {
  const decoded = Buffer.from(cursor, "base64url").toString();
  const match = decoded.startsWith(`${kind}:`) ? key.exec(decoded.slice(kind.length + 1)) : null;
  if (!match) throw invalidCursor();
  return match;
}

/** A row id in a cursor: a positive integer that fits the int4 key columns. */
export function decodeIdCursor(kind: string, cursor: string): number {
  const id = Number(decodeCursor(kind, cursor, /^([1-9]\d{0,9})$/)[1]);
  if (id > 2_147_483_647) throw invalidCursor();
  return id;
}

export interface PageSizeRule {
  /** Page size when `first` is not given. */
  fallback: number;
  min: number;
  max: number;
}

/** `first`, validated: outside min..max is BAD_USER_INPUT, never quietly corrected. */
export function pageSize(first: number | null | undefined, { fallback, min, max }: PageSizeRule): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < min || size > max) {
    throw badUserInput(`first must be between ${min} and ${max}`, { field: "first" });
  }
  return size;
}

/** A page from rows fetched with `take + 1`: the extra row only tells that there is a next page. */
export function pageOf<T>(rows: T[], take: number, cursorOf: (row: T) => string, totalCount: () => Promise<number>): Page<T> {
  const nodes = rows.slice(0, take);
  const last = nodes.at(-1);
  return { nodes, hasNextPage: rows.length > take, endCursor: last === undefined ? null : cursorOf(last), totalCount };
}
