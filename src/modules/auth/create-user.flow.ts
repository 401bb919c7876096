/**
 * `createUser`: an account made by an admin (or an operator with the CLI), as Strapi's admin panel creates
 * end users. With a password it is checked by the policy and hashed; without one the user gets the password
 * reset email, whose link lets them choose their own.
 */
import { badUserInput, failure } from "../../errors.ts";
import { Prisma } from "../../generated/prisma/client.ts";
import { AuditAction, type AuditSource } from "../audit/audit.service.ts";
import { BuiltinRoleType } from "../roles/builtin-roles.ts";
import { parseIdentity } from "../users/identity.ts";
import type { AuthUser, FlowKit } from "./flow-kit.ts";
import { userWithRole } from "./flow-kit.ts";
import { AuthFailure } from "./failures.ts";
import { parse, password } from "./inputs.ts";

export interface CreateUserInput {
  username: string;
  email: string;
  /** Checked by the password policy. Absent: the user is emailed a link to set one (a reset code). */
  password?: string | null;
  /** Default false, as in Strapi: with email confirmation on, the user must confirm before signing in. */
  confirmed?: boolean | null;
  blocked?: boolean | null;
  /** A role's id or type; the default role (settings' defaultRole) when absent. */
  role?: string | null;
  /** Profile fields, not limited to registerAllowedFields: an admin sets them. */
  profile?: Record<string, unknown> | null;
}

export interface CreatedUser {
  user: AuthUser;
  /** Whether a set-password email was asked for (no password given, user not blocked); the mail-request worker sends it. */
  setPasswordEmail: boolean;
}

export function createCreateUserFlow(kit: FlowKit) {
  const { prisma, passwords, settings } = kit;
  const { passwordPolicy } = kit.security;

  async function roleIdOf(role: string | null | undefined): Promise<number> {
    if (role != null && role.trim() !== "") {
      const value = role.trim();
      const found = await prisma.role.findFirst({
        where: /^\d+$/.test(value) ? { OR: [{ id: Number(value) }, { type: value }] } : { type: value },
        select: { id: true },
      });
      if (!found) throw badUserInput("No such role", { field: "role" });
      return found.id;
    }
    const { defaultRole } = await settings.getAdvanced();
    const fallback =
      (await prisma.role.findUnique({ where: { type: defaultRole }, select: { id: true } })) ??
      (await prisma.role.findUniqueOrThrow({ where: { type: BuiltinRoleType.AUTHENTICATED }, select: { id: true } }));
    return fallback.id;
  }

  async function createUser(input: CreateUserInput, source: AuditSource): Promise<CreatedUser> {
    const identity = parseIdentity(input);
    const passwordHash =
      input.password == null ? null : await passwords.hash(await passwordPolicy.assertAcceptable(parse(password, input.password), identity));
    const primaryRoleId = await roleIdOf(input.role);
    const blocked = input.blocked ?? false;
    const requester = { ip: source.ip ?? undefined, userAgent: source.userAgent ?? undefined };
    // A blocked user could not use the link (resetting signs in, which a block refuses).
    const setPasswordEmail = passwordHash === null && !blocked;
    let user: AuthUser;
    try {
      user = await prisma.$transaction(async (tx) => {
        const created = await tx.user.create({
          data: {
            ...identity,
            passwordHash,
            provider: "local",
            confirmed: input.confirmed ?? false,
            blocked,
            profile: (input.profile ?? {}) as Prisma.InputJsonObject,
            primaryRoleId,
          },
          include: userWithRole,
        });
        // The request commits with the account, or neither does; the worker renders the email after commit.
        if (setPasswordEmail) await kit.mailRequests.request(tx, "SET_PASSWORD", created.email, requester);
        return created;
      });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") throw failure(AuthFailure.TAKEN);
      throw error;
    }
    if (setPasswordEmail) kit.mailRequests.kickSoon();
    await kit.audit(requester, {
      action: AuditAction.USER_CREATED,
      actorId: source.actorId,
      targetType: "User",
      targetId: user.id,
      metadata: { roleId: primaryRoleId, credentials: passwordHash === null ? (setPasswordEmail ? "email-link" : "none") : "given" },
    });
    return { user, setPasswordEmail };
  }

  return { createUser };
}
