/**
 * The authentication flows behind Strapi's users-permissions mutations, plus refresh sessions. Plain inputs
 * in, plain records out: no GraphQL here.
 */
import { z } from "zod";
import type { JwtConfig } from "../../config.ts";
import { badUserInput, forbidden, unauthenticated } from "../../errors.ts";
import { Prisma, type PrismaClient } from "../../generated/prisma/client.ts";
import { BuiltinRoleType } from "../roles/builtin-roles.ts";
import { getAdvancedSettings } from "../settings/settings.service.ts";
import type { AuthMail } from "./auth-mail.ts";
import { CONFIRMATION_PATH } from "./confirmation-link.ts";
import { AuthMessage } from "./messages.ts";
import { consumeOneTimeCode, issueOneTimeCode } from "./one-time-codes.ts";
import type { PasswordHasher } from "./passwords.ts";
import {
  revokeAllSessions,
  revokeSession,
  rotateRefreshToken,
  type SessionPolicy,
  startSession,
} from "./sessions.ts";
import type { TokenService } from "./tokens.ts";

export interface AuthDependencies {
  prisma: PrismaClient;
  passwords: PasswordHasher;
  tokens: TokenService;
  jwt: JwtConfig;
  publicUrl: string;
  mail: AuthMail;
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

const username = z.string().trim().min(3, "username must be at least 3 characters").max(64, "username is too long");
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
  const { prisma, passwords, tokens, jwt, mail } = deps;

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
  async function confirmEmailCode(confirmation: string): Promise<number | null> {
    const parsed = code.safeParse(confirmation);
    if (!parsed.success) return null;
    return prisma.$transaction(async (tx) => {
      const owner = await consumeOneTimeCode(tx, { code: parsed.data, purpose: "EMAIL_CONFIRMATION" });
      if (owner !== null) await tx.user.update({ where: { id: owner }, data: { confirmed: true } });
      return owner;
    });
  }

