/**
 * The hot path of issue 10 (docs/performance.md): a warm request is authenticated and authorized without
 * a SQL statement, `me` costs one statement when cold and none when warm; and the change feed that makes this safe carries blocking,
 * session revocation, logout, user edits, role and rule changes to a second instance on the same PostgreSQL within
 * one second, over LISTEN/NOTIFY and over Redis, and stops the caches from answering while it is down.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectionFromUrl } from "../src/infra/db/database.ts";
import { LISTENER_APPLICATION_NAME } from "../src/infra/change-feed/postgres-listener.ts";
import { createUser, type SignedIn, signIn } from "./helpers/auth.ts";
import { errorCode, startTestServer, type TestServer } from "./helpers/server.ts";
import { CreateAclRule, DeleteAclRule, MyPermissions } from "./operations/access.ts";
import { Login, Me, MeDetails, Register } from "./operations/auth.ts";
import { AssignRole, UnassignRole } from "./operations/roles.ts";
import { Logout, RevokeSession } from "./operations/sessions.ts";
import { UpdateSettings } from "./operations/settings.ts";
import { UpdateMe, UpdateUser, Users } from "./operations/users.ts";

/** Issue 10's bound: a change takes effect on every instance within one second. */
const PROPAGATION_DEADLINE_MS = 1000;

