/**
 * One set of identity rules on every write path, over HTTP against a real database: register, updateMe,
 * updateUser and the first-admin seed refuse the same usernames and emails, store the same normal form,
 * and usernames are unique case-insensitively in the database itself.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "../src/generated/prisma/client.ts";
import { createUser, type SignedIn, signIn } from "./helpers/auth.ts";
import { errorCode, type GraphQLResponse, startTestServer, type TestServer } from "./helpers/server.ts";
import { Me, Register } from "./operations/auth.ts";
import { UpdateMe, UpdateUserIdentity } from "./operations/users.ts";

const PASSWORD = "correct horse battery staple";
const FORTY_KB = 40_000;

const badUsernames: [string, string][] = [
  ["40 kB", "u".repeat(FORTY_KB)],
  ["too short", "ab"],
  ["65 characters", "a".repeat(65)],
  ["an @", "ada@home"],
  ["a full-width @", "ada＠home"],
  ["an inner space", "ada lovelace"],
  ["a zero-width space", "ad\u200Ba"],
  ["a zero-width joiner", "ad\u200Da"],
  ["a right-to-left override", "ada\u202Egnp.exe"],
  ["a bidi isolate", "ada\u2066x"],
  ["a Hangul filler", "ada\u3164"],
  ["a control character", "ada\u0007"],
];

const badEmails: [string, string][] = [
  ["40 kB", `${"a".repeat(FORTY_KB)}@example.com`],
  ["40 kB of dots after the @", `a@${"b.".repeat(FORTY_KB / 2)}@`],
  ["255 characters", `${"a".repeat(64)}@${"b".repeat(187)}.com`],
  ["no @", "ada.example.com"],
  ["two @", "ada@home@example.com"],
];

const refusedOn = (result: GraphQLResponse<unknown>, field: string) => {
  expect(errorCode(result)).toBe("BAD_USER_INPUT");
  expect(result.errors?.[0]?.extensions?.field).toBe(field);
  expect(result.status).toBeLessThan(500);
};

describe("identity rules on every write path", () => {
  let server: TestServer;
  let admin: SignedIn;
  let target: { id: string };
  let self: SignedIn;

  beforeAll(async () => {
    server = await startTestServer({ ADMIN_EMAIL: "Root@Example.com", ADMIN_PASSWORD: "root passphrase here" });
    admin = await signIn(server, "root@example.com", "root passphrase here");
    target = { id: String((await createUser(server.prisma, { username: "target", email: "target@example.com" })).id) };
    await createUser(server.prisma, { username: "self", email: "self@example.com" });
    self = await signIn(server, "self");
  });
  afterAll(() => server?.close());

  describe.each(badUsernames)("a username with %s", (_why, username) => {
    it("is refused by register, updateMe and updateUser with BAD_USER_INPUT", async () => {
      refusedOn(await server.gql(Register, { input: { username, email: "new@example.com", password: PASSWORD } }), "username");
      refusedOn(await server.gql(UpdateMe, { data: { username } }, self), "username");
      refusedOn(await server.gql(UpdateUserIdentity, { id: target.id, data: { username } }, admin), "username");
      expect(await server.prisma.user.count({ where: { email: "new@example.com" } })).toBe(0);
      expect((await server.prisma.user.findUniqueOrThrow({ where: { id: Number(target.id) } })).username).toBe("target");
    });
  });

  describe.each(badEmails)("an email with %s", (_why, email) => {
    it("is refused by register and updateUser with BAD_USER_INPUT", async () => {
      refusedOn(await server.gql(Register, { input: { username: "newcomer", email, password: PASSWORD } }), "email");
      refusedOn(await server.gql(UpdateUserIdentity, { id: target.id, data: { email } }, admin), "email");
      expect(await server.prisma.user.count({ where: { username: "newcomer" } })).toBe(0);
      expect((await server.prisma.user.findUniqueOrThrow({ where: { id: Number(target.id) } })).email).toBe("target@example.com");
    });
  });

  it("stores usernames in NFKC without surrounding spaces, and emails lower-cased, on every path", async () => {
    const registered = await server.gql(Register, { input: { username: " ｆｕｌｌｗｉｄｔｈ ", email: " Wide@Example.COM ", password: PASSWORD } });
    expect(registered.data?.register.user).toMatchObject({ username: "fullwidth", email: "wide@example.com" });

    const renamed = await server.gql(UpdateUserIdentity, { id: target.id, data: { username: "ﬁrst", email: "First@Example.COM" } }, admin);
    expect(renamed.data?.updateUser).toMatchObject({ username: "first", email: "first@example.com" });

    expect((await server.gql(UpdateMe, { data: { username: "Ｓｅｌｆ２" } }, self)).data?.updateMe.username).toBe("Self2");
  });

  it("keeps usernames unique case-insensitively: register, updateMe and updateUser", async () => {
    await createUser(server.prisma, { username: "Ada", email: "ada@example.com" });
    for (const username of ["ada", "ADA", "ａｄａ"]) {
      const taken = await server.gql(Register, { input: { username, email: `other-${username.length}@example.com`, password: PASSWORD } });
      expect(errorCode(taken)).toBe("BAD_USER_INPUT");
      expect(taken.errors?.[0]?.message).toBe("Email or Username are already taken");
      expect(errorCode(await server.gql(UpdateMe, { data: { username } }, self))).toBe("CONFLICT");
      expect(errorCode(await server.gql(UpdateUserIdentity, { id: target.id, data: { username } }, admin))).toBe("CONFLICT");
    }
    // ß folds to ss: "STRASSE" and "straße" are one name.
    expect((await server.gql(UpdateMe, { data: { username: "straße" } }, self)).errors).toBeUndefined();
    expect(errorCode(await server.gql(UpdateUserIdentity, { id: target.id, data: { username: "STRASSE" } }, admin))).toBe("CONFLICT");
    // A user may change the case of their own name.
    expect((await server.gql(UpdateMe, { data: { username: "STRASSE" } }, self)).data?.updateMe.username).toBe("STRASSE");
  });

  it("is enforced by the database itself, whoever writes", async () => {
    const role = await server.prisma.role.findUniqueOrThrow({ where: { type: "authenticated" } });
    const write = server.prisma.user.create({
      data: { username: "ADA", usernameKey: "ada", email: "ada-again@example.com", primaryRoleId: role.id },
    });
    await expect(write).rejects.toSatisfy(
      (error) => error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002",
    );
  });

  it("gives the first admin a username from ADMIN_EMAIL that follows the same rules", async () => {
    const me = await server.gql(Me, undefined, admin);
    expect(me.data?.me).toMatchObject({ username: "root", email: "root@example.com", role: { type: "admin" } });
  });
});
