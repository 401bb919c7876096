/** `register`: a new local account with the default role, signed in at once unless it must confirm its email. */
import { badUserInput, failure, FailureReason } from "../../errors.ts";
import { Prisma } from "../../generated/prisma/client.ts";
import { AuditAction } from "../audit/audit.service.ts";
import { newDocumentId } from "../../lib/ids.ts";
import { BuiltinRoleType } from "../roles/builtin-roles.ts";
import type { AuthResult, AuthUser, FlowKit, MeUser, RequestMeta } from "./flow-kit.ts";
import { parseIdentity } from "../users/identity.ts";
import { parse, password } from "./inputs.ts";
import { AuthFailure } from "./failures.ts";

export interface RegisterInput {
  username: string;
  email: string;
  password: string;
  /** Extra profile fields; only those in settings.registerAllowedFields are accepted. */
  extra: Record<string, unknown>;
}

/** The columns of a new local account, before confirmation is decided. */
type NewAccount = Omit<Prisma.UserUncheckedCreateInput, "confirmed"> & { usernameKey: string; email: string; profile: Prisma.InputJsonObject };

/** The columns of a new account that the answer shows (MeUser, its role apart). */
const meColumns = { id: true, documentId: true, username: true, email: true, confirmed: true, blocked: true } satisfies Prisma.UserSelect;

export function createSignUpFlow(kit: FlowKit) {
  const { prisma, passwords, settings } = kit;
  const { rateLimits, passwordPolicy } = kit.security;

  function assertAllowedFields(extra: Record<string, unknown>, allowed: readonly string[]) {
    const unknownFields = Object.keys(extra).filter((field) => !allowed.includes(field));
    if (unknownFields.length > 0) {
      throw badUserInput(`Invalid parameters: ${unknownFields.join(", ")}`, { fields: unknownFields, reason: FailureReason.INVALID_INPUT });
    }
  }

  /** The settings' default role, or Authenticated when that role has gone. */
  async function defaultRole(type: string) {
    const role = await prisma.role.findUnique({ where: { type } });
    return role ?? (await prisma.role.findUniqueOrThrow({ where: { type: BuiltinRoleType.AUTHENTICATED } }));
  }

  const isUniqueViolation = (error: unknown) => error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";

  /** Confirmation off: the account, signed in at once; a taken email or username is Strapi's TAKEN. */
  async function registerConfirmed(data: NewAccount, role: AuthUser["primaryRole"], meta: RequestMeta): Promise<AuthResult> {
    let user: MeUser;
    try {
      // The role is known: no `include` (Prisma would wrap the INSERT in a transaction with two SELECTs).
      const created = await prisma.user.create({ data: { ...data, confirmed: true }, select: meColumns });
      user = { ...created, primaryRole: role };
    } catch (error) {
      // Without confirmation the caller gets a session right away, so no answer could be neutral:
      // "created" would have to come with a session, and an account that is not theirs cannot.
      if (isUniqueViolation(error)) throw failure(AuthFailure.TAKEN);
      throw error;
    }
    return kit.signIn(user, meta, kit.ownAccountEntry(meta, AuditAction.USER_REGISTERED, user.id));
  }

  /**
   * Confirmation on: the same answer for a new address and a taken one (a user, no jwt), and the same
   * work (an id drawn, an INSERT tried, a mail request recorded, an audit entry). A new address gets the
   * confirmation email; a taken one's owner gets "someone tried to sign up with your address" instead.
   * The answer's user has the id and documentId drawn for the attempt, which nobody else will ever get.
   */
  async function registerPending(data: NewAccount, role: AuthUser["primaryRole"], meta: RequestMeta): Promise<AuthResult> {
    // Usernames are public (they sign in and show on screen) and a sign-up must be able to say "choose
    // another": a taken one is TAKEN whatever the email, which therefore tells nothing about the email.
    if (await prisma.user.findUnique({ where: { usernameKey: data.usernameKey }, select: { id: true } })) {
      throw failure(AuthFailure.TAKEN);
    }
    const [{ id }] = await prisma.$queryRaw<[{ id: number }]>`SELECT nextval(pg_get_serial_sequence('"users"', 'id'))::int AS "id"`;
    const account = { ...data, id, documentId: newDocumentId(), confirmed: false };
    try {
      const user = await prisma.$transaction(async (tx) => {
        // No `include`: the role is known, and the taken-address path must not do less work than this one.
        const created = await tx.user.create({ data: account });
        await kit.mailRequests.request(tx, "EMAIL_CONFIRMATION", created.email, meta);
        return { ...created, primaryRole: role };
      });
      await kit.auditOwnAccount(meta, AuditAction.USER_REGISTERED, user.id);
      kit.mailRequests.kickSoon();
      return { jwt: null, refreshToken: null, user };
    } catch (error) {
      // The username was checked above, so the address is taken (or the name was taken a moment ago:
      // then nobody owns the address and the worker sends nothing).
      if (!isUniqueViolation(error)) throw error;
    }
    await kit.mailRequests.request(prisma, "SIGN_UP_ATTEMPT", data.email, meta);
    await kit.audit(meta, { action: AuditAction.USER_REGISTERED, success: false, metadata: { reason: "email-taken" } });
    kit.mailRequests.kickSoon();
    const now = new Date();
    const user: AuthUser = {
      ...account,
      profile: data.profile as Prisma.JsonObject,
      provider: "local",
      passwordHash: null,
      passwordNormalized: true,
      blocked: false,
      tokenVersion: 0,
      createdAt: now,
      updatedAt: now,
      primaryRole: role,
    };
    return { jwt: null, refreshToken: null, user };
  }

  async function register(input: RegisterInput, meta: RequestMeta): Promise<AuthResult> {
    await rateLimits.consume("register", { ip: meta.ip, identifier: input.email });
    const current = await settings.getAdvanced();
    if (!current.allowRegister) throw failure(AuthFailure.REGISTER_DISABLED);
    const identity = parseIdentity(input);
    const accepted = await passwordPolicy.assertAcceptable(parse(password, input.password), identity);
    assertAllowedFields(input.extra, current.registerAllowedFields);
    const role = await defaultRole(current.defaultRole);
    // Hashed before anything is looked up: a taken address costs the same bcrypt work as a new one.
    const passwordHash = await passwords.hash(accepted);
    const data: NewAccount = {
      ...identity,
      passwordHash,
      provider: "local",
      profile: input.extra as Prisma.InputJsonObject,
      primaryRoleId: role.id,
    };
    return current.emailConfirmation ? registerPending(data, role, meta) : registerConfirmed(data, role, meta);
  }

  return { register };
}
