/**
 * Role administration over HTTP: roles created, renamed and deleted (also under Strapi's names), the
 * built-in roles kept, further roles assigned and unassigned.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, type SignedIn, signIn } from "./helpers/auth.ts";
import { errorCode, startTestServer, type TestServer } from "./helpers/server.ts";
import {
  AssignRole,
  CreateRole,
  DeleteRole,
  Role,
  StrapiCreateAndUpdateRoles,
  StrapiCreateRole,
  StrapiDeleteRole,
  StrapiUpdateRole,
  UnassignRole,
  UpdateRole,
} from "./operations/roles.ts";
import { CreateAclRule } from "./operations/access.ts";
import { UpdateUser, User, Users } from "./operations/users.ts";

describe("admin surface", () => {
  let server: TestServer;
  let admin: SignedIn;
  let as: { headers: Record<string, string> };
  const userIds: Record<string, string> = {};

  beforeAll(async () => {
    server = await startTestServer();
    await createUser(server.prisma, { username: "root", email: "root@example.com", roleType: "admin" });
    for (const name of ["erin", "gina"]) {
      userIds[name] = String((await createUser(server.prisma, { username: name, email: `${name}@example.com` })).id);
    }
    admin = await signIn(server, "root");
    as = { headers: admin.headers };
  });
  afterAll(() => server?.close());

  it("creates, renames and deletes a role; deleting moves its users to the default role", async () => {
    const created = await server.gql(CreateRole, { data: { name: "Editors" } }, as);
    expect(created.data?.createRole).toMatchObject({ name: "Editors", type: "editors" });
    const roleId = created.data!.createRole.id;
    expect(errorCode(await server.gql(CreateRole, { data: { name: "Editors" } }, as))).toBe("CONFLICT");
    expect(errorCode(await server.gql(CreateRole, { data: { name: "  " } }, as))).toBe("BAD_USER_INPUT");

    const renamed = await server.gql(UpdateRole, { id: roleId, data: { name: "Writers", description: "Write things" } }, as);
    expect(renamed.data?.updateRole).toMatchObject({ name: "Writers", description: "Write things", type: "editors" });

    const moved = await server.gql(UpdateUser, { id: userIds.erin!, data: { primaryRoleId: roleId } }, as);
    expect(moved.data?.updateUser.role.type).toBe("editors");
    await server.prisma.aclRule.create({
      data: { resource: "Query.roles", principalType: "ROLE", principalId: "editors", permission: "ALLOW" },
    });

    expect((await server.gql(DeleteRole, { id: roleId }, as)).data?.deleteRole.ok).toBe(true);
    expect(errorCode(await server.gql(Role, { id: roleId }, as))).toBe("NOT_FOUND");
    const erin = await server.gql(User, { id: userIds.erin! }, as);
    expect(erin.data?.user.role.type).toBe("authenticated");
    expect(await server.prisma.aclRule.count({ where: { principalId: "editors" } })).toBe(0);
  });

  it("never deletes the Public, Authenticated or Admin role, and reports a missing one", async () => {
    for (const type of ["public", "authenticated", "admin"]) {
      const role = await server.prisma.role.findUniqueOrThrow({ where: { type } });
      expect(errorCode(await server.gql(DeleteRole, { id: String(role.id) }, as))).toBe("BAD_USER_INPUT");
    }
    expect(errorCode(await server.gql(DeleteRole, { id: "999999" }, as))).toBe("NOT_FOUND");
    expect(errorCode(await server.gql(DeleteRole, { id: "not-a-number" }, as))).toBe("BAD_USER_INPUT");
  });

  it("answers Strapi's role mutations with { ok }", async () => {
    const authenticated = await server.prisma.role.findUniqueOrThrow({ where: { type: "authenticated" } });
    const result = await server.gql(
      StrapiCreateAndUpdateRoles,
      { data: { name: "Reviewers" }, id: String(authenticated.id), update: { description: "Every signed-in user" } },
      as,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ createUsersPermissionsRole: { ok: true }, updateUsersPermissionsRole: { ok: true } });
    const reviewers = await server.prisma.role.findUniqueOrThrow({ where: { type: "reviewers" } });
    expect((await server.gql(StrapiDeleteRole, { id: String(reviewers.id) }, as)).data?.deleteUsersPermissionsRole.ok).toBe(true);
  });

  it("assigns and unassigns further roles", async () => {
    const team = await server.prisma.role.create({ data: { name: "Ops", type: "ops" } });
    const vars = { userId: userIds.gina!, roleId: String(team.id) };
    expect((await server.gql(AssignRole, vars, as)).data?.assignRole.ok).toBe(true);
    expect(errorCode(await server.gql(AssignRole, vars, as))).toBe("CONFLICT");
    expect((await server.gql(User, { id: userIds.gina! }, as)).data?.user.roles.map((r) => r.type)).toEqual([
      "authenticated",
      "ops",
    ]);
    expect((await server.gql(UnassignRole, vars, as)).data?.unassignRole.ok).toBe(true);
    expect(errorCode(await server.gql(UnassignRole, vars, as))).toBe("NOT_FOUND");
    expect(errorCode(await server.gql(AssignRole, { ...vars, userId: "999999" }, as))).toBe("NOT_FOUND");
  });
});

describe("roles cannot impersonate roles", () => {
  let server: TestServer;
  let as: { headers: Record<string, string> };

  beforeAll(async () => {
    server = await startTestServer();
    await createUser(server.prisma, { username: "root", email: "root@example.com", roleType: "admin" });
    as = { headers: (await signIn(server, "root")).headers };
  });
  afterAll(() => server?.close());

  const reservedNames = ["admin", "Admin", "ADMIN", "public", "Public", "authenticated", "AUTHENTICATED", " Admin ", "Ａｄｍｉｎ", "Ádmin", "admin!"];

  it.each(reservedNames)("refuses to create a custom role named %j (both mutations)", async (name) => {
    const created = await server.gql(CreateRole, { data: { name, type: "innocent" } }, as);
    expect(errorCode(created)).toBe("BAD_USER_INPUT");
    expect(created.errors?.[0]?.extensions?.field).toBe("name");
    expect(errorCode(await server.gql(StrapiCreateRole, { data: { name, type: "innocent" } }, as))).toBe("BAD_USER_INPUT");
    expect(await server.prisma.role.count({ where: { type: "innocent" } })).toBe(0);
  });

  it.each(["admin", "Public", "AUTHENTICATED", "ａｄｍｉｎ"])("refuses a custom role whose type is %j (both mutations)", async (type) => {
    const created = await server.gql(CreateRole, { data: { name: "Helpers", type } }, as);
    expect(errorCode(created)).toBe("BAD_USER_INPUT");
    expect(created.errors?.[0]?.extensions?.field).toBe("type");
    expect(errorCode(await server.gql(StrapiCreateRole, { data: { name: "Helpers", type } }, as))).toBe("BAD_USER_INPUT");
    expect(await server.prisma.role.count({ where: { name: "Helpers" } })).toBe(0);
  });

  it("refuses role names with invisible or control characters", async () => {
    for (const name of ["Ad\u200Bmin", "Editors\u202E", "Op\ns"]) {
      expect(errorCode(await server.gql(CreateRole, { data: { name } }, as))).toBe("BAD_USER_INPUT");
    }
  });

  it("refuses to rename a custom role to a reserved name, and a built-in role to another's (both mutations)", async () => {
    const created = await server.gql(CreateRole, { data: { name: "Support" } }, as);
    const id = created.data!.createRole.id;
    for (const name of ["Admin", "public", "Authenticated"]) {
      expect(errorCode(await server.gql(UpdateRole, { id, data: { name } }, as))).toBe("BAD_USER_INPUT");
      expect(errorCode(await server.gql(StrapiUpdateRole, { id, data: { name } }, as))).toBe("BAD_USER_INPUT");
    }
    expect((await server.prisma.role.findUniqueOrThrow({ where: { id: Number(id) } })).name).toBe("Support");

    const authenticated = await server.prisma.role.findUniqueOrThrow({ where: { type: "authenticated" } });
    expect(errorCode(await server.gql(UpdateRole, { id: String(authenticated.id), data: { name: "Admin" } }, as))).toBe("BAD_USER_INPUT");
    // A built-in role may still carry its own name in another case.
    const renamed = await server.gql(UpdateRole, { id: String(authenticated.id), data: { name: "AUTHENTICATED" } }, as);
    expect(renamed.data?.updateRole).toMatchObject({ name: "AUTHENTICATED", type: "authenticated" });
    await server.gql(UpdateRole, { id: String(authenticated.id), data: { name: "Authenticated" } }, as);
  });

  it("matches rules by a role's type only, never by a display name that spells another role's type", async () => {
    // "editors" is the Editors role's type; a second role is *named* "editors" but has its own type.
    const editors = await server.gql(CreateRole, { data: { name: "Editors" } }, as);
    const lookalike = await server.gql(CreateRole, { data: { name: "editors", type: "guests" } }, as);
    expect(lookalike.data?.createRole).toMatchObject({ name: "editors", type: "guests" });
    await createUser(server.prisma, { username: "ed", email: "ed@example.com", roleType: "editors" });
    await createUser(server.prisma, { username: "mallory", email: "mallory@example.com", roleType: "guests" });
    const rule = { resource: "Query.users", accessType: "READ", principalType: "ROLE" as const, principalId: "editors", permission: "ALLOW" as const };
    expect((await server.gql(CreateAclRule, { data: rule }, as)).errors).toBeUndefined();

    const ed = await signIn(server, "ed");
    const mallory = await signIn(server, "mallory");
    expect((await server.gql(Users, {}, { headers: ed.headers })).errors).toBeUndefined();
    expect(errorCode(await server.gql(Users, {}, { headers: mallory.headers }))).toBe("FORBIDDEN");

    // A rule cannot name a role by its display name either: "Editors" is no role's type.
    const byName = await server.gql(CreateAclRule, { data: { ...rule, principalId: "Editors" } }, as);
    expect(errorCode(byName)).toBe("BAD_USER_INPUT");

    // Deleting the look-alike deletes only its own rules: the Editors' rule named "editors" stays.
    await server.prisma.aclRule.create({ data: { ...rule, resource: "Query.roles", principalId: "guests" } });
    expect((await server.gql(DeleteRole, { id: lookalike.data!.createRole.id }, as)).data?.deleteRole.ok).toBe(true);
    const left = await server.prisma.aclRule.findMany({ select: { resource: true, principalId: true } });
    expect(left).toEqual([{ resource: "Query.users", principalId: "editors" }]);
    expect((await server.gql(Users, {}, { headers: ed.headers })).errors).toBeUndefined();
    expect(editors.data?.createRole.type).toBe("editors");
  });
});
