import { badUserInput } from "../errors.ts";

/** GraphQL IDs arrive as strings; the tables use integer keys. */
export function parseIntId(value: string | number, what = "id"): number {
  const id = typeof value === "number" ? value : Number(value);
  if (!Number.isSafeInteger(id) || id <= 0) throw badUserInput(`Invalid ${what}`, { field: what });
  return id;
}
