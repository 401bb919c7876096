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
  StrapiDeleteRole,
  UnassignRole,
  UpdateRole,
} from "./operations/roles.ts";
import { UpdateUser, User } from "./operations/users.ts";

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
