/**
 * The audit trail of admin actions, over HTTP: each admin mutation leaves an entry naming the admin, their
 * IP and user agent; `auditLog` filters and pages them for admins only; `unlockUser` lifts a lockout.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, type SignedIn, signIn } from "./helpers/auth.ts";
import { errorCode, startTestServer, type TestServer } from "./helpers/server.ts";
import { CreateAclRule, DeleteAclRule } from "./operations/access.ts";
import { AuditLog, AuditLogDeprecatedNames } from "./operations/audit.ts";
import { Login } from "./operations/auth.ts";
import { AssignRole, CreateRole, DeleteRole, UnassignRole, UpdateRole } from "./operations/roles.ts";
import { UpdateSettings } from "./operations/settings.ts";
import { DeleteUser, UnlockUser, UpdateUser, Users } from "./operations/users.ts";

const USER_AGENT = "audit-test/1.0";

describe("audit of admin actions", () => {
  let server: TestServer;
  let admin: SignedIn;
  let member: SignedIn;
  let memberId: number;
  let as: { headers: Record<string, string> };

  beforeAll(async () => {
    server = await startTestServer({
      ADMIN_EMAIL: "admin@example.com",
      ADMIN_PASSWORD: "a long admin passphrase",
      LOCKOUT_MAX_FAILURES: "2",
      RATE_LIMIT_MAX: "1000",
    });
    admin = await signIn(server, "admin@example.com", "a long admin passphrase");
    as = { headers: { ...admin.headers, "user-agent": USER_AGENT } };
    memberId = (await createUser(server.prisma, { username: "member", email: "member@example.com" })).id;
    member = await signIn(server, "member@example.com");
  });
  afterAll(() => server?.close());

  /** The newest entries of one action, as the admin reads them over HTTP. */
  async function entriesOf(action: string, first = 10) {
    const result = await server.gql(AuditLog, { filter: { actions: [action as never] }, first }, as);
    expect(result.errors).toBeUndefined();
    return result.data!.auditLog.nodes;
  }

  const byAdmin = () => ({ actorId: admin.userId, actor: { username: "admin" }, ip: "127.0.0.1", userAgent: USER_AGENT, success: true });

  it("lets only admins read the log or unlock users", async () => {
    expect(errorCode(await server.gql(AuditLog, {}))).toBe("UNAUTHENTICATED");
    expect(errorCode(await server.gql(AuditLog, {}, { headers: member.headers }))).toBe("FORBIDDEN");
    expect(errorCode(await server.gql(UnlockUser, { id: String(memberId) }))).toBe("UNAUTHENTICATED");
    expect(errorCode(await server.gql(UnlockUser, { id: String(memberId) }, { headers: member.headers }))).toBe("FORBIDDEN");
    const allowed = await server.gql(AuditLog, { first: 1 }, as);
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data?.auditLog.totalCount).toBeGreaterThanOrEqual(0);
  });

  it("records role creation, update, assignment, primary role change and deletion", async () => {
    const created = await server.gql(CreateRole, { data: { name: "Auditors" } }, as);
    const roleId = created.data!.createRole.id;
    await server.gql(UpdateRole, { id: roleId, data: { description: "reads the log" } }, as);
    await server.gql(AssignRole, { userId: String(memberId), roleId }, as);
    await server.gql(UnassignRole, { userId: String(memberId), roleId }, as);
    const before = await server.prisma.user.findUniqueOrThrow({ where: { id: memberId } });
    expect((await server.gql(UpdateUser, { id: String(memberId), data: { primaryRoleId: roleId } }, as)).errors).toBeUndefined();
    expect((await server.gql(DeleteRole, { id: roleId }, as)).data?.deleteRole.ok).toBe(true);

    const entries = await entriesOf("ROLE_CHANGED");
    // Newest first.
    expect(entries.map((entry) => [entry.targetType, entry.targetId, (entry.metadata as { change?: string }).change])).toEqual([
      ["Role", roleId, "deleted"],
      ["User", String(memberId), "primaryRole"],
      ["User", String(memberId), "unassigned"],
      ["User", String(memberId), "assigned"],
      ["Role", roleId, "updated"],
      ["Role", roleId, "created"],
    ]);
    for (const entry of entries) expect(entry).toMatchObject(byAdmin());
    expect(entries[0]!.metadata).toMatchObject({ name: "Auditors", type: "auditors" });
    expect(entries[1]!.metadata).toMatchObject({ fromRoleId: before.primaryRoleId, toRoleId: Number(roleId) });
    expect(entries[3]!.metadata).toMatchObject({ roleId: Number(roleId) });
    expect(entries[4]!.metadata).toMatchObject({ fields: ["description"] });
  });

  it("records ACL rule creation and deletion with the rule", async () => {
    const rule = { resource: "Query.users", accessType: "READ", principalType: "ROLE" as const, principalId: "authenticated", permission: "ALLOW" as const };
    const created = await server.gql(CreateAclRule, { data: rule }, as);
    const ruleId = created.data!.createAclRule.id;
    await server.gql(DeleteAclRule, { id: ruleId }, as);

    const entries = await entriesOf("ACL_CHANGED");
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ ...byAdmin(), targetType: "AclRule", targetId: ruleId, metadata: { change: "deleted", ...rule } });
    expect(entries[1]).toMatchObject({ ...byAdmin(), targetType: "AclRule", targetId: ruleId, metadata: { change: "created", ...rule } });
  });

  it("records which settings changed, never a template's text", async () => {
    const body = "<mjml><mj-body><mj-section><mj-column><mj-text>Secret marker 7f3a <%= URL %></mj-text></mj-column></mj-section></mj-body></mjml>";
    const result = await server.gql(
      UpdateSettings,
      {
        input: {
          allowRegister: false,
          emailConfirmation: false,
          emailTemplates: [{ name: "resetPassword", subject: "Subject marker 7f3a", body }],
        },
      },
      as,
    );
    expect(result.errors).toBeUndefined();
    // Sending a value that is already stored is not a change.
    expect((await server.gql(UpdateSettings, { input: { emailConfirmation: false } }, as)).errors).toBeUndefined();

    const entries = await entriesOf("SETTINGS_CHANGED");
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ ...byAdmin(), targetType: "Settings" });
    expect([...(entries[0]!.metadata as { changed: string[] }).changed].sort()).toEqual(
      ["allowRegister", "emailTemplates.resetPassword.body", "emailTemplates.resetPassword.subject"].sort(),
    );
    expect(JSON.stringify(entries[0])).not.toContain("7f3a");

    // A refused change stores nothing, templates included, and records nothing.
    const refused = await server.gql(
      UpdateSettings,
      { input: { defaultRole: "no-such-role", emailTemplates: [{ name: "resetPassword", subject: "Never stored" }] } },
      as,
    );
    expect(errorCode(refused)).toBe("BAD_USER_INPUT");
    expect(JSON.stringify(await server.prisma.setting.findMany())).not.toContain("Never stored");
    expect(await entriesOf("SETTINGS_CHANGED")).toHaveLength(1);
  });

  it("records blocking, unblocking and deletion of a user", async () => {
    const target = await createUser(server.prisma, { username: "leaving", email: "leaving@example.com" });
    await server.gql(UpdateUser, { id: String(target.id), data: { blocked: true } }, as);
    // Already blocked: nothing changes, nothing is recorded.
    await server.gql(UpdateUser, { id: String(target.id), data: { blocked: true } }, as);
    await server.gql(UpdateUser, { id: String(target.id), data: { blocked: false } }, as);
    expect((await server.gql(DeleteUser, { id: String(target.id) }, as)).data?.deleteUser.ok).toBe(true);

    const result = await server.gql(
      AuditLog,
      { filter: { targetType: "User", targetId: String(target.id) } },
      as,
    );
    expect(result.data?.auditLog.nodes.map((entry) => entry.action)).toEqual(["USER_DELETED", "USER_UNBLOCKED", "USER_BLOCKED"]);
    for (const entry of result.data!.auditLog.nodes) expect(entry).toMatchObject(byAdmin());
    expect(result.data?.auditLog.nodes[0]?.metadata).toEqual({ username: "leaving" });
  });

  it("records an admin deleting their own account, without the actor that no longer exists", async () => {
    const leaving = await createUser(server.prisma, { username: "leaving-admin", email: "leaving-admin@example.com", roleType: "admin" });
    const self = await signIn(server, "leaving-admin@example.com");
    const headers = { ...self.headers, "user-agent": USER_AGENT };
    expect((await server.gql(DeleteUser, { id: String(leaving.id) }, { headers })).data?.deleteUser.ok).toBe(true);

    const result = await server.gql(AuditLog, { filter: { actions: ["USER_DELETED"], targetId: String(leaving.id) } }, as);
    expect(result.data?.auditLog.nodes).toHaveLength(1);
    expect(result.data?.auditLog.nodes[0]).toMatchObject({
      actorId: null,
      actor: null,
      ip: "127.0.0.1",
      userAgent: USER_AGENT,
      metadata: { username: "leaving-admin", self: true },
    });
  });

  it("filters by action, outcome, actor, IP and time, and pages by cursor", async () => {
    const all = await server.gql(AuditLog, { first: 100 }, as);
    const total = all.data!.auditLog.totalCount;
    expect(total).toBeGreaterThanOrEqual(12);
    expect(all.data!.auditLog.nodes).toHaveLength(total);

    const seen: string[] = [];
    let after: string | null | undefined;
    for (let page = 0; page < 20; page++) {
      const result = await server.gql(AuditLog, { first: 5, after }, as);
      const { nodes, endCursor, hasNextPage, totalCount } = result.data!.auditLog;
      expect(totalCount).toBe(total);
      expect(nodes.length).toBeLessThanOrEqual(5);
      expect(endCursor === null).toBe(nodes.length === 0);
      seen.push(...nodes.map((entry) => entry.id));
      if (!hasNextPage) break;
      after = endCursor;
    }
    expect(seen).toEqual(all.data!.auditLog.nodes.map((entry) => entry.id));

    // Expectations are counted from the full list, so entries other flows add (sign-ins) do not matter.
    const everything = all.data!.auditLog.nodes;
    const countOf = (match: (entry: (typeof everything)[number]) => boolean) => everything.filter(match).length;
    const byActor = await server.gql(AuditLog, { filter: { actorId: admin.userId, ip: "127.0.0.1" } }, as);
    expect(byActor.data?.auditLog.nodes.every((entry) => entry.actorId === admin.userId)).toBe(true);
    // Everything the admin did above, and not the self-deletion, which has no actor.
    expect(byActor.data?.auditLog.totalCount).toBeGreaterThanOrEqual(11);
    expect(byActor.data?.auditLog.totalCount).toBe(countOf((entry) => entry.actorId === admin.userId && entry.ip === "127.0.0.1"));
    expect(byActor.data?.auditLog.totalCount).toBeLessThan(total);
    expect((await server.gql(AuditLog, { filter: { ip: "192.0.2.1" } }, as)).data?.auditLog.totalCount).toBe(0);
    const failures = await server.gql(AuditLog, { filter: { success: false } }, as);
    expect(failures.data?.auditLog.totalCount).toBe(countOf((entry) => !entry.success));
    const twoKinds = await server.gql(AuditLog, { filter: { actions: ["ACL_CHANGED", "SETTINGS_CHANGED"] } }, as);
    expect(twoKinds.data?.auditLog.totalCount).toBe(3);

    const newest = all.data!.auditLog.nodes[0]!.createdAt;
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await server.gql(AuditLog, { filter: { from: future } }, as)).data?.auditLog.totalCount).toBe(0);
    expect((await server.gql(AuditLog, { filter: { from: newest, to: future } }, as)).data?.auditLog.totalCount).toBeGreaterThanOrEqual(1);
    expect((await server.gql(AuditLog, { filter: { to: "2000-01-01T00:00:00Z" } }, as)).data?.auditLog.totalCount).toBe(0);
  });

  it("still answers the page's former names: entries, and nextCursor (null on the last page)", async () => {
    const total = (await server.gql(AuditLog, { first: 100 }, as)).data!.auditLog.totalCount;
    let after: string | null | undefined;
    const seen: string[] = [];
    for (let page = 0; page < 100; page++) {
      const current = (await server.gql(AuditLog, { first: 7, after }, as)).data!.auditLog;
      const former = (await server.gql(AuditLogDeprecatedNames, { first: 7, after }, as)).data!.auditLog;
      expect(former.entries.map((entry) => entry.id)).toEqual(current.nodes.map((entry) => entry.id));
      expect(former.nextCursor).toBe(current.hasNextPage ? current.endCursor : null);
      seen.push(...current.nodes.map((entry) => entry.id));
      if (!former.nextCursor) break;
      after = former.nextCursor;
    }
    expect(seen).toHaveLength(total);
  });

  it("takes only its own opaque cursors", async () => {
    const page = (await server.gql(AuditLog, { first: 1 }, as)).data!.auditLog;
    const id = page.nodes[0]!.id;
    expect(page.endCursor).not.toBe(id);
    const usersCursor = (await server.gql(Users, { first: 1 }, as)).data!.users.endCursor!;
    for (const after of [id, usersCursor, Buffer.from(`user:${id}`).toString("base64url")]) {
      expect(errorCode(await server.gql(AuditLog, { first: 1, after }, as)), after).toBe("BAD_USER_INPUT");
    }
    expect(errorCode(await server.gql(Users, { first: 1, after: page.endCursor }, as))).toBe("BAD_USER_INPUT");
  });

  it("refuses a page size out of range, a malformed cursor and a reversed time range", async () => {
    for (const variables of [
      { first: 101 },
      { first: 0 },
      { after: "abc" },
      { after: "-1" },
      { after: "1.5" },
      { filter: { from: "2026-02-01T00:00:00Z", to: "2026-01-01T00:00:00Z" } },
      { filter: { actorId: "nobody" } },
    ]) {
      expect(errorCode(await server.gql(AuditLog, variables, as)), JSON.stringify(variables)).toBe("BAD_USER_INPUT");
    }
  });

  it("unlocks a user locked out by failed logins and records it; NOT_FOUND for an unknown user", async () => {
    // The server believes no X-Forwarded-For (no trusted proxy): all attempts come from 127.0.0.1.
    for (let i = 0; i < 2; i++) {
      expect(errorCode(await server.gql(Login, { input: { identifier: "member", password: `wrong ${i}` } }))).toBe("BAD_USER_INPUT");
    }
    const correct = { identifier: "member", password: "correct horse battery staple" };
    expect(errorCode(await server.gql(Login, { input: correct }))).toBe("ACCOUNT_LOCKED");

    expect(errorCode(await server.gql(UnlockUser, { id: "999999" }, as))).toBe("NOT_FOUND");
    expect((await server.gql(UnlockUser, { id: String(memberId) }, as)).data?.unlockUser.ok).toBe(true);
    expect((await server.gql(Login, { input: correct })).data?.login.jwt).toBeTruthy();

    const entries = await entriesOf("ACCOUNT_UNLOCKED");
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ ...byAdmin(), targetType: "User", targetId: String(memberId) });
  });
});
