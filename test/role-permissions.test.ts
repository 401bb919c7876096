/**
 * The permission matrix over HTTP against a real database: a role's matrix agrees with what a real user of
 * the role is allowed (myPermissions), a tick or untick stores, flips or drops the role's own rule and
 * the API follows it at once, conflicts and the admin's own lifeline are refused with nothing stored,
 * "who may call this field?" covers roles and the users a rule names, and email previews render what
 * updateSettings would store without storing it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createUser, type SignedIn, signIn } from "./helpers/auth.ts";
import { errorCode, startTestServer, type TestServer } from "./helpers/server.ts";
import { FieldAccess, MyPermissions, RolePermissions, SetRolePermission } from "./operations/access.ts";
import { Register } from "./operations/auth.ts";
import { PreviewEmailTemplate } from "./operations/settings.ts";
import { Users } from "./operations/users.ts";

describe("the permission matrix", () => {
  let server: TestServer;
  let admin: SignedIn;
  let editor: SignedIn;
  let reader: SignedIn;
  let roleIds: Record<"public" | "authenticated" | "admin" | "editors", string>;
  let readerId: number;

  beforeAll(async () => {
    server = await startTestServer();
    await server.prisma.role.create({ data: { name: "Editors", type: "editors" } });
    await createUser(server.prisma, { username: "root", email: "root@example.com", roleType: "admin" });
    await createUser(server.prisma, { username: "edith", email: "edith@example.com", roleType: "editors" });
    readerId = (await createUser(server.prisma, { username: "reader", email: "reader@example.com" })).id;
    [admin, editor, reader] = await Promise.all(["root", "edith", "reader"].map((name) => signIn(server, name))) as [SignedIn, SignedIn, SignedIn];
    const roles = await server.prisma.role.findMany();
    roleIds = Object.fromEntries(roles.map((role) => [role.type, String(role.id)])) as typeof roleIds;
  });
  afterAll(() => server?.close());
  beforeEach(() => server.prisma.aclRule.deleteMany());

  const matrixOf = async (role: keyof typeof roleIds) => {
    const result = await server.gql(RolePermissions, { roleId: roleIds[role] }, { headers: admin.headers });
    expect(result.errors).toBeUndefined();
    return result.data!.rolePermissions;
  };
  const cell = async (role: keyof typeof roleIds, resource: string) => (await matrixOf(role)).find((entry) => entry.resource === resource);
  const tick = (role: keyof typeof roleIds, resource: string, allowed: boolean) =>
    server.gql(SetRolePermission, { roleId: roleIds[role], resource, allowed }, { headers: admin.headers });

  it("decides every guarded field for a role's user exactly as the API decides for a real user of that role", async () => {
    const matrix = await matrixOf("editors");
    const mine = await server.gql(MyPermissions, undefined, { headers: editor.headers });
    const allowed = (entries: readonly { resource: string; accessType: string; scope?: string | null }[]) =>
      entries.filter((entry) => entry.scope).map((entry) => `${entry.accessType} ${entry.resource} ${entry.scope}`).sort();
    expect(allowed(matrix)).toEqual(allowed(mine.data!.myPermissions));
    expect(matrix.length).toBeGreaterThan(allowed(matrix).length); // some fields are refused

    const users = matrix.find((entry) => entry.resource === "Query.users")!;
    expect(users).toMatchObject({ typeName: "Query", fieldName: "users", accessType: "READ", allowed: false, scope: null, source: "NONE", rule: null, downstream: false });
    const me = matrix.find((entry) => entry.resource === "Query.me")!;
    expect(me).toMatchObject({ allowed: true, scope: "ALL", source: "DEFAULT", rule: { permission: "ALLOW", storedRuleId: null } });
    // The admin role is allowed everything by the wildcard in code.
    expect((await matrixOf("admin")).every((entry) => entry.allowed && entry.source === "DEFAULT")).toBe(true);
  });

  it("ticks a field for a role: its users may call it at once; unticking drops the stored rule again", async () => {
    expect(errorCode(await server.gql(Users, {}, { headers: editor.headers }))).toBe("FORBIDDEN");

    const ticked = await tick("editors", "Query.users", true);
    expect(ticked.errors).toBeUndefined();
    const rule = await server.prisma.aclRule.findFirstOrThrow({ where: { resource: "Query.users", principalId: "editors" } });
    expect(rule).toMatchObject({ accessType: "READ", principalType: "ROLE", permission: "ALLOW" });
    expect(ticked.data!.setRolePermission).toMatchObject({ allowed: true, source: "STORED", rule: { storedRuleId: String(rule.id) } });
    expect((await server.gql(Users, {}, { headers: editor.headers })).data?.users.totalCount).toBe(3);
    expect(errorCode(await server.gql(Users, {}, { headers: reader.headers }))).toBe("FORBIDDEN");
    expect(await cell("editors", "Query.users")).toMatchObject({ allowed: true, source: "STORED" });
    expect(await server.prisma.auditLog.count({ where: { action: "ACL_CHANGED", targetId: String(rule.id) } })).toBe(1);

    const unticked = await tick("editors", "Query.users", false);
    expect(unticked.data!.setRolePermission).toMatchObject({ allowed: false, source: "NONE" });
    expect(await server.prisma.aclRule.count()).toBe(0);
    expect(errorCode(await server.gql(Users, {}, { headers: editor.headers }))).toBe("FORBIDDEN");
    expect(await server.prisma.auditLog.count({ where: { action: "ACL_CHANGED", targetId: String(rule.id) } })).toBe(2);
  });

  it("unticks a field a default allows by storing a DENY, and ticking it again drops the DENY", async () => {
    expect(await cell("public", "Mutation.register")).toMatchObject({ allowed: true, source: "DEFAULT" });
    const closed = await tick("public", "Mutation.register", false);
    expect(closed.data!.setRolePermission).toMatchObject({ allowed: false, source: "STORED", rule: { permission: "DENY", principalId: "public" } });
    const input = { username: "latecomer", email: "latecomer@example.com", password: "a fresh pass phrase 789" };
    const refused = await server.gql(Register, { input });
    expect(errorCode(refused)).toBe("UNAUTHENTICATED"); // an anonymous caller refused is told to sign in
    expect(await server.prisma.user.count({ where: { username: "latecomer" } })).toBe(0);

    const reopened = await tick("public", "Mutation.register", true);
    expect(reopened.data!.setRolePermission).toMatchObject({ allowed: true, source: "DEFAULT" });
    expect(await server.prisma.aclRule.count()).toBe(0);
    expect((await server.gql(Register, { input })).data?.register.user.username).toBe("latecomer");
  });

  it("refuses a tick another rule would overrule, and an untick that would lock admins out, storing nothing", async () => {
    await server.prisma.aclRule.create({
      data: { resource: "Query.users", accessType: "READ", principalType: "ROLE", principalId: "authenticated", permission: "DENY" },
    });
    const overruled = await tick("editors", "Query.users", true);
    expect(errorCode(overruled)).toBe("BAD_USER_INPUT");
    expect(overruled.errors?.[0]?.message).toMatch(/DENY Query\.users READ for role authenticated/);
    expect(await server.prisma.aclRule.count({ where: { principalId: "editors" } })).toBe(0);

    const lifeline = await tick("admin", "Query.aclRules", false);
    expect(errorCode(lifeline)).toBe("BAD_USER_INPUT");
    expect(await server.prisma.aclRule.count({ where: { principalId: "admin" } })).toBe(0);

    expect(errorCode(await tick("editors", "Query.nothingHere", true))).toBe("BAD_USER_INPUT");
    expect(errorCode(await server.gql(RolePermissions, { roleId: "999999" }, { headers: admin.headers }))).toBe("NOT_FOUND");
  });

  it("is for admins only", async () => {
    expect(errorCode(await server.gql(RolePermissions, { roleId: roleIds.editors }, { headers: editor.headers }))).toBe("FORBIDDEN");
    expect(errorCode(await server.gql(SetRolePermission, { roleId: roleIds.editors, resource: "Query.users", allowed: true }, { headers: editor.headers }))).toBe("FORBIDDEN");
    expect(errorCode(await server.gql(FieldAccess, { resource: "Query.users" }))).toBe("UNAUTHENTICATED");
    expect(await server.prisma.aclRule.count()).toBe(0);
  });

  it("answers who may call a field: each role's users, and the users a stored rule names", async () => {
    await server.prisma.aclRule.create({
      data: { resource: "Query.*", accessType: "READ", principalType: "USER", principalId: String(readerId), permission: "ALLOW" },
    });
    const result = await server.gql(FieldAccess, { resource: "Query.users" }, { headers: admin.headers });
    expect(result.errors).toBeUndefined();
    const byPrincipal = Object.fromEntries(result.data!.fieldAccess.map((entry) => [`${entry.principalType} ${entry.principalId}`, entry]));
    expect(byPrincipal["ROLE admin"]).toMatchObject({ name: "Admin", allowed: true, source: "DEFAULT" });
    expect(byPrincipal["ROLE editors"]).toMatchObject({ name: "Editors", allowed: false, source: "NONE" });
    expect(byPrincipal["ROLE public"]).toMatchObject({ allowed: false });
    expect(byPrincipal[`USER ${readerId}`]).toMatchObject({ name: "reader", allowed: true, source: "STORED" });
    expect(Object.keys(byPrincipal)).toHaveLength(5);
    // The API agrees with the answer.
    expect((await server.gql(Users, {}, { headers: reader.headers })).errors).toBeUndefined();
    expect(errorCode(await server.gql(FieldAccess, { resource: "Query.users", accessType: "EXECUTE" }, { headers: admin.headers }))).toBe("BAD_USER_INPUT");
  });
});

describe("email template previews", () => {
  let server: TestServer;
  let admin: SignedIn;
  beforeAll(async () => {
    server = await startTestServer();
    await createUser(server.prisma, { username: "root", email: "root@example.com", roleType: "admin" });
    admin = await signIn(server, "root");
  });
  afterAll(() => server?.close());

  it("renders a changed template with sample values and stores nothing", async () => {
    const before = await server.prisma.setting.findMany({ orderBy: { key: "asc" } });
    const body = `<mjml><mj-body><mj-section><mj-column><mj-text>Hello <%= USER.username %>, reset at <%= URL %>?code=<%= CODE %></mj-text></mj-column></mj-section></mj-body></mjml>`;
    const result = await server.gql(
      PreviewEmailTemplate,
      { template: { name: "resetPassword", subject: "Reset for <%= USER.username %>", body, replyTo: "help@example.com" } },
      { headers: admin.headers },
    );
    expect(result.errors).toBeUndefined();
    const preview = result.data!.previewEmailTemplate;
    expect(preview.subject).toBe("Reset for jane.doe");
    expect(preview.replyTo).toBe("help@example.com");
    expect(preview.html).toContain("Hello jane.doe, reset at");
    expect(preview.text).toMatch(/Hello jane\.doe, reset at \S+\?code=\S+/);
    expect(await server.prisma.setting.findMany({ orderBy: { key: "asc" } })).toEqual(before);
  });

  it("refuses an unusable template with the message updateSettings gives", async () => {
    const unknown = await server.gql(PreviewEmailTemplate, { template: { name: "resetPassword", subject: "Hi <%= PASSWORD %>" } }, { headers: admin.headers });
    expect(errorCode(unknown)).toBe("BAD_USER_INPUT");
    expect(unknown.errors?.[0]?.message).toMatch(/^resetPassword: Unknown variable "PASSWORD"/);
    const invalid = await server.gql(PreviewEmailTemplate, { template: { name: "emailConfirmation", body: "<mjml><mj-body><mj-nope/></mj-body></mjml>" } }, { headers: admin.headers });
    expect(errorCode(invalid)).toBe("BAD_USER_INPUT");
    expect(invalid.errors?.[0]?.message).toMatch(/^emailConfirmation: Invalid MJML/);
    expect(errorCode(await server.gql(PreviewEmailTemplate, { template: { name: "resetPassword" } }))).toBe("UNAUTHENTICATED");
  });
});
