/**
 * Which account a provider sign-in belongs to. The link key is (provider, subject), never the email:
 * - a linked identity signs its user in (unless blocked);
 * - an email that belongs to an existing account links only when the provider asserts the email verified
 *   AND that account's email is confirmed; otherwise PROVIDER_LINK_REQUIRED (sign in, then linkProvider);
 * - otherwise a new account: Strapi's username rule (the email's local part, a random suffix when taken)
 *   through the shared identity rules, confirmed when the provider verified the email, no password.
 * In a linkProvider flow the identity goes to the signed-in user who started it.
 */
import { randomBytes } from "node:crypto";
import { FailureReason } from "../../errors.ts";
import { Prisma, type PrismaClient } from "../../generated/prisma/client.ts";
import { AuditAction, type AuditService } from "../audit/audit.service.ts";
import type { RequestMeta } from "../auth/auth.service.ts";
import { BuiltinRoleType } from "../roles/builtin-roles.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import { parseEmail, USERNAME_MAX_LENGTH, username as usernameRule, usernameColumns, usernameFromEmail, usernameKey } from "../users/identity.ts";
import type { ProviderProfile } from "./presets.ts";

export type AccountOutcome =
  | { kind: "signedIn"; userId: number }
  | { kind: "linked"; userId: number }
  | { kind: "refused"; reason: FailureReason; userId?: number };

export interface AccountsDependencies {
  prisma: PrismaClient;
  audit: AuditService;
  settings: Pick<SettingsService, "getAdvanced">;
  /** Sends the confirmation email to a new account whose provider did not verify its address. */
  sendEmailConfirmation: (email: string, meta: RequestMeta) => Promise<void>;
}

const SUFFIX_BYTES = 3;

