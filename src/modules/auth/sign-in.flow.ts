/** `login`: identifier and password in, a session out; the same answer and work for unknown accounts. */
import { badUserInput, failure, FailureReason } from "../../errors.ts";
import { AuditAction } from "../audit/audit.service.ts";
import type { AuthResult, AuthUser, FlowKit, RequestMeta } from "./flow-kit.ts";
import { userWithRole } from "./flow-kit.ts";
import { identifier, parse, password } from "./inputs.ts";
import { AuthFailure } from "./failures.ts";

export interface LoginInput {
  identifier: string;
  password: string;
  provider: string;
}

export function createSignInFlow(kit: FlowKit) {
  const { prisma, settings, audit, auditOwnAccount } = kit;
  const { rateLimits, lockout } = kit.security;

  /** Audits a wrong password or unknown identifier, and the lock it may have started. */
  async function recordFailure(meta: RequestMeta, user: AuthUser | null, outcome: { locked: boolean; retryAfter?: number }) {
    const target = { targetType: user ? "User" : null, targetId: user?.id ?? null };
    const reason = user ? "wrong-password" : "unknown-identifier";
    await audit(meta, { action: AuditAction.LOGIN_FAILED, success: false, ...target, metadata: { reason } });
    if (outcome.locked) {
      await audit(meta, { action: AuditAction.ACCOUNT_LOCKED, ...target, metadata: { seconds: outcome.retryAfter } });
    }
  }

  /** Checked only after the password, as Strapi does, so these answers reveal nothing to a guesser. */
  async function refusalOf(user: AuthUser) {
    const { emailConfirmation } = await settings.getAdvanced();
    if (emailConfirmation && !user.confirmed) return { audited: "unconfirmed", failure: AuthFailure.NOT_CONFIRMED };
    if (user.blocked) return { audited: "blocked", failure: AuthFailure.BLOCKED };
    return null;
  }

  async function login(input: LoginInput, meta: RequestMeta): Promise<AuthResult> {
    if (input.provider !== "local") throw badUserInput(`Provider ${input.provider} is not enabled`, { reason: FailureReason.INVALID_INPUT });
    const who = parse(identifier, input.identifier);
    const secret = parse(password, input.password);
    // Counted before any password is evaluated: under a flood exactly `limit` attempts reach bcrypt.
    await rateLimits.consume("login", { ip: meta.ip, identifier: who.toLowerCase() });
    const user = await prisma.user.findFirst({
      where: { OR: [{ email: who.toLowerCase() }, { username: who }] },
      include: userWithRole,
    });
    // Unknown identifiers lock the same way as accounts, so a lock reveals nothing either.
    const attempt = await lockout.begin({ account: user ? String(user.id) : who.toLowerCase(), ip: meta.ip });
    // Unknown users cost one hash comparison too (against a dummy hash), so timing does not tell
    // which accounts exist; the message is the same either way.
    const valid = await kit.verifyPassword(secret, user?.passwordHash);
    if (!user || !valid) {
      await recordFailure(meta, user, await attempt.failed());
      throw failure(AuthFailure.INVALID_CREDENTIALS);
    }
    await attempt.succeeded();
    const refusal = await refusalOf(user);
    if (refusal) {
      const metadata = { reason: refusal.audited };
      await auditOwnAccount(meta, AuditAction.LOGIN_FAILED, user.id, { success: false, metadata });
      throw failure(refusal.failure);
    }
    await auditOwnAccount(meta, AuditAction.LOGIN_SUCCEEDED, user.id);
    return kit.signIn(user, meta);
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
    await auditOwnAccount(meta, AuditAction.LOGIN_SUCCEEDED, user.id, { metadata: { method } });
    return kit.signIn(user, meta);
  }

  return { login, signInAuthenticated };
}
