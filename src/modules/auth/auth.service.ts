/**
 * The authentication flows behind Strapi's users-permissions mutations, plus refresh sessions. Plain inputs
 * in, plain records out: no GraphQL here.
 */
import { z } from "zod";
import type { JwtConfig } from "../../config.ts";
import { badUserInput, forbidden, unauthenticated } from "../../errors.ts";
import { Prisma, type PrismaClient } from "../../generated/prisma/client.ts";
import { AuditAction, type AuditEntryInput, type AuditService } from "../audit/audit.service.ts";
import type { EmailService } from "../email/email.service.ts";
import { BuiltinRoleType } from "../roles/builtin-roles.ts";
import { normalizePassword } from "../security/password-policy.ts";
import type { SecurityService } from "../security/security.service.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import { createAuthenticator } from "./authenticate.ts";
import { AuthMessage } from "./messages.ts";
import { consumeOneTimeCode, findOneTimeCodeHolder, issueOneTimeCode } from "./one-time-codes.ts";
import type { PasswordHasher } from "./passwords.ts";
import {
  revokeAllSessions,
  revokeSession,
  rotateRefreshToken,
  type SessionPolicy,
  startSession,
} from "./sessions.ts";
import type { TokenService } from "./tokens.ts";

/** Path of the link in confirmation emails (served by the HTTP router). */
export const CONFIRMATION_PATH = "/auth/email-confirmation";

export interface AuthDependencies {
  prisma: PrismaClient;
  passwords: PasswordHasher;
  tokens: TokenService;
  jwt: JwtConfig;
  publicUrl: string;
  /** Queues an email inside the caller's transaction (the one that stores its code); kick after commit. */
  email: Pick<EmailService, "enqueueTemplate" | "kick">;
  /** Per-field rate limits, failed-login lockout and the password policy. */
  security: Pick<SecurityService, "rateLimits" | "lockout" | "passwordPolicy">;
  settings: Pick<SettingsService, "getAdvanced">;
  audit: AuditService;
}

/** Who is asking, for session metadata and the audit trail. */
export interface RequestMeta {
  ip?: string;
  userAgent?: string;
  /** Browser-session policy (refresh token in an HttpOnly cookie) instead of the refresh-token policy. */
  browserSession?: boolean;
}

const userWithRole = { primaryRole: true } satisfies Prisma.UserInclude;
export type AuthUser = Prisma.UserGetPayload<{ include: typeof userWithRole }>;

export interface AuthResult {
  /** Null while email confirmation is pending. */
  jwt: string | null;
  refreshToken: string | null;
  user: AuthUser;
}

// NFKC folds compatibility look-alikes (full-width letters, ligatures) into one spelling; control
// characters and spaces never belong in a name someone has to type to sign in.
const username = z
  .string()
  .trim()
  .transform((value) => value.normalize("NFKC"))
  .pipe(
    z
      .string()
      .min(3, "username must be at least 3 characters")
      .max(64, "username is too long")
      .regex(/^[^\p{C}\s@]+$/u, "username must not contain spaces, @ or control characters"),
  );
const email = z
  .string()
  .trim()
  .max(254, "email is too long")
  .pipe(z.email("email must be a valid email address"))
  .transform((value) => value.toLowerCase());
// Upper bound keeps hashing cost bounded; the password policy module sets the real rules.
const password = z.string().min(1, "password is required").max(256, "password is too long");
const identifier = z.string().trim().min(1, "identifier is required").max(254, "identifier is too long");
const code = z.string().trim().min(1).max(256);

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw badUserInput(result.error.issues[0]?.message ?? "Invalid input");
  return result.data;
}

