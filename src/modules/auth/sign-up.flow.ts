/** `register`: a new local account with the default role, signed in at once unless it must confirm its email. */
import { badUserInput, failure, FailureReason } from "../../errors.ts";
import { Prisma } from "../../generated/prisma/client.ts";
import { AuditAction } from "../audit/audit.service.ts";
import { BuiltinRoleType } from "../roles/builtin-roles.ts";
import { confirmationUrl } from "./email-confirmation.flow.ts";
import type { AuthResult, AuthUser, FlowKit, RequestMeta } from "./flow-kit.ts";
import { userWithRole } from "./flow-kit.ts";
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
  async function defaultRoleId(type: string): Promise<number> {
    const role = await prisma.role.findUnique({ where: { type } });
    return (role ?? (await prisma.role.findUniqueOrThrow({ where: { type: BuiltinRoleType.AUTHENTICATED } }))).id;
  }

  /** Creates the user and, when confirmation is on, queues the confirmation email in the same transaction. */
  async function createAccount(data: Prisma.UserUncheckedCreateInput, confirm: boolean): Promise<AuthUser> {
    try {
      return await prisma.$transaction(async (tx) => {
        const created = await tx.user.create({ data, include: userWithRole });
        if (confirm) await kit.queueCodeEmail(tx, "EMAIL_CONFIRMATION", created, confirmationUrl(kit.publicUrl));
        return created;
      });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
        throw failure(AuthFailure.TAKEN);
      }
      throw error;
    }
  }

  async function register(input: RegisterInput, meta: RequestMeta): Promise<AuthResult> {
    await rateLimits.consume("register", { ip: meta.ip, identifier: input.email });
    const current = await settings.getAdvanced();
    if (!current.allowRegister) throw failure(AuthFailure.REGISTER_DISABLED);
    const identity = parseIdentity(input);
    const accepted = await passwordPolicy.assertAcceptable(parse(password, input.password), identity);
    assertAllowedFields(input.extra, current.registerAllowedFields);
    const primaryRoleId = await defaultRoleId(current.defaultRole);
    const passwordHash = await passwords.hash(accepted);
    const user = await createAccount(
      {
        ...identity,
        passwordHash,
        provider: "local",
        confirmed: !current.emailConfirmation,
        profile: input.extra as Prisma.InputJsonObject,
        primaryRoleId,
      },
      current.emailConfirmation,
    );
    await kit.auditOwnAccount(meta, AuditAction.USER_REGISTERED, user.id);
    if (current.emailConfirmation) {
      kit.email.kick();
      return { jwt: null, refreshToken: null, user };
    }
    return kit.signIn(user, meta);
  }

  return { register };
}
