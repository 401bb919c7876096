/**
 * Confirmation and reset codes: 256 random bits, stored only as SHA-256 hashes, single-use and expiring.
 * Issuing a new code invalidates the user's earlier codes for the same purpose; a new email address or a
 * new password invalidates all of them (`revokeOneTimeCodes`).
 */
import type { OneTimeTokenPurpose, Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import { hashToken, newOpaqueToken } from "../../lib/secrets.ts";

type Db = Prisma.TransactionClient;

export async function issueOneTimeCode(
  db: Db,
  input: { userId: number; purpose: OneTimeTokenPurpose; lifespanSeconds: number; now?: Date; code?: string },
): Promise<string> {
  const now = input.now ?? new Date();
  await db.oneTimeToken.updateMany({
    where: { userId: input.userId, purpose: input.purpose, usedAt: null },
    data: { usedAt: now },
  });
  // A code may be drawn beforehand (newOpaqueToken) so that its email is rendered outside the transaction.
  const code = input.code ?? newOpaqueToken();
  await db.oneTimeToken.create({
    data: {
      userId: input.userId,
      purpose: input.purpose,
      tokenHash: hashToken(code),
      expiresAt: new Date(now.getTime() + input.lifespanSeconds * 1000),
    },
  });
  return code;
}

/**
 * Marks the code used and returns its user id, or null when it is unknown, used or expired. The
 * conditional update makes it single-use even when two requests present it at once.
 */
export async function consumeOneTimeCode(
  db: Db,
  input: { code: string; purpose: OneTimeTokenPurpose; now?: Date },
): Promise<number | null> {
  const now = input.now ?? new Date();
  const tokenHash = hashToken(input.code);
  const { count } = await db.oneTimeToken.updateMany({
    where: { tokenHash, purpose: input.purpose, usedAt: null, expiresAt: { gt: now } },
    data: { usedAt: now },
  });
  if (count !== 1) return null;
  const token = await db.oneTimeToken.findUniqueOrThrow({ where: { tokenHash }, select: { userId: true } });
  return token.userId;
}

/** The account a still-valid code belongs to, without spending it (to check a new password first). */
export async function findOneTimeCodeHolder(
  db: Db,
  input: { code: string; purpose: OneTimeTokenPurpose; now?: Date },
): Promise<{ username: string; email: string } | null> {
  const token = await db.oneTimeToken.findFirst({
    where: { tokenHash: hashToken(input.code), purpose: input.purpose, usedAt: null, expiresAt: { gt: input.now ?? new Date() } },
    select: { user: { select: { username: true, email: true } } },
  });
  return token?.user ?? null;
}

/**
 * Spends every outstanding code of a user, of every purpose. Called in the transaction that changes the
 * account's email or password: a code mailed before went to an address, or was asked for by someone,
 * the account no longer vouches for. Returns a PrismaPromise, so it also fits an array transaction.
 */
export function revokeOneTimeCodes(db: Db | PrismaClient, input: { userId: number; now?: Date }) {
  return db.oneTimeToken.updateMany({ where: { userId: input.userId, usedAt: null }, data: { usedAt: input.now ?? new Date() } });
}