export function createAccounts({ prisma, audit, settings, sendEmailConfirmation }: AccountsDependencies) {
  const record = (meta: RequestMeta, entry: Parameters<AuditService["record"]>[0]) =>
    audit.record({ ...entry, ip: meta.ip, userAgent: meta.userAgent });

  async function usernameFree(db: Prisma.TransactionClient, candidate: string) {
    return !(await db.user.findUnique({ where: { usernameKey: usernameKey(candidate) }, select: { id: true } }));
  }

  /** Strapi's rule: the email's local part, or with a random suffix when an account holds it. */
  async function usernameFor(db: Prisma.TransactionClient, email: string, suggested: string | null | undefined): Promise<string> {
    const fromSuggestion = suggested ? usernameRule.safeParse(suggested) : undefined;
    const base = usernameFromEmail(email) ?? (fromSuggestion?.success ? fromSuggestion.data : null) ?? "user";
    if (await usernameFree(db, base)) return base;
    for (;;) {
      const suffix = `-${randomBytes(SUFFIX_BYTES).toString("hex")}`;
      const candidate = `${[...base].slice(0, USERNAME_MAX_LENGTH - suffix.length).join("")}${suffix}`;
      if (await usernameFree(db, candidate)) return candidate;
    }
  }

  async function defaultRoleId(type: string): Promise<number> {
    const role = await prisma.role.findUnique({ where: { type } });
    return (role ?? (await prisma.role.findUniqueOrThrow({ where: { type: BuiltinRoleType.AUTHENTICATED } }))).id;
  }

  const isUniqueViolation = (error: unknown) => error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";

  async function createAccount(provider: string, profile: ProviderProfile & { email: string }, meta: RequestMeta): Promise<AccountOutcome> {
    const current = await settings.getAdvanced();
    if (!current.allowRegister) return { kind: "refused", reason: FailureReason.REGISTRATION_DISABLED };
    const primaryRoleId = await defaultRoleId(current.defaultRole);
    // Two sign-ups may pick the same free name at once: the unique index refuses one, which tries again.
    for (let attempt = 1; ; attempt++) {
      try {
        const user = await prisma.$transaction(async (tx) => {
          const created = await tx.user.create({
            data: {
              ...usernameColumns(await usernameFor(tx, profile.email, profile.username)),
              email: profile.email,
              provider,
              passwordHash: null,
              confirmed: profile.emailVerified,
              primaryRoleId,
            },
          });
          await tx.userIdentity.create({
            data: { userId: created.id, provider, subject: profile.subject, email: profile.email, lastSignInAt: new Date() },
          });
          return created;
        });
        await record(meta, {
          action: AuditAction.USER_REGISTERED,
          actorId: user.id,
          targetType: "User",
          targetId: user.id,
          metadata: { provider, emailVerified: profile.emailVerified },
        });
        if (!user.confirmed && current.emailConfirmation) {
          await sendEmailConfirmation(user.email, meta);
          return { kind: "refused", reason: FailureReason.EMAIL_NOT_CONFIRMED, userId: user.id };
        }
        return { kind: "signedIn", userId: user.id };
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= 3) throw error;
        // The same provider account signing up twice at once: the second one finds the first's identity.
        const linked = await prisma.userIdentity.findUnique({ where: { provider_subject: { provider, subject: profile.subject } } });
        if (linked) return { kind: "signedIn", userId: linked.userId };
        if (await prisma.user.findUnique({ where: { email: profile.email }, select: { id: true } })) {
          return { kind: "refused", reason: FailureReason.PROVIDER_LINK_REQUIRED };
        }
      }
    }
  }

  async function linkIdentity(userId: number, provider: string, profile: ProviderProfile, via: string, meta: RequestMeta) {
    try {
      await prisma.userIdentity.create({
        data: { userId, provider, subject: profile.subject, email: profile.email, lastSignInAt: via === "linkProvider" ? null : new Date() },
      });
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
    await record(meta, {
      action: AuditAction.PROVIDER_LINKED,
      actorId: userId,
      targetType: "User",
      targetId: userId,
      metadata: { provider, via },
    });
    return true;
  }

  /** The email as the identity rules store it, or null when the provider gave none or an invalid one. */
  function emailOf(profile: ProviderProfile): string | null {
    if (!profile.email) return null;
    try {
      return parseEmail(profile.email);
    } catch {
      return null;
    }
  }

  return {
    /** A provider sign-in: the account it signs in to, or why not. */
    async signIn(provider: string, profile: ProviderProfile, meta: RequestMeta): Promise<AccountOutcome> {
      const email = emailOf(profile);
      const normalized = { ...profile, email };
      const linked = await prisma.userIdentity.findUnique({
        where: { provider_subject: { provider, subject: profile.subject } },
        include: { user: { select: { blocked: true } } },
      });
      if (linked) {
        if (linked.user.blocked) return { kind: "refused", reason: FailureReason.ACCOUNT_BLOCKED, userId: linked.userId };
        await prisma.userIdentity.update({ where: { id: linked.id }, data: { lastSignInAt: new Date(), email } });
        return { kind: "signedIn", userId: linked.userId };
      }
      if (!email) return { kind: "refused", reason: FailureReason.PROVIDER_EMAIL_REQUIRED };
      const existing = await prisma.user.findUnique({ where: { email }, select: { id: true, confirmed: true, blocked: true } });
      if (!existing) return createAccount(provider, { ...normalized, email }, meta);
      // Never by email alone: the provider must vouch for the address, and so must the account.
      if (!profile.emailVerified || !existing.confirmed) {
        return { kind: "refused", reason: FailureReason.PROVIDER_LINK_REQUIRED, userId: existing.id };
      }
      if (existing.blocked) return { kind: "refused", reason: FailureReason.ACCOUNT_BLOCKED, userId: existing.id };
      if (!(await linkIdentity(existing.id, provider, normalized, "verified-email", meta))) {
        // The account already links another account of this provider.
        return { kind: "refused", reason: FailureReason.PROVIDER_ALREADY_LINKED, userId: existing.id };
      }
      return { kind: "signedIn", userId: existing.id };
    },

    /** A linkProvider flow: the provider account joins the signed-in user who started it. */
    async link(userId: number, provider: string, profile: ProviderProfile, meta: RequestMeta): Promise<AccountOutcome> {
      const linked = await prisma.userIdentity.findUnique({ where: { provider_subject: { provider, subject: profile.subject } } });
      if (linked) {
        return linked.userId === userId ? { kind: "linked", userId } : { kind: "refused", reason: FailureReason.PROVIDER_ALREADY_LINKED, userId };
      }
      const user = await prisma.user.findUnique({ where: { id: userId }, select: { blocked: true } });
      if (!user || user.blocked) return { kind: "refused", reason: FailureReason.ACCOUNT_BLOCKED, userId };
      if (!(await linkIdentity(userId, provider, { ...profile, email: emailOf(profile) }, "linkProvider", meta))) {
        return { kind: "refused", reason: FailureReason.PROVIDER_ALREADY_LINKED, userId };
      }
      return { kind: "linked", userId };
    },
  };
}

export type Accounts = ReturnType<typeof createAccounts>;
