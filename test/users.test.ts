/**
 * User administration over HTTP: updates, blocking, revoking sessions and deletion, paging and filters,
 * what a user may change on themselves, and never losing the last admin. `users(first: 100)` with roles
 * costs a fixed number of SQL statements however many users it returns: roles and rules are loaded once
 * per request, and the relations of a page in one statement each.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, type SignedIn, signIn } from "./helpers/auth.ts";
import { errorCode, startTestServer, type TestServer } from "./helpers/server.ts";
import { UnassignRole } from "./operations/roles.ts";
import { AuditLog } from "./operations/audit.ts";
import { Refresh } from "./operations/sessions.ts";
import { DeleteUser, RevokeUserSessions, UpdateMe, UpdateUser, User, Users } from "./operations/users.ts";

describe("admin surface", () => {
  let server: TestServer;
  let admin: SignedIn;
  let as: { headers: Record<string, string> };
  const userIds: Record<string, string> = {};

  beforeAll(async () => {
    server = await startTestServer();
    await createUser(server.prisma, { username: "root", email: "root@example.com", roleType: "admin" });
    for (const [name, confirmed] of [["erin", true], ["frank", false], ["gina", true], ["hank", true]] as const) {
      userIds[name] = String((await createUser(server.prisma, { username: name, email: `${name}@example.com`, confirmed })).id);
    }
    admin = await signIn(server, "root");
    as = { headers: admin.headers };
  });
  afterAll(() => server?.close());

  it("blocks a user and revokes their sessions at once", async () => {
    const hank = await signIn(server, "hank");
    const blocked = await server.gql(UpdateUser, { id: userIds.hank!, data: { blocked: true } }, as);
    expect(blocked.data?.updateUser.blocked).toBe(true);
    const sessions = await server.prisma.session.findMany({ where: { userId: Number(userIds.hank) } });
    expect(sessions.length).toBeGreaterThan(0);
    expect(sessions.every((session) => session.revokedAt !== null && session.revokedReason === "blocked")).toBe(true);
    expect(errorCode(await server.gql(User, { id: userIds.hank! }, { headers: hank.headers }))).toBe("UNAUTHENTICATED");
    await server.gql(UpdateUser, { id: userIds.hank!, data: { blocked: false } }, as);
  });

  it("revokes every session of a user without blocking them; FORBIDDEN for a non-admin, NOT_FOUND for nobody", async () => {
    const gina = await signIn(server, "gina");
    const ginaAgain = await signIn(server, "gina");
    const id = userIds.gina!;
    expect(errorCode(await server.gql(RevokeUserSessions, { id }))).toBe("UNAUTHENTICATED");
    expect(errorCode(await server.gql(RevokeUserSessions, { id }, { headers: gina.headers }))).toBe("FORBIDDEN");
    expect(errorCode(await server.gql(RevokeUserSessions, { id: "999999" }, as))).toBe("NOT_FOUND");
    expect(await server.prisma.session.count({ where: { userId: Number(id), revokedAt: null } })).toBe(2);

    expect((await server.gql(RevokeUserSessions, { id }, as)).data?.revokeUserSessions.ok).toBe(true);
    const sessions = await server.prisma.session.findMany({ where: { userId: Number(id) } });
    expect(sessions).toHaveLength(2);
    expect(sessions.every((session) => session.revokedAt !== null && session.revokedReason === "revoked-by-admin")).toBe(true);
    for (const signedIn of [gina, ginaAgain]) {
      expect(errorCode(await server.gql(Refresh, { refreshToken: signedIn.refreshToken }))).toBe("UNAUTHENTICATED");
    }
    expect((await server.prisma.user.findUniqueOrThrow({ where: { id: Number(id) } })).blocked).toBe(false);

    const audit = await server.gql(AuditLog, { filter: { actions: ["SESSION_REVOKED"], targetId: id } }, as);
    expect(audit.data?.auditLog.nodes).toEqual([
      expect.objectContaining({ actorId: admin.userId, targetType: "User", targetId: id, metadata: { reason: "revoked-by-admin", sessions: 2 } }),
    ]);
    // Signing in again opens a new session.
    expect((await signIn(server, "gina")).jwt).toBeTruthy();
  });

  it("confirms a user, sets profile fields, refuses a taken username or an unknown role", async () => {
    const updated = await server.gql(UpdateUser, { id: userIds.frank!, data: { confirmed: true, profile: { team: "blue" } } }, as);
    expect(updated.data?.updateUser).toMatchObject({ confirmed: true, profile: { team: "blue" } });
    expect(errorCode(await server.gql(UpdateUser, { id: userIds.frank!, data: { username: "gina" } }, as))).toBe("CONFLICT");
    expect(errorCode(await server.gql(UpdateUser, { id: userIds.frank!, data: { primaryRoleId: "999999" } }, as))).toBe(
      "BAD_USER_INPUT",
    );
    expect(errorCode(await server.gql(UpdateUser, { id: "999999", data: { confirmed: true } }, as))).toBe("NOT_FOUND");
  });

  it("pages users by cursor or offset and filters them", async () => {
    const first = await server.gql(Users, { first: 2 }, as);
    expect(first.data?.users).toMatchObject({ totalCount: 5, hasNextPage: true });
    expect(first.data?.users.nodes.map((u) => u.username)).toEqual(["root", "erin"]);
    const second = await server.gql(Users, { first: 2, after: first.data!.users.endCursor }, as);
    expect(second.data?.users.nodes.map((u) => u.username)).toEqual(["frank", "gina"]);
    const byOffset = await server.gql(Users, { first: 10, offset: 4 }, as);
    expect(byOffset.data?.users).toMatchObject({ hasNextPage: false, nodes: [{ username: "hank" }] });

    const admins = await server.gql(Users, { filter: { role: "admin" } }, as);
    expect(admins.data?.users.nodes.map((u) => u.username)).toEqual(["root"]);
    const text = await server.gql(Users, { filter: { text: "GIN" } }, as);
    expect(text.data?.users.nodes.map((u) => u.username)).toEqual(["gina"]);
    const unconfirmed = await server.gql(Users, { filter: { confirmed: false } }, as);
    expect(unconfirmed.data?.users.totalCount).toBe(0);

    expect(errorCode(await server.gql(Users, { first: 101 }, as))).toBe("BAD_USER_INPUT");
    expect(errorCode(await server.gql(Users, { after: "garbage" }, as))).toBe("BAD_USER_INPUT");
  });

  it("lets a user change their own username and allowed profile fields, nothing else", async () => {
    const erin = await signIn(server, "erin");
    const renamed = await server.gql(UpdateMe, { data: { username: "erin2" } }, { headers: erin.headers });
    expect(renamed.data?.updateMe).toMatchObject({ username: "erin2", blocked: false });
    // Profile fields must be allowed by settings (registerAllowedFields is empty by default).
    const profile = await server.gql(UpdateMe, { data: { profile: { team: "red" } } }, { headers: erin.headers });
    expect(errorCode(profile)).toBe("BAD_USER_INPUT");
    // blocked, confirmed and roles are not part of UpdateMeInput at all.
    const sneaky = await server.post(
      JSON.stringify({ query: "mutation { updateMe(data: { blocked: false, confirmed: true }) { username } }" }),
      erin.headers,
    );
    expect(sneaky.status).toBe(400);
    expect(errorCode(await server.gql(UpdateMe, { data: { username: "x2" } }))).toBe("UNAUTHENTICATED");
    // Non-admins cannot use the admin mutations on themselves either.
    expect(errorCode(await server.gql(UpdateUser, { id: userIds.erin!, data: { confirmed: true } }, { headers: erin.headers }))).toBe(
      "FORBIDDEN",
    );
  });

  it("never leaves the server without an active admin", async () => {
    const rootId = String((await server.prisma.user.findUniqueOrThrow({ where: { username: "root" } })).id);
    const authenticated = await server.prisma.role.findUniqueOrThrow({ where: { type: "authenticated" } });
    expect(errorCode(await server.gql(DeleteUser, { id: rootId }, as))).toBe("BAD_USER_INPUT");
    expect(errorCode(await server.gql(UpdateUser, { id: rootId, data: { blocked: true } }, as))).toBe("BAD_USER_INPUT");
    const demote = { id: rootId, data: { primaryRoleId: String(authenticated.id) } };
    expect(errorCode(await server.gql(UpdateUser, demote, as))).toBe("BAD_USER_INPUT");

    // With a second admin, the first may step down.
    const adminRole = await server.prisma.role.findUniqueOrThrow({ where: { type: "admin" } });
    await server.prisma.userRole.create({ data: { userId: Number(userIds.gina), roleId: adminRole.id } });
    expect((await server.gql(UpdateUser, demote, as)).data?.updateUser.role.type).toBe("authenticated");
    const gina = await signIn(server, "gina");
    const restore = { id: rootId, data: { primaryRoleId: String(adminRole.id) } };
    expect((await server.gql(UpdateUser, restore, { headers: gina.headers })).errors).toBeUndefined();
    const unassign = { userId: userIds.gina!, roleId: String(adminRole.id) };
    expect((await server.gql(UnassignRole, unassign, as)).data?.unassignRole.ok).toBe(true);
  });

  it("deletes a user", async () => {
    expect((await server.gql(DeleteUser, { id: userIds.frank! }, as)).data?.deleteUser.ok).toBe(true);
    expect(errorCode(await server.gql(DeleteUser, { id: userIds.frank! }, as))).toBe("NOT_FOUND");
  });
});

describe("users(first: 100) SQL statements", () => {
  let server: TestServer;
  let admin: SignedIn;
  let teamRoleId: number;

  /** Adds users, every other one with a further role, so both role relations have rows. */
  async function addUsers(from: number, to: number) {
    for (let i = from; i < to; i++) {
      const user = await createUser(server.prisma, { username: `user${i}`, email: `user${i}@example.com` });
      if (i % 2 === 0) await server.prisma.userRole.create({ data: { userId: user.id, roleId: teamRoleId } });
    }
  }

  /** Counted warm: the first request fills the caller's cached token state, roles and rules. */
  async function statementsOfUsersQuery(expectedUsers: number): Promise<number> {
    await server.gql(Users, { first: 100 }, { headers: admin.headers });
    server.sql.reset();
    const result = await server.gql(Users, { first: 100 }, { headers: admin.headers });
    const statements = server.sql.statements.length;
    expect(result.errors).toBeUndefined();
    expect(result.data?.users.nodes).toHaveLength(expectedUsers);
    expect(result.data?.users.totalCount).toBe(expectedUsers);
    const withTeam = result.data!.users.nodes.filter((user) => user.roles.some((role) => role.type === "team"));
    expect(withTeam.length).toBeGreaterThan(0);
    return statements;
  }

  beforeAll(async () => {
    // The outbox worker's poll would add its own statements to a count.
    server = await startTestServer({ EMAIL_POLL_INTERVAL_MS: "3600000" }, { recordSql: true });
    teamRoleId = (await server.prisma.role.create({ data: { name: "Team", type: "team" } })).id;
    await createUser(server.prisma, { username: "root", email: "root@example.com", roleType: "admin" });
    admin = await signIn(server, "root");
  });
  afterAll(() => server?.close());

  it("does not grow with the number of users (5 vs 60)", async () => {
    await addUsers(0, 4);
    const withFive = await statementsOfUsersQuery(5);
    await addUsers(4, 59);
    const withSixty = await statementsOfUsersQuery(60);
    console.info(`users(first: 100) with roles: ${withFive} SQL statements for 5 users, ${withSixty} for 60`);
    expect(withSixty).toBe(withFive);
    // The page, its rows, their primary roles, their further roles (memberships, then roles) and the count;
    // authentication and authorization of the warm request add none.
    expect(withFive).toBeLessThanOrEqual(6);
    expect(server.sql.statements.join("\n")).not.toMatch(/password_hash/);
  });
});
