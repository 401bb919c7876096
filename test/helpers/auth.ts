/** Users and sign-in for integration tests. */
import type { PrismaClient } from "../../src/generated/prisma/client.ts";
import { createPasswordHasher } from "../../src/modules/auth/passwords.ts";
import { usernameKey } from "../../src/modules/users/identity.ts";
import { Login } from "../operations/auth.ts";
import type { TestServer } from "./server.ts";

const passwords = createPasswordHasher({ cost: 4 });

export interface NewUser {
  username: string;
  email: string;
  password?: string;
  /** Primary role by type (default "authenticated"). */
  roleType?: string;
  confirmed?: boolean;
  blocked?: boolean;
}

/** Writes a user straight to the database (test setup, not the flow under test). */
export async function createUser(prisma: PrismaClient, user: NewUser) {
  const role = await prisma.role.findUniqueOrThrow({ where: { type: user.roleType ?? "authenticated" } });
  return prisma.user.create({
    data: {
      username: user.username,
      usernameKey: usernameKey(user.username),
      email: user.email.toLowerCase(),
      passwordHash: await passwords.hash(user.password ?? "correct horse battery staple"),
      confirmed: user.confirmed ?? true,
      blocked: user.blocked ?? false,
      primaryRoleId: role.id,
    },
  });
}

export interface SignedIn {
  jwt: string;
  refreshToken: string | null;
  userId: string;
  headers: { authorization: string };
}

/** Signs in through the real `login` mutation. */
export async function signIn(server: TestServer, identifier: string, password = "correct horse battery staple"): Promise<SignedIn> {
  const result = await server.gql(Login, { input: { identifier, password } });
  const login = result.data?.login;
  if (!login?.jwt) throw new Error(`sign-in failed: ${JSON.stringify(result.errors)}`);
  return {
    jwt: login.jwt,
    refreshToken: login.refreshToken ?? null,
    userId: login.user.id,
    headers: { authorization: `Bearer ${login.jwt}` },
  };
}

/** Merges advanced settings straight into the database (test setup). */
export async function setAdvancedSettings(prisma: PrismaClient, changes: Record<string, unknown>) {
  const row = await prisma.setting.findUniqueOrThrow({ where: { key: "advanced" } });
  await prisma.setting.update({
    where: { key: "advanced" },
    data: { value: { ...(row.value as Record<string, unknown>), ...changes } as object },
  });
}