export function createAuthService(deps: AuthDependencies) {
  const { prisma, passwords, tokens, jwt, email: mail, settings: settingsService } = deps;
  const { rateLimits, lockout, passwordPolicy } = deps.security;

  function audit(meta: RequestMeta, entry: Omit<AuditEntryInput, "ip" | "userAgent">) {
    return deps.audit.record({ ...entry, ip: meta.ip, userAgent: meta.userAgent });
  }

  /** A user acting on their own account: actor and target are the same user. */
  function auditOwnAccount(
    meta: RequestMeta,
    action: AuditAction,
    userId: number,
    extra: Pick<AuditEntryInput, "success" | "metadata"> = {},
  ) {
    return audit(meta, { action, actorId: userId, targetType: "User", targetId: userId, ...extra });
  }

  /**
   * New passwords are hashed in NFKC form (see password-policy.ts). Hashes imported from Strapi were made
   * from the raw string, so a non-normalised input is tried as typed too.
   */
  async function verifyPassword(secret: string, passwordHash: string | null | undefined) {
    const normalized = normalizePassword(secret);
    if (await passwords.verify(normalized, passwordHash)) return true;
    return normalized !== secret && !!passwordHash && passwords.verify(secret, passwordHash);
  }

  function sessionPolicy(meta: RequestMeta): SessionPolicy {
    return meta.browserSession
      ? { maxLifespan: jwt.maxSessionLifespan, idleLifespan: jwt.idleSessionLifespan }
      : { maxLifespan: jwt.maxRefreshTokenLifespan, idleLifespan: jwt.idleRefreshTokenLifespan };
  }

  async function roleTypes(userId: number): Promise<string[]> {
    const user = await prisma.user.findUniqueOrThrow({
      where: { id: userId },
      select: { primaryRole: { select: { type: true } }, roles: { select: { role: { select: { type: true } } } } },
    });
    return [...new Set([user.primaryRole.type, ...user.roles.map((r) => r.role.type)])];
  }

  /** Signs in: a new session (refresh mode) or a single long-lived token (legacy mode). */
  async function issueTokens(user: AuthUser, meta: RequestMeta): Promise<AuthResult> {
    const roles = await roleTypes(user.id);
    if (jwt.mode === "legacy") {
      const token = await tokens.sign({ userId: user.id, roles, lifespanSeconds: jwt.legacyTokenLifespan });
      return { jwt: token, refreshToken: null, user };
    }
    const session = await startSession(prisma, {
      userId: user.id,
      policy: sessionPolicy(meta),
      ip: meta.ip,
      userAgent: meta.userAgent,
    });
    const token = await tokens.sign({
      userId: user.id,
      sessionId: session.sessionId,
      roles,
      lifespanSeconds: jwt.accessTokenLifespan,
    });
    return { jwt: token, refreshToken: session.refreshToken, user };
  }

  async function requireUser(userId: number): Promise<AuthUser> {
    const user = await prisma.user.findUnique({ where: { id: userId }, include: userWithRole });
    if (!user) throw unauthenticated();
    if (user.blocked) throw forbidden(AuthMessage.BLOCKED);
    return user;
  }

  // Strapi's template variables: URL is the page, the template appends ?confirmation=CODE or ?code=TOKEN.
  const confirmationUrl = `${deps.publicUrl}${CONFIRMATION_PATH}`;

  /** Confirms the address a code was sent to; returns the user id, or null for a bad code. */
  async function confirmEmailCode(confirmation: string, meta: RequestMeta): Promise<number | null> {
    const parsed = code.safeParse(confirmation);
    if (!parsed.success) return null;
    const owner = await prisma.$transaction(async (tx) => {
      const userId = await consumeOneTimeCode(tx, { code: parsed.data, purpose: "EMAIL_CONFIRMATION" });
      if (userId !== null) await tx.user.update({ where: { id: userId }, data: { confirmed: true } });
      return userId;
    });
    if (owner !== null) await auditOwnAccount(meta, AuditAction.EMAIL_CONFIRMED, owner);
    return owner;
  }

  return {
    async register(
      input: { username: string; email: string; password: string; extra: Record<string, unknown> },
      meta: RequestMeta,
    ): Promise<AuthResult> {
      await rateLimits.consume("register", { ip: meta.ip, identifier: input.email });
      const settings = await settingsService.getAdvanced();
      if (!settings.allowRegister) throw forbidden(AuthMessage.REGISTER_DISABLED);
      const identity = { username: parse(username, input.username), email: parse(email, input.email) };
      const data = { ...identity, password: passwordPolicy.assertAcceptable(parse(password, input.password), identity) };
      const unknownFields = Object.keys(input.extra).filter((field) => !settings.registerAllowedFields.includes(field));
      if (unknownFields.length > 0) {
        throw badUserInput(`Invalid parameters: ${unknownFields.join(", ")}`, { fields: unknownFields });
      }
      const role = await prisma.role.findUnique({ where: { type: settings.defaultRole } });
      const defaultRole = role ?? (await prisma.role.findUniqueOrThrow({ where: { type: BuiltinRoleType.AUTHENTICATED } }));
      const passwordHash = await passwords.hash(data.password);

      let user: AuthUser;
      try {
        user = await prisma.$transaction(async (tx) => {
          const created = await tx.user.create({
            data: {
              username: data.username,
              email: data.email,
              passwordHash,
              provider: "local",
              confirmed: !settings.emailConfirmation,
              profile: input.extra as Prisma.InputJsonObject,
              primaryRoleId: defaultRole.id,
            },
            include: userWithRole,
          });
          if (settings.emailConfirmation) {
            const confirmation = await issueOneTimeCode(tx, {
              userId: created.id,
              purpose: "EMAIL_CONFIRMATION",
              lifespanSeconds: jwt.emailConfirmationTokenLifespan,
            });
            await mail.enqueueTemplate(tx, "emailConfirmation", created, { CODE: confirmation, URL: confirmationUrl });
          }
          return created;
        });
      } catch (error) {
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
          throw badUserInput(AuthMessage.TAKEN);
        }
        throw error;
      }
      await auditOwnAccount(meta, AuditAction.USER_REGISTERED, user.id);
      if (settings.emailConfirmation) {
        mail.kick();
        return { jwt: null, refreshToken: null, user };
      }
      return issueTokens(user, meta);
    },

    async login(input: { identifier: string; password: string; provider: string }, meta: RequestMeta) {
      if (input.provider !== "local") throw badUserInput(`Provider ${input.provider} is not enabled`);
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
      const valid = await verifyPassword(secret, user?.passwordHash);
      if (!user || !valid) {
        const outcome = await attempt.failed();
        await audit(meta, {
          action: AuditAction.LOGIN_FAILED,
          success: false,
          targetType: user ? "User" : null,
          targetId: user?.id ?? null,
          metadata: { reason: user ? "wrong-password" : "unknown-identifier" },
        });
        if (outcome.locked) {
          await audit(meta, {
            action: AuditAction.ACCOUNT_LOCKED,
            targetType: user ? "User" : null,
            targetId: user?.id ?? null,
            metadata: { seconds: outcome.retryAfter },
          });
        }
        throw badUserInput(AuthMessage.INVALID_CREDENTIALS);
      }
      await attempt.succeeded();
      const settings = await settingsService.getAdvanced();
      // Checked only after the password, as Strapi does, so these answers reveal nothing to a guesser.
      const refusal =
        settings.emailConfirmation && !user.confirmed
          ? { reason: "unconfirmed", message: AuthMessage.NOT_CONFIRMED }
          : user.blocked
            ? { reason: "blocked", message: AuthMessage.BLOCKED }
            : null;
      if (refusal) {
        const metadata = { reason: refusal.reason };
        await auditOwnAccount(meta, AuditAction.LOGIN_FAILED, user.id, { success: false, metadata });
        throw forbidden(refusal.message);
      }
      await auditOwnAccount(meta, AuditAction.LOGIN_SUCCEEDED, user.id);
      return issueTokens(user, meta);
    },

    async refresh(refreshToken: string, meta: RequestMeta): Promise<{ jwt: string; refreshToken: string }> {
      await rateLimits.consume("refresh", { ip: meta.ip });
      const outcome = await rotateRefreshToken(prisma, { refreshToken: parse(code, refreshToken) });
      if (!outcome.ok) {
        if (outcome.reason === "reused") {
          await audit(meta, { action: AuditAction.SESSION_REVOKED, success: false, metadata: { reason: "refresh-token-reuse" } });
        }
        throw unauthenticated(AuthMessage.INVALID_REFRESH_TOKEN);
      }
      const token = await tokens.sign({
        userId: outcome.userId,
        sessionId: outcome.session.sessionId,
        roles: await roleTypes(outcome.userId),
        lifespanSeconds: jwt.accessTokenLifespan,
      });
      return { jwt: token, refreshToken: outcome.session.refreshToken };
    },

    async forgotPassword(rawEmail: string, meta: RequestMeta): Promise<void> {
      await rateLimits.consume("forgotPassword", { ip: meta.ip, identifier: rawEmail.trim().toLowerCase() });
      const address = email.safeParse(rawEmail);
      if (!address.success) return; // Same answer as for an unknown address.
      const user = await prisma.user.findUnique({ where: { email: address.data } });
      if (!user || user.blocked) return;
      const settings = await settingsService.getAdvanced();
      await prisma.$transaction(async (tx) => {
        const resetCode = await issueOneTimeCode(tx, {
          userId: user.id,
          purpose: "PASSWORD_RESET",
          lifespanSeconds: jwt.resetPasswordTokenLifespan,
        });
        const url = settings.resetPasswordUrl ?? `${deps.publicUrl}/reset-password`;
        await mail.enqueueTemplate(tx, "resetPassword", user, { CODE: resetCode, URL: url });
      });
      mail.kick();
      await audit(meta, { action: AuditAction.PASSWORD_RESET_REQUESTED, targetType: "User", targetId: user.id });
    },

    async resetPassword(
      input: { password: string; passwordConfirmation: string; code: string },
      meta: RequestMeta,
    ): Promise<AuthResult> {
      await rateLimits.consume("resetPassword", { ip: meta.ip });
      const next = parse(password, input.password);
      if (next !== input.passwordConfirmation) throw badUserInput(AuthMessage.PASSWORDS_DO_NOT_MATCH);
      const resetCode = parse(code, input.code);
      // The policy needs the account's names; look the code up first so a refused password does not
      // spend it. Consuming below is still the atomic, single-use step.
      const holder = await findOneTimeCodeHolder(prisma, { code: resetCode, purpose: "PASSWORD_RESET" });
      if (!holder) throw badUserInput(AuthMessage.INCORRECT_CODE);
      const passwordHash = await passwords.hash(passwordPolicy.assertAcceptable(next, holder));
      const userId = await prisma.$transaction(async (tx) => {
        const owner = await consumeOneTimeCode(tx, { code: resetCode, purpose: "PASSWORD_RESET" });
        if (owner === null) return null;
        await tx.user.update({ where: { id: owner }, data: { passwordHash } });
        // Whoever held the old password may hold sessions too: end them all.
        await revokeAllSessions(tx, { userId: owner, reason: "password-reset" });
        return owner;
      });
      if (userId === null) throw badUserInput(AuthMessage.INCORRECT_CODE);
      await auditOwnAccount(meta, AuditAction.PASSWORD_RESET, userId);
      return issueTokens(await requireUser(userId), meta);
    },

    async changePassword(
      userId: number,
      input: { currentPassword: string; password: string; passwordConfirmation: string },
      meta: RequestMeta,
    ): Promise<AuthResult> {
      await rateLimits.consume("changePassword", { ip: meta.ip, identifier: String(userId) });
      const user = await requireUser(userId);
      const next = parse(password, input.password);
      if (!(await verifyPassword(parse(password, input.currentPassword), user.passwordHash))) {
        const metadata = { reason: "wrong-current-password" };
        await auditOwnAccount(meta, AuditAction.PASSWORD_CHANGED, userId, { success: false, metadata });
        throw badUserInput(AuthMessage.WRONG_CURRENT_PASSWORD);
      }
      if (next !== input.passwordConfirmation) throw badUserInput(AuthMessage.PASSWORDS_DO_NOT_MATCH);
      if (input.currentPassword === next) throw badUserInput(AuthMessage.SAME_PASSWORD);
      const passwordHash = await passwords.hash(passwordPolicy.assertAcceptable(next, user));
      await prisma.$transaction(async (tx) => {
        await tx.user.update({ where: { id: userId }, data: { passwordHash } });
        await revokeAllSessions(tx, { userId, reason: "password-change" });
        await mail.enqueueTemplate(tx, "passwordChanged", user, {});
      });
      mail.kick();
      await auditOwnAccount(meta, AuditAction.PASSWORD_CHANGED, userId);
      return issueTokens(user, meta);
    },

    confirmEmailCode,

    /** `emailConfirmation` mutation: confirms, then signs the user in as Strapi does. */
    async confirmEmail(confirmation: string, meta: RequestMeta): Promise<AuthResult> {
      await rateLimits.consume("emailConfirmation", { ip: meta.ip });
      const userId = await confirmEmailCode(confirmation, meta);
      if (userId === null) throw badUserInput(AuthMessage.INVALID_CONFIRMATION);
      return issueTokens(await requireUser(userId), meta);
    },

    async sendEmailConfirmation(rawEmail: string, meta: RequestMeta): Promise<void> {
      await rateLimits.consume("sendEmailConfirmation", { ip: meta.ip, identifier: rawEmail.trim().toLowerCase() });
      const address = email.safeParse(rawEmail);
      if (!address.success) return;
      const user = await prisma.user.findUnique({ where: { email: address.data } });
      if (!user || user.blocked || user.confirmed) return;
      await prisma.$transaction(async (tx) => {
        const confirmation = await issueOneTimeCode(tx, {
          userId: user.id,
          purpose: "EMAIL_CONFIRMATION",
          lifespanSeconds: jwt.emailConfirmationTokenLifespan,
        });
        await mail.enqueueTemplate(tx, "emailConfirmation", user, { CODE: confirmation, URL: confirmationUrl });
      });
      mail.kick();
    },

    async logout(viewer: { userId: number; sessionId: string | null }, all: boolean, meta: RequestMeta): Promise<void> {
      if (all) await revokeAllSessions(prisma, { userId: viewer.userId, reason: "logout-all" });
      else if (viewer.sessionId) {
        await revokeSession(prisma, { sessionId: viewer.sessionId, userId: viewer.userId, reason: "logout" });
      }
      await audit(meta, {
        action: AuditAction.SESSION_REVOKED,
        actorId: viewer.userId,
        targetType: all ? "User" : "Session",
        targetId: all ? viewer.userId : viewer.sessionId,
        metadata: { reason: all ? "logout-all" : "logout" },
      });
    },

    async revokeSession(userId: number, sessionId: string, meta: RequestMeta): Promise<boolean> {
      const id = z.uuid().safeParse(sessionId);
      if (!id.success) return false;
      const revoked = await revokeSession(prisma, { sessionId: id.data, userId, reason: "revoked-by-user" });
      if (revoked) {
        await audit(meta, { action: AuditAction.SESSION_REVOKED, actorId: userId, targetType: "Session", targetId: id.data, metadata: { reason: "revoked-by-user" } });
      }
      return revoked;
    },

    listSessions(userId: number) {
      return prisma.session.findMany({
        where: { userId, revokedAt: null, expiresAt: { gt: new Date() } },
        orderBy: { lastUsedAt: "desc" },
      });
    },

    getUser: (userId: number) => prisma.user.findUnique({ where: { id: userId }, include: userWithRole }),

    /** The request's viewer from its Authorization header (null when absent; UNAUTHENTICATED when invalid). */
    authenticate: createAuthenticator({ prisma, tokens }),
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
