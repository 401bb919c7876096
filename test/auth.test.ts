import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, setAdvancedSettings, signIn } from "./helpers/auth.ts";
import { startTestServer, type TestServer } from "./helpers/server.ts";
import { type MailServer, startMailServer } from "./helpers/mail.ts";
import { ChangePassword, ForgotPassword, Login, Me, Register, ResetPassword } from "./operations/auth.ts";
import { Logout, Refresh, RevokeSession, Sessions } from "./operations/sessions.ts";
import { UpdateUser } from "./operations/users.ts";

const bearer = (jwt: string) => ({ headers: { authorization: `Bearer ${jwt}` } });

describe("register and login (Strapi-compatible)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it("registers a confirmed user with the default role and signs them in", async () => {
    const result = await server.gql(Register, {
      input: { username: "ada", email: "Ada@Example.com", password: "analytical engine 1843" },
    });
    expect(result.errors).toBeUndefined();
    const payload = result.data!.register;
    expect(payload.jwt).toBeTruthy();
    expect(payload.refreshToken).toBeTruthy();
    expect(payload.user).toMatchObject({
      username: "ada",
      email: "ada@example.com",
      confirmed: true,
      blocked: false,
      role: { name: "Authenticated", type: "authenticated" },
    });
    const me = await server.gql(Me, undefined, bearer(payload.jwt!));
    expect(me.data?.me).toMatchObject({ username: "ada", email: "ada@example.com", role: { type: "authenticated" } });
  });

  it("refuses a taken email (in any case) or username with Strapi's message", async () => {
    for (const input of [
      { username: "ada2", email: "ADA@example.com", password: "another long passphrase" },
      { username: "ada", email: "someone@example.com", password: "another long passphrase" },
    ]) {
      const result = await server.gql(Register, { input });
      expect(result.errors?.[0]).toMatchObject({
        message: "Email or Username are already taken",
        extensions: { code: "BAD_USER_INPUT" },
      });
    }
    expect(await server.prisma.user.count()).toBe(1);
  });

  it("accepts only the extra profile fields allowed by settings", async () => {
    const refused = await server.gql(Register, {
      input: { username: "bob", email: "bob@example.com", password: "a long passphrase of his", profile: { confirmed: true } },
    });
    expect(refused.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(refused.errors?.[0]?.message).toContain("confirmed");

    await setAdvancedSettings(server.prisma, { registerAllowedFields: ["company"] });
    const accepted = await server.gql(Register, {
      input: { username: "bob", email: "bob@example.com", password: "a long passphrase of his", profile: { company: "ACME" } },
    });
    expect(accepted.errors).toBeUndefined();
    const bob = await server.prisma.user.findUniqueOrThrow({ where: { username: "bob" } });
    expect(bob.profile).toEqual({ company: "ACME" });
    expect(bob.confirmed).toBe(true);
    await setAdvancedSettings(server.prisma, { registerAllowedFields: [] });
  });

  it("says so when registration is disabled", async () => {
    await setAdvancedSettings(server.prisma, { allowRegister: false });
    const result = await server.gql(Register, {
      input: { username: "carol", email: "carol@example.com", password: "a long passphrase of hers" },
    });
    await setAdvancedSettings(server.prisma, { allowRegister: true });
    expect(result.errors?.[0]).toMatchObject({
      message: "Register action is currently disabled",
      extensions: { code: "FORBIDDEN" },
    });
    expect(await server.prisma.user.findUnique({ where: { username: "carol" } })).toBeNull();
  });

  it("rejects malformed input with BAD_USER_INPUT and stores nothing", async () => {
    const cases = [
      { username: "x", email: "x@example.com", password: "long enough passphrase" },
      { username: "dave", email: "not-an-email", password: "long enough passphrase" },
      { username: "dave", email: "dave@example.com", password: "p".repeat(100_000) },
    ];
    for (const input of cases) {
      const result = await server.gql(Register, { input });
      expect(result.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    }
    expect(await server.prisma.user.findUnique({ where: { username: "dave" } })).toBeNull();
  });

  it("logs in by email in any case or by username", async () => {
    for (const identifier of ["ADA@example.com", "ada"]) {
      const result = await server.gql(Login, { input: { identifier, password: "analytical engine 1843" } });
      expect(result.errors).toBeUndefined();
      expect(result.data?.login.user.username).toBe("ada");
      expect(result.data?.login.jwt).toBeTruthy();
    }
  });

  it("gives unknown users and wrong passwords the same answer", async () => {
    const wrongPassword = await server.gql(Login, { input: { identifier: "ada", password: "wrong" } });
    const unknownUser = await server.gql(Login, { input: { identifier: "nobody", password: "wrong" } });
    for (const result of [wrongPassword, unknownUser]) {
      expect(result.data).toBeNull();
      expect(result.errors?.[0]).toMatchObject({
        message: "Invalid identifier or password",
        extensions: { code: "BAD_USER_INPUT" },
      });
    }
  });

  it("refuses unconfirmed accounts when confirmation is required, and blocked accounts", async () => {
    await createUser(server.prisma, { username: "erin", email: "erin@example.com", confirmed: false });
    await createUser(server.prisma, { username: "frank", email: "frank@example.com", blocked: true });
    await setAdvancedSettings(server.prisma, { emailConfirmation: true });
    const unconfirmed = await server.gql(Login, { input: { identifier: "erin", password: "correct horse battery staple" } });
    await setAdvancedSettings(server.prisma, { emailConfirmation: false });
    const blocked = await server.gql(Login, { input: { identifier: "frank", password: "correct horse battery staple" } });
    expect(unconfirmed.errors?.[0]).toMatchObject({
      message: "Your account email is not confirmed",
      extensions: { code: "FORBIDDEN" },
    });
    expect(blocked.errors?.[0]).toMatchObject({
      message: "Your account has been blocked by an administrator",
      extensions: { code: "FORBIDDEN" },
    });
  });

  it("rejects a provider other than local", async () => {
    const result = await server.gql(Login, {
      input: { identifier: "ada", password: "analytical engine 1843", provider: "github" },
    });
    expect(result.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("refresh sessions", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await createUser(server.prisma, { username: "grace", email: "grace@example.com" });
  });
  afterAll(() => server?.close());

  it("rotates the refresh token on every use", async () => {
    const session = await signIn(server, "grace");
    const first = await server.gql(Refresh, { refreshToken: session.refreshToken });
    expect(first.errors).toBeUndefined();
    const next = first.data!.refresh;
    expect(next.refreshToken).toBeTruthy();
    expect(next.refreshToken).not.toBe(session.refreshToken);
    const me = await server.gql(Me, undefined, bearer(next.jwt));
    expect(me.data?.me?.username).toBe("grace");

    const second = await server.gql(Refresh, { refreshToken: next.refreshToken });
    expect(second.errors).toBeUndefined();
  });

  it("revokes the whole family when a rotated token is presented again", async () => {
    const session = await signIn(server, "grace");
    const rotated = await server.gql(Refresh, { refreshToken: session.refreshToken });
    const child = rotated.data!.refresh;

    const replay = await server.gql(Refresh, { refreshToken: session.refreshToken });
    expect(replay.errors?.[0]).toMatchObject({ message: "Invalid refresh token", extensions: { code: "UNAUTHENTICATED" } });

    // The legitimate child token and the family's access token are dead too.
    const childRefresh = await server.gql(Refresh, { refreshToken: child.refreshToken });
    expect(childRefresh.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const me = await server.gql(Me, undefined, bearer(child.jwt));
    expect(me.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const stored = await server.prisma.session.findFirstOrThrow({ where: { refreshTokens: { some: {} } }, orderBy: { createdAt: "desc" } });
    expect(stored.revokedReason).toBe("refresh-token-reuse");
  });

  it("lets exactly one of two concurrent refreshes with the same token win", async () => {
    const session = await signIn(server, "grace");
    const results = await Promise.all([
      server.gql(Refresh, { refreshToken: session.refreshToken }),
      server.gql(Refresh, { refreshToken: session.refreshToken }),
    ]);
    expect(results.filter((r) => r.data?.refresh).length).toBeLessThanOrEqual(1);
    expect(results.filter((r) => r.errors?.[0]?.extensions?.code === "UNAUTHENTICATED").length).toBeGreaterThanOrEqual(1);
  });

  it("refuses a session idle for longer than the idle lifespan", async () => {
    const session = await signIn(server, "grace");
    const row = await server.prisma.session.findFirstOrThrow({ orderBy: { createdAt: "desc" } });
    const idleForMs = (row.idleLifespan + 60) * 1000;
    await server.prisma.session.update({ where: { id: row.id }, data: { lastUsedAt: new Date(Date.now() - idleForMs) } });
    const refreshed = await server.gql(Refresh, { refreshToken: session.refreshToken });
    expect(refreshed.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const me = await server.gql(Me, undefined, session);
    expect(me.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("refuses a session past its absolute lifespan", async () => {
    const session = await signIn(server, "grace");
    const row = await server.prisma.session.findFirstOrThrow({ orderBy: { createdAt: "desc" } });
    await server.prisma.session.update({ where: { id: row.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const refreshed = await server.gql(Refresh, { refreshToken: session.refreshToken });
    expect(refreshed.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("refuses an unknown refresh token", async () => {
    const result = await server.gql(Refresh, { refreshToken: "not-a-token" });
    expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("lists my sessions, marks the current one, and revokes another", async () => {
    const phone = await signIn(server, "grace");
    const laptop = await signIn(server, "grace");
    const listed = await server.gql(Sessions, undefined, laptop);
    const current = listed.data!.sessions.nodes.filter((s) => s.current);
    expect(current).toHaveLength(1);
    const phoneSession = listed.data!.sessions.nodes.find((s) => !s.current)!;

    const revoked = await server.gql(RevokeSession, { id: phoneSession.id }, laptop);
    expect(revoked.data?.revokeSession.ok).toBe(true);
    // Whichever session that was, it no longer appears.
    const after = await server.gql(Sessions, undefined, laptop);
    expect(after.data!.sessions.nodes.map((s) => s.id)).not.toContain(phoneSession.id);
    void phone;
  });

  it("pages my sessions like users: nodes, totalCount, hasNextPage and an opaque endCursor", async () => {
    await createUser(server.prisma, { username: "ivy", email: "ivy@example.com" });
    const devices = [];
    for (let i = 0; i < 5; i++) devices.push(await signIn(server, "ivy"));
    const current = devices[2]!;
    const expected = await server.prisma.session.findMany({
      where: { user: { username: "ivy" } },
      orderBy: [{ lastUsedAt: "desc" }, { id: "desc" }],
    });

    const seen: string[] = [];
    let after: string | null | undefined;
    for (const size of [2, 2, 1]) {
      const result = await server.gql(Sessions, { first: 2, after }, current);
      const page = result.data!.sessions;
      expect(page.totalCount).toBe(5);
      expect(page.nodes).toHaveLength(size);
      expect(page.hasNextPage).toBe(size === 2);
      expect(page.endCursor).toBeTruthy();
      // Opaque: the cursor does not show the session id it stands for.
      expect(page.endCursor).not.toContain(page.nodes.at(-1)!.id);
      seen.push(...page.nodes.map((node) => node.id));
      after = page.endCursor;
    }
    expect(seen).toEqual(expected.map((session) => session.id));
    const all = (await server.gql(Sessions, {}, current)).data!.sessions;
    const currentId = (JSON.parse(Buffer.from(current.jwt.split(".")[1]!, "base64url").toString()) as { sid: string }).sid;
    expect(all.nodes.filter((node) => node.current).map((node) => node.id)).toEqual([currentId]);

    const usersCursor = Buffer.from("user:1").toString("base64url");
    for (const variables of [{ after: "garbage" }, { after: usersCursor }, { first: 101 }, { first: -1 }]) {
      expect((await server.gql(Sessions, variables, current)).errors?.[0]?.extensions?.code, JSON.stringify(variables)).toBe("BAD_USER_INPUT");
    }
  });

  it("does not let a user revoke someone else's session", async () => {
    await createUser(server.prisma, { username: "heidi", email: "heidi@example.com" });
    const heidi = await signIn(server, "heidi");
    const grace = await signIn(server, "grace");
    const graceSessions = await server.gql(Sessions, undefined, grace);
    const target = graceSessions.data!.sessions.nodes.find((s) => s.current)!;
    const attempt = await server.gql(RevokeSession, { id: target.id }, heidi);
    // The ACL ($owner on Mutation.revokeSession) refuses it before the resolver runs.
    expect(attempt.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await server.gql(Me, undefined, grace)).data?.me?.username).toBe("grace");
  });

  it("logs out the current session, then all of them", async () => {
    const a = await signIn(server, "grace");
    const b = await signIn(server, "grace");
    expect((await server.gql(Logout, {}, a)).data?.logout.ok).toBe(true);
    expect((await server.gql(Me, undefined, a)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect((await server.gql(Me, undefined, b)).data?.me?.username).toBe("grace");
    expect((await server.gql(Refresh, { refreshToken: a.refreshToken })).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");

    const c = await signIn(server, "grace");
    expect((await server.gql(Logout, { all: true }, c)).data?.logout.ok).toBe(true);
    for (const session of [b, c]) {
      expect((await server.gql(Me, undefined, session)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    }
  });

  it("refuses a blocked user's token on the next request", async () => {
    const ivan = await createUser(server.prisma, { username: "ivan", email: "ivan@example.com" });
    const session = await signIn(server, "ivan");
    expect((await server.gql(Me, undefined, session)).data?.me?.username).toBe("ivan");
    await server.prisma.user.update({ where: { id: ivan.id }, data: { blocked: true } });
    expect((await server.gql(Me, undefined, session)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect((await server.gql(Refresh, { refreshToken: session.refreshToken })).errors?.[0]?.extensions?.code).toBe(
      "UNAUTHENTICATED",
    );
  });
});

describe("changePassword", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await createUser(server.prisma, { username: "judy", email: "judy@example.com" });
  });
  afterAll(() => server?.close());

  it("checks the current password and the confirmation", async () => {
    const session = await signIn(server, "judy");
    const wrong = await server.gql(
      ChangePassword,
      { currentPassword: "nope", password: "a brand new passphrase", passwordConfirmation: "a brand new passphrase" },
      session,
    );
    expect(wrong.errors?.[0]).toMatchObject({
      message: "The provided current password is invalid",
      extensions: { code: "BAD_USER_INPUT" },
    });
    const mismatch = await server.gql(
      ChangePassword,
      { currentPassword: "correct horse battery staple", password: "a brand new passphrase", passwordConfirmation: "other" },
      session,
    );
    expect(mismatch.errors?.[0]).toMatchObject({ message: "Passwords do not match", extensions: { code: "BAD_USER_INPUT" } });
  });

  it("revokes every session and returns a fresh pair", async () => {
    const other = await signIn(server, "judy");
    const session = await signIn(server, "judy");
    const changed = await server.gql(
      ChangePassword,
      {
        currentPassword: "correct horse battery staple",
        password: "a brand new passphrase",
        passwordConfirmation: "a brand new passphrase",
      },
      session,
    );
    expect(changed.errors).toBeUndefined();
    const fresh = changed.data!.changePassword!;
    for (const old of [other, session]) {
      expect((await server.gql(Me, undefined, old)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    }
    expect((await server.gql(Me, undefined, bearer(fresh.jwt!))).data?.me?.username).toBe("judy");
    expect((await server.gql(Refresh, { refreshToken: fresh.refreshToken })).errors).toBeUndefined();
    await expect(signIn(server, "judy")).rejects.toThrow();
    expect((await signIn(server, "judy", "a brand new passphrase")).jwt).toBeTruthy();
  });

  it("requires a signed-in caller", async () => {
    const result = await server.gql(ChangePassword, {
      currentPassword: "a brand new passphrase",
      password: "x".repeat(20),
      passwordConfirmation: "x".repeat(20),
    });
    expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});

describe("legacy token mode", () => {
  let server: TestServer;
  let mail: MailServer;
  beforeAll(async () => {
    mail = await startMailServer();
    server = await startTestServer({ JWT_MODE: "legacy", SMTP_URL: mail.url });
    await createUser(server.prisma, { username: "kim", email: "kim@example.com" });
    await createUser(server.prisma, { username: "root", email: "root@example.com", roleType: "admin" });
  });
  afterAll(async () => {
    await server?.close();
    await mail?.stop();
  });

  /** Two legacy tokens of one new user (two devices), both working. */
  async function twoDevices(username: string) {
    await createUser(server.prisma, { username, email: `${username}@example.com` });
    const devices = [await signIn(server, username), await signIn(server, username)];
    for (const device of devices) expect((await server.gql(Me, undefined, device)).data?.me?.username).toBe(username);
    return devices;
  }

  async function expectRefused(token: { headers: { authorization: string } }) {
    const result = await server.gql(Me, undefined, token);
    expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(result.status).toBe(401);
  }

  it("ends every older legacy token on changePassword, and the new one works", async () => {
    const [other, current] = await twoDevices("lee");
    const changed = await server.gql(
      ChangePassword,
      { currentPassword: "correct horse battery staple", password: "a brand new passphrase", passwordConfirmation: "a brand new passphrase" },
      current,
    );
    expect(changed.errors).toBeUndefined();
    await expectRefused(other!);
    await expectRefused(current!);
    expect((await server.gql(Me, undefined, bearer(changed.data!.changePassword!.jwt!))).data?.me?.username).toBe("lee");
  });

  it("ends every older legacy token on resetPassword, and the new one works", async () => {
    const devices = await twoDevices("ray");
    const since = mail.messages.length;
    expect((await server.gql(ForgotPassword, { email: "ray@example.com" })).data?.forgotPassword?.ok).toBe(true);
    const code = /[?&]code=([\w-]+)/.exec((await mail.lastEmailTo("ray@example.com", { since })).text)?.[1];
    expect(code).toBeTruthy();
    const reset = await server.gql(ResetPassword, { code: code!, password: "a fresh reset passphrase", passwordConfirmation: "a fresh reset passphrase" });
    expect(reset.errors).toBeUndefined();
    for (const device of devices) await expectRefused(device);
    expect((await server.gql(Me, undefined, bearer(reset.data!.resetPassword!.jwt!))).data?.me?.username).toBe("ray");
  });

  it("ends every legacy token on blocking, for good: unblocking does not bring them back", async () => {
    const devices = await twoDevices("sam");
    const admin = await signIn(server, "root");
    const { id } = await server.prisma.user.findUniqueOrThrow({ where: { username: "sam" } });
    expect((await server.gql(UpdateUser, { id: String(id), data: { blocked: true } }, admin)).data?.updateUser.blocked).toBe(true);
    for (const device of devices) await expectRefused(device);
    expect((await server.gql(UpdateUser, { id: String(id), data: { blocked: false } }, admin)).data?.updateUser.blocked).toBe(false);
    for (const device of devices) await expectRefused(device);
    expect((await server.gql(Me, undefined, await signIn(server, "sam"))).data?.me?.username).toBe("sam");
  });

  it("ends every legacy token on logout(all: true); a plain logout cannot end one", async () => {
    const [other, current] = await twoDevices("tia");
    expect((await server.gql(Logout, { all: false }, current)).data?.logout.ok).toBe(true);
    expect((await server.gql(Me, undefined, current)).data?.me?.username).toBe("tia");
    expect((await server.gql(Logout, { all: true }, current)).data?.logout.ok).toBe(true);
    await expectRefused(other!);
    await expectRefused(current!);
    expect((await server.gql(Me, undefined, await signIn(server, "tia"))).data?.me?.username).toBe("tia");
  });

  it("issues one long-lived JWT and no refresh token", async () => {
    const session = await signIn(server, "kim");
    expect(session.refreshToken).toBeNull();
    const [, payload] = session.jwt.split(".");
    const claims = JSON.parse(Buffer.from(payload!, "base64url").toString()) as { exp: number; iat: number; sid?: string };
    expect(claims.exp - claims.iat).toBe(30 * 24 * 3600);
    expect(claims.sid).toBeUndefined();
    expect((await server.gql(Me, undefined, session)).data?.me?.username).toBe("kim");
    expect(await server.prisma.session.count()).toBe(0);
  });
});
