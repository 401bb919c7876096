/**
 * What `me` returns, served from memory when warm, like the token checks before it (token-state.ts). The
 * change feed keeps it exact: the users trigger fires on every column `me` shows (username, email,
 * confirmed, blocked, document id, primary role), so `user:<id>` drops that user's entry; `roles` (a role
 * renamed or deleted) drops every entry, since each holds its primary role's name and description.
 */
import { Prisma, type PrismaClient } from "../../generated/prisma/client.ts";
import { type ChangeFeed, createFeedCache, perUserWithRoles } from "../../infra/change-feed/index.ts";

/** What `UsersPermissionsMe` shows of a user (never the password hash); an AuthUser is one too. */
export interface MeUser {
  id: number;
  documentId: string;
  username: string;
  email: string;
  confirmed: boolean;
  blocked: boolean;
  primaryRole: { id: number; name: string; description: string | null; type: string };
}

/**
 * The columns of a MeUser, read from `users u` joined to its primary role `r` (MeUser's FROM), in one
 * statement: Prisma would send one per relation. Sign-in reads an account the same way.
 */
export const ME_USER_COLUMNS = Prisma.sql`u.id, u.document_id AS "documentId", u.username, u.email, u.confirmed, u.blocked,
  json_build_object('id', r.id, 'name', r.name, 'description', r.description, 'type', r.type) AS "primaryRole"`;
export const ME_USER_FROM = Prisma.sql`users u JOIN roles r ON r.id = u.primary_role_id`;

export interface MeReader {
  /** Null when the user does not exist. Callers never mutate what it returns: requests share it. */
  read(userId: number): Promise<MeUser | null>;
}

export function createMeReader(deps: { prisma: PrismaClient; feed: ChangeFeed; maxEntries: number }): MeReader {
  const cache = createFeedCache<MeUser | null>({
    feed: deps.feed,
    max: deps.maxEntries,
    groupsOf: perUserWithRoles,
    keep: (user) => user !== null,
  });

  /** One statement, and only the columns `me` shows. */
  async function load(userId: number): Promise<MeUser | null> {
    const rows = await deps.prisma.$queryRaw<MeUser[]>`SELECT ${ME_USER_COLUMNS} FROM ${ME_USER_FROM} WHERE u.id = ${userId}`;
    return rows[0] ?? null;
  }

  return { read: (userId) => cache.get(String(userId), String(userId), () => load(userId)) };
}
