/**
 * What every authentication flow shares: its dependencies, and the steps several flows take (sign the
 * user in, audit from the request, check a password, ask for an email through a mail request).
 */
import type { YogaLogger } from "@graphql-yoga/logger";
import type { Config, JwtConfig } from "../../config.ts";
import { failure, unauthenticated } from "../../errors.ts";
import type { OneTimeTokenPurpose, Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import { type AuditAction, type AuditEntryInput, auditInsert, type AuditService } from "../audit/audit.service.ts";
import type { EmailService } from "../email/email.service.ts";
import { normalizePassword } from "../security/password-policy.ts";
import type { SecurityService } from "../security/security.service.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import type { Viewer } from "./authenticate.ts";
import { AuthFailure } from "./failures.ts";
import { createMailRequests } from "./mail-requests.ts";
import type { PasswordHasher } from "./passwords.ts";
import { type SessionPolicy, startSession } from "./sessions.ts";
import type { MeReader, MeUser } from "./me-state.ts";
import type { TokenStateReader } from "./token-state.ts";
import type { TokenService } from "./tokens.ts";

export interface AuthDependencies {
  prisma: PrismaClient;
  passwords: PasswordHasher;
  tokens: TokenService;
  /** What authenticate checks tokens against (token-state.ts). */
  tokenState: TokenStateReader;
  /** What `me` answers from (me-state.ts). */
  meState: MeReader;
  /**
   * The roles authorization holds a user to, which access tokens name: the access module's change-fed
   * cache (access-state.ts). Declared here rather than imported, since access builds on auth's Viewer.
   */
  accessState: { heldRoles(viewer: Viewer): Promise<readonly { type: string }[]> };
  jwt: JwtConfig;
  publicUrl: string;
  /** Renders and queues emails, for the mail-request worker: flows only record mail requests. */
  email: Pick<EmailService, "compose" | "enqueue" | "kick">;
  /** Per-field rate limits, failed-login lockout, the per-address mail budget and the password policy. */
  security: Pick<SecurityService, "rateLimits" | "lockout" | "passwordPolicy" | "mailBudget">;
  /** Polling and retries of the mail-request worker (the outbox's settings). */
  emailOutbox: Config["emailOutbox"];
  logger: YogaLogger;
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

export const userWithRole = { primaryRole: true } satisfies Prisma.UserInclude;
export type AuthUser = Prisma.UserGetPayload<{ include: typeof userWithRole }>;

export type { MeUser };

/** What verifyPassword needs of an account. */
export type PasswordHolder = Pick<AuthUser, "passwordHash" | "passwordNormalized">;

export interface AuthResult {
  /** Null while email confirmation is pending. */
  jwt: string | null;
  refreshToken: string | null;
  /** What the answer shows of the user (an AuthUser is one too). */
  user: MeUser;
}

/** The one-time codes that travel by email (the OAuth codes travel in redirects). */
type EmailCodePurpose = Extract<OneTimeTokenPurpose, "EMAIL_CONFIRMATION" | "PASSWORD_RESET">;

export function createFlowKit(deps: AuthDependencies) {
  const { prisma, passwords, tokens, jwt, email } = deps;
  const codeLifespans: Record<EmailCodePurpose, number> = {
    EMAIL_CONFIRMATION: jwt.emailConfirmationTokenLifespan,
    PASSWORD_RESET: jwt.resetPasswordTokenLifespan,
  };

  const fromRequest = (meta: RequestMeta, entry: Omit<AuditEntryInput, "ip" | "userAgent">): AuditEntryInput => ({
    ...entry,
    ip: meta.ip,
    userAgent: meta.userAgent,
  });

  const audit = (meta: RequestMeta, entry: Omit<AuditEntryInput, "ip" | "userAgent">) => deps.audit.record(fromRequest(meta, entry));

  /** The entry of a user acting on their own account: actor and target are the same user. */
  const ownAccountEntry = (
    meta: RequestMeta,
    action: AuditAction,
    userId: number,
    extra: Pick<AuditEntryInput, "success" | "metadata"> = {},
  ): AuditEntryInput => fromRequest(meta, { action, actorId: userId, targetType: "User", targetId: userId, ...extra });

  /** Records a user acting on their own account. */
  const auditOwnAccount = (...entry: Parameters<typeof ownAccountEntry>) => deps.audit.record(ownAccountEntry(...entry));

  /**
   * Exactly one bcrypt comparison, whoever asks: against the one form the user's hash was made from (NFKC
   * for every hash Gatehouse makes, see password-policy.ts; as typed for hashes imported from Strapi,
   * `passwordNormalized: false`), or against a dummy hash when there is no user or no password. Neither the
   * time taken nor the hasher's work tells an unknown account from a known one, whatever NFKC does to
   * the input.
   */
  async function verifyPassword(secret: string, user: PasswordHolder | null): Promise<boolean> {
    const candidate = user && !user.passwordNormalized ? secret : normalizePassword(secret);
    return passwords.verify(candidate, user?.passwordHash);
  }

  async function requireUser(userId: number): Promise<AuthUser> {
    const user = await prisma.user.findUnique({ where: { id: userId }, include: userWithRole });
    if (!user) throw unauthenticated();
    if (user.blocked) throw failure(AuthFailure.BLOCKED);
    return user;
  }

  /**
   * The role types an access token names: the held roles authorization uses, from its change-fed cache
   * (no statement when warm). The claim is a hint for clients, never used for decisions.
   */
  async function roleTypes(userId: number, sessionId: string | null): Promise<string[]> {
    const held = await deps.accessState.heldRoles({ userId, sessionId });
    return held.map((role) => role.type);
  }

  /** A short-lived access token for a session (refresh mode). */
  const accessToken = (userId: number, sessionId: string, roles: string[]) =>
    tokens.sign({ userId, sessionId, roles, lifespanSeconds: jwt.accessTokenLifespan });

  const sessionPolicy = (meta: RequestMeta): SessionPolicy =>
    meta.browserSession
      ? { maxLifespan: jwt.maxSessionLifespan, idleLifespan: jwt.idleSessionLifespan }
      : { maxLifespan: jwt.maxRefreshTokenLifespan, idleLifespan: jwt.idleRefreshTokenLifespan };

  /**
   * Signs in: a new session (refresh mode) or a single long-lived token (legacy mode). `audited` is the
   * entry that records the sign-in; in refresh mode it is written in the session's own statement, so
   * the log never shows a sign-in without its session, nor a session without its entry.
   */
  async function signIn(user: MeUser, meta: RequestMeta, audited?: AuditEntryInput): Promise<AuthResult> {
    if (jwt.mode === "legacy") {
      if (audited) await deps.audit.record(audited);
      const roles = await roleTypes(user.id, null);
      // Read now, not from `user`: the caller may have just bumped it (a new password ends older tokens).
      const { tokenVersion } = await prisma.user.findUniqueOrThrow({ where: { id: user.id }, select: { tokenVersion: true } });
      const token = await tokens.sign({ userId: user.id, tokenVersion, roles, lifespanSeconds: jwt.legacyTokenLifespan });
      return { jwt: token, refreshToken: null, user };
    }
    const now = new Date();
    const session = await startSession(prisma, {
      userId: user.id,
      policy: sessionPolicy(meta),
      ip: meta.ip,
      userAgent: meta.userAgent,
      now,
      alongside: audited && auditInsert(audited, now),
    });
    const roles = await roleTypes(user.id, session.sessionId);
    return { jwt: await accessToken(user.id, session.sessionId, roles), refreshToken: session.refreshToken, user };
  }

  const mailRequests = createMailRequests({
    prisma,
    email,
    settings: deps.settings,
    audit: deps.audit,
    mailBudget: deps.security.mailBudget,
    logger: deps.logger,
    publicUrl: deps.publicUrl,
    codeLifespans,
    polling: deps.emailOutbox,
  });

  return { ...deps, audit, auditOwnAccount, ownAccountEntry, verifyPassword, requireUser, roleTypes, accessToken, signIn, mailRequests };
}

export type FlowKit = ReturnType<typeof createFlowKit>;