  return {
    async register(
      input: { username: string; email: string; password: string; extra: Record<string, unknown> },
      meta: RequestMeta,
    ): Promise<AuthResult> {
      const settings = await getAdvancedSettings(prisma);
      if (!settings.allowRegister) throw forbidden(AuthMessage.REGISTER_DISABLED);
      const data = {
        username: parse(username, input.username),
        email: parse(email, input.email),
        password: parse(password, input.password),
      };
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
            await mail.enqueue(tx, "emailConfirmation", created, { CODE: confirmation, URL: confirmationUrl });
          }
          return created;
        });
      } catch (error) {
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
          throw badUserInput(AuthMessage.TAKEN);
        }
        throw error;
      }
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
      const user = await prisma.user.findFirst({
        where: { OR: [{ email: who.toLowerCase() }, { username: who }] },
        include: userWithRole,
      });
      // Unknown users cost one hash comparison too (against a dummy hash), so timing does not tell
      // which accounts exist; the message is the same either way.
      const valid = await passwords.verify(secret, user?.passwordHash);
      if (!user || !valid) throw badUserInput(AuthMessage.INVALID_CREDENTIALS);
      const settings = await getAdvancedSettings(prisma);
      if (settings.emailConfirmation && !user.confirmed) throw forbidden(AuthMessage.NOT_CONFIRMED);
      if (user.blocked) throw forbidden(AuthMessage.BLOCKED);
      return issueTokens(user, meta);
    },

    async refresh(refreshToken: string, meta: RequestMeta): Promise<{ jwt: string; refreshToken: string }> {
      const outcome = await rotateRefreshToken(prisma, { refreshToken: parse(code, refreshToken) });
      if (!outcome.ok) throw unauthenticated(AuthMessage.INVALID_REFRESH_TOKEN);
      void meta;
      const token = await tokens.sign({
        userId: outcome.userId,
        sessionId: outcome.session.sessionId,
        roles: await roleTypes(outcome.userId),
        lifespanSeconds: jwt.accessTokenLifespan,
      });
      return { jwt: token, refreshToken: outcome.session.refreshToken };
    },

    async forgotPassword(rawEmail: string): Promise<void> {
      const address = email.safeParse(rawEmail);
      if (!address.success) return; // Same answer as for an unknown address.
      const user = await prisma.user.findUnique({ where: { email: address.data } });
      if (!user || user.blocked) return;
      const settings = await getAdvancedSettings(prisma);
      await prisma.$transaction(async (tx) => {
        const resetCode = await issueOneTimeCode(tx, {
          userId: user.id,
          purpose: "PASSWORD_RESET",
          lifespanSeconds: jwt.resetPasswordTokenLifespan,
        });
        const url = settings.resetPasswordUrl ?? `${deps.publicUrl}/reset-password`;
        await mail.enqueue(tx, "resetPassword", user, { CODE: resetCode, URL: url });
      });
      mail.kick();
    },

    async resetPassword(
      input: { password: string; passwordConfirmation: string; code: string },
      meta: RequestMeta,
    ): Promise<AuthResult> {
      const next = parse(password, input.password);
      if (next !== input.passwordConfirmation) throw badUserInput(AuthMessage.PASSWORDS_DO_NOT_MATCH);
      const resetCode = parse(code, input.code);
      const passwordHash = await passwords.hash(next);
      const userId = await prisma.$transaction(async (tx) => {
        const owner = await consumeOneTimeCode(tx, { code: resetCode, purpose: "PASSWORD_RESET" });
        if (owner === null) return null;
        await tx.user.update({ where: { id: owner }, data: { passwordHash } });
        // Whoever held the old password may hold sessions too: end them all.
        await revokeAllSessions(tx, { userId: owner, reason: "password-reset" });
        return owner;
      });
      if (userId === null) throw badUserInput(AuthMessage.INCORRECT_CODE);
      return issueTokens(await requireUser(userId), meta);
    },

    async changePassword(
      userId: number,
      input: { currentPassword: string; password: string; passwordConfirmation: string },
      meta: RequestMeta,
    ): Promise<AuthResult> {
      const user = await requireUser(userId);
      const next = parse(password, input.password);
      if (!(await passwords.verify(parse(password, input.currentPassword), user.passwordHash))) {
        throw badUserInput(AuthMessage.WRONG_CURRENT_PASSWORD);
      }
      if (next !== input.passwordConfirmation) throw badUserInput(AuthMessage.PASSWORDS_DO_NOT_MATCH);
      if (input.currentPassword === next) throw badUserInput(AuthMessage.SAME_PASSWORD);
      const passwordHash = await passwords.hash(next);
      await prisma.$transaction(async (tx) => {
        await tx.user.update({ where: { id: userId }, data: { passwordHash } });
        await revokeAllSessions(tx, { userId, reason: "password-change" });
        await mail.enqueue(tx, "passwordChanged", user, {});
      });
      mail.kick();
      return issueTokens(user, meta);
    },

    confirmEmailCode,

    /** `emailConfirmation` mutation: confirms, then signs the user in as Strapi does. */
    async confirmEmail(confirmation: string, meta: RequestMeta): Promise<AuthResult> {
      const userId = await confirmEmailCode(confirmation);
      if (userId === null) throw badUserInput(AuthMessage.INVALID_CONFIRMATION);
      return issueTokens(await requireUser(userId), meta);
    },

    async sendEmailConfirmation(rawEmail: string): Promise<void> {
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
        await mail.enqueue(tx, "emailConfirmation", user, { CODE: confirmation, URL: confirmationUrl });
      });
      mail.kick();
    },

    async logout(viewer: { userId: number; sessionId: string | null }, all: boolean): Promise<void> {
      if (all) await revokeAllSessions(prisma, { userId: viewer.userId, reason: "logout-all" });
      else if (viewer.sessionId) {
        await revokeSession(prisma, { sessionId: viewer.sessionId, userId: viewer.userId, reason: "logout" });
      }
    },

    async revokeSession(userId: number, sessionId: string): Promise<boolean> {
      const id = z.uuid().safeParse(sessionId);
      if (!id.success) return false;
      return revokeSession(prisma, { sessionId: id.data, userId, reason: "revoked-by-user" });
    },

    listSessions(userId: number) {
      return prisma.session.findMany({
        where: { userId, revokedAt: null, expiresAt: { gt: new Date() } },
        orderBy: { lastUsedAt: "desc" },
      });
    },

    getUser: (userId: number) => prisma.user.findUnique({ where: { id: userId }, include: userWithRole }),
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
