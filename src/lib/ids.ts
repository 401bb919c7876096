import { randomBytes } from "node:crypto";
import { badUserInput } from "../errors.ts";

/** GraphQL IDs arrive as strings; the tables use integer keys. */
export function parseIntId(value: string | number, what = "id"): number {
  const id = typeof value === "number" ? value : Number(value);
  if (!Number.isSafeInteger(id) || id <= 0) throw badUserInput(`Invalid ${what}`, { field: what });
  return id;
}

/**
 * A Strapi-style documentId in the shape of Prisma's `cuid()` (25 characters: "c", a base-36 timestamp,
 * random base-36). Registration draws it itself, for a new account and for a neutral answer to a taken
 * address alike, so both answers carry an id of the same shape.
 */
export function newDocumentId(now: number = Date.now()): string {
  const random = Array.from(randomBytes(16), (byte) => (byte % 36).toString(36)).join("");
  return `c${now.toString(36).padStart(8, "0").slice(-8)}${random}`;
}
