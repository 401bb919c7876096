/**
 * `login`: identifier and password in, a session out. Unknown accounts get the same answer and the same
 * work: one lookup, both lockout counters, exactly one bcrypt comparison, on every path.
 */
import { badUserInput, failure, FailureReason } from "../../errors.ts";
import { Prisma } from "../../generated/prisma/client.ts";
import { AuditAction } from "../audit/audit.service.ts";
import { usernameKey } from "../users/identity.ts";
import { type AuthResult, type FlowKit, type MeUser, type RequestMeta, userWithRole } from "./flow-kit.ts";
import { identifier, parse, password } from "./inputs.ts";
import { ME_USER_COLUMNS, ME_USER_FROM } from "./me-state.ts";
import { AuthFailure } from "./failures.ts";

export interface LoginInput {
  identifier: string;
  password: string;
  provider: string;
}

/**
 * Where an identifier is looked up (a condition on `users u`), and the canonical form its lockout
 * counter uses. One containing `@` is an email and only an email; anything else is a username
 * (case-insensitively, by its unique key), so no account's username can shadow another account's email.
 * Usernames cannot contain `@`.
 */
export function identifierLookup(who: string): { condition: Prisma.Sql; canonical: string } {
  if (who.includes("@")) {
    const email = who.toLowerCase();
    return { condition: Prisma.sql`u.email = ${email}`, canonical: email };
  }
  const key = usernameKey(who);
  return { condition: Prisma.sql`u.username_key = ${key}`, canonical: key };
}

/** What login reads of an account: what it checks, and what its answer shows (never more). */
type SignInAccount = MeUser & { passwordHash: string | null; passwordNormalized: boolean };

export function createSignInFlow(kit: FlowKit) {
  const { prisma, passwords, settings, audit, auditOwnAccount } = kit;
  const { rateLimits, lockout } = kit.security;

  /** Audits a wrong password or unknown identifier, and the lock it may have started. */
  async function recordFailure(meta: RequestMeta, userId: number | null, reason: string, outcome: { locked: boolean; retryAfter?: number }) {
    const target = { targetType: userId === null ? null : "User", targetId: userId };
    await audit(meta, { action: AuditAction.LOGIN_FAILED, success: false, ...target, metadata: { reason } });
    if (outcome.locked) {
      await audit(meta, { action: AuditAction.ACCOUNT_LOCKED, ...target, metadata: { seconds: outcome.retryAfter } });
    }
  }

  /** Checked only after the password, as Strapi does, so these answers reveal nothing to a guesser. */
  async function refusalOf(user: Pick<MeUser, "confirmed" | "blocked">) {
    const { emailConfirmation } = await settings.getAdvanced();
    if (emailConfirmation && !user.confirmed) return { audited: "unconfirmed", failure: AuthFailure.NOT_CONFIRMED };
    if (user.blocked) return { audited: "blocked", failure: AuthFailure.BLOCKED };
    return null;
  }

  /** A hash imported from the password as typed becomes a hash of its NFKC form once it has matched. */
  async function upgradeHash(user: Pick<SignInAccount, "id" | "passwordHash" | "passwordNormalized">, secret: string) {
    if (user.passwordNormalized) return;
    const passwordHash = await passwords.hash(secret.normalize("NFKC"));
    await prisma.user.updateMany({ where: { id: user.id, passwordHash: user.passwordHash }, data: { passwordHash, passwordNormalized: true } });
  }

  async function login(input: LoginInput, meta: RequestMeta): Promise<AuthResult> {
    if (input.provider !== "local") throw badUserInput(`Provider ${input.provider} is not enabled`, { reason: FailureReason.INVALID_INPUT });
    const who = parse(identifier, input.identifier);
    const secret = parse(password, input.password);
    // Counted before any password is evaluated: under a flood exactly `limit` attempts reach bcrypt.
    await rateLimits.consume("login", { ip: meta.ip, identifier: who.toLowerCase() });
    const lookup = identifierLookup(who);
    // One statement whether or not a row matches, the role joined in (an `include` would add a second
    // statement only for accounts, which a stopwatch could tell apart).
    const [account] = await prisma.$queryRaw<SignInAccount[]>`
      SELECT ${ME_USER_COLUMNS}, u.password_hash AS "passwordHash", u.password_normalized AS "passwordNormalized"
      FROM ${ME_USER_FROM}
      WHERE ${lookup.condition}`;
    // Unknown identifiers are counted and locked exactly like accounts, so a lock reveals nothing either.
    const attempt = await lockout.begin({ identifier: lookup.canonical, userId: account?.id ?? null, ip: meta.ip });
    // One comparison on every path: against the account's hash, or against the dummy hash when there is
    // no account or its shared failure budget is spent from here (not evaluated, answered as a wrong password).
    const valid = await kit.verifyPassword(secret, attempt.evaluate ? (account ?? null) : null);
    if (!account || !valid) {
      const reason = !account ? "unknown-identifier" : attempt.evaluate ? "wrong-password" : "account-budget-spent";
      await recordFailure(meta, account?.id ?? null, reason, await attempt.failed());
      throw failure(AuthFailure.INVALID_CREDENTIALS);
    }
    await attempt.succeeded();
    const { passwordHash: _hash, passwordNormalized: _normalized, ...user } = account;
    const refusal = await refusalOf(user);
    if (refusal) {
      const metadata = { reason: refusal.audited };
      await auditOwnAccount(meta, AuditAction.LOGIN_FAILED, user.id, { success: false, metadata });
      throw failure(refusal.failure);
    }
    await upgradeHash(account, secret);
    return kit.signIn(user, meta, kit.ownAccountEntry(meta, AuditAction.LOGIN_SUCCEEDED, user.id));
  }

  /**
   * Signs in a user another flow authenticated (an OAuth provider, through the single-use loginCode),
   * with the refusals `login` applies after the password: blocked, or email confirmation pending.
   */
  async function signInAuthenticated(userId: number, method: string, meta: RequestMeta): Promise<AuthResult> {
    const user = await prisma.user.findUnique({ where: { id: userId }, include: userWithRole });
    if (!user) throw failure(AuthFailure.INCORRECT_CODE);
    const refusal = await refusalOf(user);
    if (refusal) {
      await auditOwnAccount(meta, AuditAction.LOGIN_FAILED, user.id, { success: false, metadata: { reason: refusal.audited, method } });
      throw failure(refusal.failure);
    }
    return kit.signIn(user, meta, kit.ownAccountEntry(meta, AuditAction.LOGIN_SUCCEEDED, user.id, { metadata: { method } }));
  }

  return { login, signInAuthenticated };
}
