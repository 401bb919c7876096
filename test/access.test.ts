/**
 * Authorization over HTTP against a real database: the resolution order through stored rules, $owner,
 * a custom dynamic role, field-level deny, UNAUTHENTICATED vs FORBIDDEN, and rule changes taking effect
 * on the next request.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AclPermission, AclPrincipalType } from "../src/generated/prisma/client.ts";
import { createDynamicRoles, teammateRole } from "../src/modules/access/dynamic-roles.ts";
import { createUser, type SignedIn, signIn } from "./helpers/auth.ts";
import { errorCode, startTestServer, type TestServer } from "./helpers/server.ts";
import { CreateAclRule, DeleteAclRule, MyPermissions } from "./operations/access.ts";
import { Roles } from "./operations/roles.ts";
import { User, Users } from "./operations/users.ts";

interface Rule {
  resource: string;
  accessType?: string;
  principalType?: AclPrincipalType;
  principalId: string;
  permission: AclPermission;
}

describe("authorization", () => {
  let server: TestServer;
  let admin: SignedIn;
  let alice: SignedIn;
  let bob: SignedIn;
  let carol: SignedIn;
  let ids: Record<"admin" | "alice" | "bob" | "carol" | "dave", string>;

  /** Stores rules straight in the database (setup); the admin mutations are tested on their own. */
  const storeRules = (rules: Rule[]) =>
    server.prisma.aclRule.createMany({
      data: rules.map((rule) => ({ accessType: "*", principalType: "ROLE" as const, ...rule })),
    });

  beforeAll(async () => {
    server = await startTestServer({}, { dynamicRoles: createDynamicRoles({ $teammate: teammateRole }) });
    const red = await server.prisma.role.create({ data: { name: "Red team", type: "red" } });
    const users = {
      admin: await createUser(server.prisma, { username: "root", email: "root@example.com", roleType: "admin" }),
      alice: await createUser(server.prisma, { username: "alice", email: "Alice@Example.com" }),
      bob: await createUser(server.prisma, { username: "bob", email: "bob@example.com" }),
      carol: await createUser(server.prisma, { username: "carol", email: "carol@example.com", roleType: "red" }),
      dave: await createUser(server.prisma, { username: "dave", email: "dave@example.com" }),
    };
    // Alice holds the red role as a further role; Carol has it as her primary role.
    await server.prisma.userRole.createMany({
      data: [
        { userId: users.alice.id, roleId: red.id },
        { userId: users.dave.id, roleId: red.id },
      ],
    });
    ids = Object.fromEntries(Object.entries(users).map(([name, user]) => [name, String(user.id)])) as typeof ids;
    const signedIn = await Promise.all(["root", "alice", "bob", "carol"].map((name) => signIn(server, name)));
    [admin, alice, bob, carol] = signedIn as [SignedIn, SignedIn, SignedIn, SignedIn];
  });
  afterAll(() => server?.close());
  beforeEach(() => server.prisma.aclRule.deleteMany());

  describe("UNAUTHENTICATED vs FORBIDDEN", () => {
    it("tells an anonymous caller to sign in, and a signed-in one that they may not", async () => {
      expect(errorCode(await server.gql(Users, {}))).toBe("UNAUTHENTICATED");
      expect(errorCode(await server.gql(Users, {}, { headers: alice.headers }))).toBe("FORBIDDEN");
      const asAdmin = await server.gql(Users, {}, { headers: admin.headers });
      expect(asAdmin.errors).toBeUndefined();
      expect(asAdmin.data?.users.totalCount).toBe(5);
    });

    it("serves the seeded roles to admins only", async () => {
      expect(errorCode(await server.gql(Roles))).toBe("UNAUTHENTICATED");
      const result = await server.gql(Roles, undefined, { headers: admin.headers });
      expect(result.data?.roles.map((role) => role.type)).toEqual(["public", "authenticated", "admin", "red"]);
    });

    it("never trusts a forged token", async () => {
      const forged = { authorization: `Bearer ${admin.jwt.slice(0, -4)}AAAA` };
      expect(errorCode(await server.gql(Roles, undefined, { headers: forged }))).toBe("UNAUTHENTICATED");
    });
  });

  describe("resolution order through stored rules (Alice: Authenticated + red; Query.roles)", () => {
    const cases: { name: string; rules: (ids: Record<string, string>) => Rule[]; allowed: boolean }[] = [
      { name: "no rule: default deny", rules: () => [], allowed: false },
      {
        name: "ALLOW for a role she holds",
        rules: () => [{ resource: "Query.roles", principalId: "authenticated", permission: "ALLOW" }],
        allowed: true,
      },
      {
        name: "a role is never found by its display name, only by its type",
        rules: () => [{ resource: "Query.roles", principalId: "Red team", permission: "ALLOW" }],
        allowed: false,
      },
      {
        name: "ALLOW for a role she lacks",
        rules: () => [{ resource: "Query.roles", principalId: "public", permission: "ALLOW" }],
        allowed: false,
      },
      {
        name: "exact resource beats Type.*",
        rules: () => [
          { resource: "Query.*", principalId: "red", permission: "ALLOW" },
          { resource: "Query.roles", principalId: "$everyone", permission: "DENY" },
        ],
        allowed: false,
      },
      {
        name: "Type.* beats *",
        rules: () => [
          { resource: "*", principalId: "red", permission: "DENY" },
          { resource: "Query.*", principalId: "$everyone", permission: "ALLOW" },
        ],
        allowed: true,
      },
      {
        name: "Type.* of another type does not apply",
        rules: () => [{ resource: "Mutation.*", principalId: "$everyone", permission: "ALLOW" }],
        allowed: false,
      },
      {
        name: "exact access type beats *",
        rules: () => [
          { resource: "Query.roles", principalId: "red", permission: "DENY" },
          { resource: "Query.roles", accessType: "READ", principalId: "$everyone", permission: "ALLOW" },
        ],
        allowed: true,
      },
      {
        name: "another access type does not apply",
        rules: () => [{ resource: "Query.roles", accessType: "WRITE", principalId: "$everyone", permission: "ALLOW" }],
        allowed: false,
      },
      {
        name: "USER principal beats ROLE",
        rules: (ids) => [
          { resource: "Query.roles", principalId: "red", permission: "DENY" },
          { resource: "Query.roles", principalType: "USER", principalId: ids.alice!, permission: "ALLOW" },
        ],
        allowed: true,
      },
      {
        name: "static role beats $authenticated",
        rules: () => [
          { resource: "Query.roles", principalId: "$authenticated", permission: "ALLOW" },
          { resource: "Query.roles", principalId: "red", permission: "DENY" },
        ],
        allowed: false,
      },
      {
        name: "$authenticated beats $everyone",
        rules: () => [
          { resource: "Query.roles", principalId: "$everyone", permission: "DENY" },
          { resource: "Query.roles", principalId: "$authenticated", permission: "ALLOW" },
        ],
        allowed: true,
      },
      {
        name: "$unauthenticated does not apply to her",
        rules: () => [{ resource: "Query.roles", principalId: "$unauthenticated", permission: "ALLOW" }],
        allowed: false,
      },
      {
        name: "DENY wins over an equally specific ALLOW (two roles she holds)",
        rules: () => [
          { resource: "Query.roles", principalId: "authenticated", permission: "ALLOW" },
          { resource: "Query.roles", principalId: "red", permission: "DENY" },
        ],
        allowed: false,
      },
      {
        name: "a less specific DENY loses to a more specific ALLOW",
        rules: () => [
          { resource: "*", principalId: "authenticated", permission: "DENY" },
          { resource: "Query.roles", principalId: "$everyone", permission: "ALLOW" },
        ],
        allowed: true,
      },
    ];

    it.each(cases)("$name", async ({ rules, allowed }) => {
      await storeRules(rules(ids));
      const result = await server.gql(Roles, undefined, { headers: alice.headers });
      if (allowed) {
        expect(result.errors).toBeUndefined();
        expect(result.data?.roles.length).toBe(4);
      } else {
        expect(errorCode(result)).toBe("FORBIDDEN");
      }
    });

    it("lets admins narrow their own wildcard", async () => {
      await storeRules([{ resource: "Query.roles", principalId: "admin", permission: "DENY" }]);
      expect(errorCode(await server.gql(Roles, undefined, { headers: admin.headers }))).toBe("FORBIDDEN");
      expect((await server.gql(Users, {}, { headers: admin.headers })).errors).toBeUndefined();
    });

    it("lets the Public role read a field", async () => {
      await storeRules([{ resource: "Query.roles", accessType: "READ", principalId: "public", permission: "ALLOW" }]);
      expect((await server.gql(Roles)).data?.roles.length).toBe(4);
      // Public is the role of anonymous callers only.
      expect(errorCode(await server.gql(Roles, undefined, { headers: alice.headers }))).toBe("FORBIDDEN");
    });
  });

  describe("$owner", () => {
    it("allows an operation on the caller's own record, not on another's", async () => {
      const own = await server.gql(User, { id: ids.alice }, { headers: alice.headers });
      expect(own.errors).toBeUndefined();
      expect(own.data?.user).toMatchObject({ username: "alice", email: "alice@example.com" });
      expect(own.data?.user.roles.map((role) => role.type)).toEqual(["authenticated", "red"]);
      expect(errorCode(await server.gql(User, { id: ids.bob }, { headers: alice.headers }))).toBe("FORBIDDEN");
    });

    it("never holds for a list operation, even one containing the caller", async () => {
      await storeRules([{ resource: "Query.users", principalId: "$owner", permission: "ALLOW" }]);
      expect(errorCode(await server.gql(Users, {}, { headers: alice.headers }))).toBe("FORBIDDEN");
    });
  });

  describe("field-level rules", () => {
    it("shows a user's email to themselves and to admins, to nobody else", async () => {
      await storeRules([{ resource: "Query.users", principalId: "authenticated", permission: "ALLOW" }]);
      const asAlice = await server.gql(Users, {}, { headers: alice.headers });
      expect(asAlice.errors).toBeUndefined();
      const emails = Object.fromEntries(asAlice.data!.users.nodes.map((user) => [user.username, user.email]));
      expect(emails).toEqual({ root: null, alice: "alice@example.com", bob: null, carol: null, dave: null });

      const asAdmin = await server.gql(Users, {}, { headers: admin.headers });
      expect(asAdmin.data!.users.nodes.every((user) => user.email?.endsWith("@example.com"))).toBe(true);
    });

    it("does not let the text filter probe emails the caller may not read", async () => {
      await storeRules([{ resource: "Query.users", principalId: "authenticated", permission: "ALLOW" }]);
      const filter = { text: "bob@example" };
      expect((await server.gql(Users, { filter }, { headers: alice.headers })).data?.users.totalCount).toBe(0);
      expect((await server.gql(Users, { filter }, { headers: admin.headers })).data?.users.totalCount).toBe(1);
      const byName = await server.gql(Users, { filter: { text: "BO" } }, { headers: alice.headers });
      expect(byName.data?.users.nodes.map((user) => user.username)).toEqual(["bob"]);
    });

    it("hides even an admin's view of a field once an exact DENY names it", async () => {
      await storeRules([{ resource: "User.email", principalId: "admin", permission: "DENY" }]);
      const asAdmin = await server.gql(User, { id: ids.bob }, { headers: admin.headers });
      expect(asAdmin.data?.user).toMatchObject({ username: "bob", email: null });
    });
  });

  describe("custom dynamic role ($teammate, registered through createApp)", () => {
    it("lets users who share a custom role read each other, and nobody else", async () => {
      const created = await server.gql(
        CreateAclRule,
        { data: { resource: "Query.user", accessType: "READ", principalType: "ROLE", principalId: "$teammate", permission: "ALLOW" } },
        { headers: admin.headers },
      );
      expect(created.errors).toBeUndefined();
      // Carol (primary role red) and Dave (further role red) are teammates; Bob is not on the team.
      expect((await server.gql(User, { id: ids.dave }, { headers: carol.headers })).data?.user.username).toBe("dave");
      expect(errorCode(await server.gql(User, { id: ids.bob }, { headers: carol.headers }))).toBe("FORBIDDEN");
      expect(errorCode(await server.gql(User, { id: ids.carol }, { headers: bob.headers }))).toBe("FORBIDDEN");
    });

    it("refuses a rule naming a dynamic role nobody registered", async () => {
      const result = await server.gql(
        CreateAclRule,
        { data: { resource: "Query.user", accessType: "READ", principalType: "ROLE", principalId: "$nobody", permission: "ALLOW" } },
        { headers: admin.headers },
      );
      expect(errorCode(result)).toBe("BAD_USER_INPUT");
    });
  });

  describe("rule changes", () => {
    it("apply from the next request on, without restart", async () => {
      expect(errorCode(await server.gql(Roles, undefined, { headers: bob.headers }))).toBe("FORBIDDEN");
      const created = await server.gql(
        CreateAclRule,
        { data: { resource: "Query.roles", accessType: "READ", principalType: "USER", principalId: ids.bob, permission: "ALLOW" } },
        { headers: admin.headers },
      );
      expect(created.data?.createAclRule).toMatchObject({ resource: "Query.roles", principalId: ids.bob });
      expect((await server.gql(Roles, undefined, { headers: bob.headers })).errors).toBeUndefined();

      const deleted = await server.gql(DeleteAclRule, { id: created.data!.createAclRule.id }, { headers: admin.headers });
      expect(deleted.data?.deleteAclRule.ok).toBe(true);
      expect(errorCode(await server.gql(Roles, undefined, { headers: bob.headers }))).toBe("FORBIDDEN");
    });

    it("only admins may change rules, and duplicates or bad coordinates are refused", async () => {
      const data = { resource: "Query.roles", accessType: "*", principalType: "ROLE" as const, principalId: "public", permission: "ALLOW" as const };
      expect(errorCode(await server.gql(CreateAclRule, { data }, { headers: alice.headers }))).toBe("FORBIDDEN");
      expect((await server.gql(CreateAclRule, { data }, { headers: admin.headers })).errors).toBeUndefined();
      expect(errorCode(await server.gql(CreateAclRule, { data }, { headers: admin.headers }))).toBe("CONFLICT");
      const bad = await server.gql(CreateAclRule, { data: { ...data, resource: "Query.roles.x" } }, { headers: admin.headers });
      expect(errorCode(bad)).toBe("BAD_USER_INPUT");
      expect(errorCode(await server.gql(DeleteAclRule, { id: "999999" }, { headers: admin.headers }))).toBe("NOT_FOUND");
    });
  });

  describe("myPermissions", () => {
    it("lists what the caller may do, and on which records", async () => {
      const anonymous = await server.gql(MyPermissions);
      const anonymousResources = anonymous.data!.myPermissions.map((p) => p.resource);
      expect(anonymousResources).toContain("Mutation.login");
      expect(anonymousResources).not.toContain("Query.users");

      const mine = await server.gql(MyPermissions, undefined, { headers: alice.headers });
      const scopes = Object.fromEntries(mine.data!.myPermissions.map((p) => [p.resource, p.scope]));
      expect(scopes).toMatchObject({ "Query.me": "ALL", "Query.user": "OWN", "User.email": "OWN", "Mutation.updateMe": "ALL" });
      expect(scopes["Query.users"]).toBeUndefined();

      const admins = await server.gql(MyPermissions, undefined, { headers: admin.headers });
      expect(admins.data!.myPermissions.map((p) => p.resource)).toContain("Mutation.deleteUser");
    });
  });
});