/** Polls `check` until it holds or the deadline passes; the last result is returned for the assertion. */
async function eventually<T>(check: () => Promise<T>, holds: (value: T) => boolean, deadlineMs: number): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await check();
    if (holds(value) || Date.now() >= deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A fresh server's remote transport is live once its first heartbeat came back. */
const whenLive = (server: TestServer) =>
  eventually(async () => server.services.changes.live(), (live) => live, 5000).then((live) => expect(live).toBe(true));

/** The outbox worker and the retention job would add statements of their own to a count. */
const quiet = { EMAIL_POLL_INTERVAL_MS: "3600000", RETENTION_INTERVAL_SECONDS: "86400" };

const passwordHashColumn = /password_hash/i;

describe("a warm request", () => {
  let server: TestServer;
  let alice: SignedIn;

  beforeAll(async () => {
    server = await startTestServer(quiet, { recordSql: true });
    await createUser(server.prisma, { username: "alice", email: "alice@example.com" });
    await whenLive(server);
    alice = await signIn(server, "alice");
  });
  afterAll(() => server?.close());

  it("is authenticated and authorized without a SQL statement", async () => {
    expect((await server.gql(MyPermissions, {}, { headers: alice.headers })).data?.myPermissions.length).toBeGreaterThan(0);

    server.sql.reset();
    const allowed = await server.gql(MyPermissions, {}, { headers: alice.headers });
    expect(allowed.data?.myPermissions).toContainEqual({ resource: "Query.me", accessType: "READ", scope: "ALL" });
    // A field the ACL refuses: authentication and authorization, nothing else.
    const refused = await server.gql(Users, { first: 1 }, { headers: alice.headers });
    expect(errorCode(refused)).toBe("FORBIDDEN");
    expect(server.sql.statements).toEqual([]);
  });

  it("answers a cold me with one statement, which does not read the password hash, and a warm one with none", async () => {
    const dana = await createUser(server.prisma, { username: "dana", email: "dana@example.com" });
    const session = await signIn(server, "dana");
    // Authenticated once, so that only me's own read is left to count.
    await server.gql(MyPermissions, {}, { headers: session.headers });
    server.sql.reset();
    const cold = await server.gql(Me, {}, { headers: session.headers });
    expect(cold.data?.me).toMatchObject({ id: String(dana.id), username: "dana", email: "dana@example.com", role: { type: "authenticated" } });
    expect(server.sql.statements).toHaveLength(1);
    expect(server.sql.statements[0]).not.toMatch(passwordHashColumn);

    server.sql.reset();
    expect((await server.gql(Me, {}, { headers: session.headers })).data?.me).toEqual(cold.data?.me);
    expect(server.sql.statements).toEqual([]);
  });

  it("shows the user's own edit in the very next me, and an admin's rename of their role", async () => {
    const erin = await createUser(server.prisma, { username: "erin", email: "erin@example.com" });
    const session = await signIn(server, "erin");
    expect((await server.gql(Me, {}, { headers: session.headers })).data?.me?.username).toBe("erin");
    expect((await server.gql(UpdateMe, { data: { username: "erin2" } }, { headers: session.headers })).data?.updateMe.username).toBe("erin2");
    expect((await server.gql(Me, {}, { headers: session.headers })).data?.me?.username).toBe("erin2");

    await server.prisma.user.update({ where: { id: erin.id }, data: { email: "erin@example.org", confirmed: false } });
    expect((await server.gql(MeDetails, {}, { headers: session.headers })).data?.me).toMatchObject({ email: "erin@example.org", confirmed: false });
    await server.prisma.role.update({ where: { type: "authenticated" }, data: { name: "Members" } });
    try {
      expect((await server.gql(MeDetails, {}, { headers: session.headers })).data?.me?.role?.name).toBe("Members");
    } finally {
      await server.prisma.role.update({ where: { type: "authenticated" }, data: { name: "Authenticated" } });
    }
  });

  it("sees its own instance's changes at once: logout refuses the token on the very next request", async () => {
    const bob = await createUser(server.prisma, { username: "bob", email: "bob@example.com" });
    const session = await signIn(server, "bob");
    expect((await server.gql(Me, {}, { headers: session.headers })).data?.me?.id).toBe(String(bob.id));
    expect((await server.gql(Logout, {}, { headers: session.headers })).data?.logout?.ok).toBe(true);
    const after = await server.gql(Me, {}, { headers: session.headers });
    expect(errorCode(after)).toBe("UNAUTHENTICATED");
    expect(after.errors?.[0]?.extensions?.reason).toBe("SESSION_ENDED");
  });

  it("sees a write made straight to the database through its own connections at once", async () => {
    const carol = await createUser(server.prisma, { username: "carol", email: "carol@example.com" });
    const session = await signIn(server, "carol");
    expect((await server.gql(Me, {}, { headers: session.headers })).data?.me?.id).toBe(String(carol.id));
    await server.prisma.user.update({ where: { id: carol.id }, data: { blocked: true } });
    expect(errorCode(await server.gql(Me, {}, { headers: session.headers }))).toBe("UNAUTHENTICATED");
  });
});

const onPostgres = process.env.GATEHOUSE_TEST_DB === "postgres";
const transports = [
  { feed: "postgres", env: {} },
  ...(process.env.REDIS_URL
    ? [{ feed: "redis", env: { REDIS_URL: process.env.REDIS_URL, AUTH_CHANGE_FEED: "redis", REDIS_KEY_PREFIX: `gatehouse-test-feed-${Date.now()}` } }]
    : []),
];

describe.runIf(onPostgres).each(transports)("two instances on one PostgreSQL, change feed over $feed", ({ feed, env }) => {
  let writer: TestServer;
  let reader: TestServer;
  let admin: SignedIn;
  let roleIds: Record<"admin" | "authenticated", string>;
  let counter = 0;

  /** A new user signed in on the writer, whose token the reader has already accepted (so it is cached there). */
  async function warmUser() {
    const name = `user${++counter}`;
    const user = await createUser(writer.prisma, { username: name, email: `${name}@example.com` });
    const session = await signIn(writer, name);
    expect((await reader.gql(Me, {}, { headers: session.headers })).data?.me?.username).toBe(name);
    return { id: String(user.id), name, session };
  }

  const meOnReader = (headers: { authorization: string }) => () => reader.gql(Me, {}, { headers });
  const refusedWithin = (headers: { authorization: string }) =>
    eventually(meOnReader(headers), (result) => errorCode(result) === "UNAUTHENTICATED", PROPAGATION_DEADLINE_MS);

  beforeAll(async () => {
    // Both instances sign and verify with one key, as instances behind one load balancer do.
    const shared = { ...quiet, ...env, JWT_ALGORITHM: "HS256", JWT_SECRET: "two instances, one secret, 32 characters at least" };
    writer = await startTestServer({ ...shared, ADMIN_EMAIL: "root@example.com", ADMIN_PASSWORD: "correct horse battery staple" });
    reader = await startTestServer(shared, { shareDatabaseOf: writer, recordSql: true });
    expect(writer.services.changes.transport).toBe(feed);
    expect(reader.services.changes.transport).toBe(feed);
    await Promise.all([whenLive(writer), whenLive(reader)]);
    admin = await signIn(writer, "root@example.com");
    const roles = await writer.prisma.role.findMany({ where: { type: { in: ["admin", "authenticated"] } } });
    roleIds = Object.fromEntries(roles.map((role) => [role.type, String(role.id)])) as typeof roleIds;
  });
  afterAll(async () => {
    await reader?.close();
    await writer?.close();
  });

  it("serves a warm token from the reader's cache", async () => {
    const { session } = await warmUser();
    reader.sql.reset();
    expect(errorCode(await reader.gql(Users, { first: 1 }, { headers: session.headers }))).toBe("FORBIDDEN");
    expect(reader.sql.statements).toEqual([]);
  });

  it("blocking a user on one instance refuses their token on the other within a second", async () => {
    const user = await warmUser();
    const blocked = await writer.gql(UpdateUser, { id: user.id, data: { blocked: true } }, { headers: admin.headers });
    expect(blocked.data?.updateUser?.blocked).toBe(true);
    expect(errorCode(await refusedWithin(user.session.headers))).toBe("UNAUTHENTICATED");
  });

  it("revoking a session on one instance refuses its token on the other within a second", async () => {
    const user = await warmUser();
    const other = await signIn(writer, user.name);
    const sessionId = JSON.parse(Buffer.from(user.session.jwt.split(".")[1]!, "base64url").toString()).sid as string;
    const revoked = await writer.gql(RevokeSession, { id: sessionId }, { headers: other.headers });
    expect(revoked.data?.revokeSession?.ok).toBe(true);
    const result = await refusedWithin(user.session.headers);
    expect(result.errors?.[0]?.extensions?.reason).toBe("SESSION_ENDED");
    // The other session is untouched.
    expect((await reader.gql(Me, {}, { headers: other.headers })).data?.me?.username).toBe(user.name);
  });

  it("an admin's edit of a user on one instance shows in their me on the other within a second", async () => {
    const user = await warmUser();
    const edited = await writer.gql(UpdateUser, { id: user.id, data: { email: `${user.name}@example.org` } }, { headers: admin.headers });
    expect(edited.errors).toBeUndefined();
    const seen = await eventually(meOnReader(user.session.headers), (result) => result.data?.me?.email === `${user.name}@example.org`, PROPAGATION_DEADLINE_MS);
    expect(seen.data?.me?.email).toBe(`${user.name}@example.org`);
  });

  it("logging out on one instance refuses the token on the other within a second", async () => {
    const user = await warmUser();
    expect((await writer.gql(Logout, {}, { headers: user.session.headers })).data?.logout?.ok).toBe(true);
    expect((await refusedWithin(user.session.headers)).errors?.[0]?.extensions?.reason).toBe("SESSION_ENDED");
  });

  it("a role given or taken on one instance opens or closes fields on the other within a second", async () => {
    const user = await warmUser();
    const listUsers = () => reader.gql(Users, { first: 1 }, { headers: user.session.headers });
    expect(errorCode(await listUsers())).toBe("FORBIDDEN");

    const assigned = await writer.gql(AssignRole, { userId: user.id, roleId: roleIds.admin }, { headers: admin.headers });
    expect(assigned.data?.assignRole?.ok).toBe(true);
    const opened = await eventually(listUsers, (result) => result.data?.users?.totalCount !== undefined, PROPAGATION_DEADLINE_MS);
    expect(opened.data?.users?.totalCount).toBeGreaterThan(0);

    const unassigned = await writer.gql(UnassignRole, { userId: user.id, roleId: roleIds.admin }, { headers: admin.headers });
    expect(unassigned.data?.unassignRole?.ok).toBe(true);
    expect(errorCode(await eventually(listUsers, (result) => errorCode(result) === "FORBIDDEN", PROPAGATION_DEADLINE_MS))).toBe("FORBIDDEN");
  });

  it("a rule created or deleted on one instance applies on the other within a second", async () => {
    const user = await warmUser();
    const listUsers = () => reader.gql(Users, { first: 1 }, { headers: user.session.headers });
    expect(errorCode(await listUsers())).toBe("FORBIDDEN");

    const created = await writer.gql(
      CreateAclRule,
      { data: { resource: "Query.users", accessType: "READ", principalType: "ROLE", principalId: "authenticated", permission: "ALLOW" } },
      { headers: admin.headers },
    );
    expect(created.data?.createAclRule?.id).toBeDefined();
    const opened = await eventually(listUsers, (result) => result.data?.users?.totalCount !== undefined, PROPAGATION_DEADLINE_MS);
    expect(opened.data?.users?.totalCount).toBeGreaterThan(0);

    const deleted = await writer.gql(DeleteAclRule, { id: created.data!.createAclRule.id }, { headers: admin.headers });
    expect(deleted.data?.deleteAclRule?.ok).toBe(true);
    expect(errorCode(await eventually(listUsers, (result) => errorCode(result) === "FORBIDDEN", PROPAGATION_DEADLINE_MS))).toBe("FORBIDDEN");
  });

  it("a settings change on one instance applies to register on the other within a second", async () => {
    const register = () => {
      const name = `signup${++counter}`;
      return reader.gql(Register, { input: { username: name, email: `${name}@example.com`, password: "correct horse battery staple" } });
    };
    const setAllowRegister = async (allowRegister: boolean) => {
      const result = await writer.gql(UpdateSettings, { input: { allowRegister } }, { headers: admin.headers });
      expect(result.data?.updateSettings?.allowRegister).toBe(allowRegister);
    };
    // The reader's settings are cached from here on.
    expect((await register()).data?.register?.jwt).toEqual(expect.any(String));
    await setAllowRegister(false);
    try {
      const refused = await eventually(register, (result) => errorCode(result) === "FORBIDDEN", PROPAGATION_DEADLINE_MS);
      expect(refused.errors?.[0]?.extensions?.reason).toBe("REGISTRATION_DISABLED");
    } finally {
      await setAllowRegister(true);
    }
    const reopened = await eventually(register, (result) => typeof result.data?.register?.jwt === "string", PROPAGATION_DEADLINE_MS);
    expect(reopened.data?.register?.jwt).toEqual(expect.any(String));
  });

  it.runIf(feed === "postgres")("hears writers that are not Gatehouse (psql, the CLI, an import) within a second", async () => {
    const user = await warmUser();
    const psql = new pg.Client(writer.database.target.kind === "postgres" ? connectionFromUrl(writer.database.target.url) : {});
    await psql.connect();
    try {
      await psql.query("UPDATE users SET blocked = true WHERE id = $1", [Number(user.id)]);
      expect(errorCode(await refusedWithin(user.session.headers))).toBe("UNAUTHENTICATED");

      // The reader's cached settings: a login of an unconfirmed user succeeds until confirmation is required.
      const pending = await createUser(writer.prisma, { username: `pending${++counter}`, email: `pending${counter}@example.com`, confirmed: false });
      const loginOnReader = () => reader.gql(Login, { input: { identifier: pending.email, password: "correct horse battery staple" } });
      expect((await loginOnReader()).data?.login?.jwt).toEqual(expect.any(String));
      await psql.query(`UPDATE settings SET value = jsonb_set(value, '{emailConfirmation}', 'true') WHERE key = 'advanced'`);
      try {
        const refused = await eventually(loginOnReader, (result) => errorCode(result) === "FORBIDDEN", PROPAGATION_DEADLINE_MS);
        expect(refused.errors?.[0]?.extensions?.reason).toBe("EMAIL_NOT_CONFIRMED");
      } finally {
        await psql.query(`UPDATE settings SET value = jsonb_set(value, '{emailConfirmation}', 'false') WHERE key = 'advanced'`);
      }
    } finally {
      await psql.end();
    }
  });

  it.runIf(feed === "postgres")("goes to the database while the feed is down, and back to the cache once it has resynced", async () => {
    const target = writer.database.target;
    if (target.kind !== "postgres") throw new Error("PostgreSQL only");
    const databaseName = new URL(target.url).pathname.slice(1);
    const user = await warmUser();
    const witness = await warmUser();
    const admin = new pg.Client(connectionFromUrl(process.env.TEST_DATABASE_URL!));
    await admin.connect();
    try {
      // Cut both instances' listeners off and keep them from reconnecting; their pooled connections stay.
      await admin.query(`ALTER DATABASE "${databaseName}" ALLOW_CONNECTIONS false`);
      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE $2", [
        databaseName,
        `${LISTENER_APPLICATION_NAME} %`,
      ]);
      expect(await eventually(async () => reader.services.changes.live(), (live) => !live, PROPAGATION_DEADLINE_MS)).toBe(false);

      // Nothing tells the reader of this change: only the database can.
      await writer.prisma.user.update({ where: { id: Number(user.id) }, data: { blocked: true } });
      reader.sql.reset();
      expect(errorCode(await reader.gql(Me, {}, { headers: user.session.headers }))).toBe("UNAUTHENTICATED");
      expect(reader.sql.statements.length).toBeGreaterThan(0);
    } finally {
      await admin.query(`ALTER DATABASE "${databaseName}" ALLOW_CONNECTIONS true`);
      await admin.end();
    }

    await whenLive(reader);
    await reader.gql(Me, {}, { headers: witness.session.headers });
    reader.sql.reset();
    expect((await reader.gql(MyPermissions, {}, { headers: witness.session.headers })).data?.myPermissions.length).toBeGreaterThan(0);
    expect(reader.sql.statements).toEqual([]);
    expect(errorCode(await reader.gql(Me, {}, { headers: user.session.headers }))).toBe("UNAUTHENTICATED");
  });
});
