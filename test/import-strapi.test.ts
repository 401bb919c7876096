/**
 * The Strapi import, end to end: a Strapi 5 export built by hand (bcrypt hashes by bcryptjs) is read and
 * imported through the services, and the imported users sign in over HTTP with their old passwords.
 */
import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readStrapiArchive, StrapiArchiveError } from "../src/modules/strapi-import/strapi-archive.ts";
import type { StrapiImportSummary } from "../src/modules/strapi-import/strapi-import.service.ts";
import { buildStrapiExport } from "./fixtures/strapi-export.ts";
import { strapiFixture } from "./fixtures/strapi-users.ts";
import { errorCode, startTestServer, type TestServer } from "./helpers/server.ts";
import { Login, Me } from "./operations/auth.ts";
import { Users } from "./operations/users.ts";

const source = { actorId: null, ip: null, userAgent: "import-strapi.test" };

describe("gatehouse import strapi (service)", () => {
  let server: TestServer;
  let file: string;
  let dir: string;
  let first: StrapiImportSummary;

  const login = (identifier: string, password: string) => server.gql(Login, { input: { identifier, password } });
  const run = async (options: Parameters<TestServer["services"]["strapiImport"]["importStrapi"]>[2], path = file) =>
    server.services.strapiImport.importStrapi(await readStrapiArchive(path), source, options);

  beforeAll(async () => {
    server = await startTestServer();
    ({ file, dir } = await buildStrapiExport(strapiFixture));
  });
  afterAll(async () => {
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("reports without writing on a dry run", async () => {
    const before = await server.prisma.user.count();
    const dry = await run({ dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, users: 11, created: 7, failed: 4, skipped: 0, updated: 0 });
    expect(await server.prisma.user.count()).toBe(before);
    expect(await server.prisma.role.count({ where: { type: { in: ["editor", "strapi-admin"] } } })).toBe(0);
    expect(await server.prisma.aclRule.count()).toBe(0);
  });

  it("imports valid rows, reports the invalid ones, and keeps Strapi's fields", async () => {
    first = await run({});
    expect(first).toMatchObject({ dryRun: false, strapiVersion: "5.12.4", users: 11, created: 7, updated: 0, skipped: 0, failed: 4 });
    expect(first.failures.map((failure) => [failure.ref, failure.reason])).toEqual([
      [7, "username must not contain spaces, @, control or invisible characters"],
      [8, "same email as row 1 of the export"],
      [9, "password is not a bcrypt hash ($2a$, $2b$ or $2y$)"],
      [10, "email must be a valid email address"],
    ]);

    const carol = await server.prisma.user.findUniqueOrThrow({ where: { email: "carol@example.com" }, include: { primaryRole: true } });
    expect(carol).toMatchObject({ username: "Carol", documentId: "carol0000000000000000doc", confirmed: true, blocked: false });
    expect(carol.passwordHash?.startsWith("$2y$")).toBe(true);
    // Typed "admin" in Strapi: a custom role with a prefixed type, never our Admin.
    expect(carol.primaryRole).toMatchObject({ type: "strapi-admin", name: "Strapi Admin" });

    const alice = await server.prisma.user.findUniqueOrThrow({ where: { email: "alice@example.com" }, include: { primaryRole: true } });
    expect(alice.createdAt.toISOString()).toBe("2024-01-02T03:04:05.000Z");
    expect(alice.primaryRole.type).toBe("authenticated");
    expect(alice.documentId).toBe("u00000001strapiexp");
    const bob = await server.prisma.user.findUniqueOrThrow({ where: { email: "bob@example.com" }, include: { primaryRole: true } });
    expect(bob).toMatchObject({ profile: { city: "Lyon" }, primaryRole: { type: "editor", name: "Editor", description: "Edits articles" } });
    const frank = await server.prisma.user.findUniqueOrThrow({ where: { email: "frank@example.com" } });
    expect(frank).toMatchObject({ provider: "google", passwordHash: null });
    const ivy = await server.prisma.user.findUniqueOrThrow({ where: { email: "ivy@example.com" }, include: { primaryRole: true } });
    expect(ivy.primaryRole.type).toBe("authenticated");

    expect(first.roles).toEqual([
      { strapiType: "authenticated", type: "authenticated", name: "Authenticated", outcome: "matched" },
      { strapiType: "public", type: "public", name: "Public", outcome: "matched" },
      { strapiType: "editor", type: "editor", name: "Editor", outcome: "created" },
      { strapiType: "admin", type: "strapi-admin", name: "Strapi Admin", outcome: "created" },
    ]);
    const audit = await server.prisma.auditLog.findFirstOrThrow({ where: { action: "USERS_IMPORTED" } });
    expect(audit.metadata).toMatchObject({ from: "strapi", created: 7, failed: 4 });
  });

  it("lets the imported users sign in with their old passwords ($2a$, $2b$ and $2y$)", async () => {
    for (const [identifier, password] of [
      ["alice@example.com", "alice old passphrase"],
      ["bob", "bob old passphrase"],
      ["CAROL@example.com", "carol old passphrase"],
    ] as const) {
      const result = await login(identifier, password);
      expect(result.errors, identifier).toBeUndefined();
      expect(result.data?.login.jwt).toBeTruthy();
    }
    expect((await login("alice@example.com", "wrong passphrase")).errors?.[0]?.extensions?.reason).toBe("INVALID_CREDENTIALS");
    expect((await login("dave", "dave old passphrase")).errors?.[0]?.extensions?.reason).toBe("ACCOUNT_BLOCKED");
  });

  it("turns role permissions into ACL rules where a Gatehouse field exists", async () => {
    const rules = await server.prisma.aclRule.findMany({ orderBy: { id: "asc" } });
    expect(rules.map((rule) => [rule.principalId, rule.resource, rule.accessType, rule.permission])).toEqual([
      ["editor", "Query.roles", "READ", "ALLOW"],
      ["authenticated", "Query.users", "READ", "ALLOW"],
    ]);
    const byAction = Object.fromEntries(first.permissions.map((permission) => [permission.action, permission.outcome]));
    expect(byAction).toEqual({
      "api::article.article.find": "refused",
      "plugin::users-permissions.auth.callback": "built-in",
      "plugin::users-permissions.auth.changePassword": "built-in",
      "plugin::users-permissions.auth.register": "built-in",
      "plugin::users-permissions.role.find": "rule",
      "plugin::users-permissions.user.find": "rule",
      "plugin::users-permissions.user.me": "built-in",
      "plugin::users-permissions.user.update": "refused",
    });

    // Strapi let Authenticated list users: so does the rule. Carol's Strapi "admin" role grants nothing.
    const alice = await login("alice", "alice old passphrase");
    const listed = await server.gql(Users, {}, { headers: { authorization: `Bearer ${alice.data!.login.jwt}` } });
    expect(listed.errors).toBeUndefined();
    expect(listed.data?.users.totalCount).toBe(7);
    const carol = await login("Carol", "carol old passphrase");
    const carolHeaders = { authorization: `Bearer ${carol.data!.login.jwt}` };
    expect((await server.gql(Me, undefined, { headers: carolHeaders })).data?.me?.role?.type).toBe("strapi-admin");
  });

  it("is idempotent: a second run skips every user and adds no rule", async () => {
    const again = await run({});
    expect(again).toMatchObject({ created: 0, updated: 0, skipped: 7, failed: 4, rules: { created: 0, existing: 2 } });
    expect(again.skips[0]).toMatchObject({ ref: 1, reason: expect.stringMatching(/^exists: user \d+ has the same documentId and email and username$/) });
    expect(again.roles.every((role) => role.outcome === "matched")).toBe(true);
    expect(await server.prisma.user.count({ where: { email: { in: ["alice@example.com", "bob@example.com"] } } })).toBe(2);
  });

  it("brings matched users up to date with --on-conflict update, ending their sessions", async () => {
    const changed = await buildStrapiExport({
      roles: strapiFixture.roles,
      users: [{ id: 2, username: "bob", email: "bob@example.com", password: "bob new passphrase", role: 1, blocked: false }],
    });
    try {
      const session = await login("bob", "bob old passphrase");
      const updated = await run({ onConflict: "update" }, changed.file);
      expect(updated).toMatchObject({ created: 0, updated: 1, skipped: 0, failed: 0 });
      expect(errorCode(await server.gql(Me, undefined, { headers: { authorization: `Bearer ${session.data!.login.jwt}` } }))).toBe(
        "UNAUTHENTICATED",
      );
      expect((await login("bob", "bob old passphrase")).errors?.[0]?.extensions?.reason).toBe("INVALID_CREDENTIALS");
      expect((await login("bob", "bob new passphrase")).data?.login.jwt).toBeTruthy();
      const bob = await server.prisma.user.findUniqueOrThrow({ where: { email: "bob@example.com" }, include: { primaryRole: true } });
      expect(bob.primaryRole.type).toBe("authenticated");
    } finally {
      await rm(changed.dir, { recursive: true, force: true });
    }
  });

  it("reports a role it cannot create and gives its users the default role", async () => {
    const odd = await buildStrapiExport({
      roles: [{ id: 9, name: "$special", type: "special" }],
      users: [{ id: 40, username: "odd", email: "odd@example.com", password: "odd old passphrase", role: 9 }],
    });
    try {
      const summary = await run({}, odd.file);
      expect(summary.roles).toEqual([
        { strapiType: "special", type: "special", name: "$special", outcome: "refused", reason: "Names starting with $ are dynamic roles" },
      ]);
      expect(summary).toMatchObject({ created: 1, failed: 0 });
      const user = await server.prisma.user.findUniqueOrThrow({ where: { email: "odd@example.com" }, include: { primaryRole: true } });
      expect(user.primaryRole.type).toBe("authenticated");
    } finally {
      await rm(odd.dir, { recursive: true, force: true });
    }
  });

  it("reads uncompressed tars and refuses what is not a Strapi export", async () => {
    const plain = await buildStrapiExport({ ...strapiFixture, compress: false });
    try {
      const data = await readStrapiArchive(plain.file);
      expect([data.users.length, data.roles.length, data.permissions.length]).toEqual([11, 4, 8]);
      expect(data.unreadable).toEqual([]);
    } finally {
      await rm(plain.dir, { recursive: true, force: true });
    }
    await expect(readStrapiArchive(`${dir}/missing.tar`)).rejects.toThrow(/no such file/);
    await expect(readStrapiArchive(new URL(import.meta.url).pathname)).rejects.toBeInstanceOf(StrapiArchiveError);
  });
});
