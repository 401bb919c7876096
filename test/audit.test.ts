import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatehouseError } from "../src/errors.ts";
import { AuditAction, listAudit, recordAudit } from "../src/modules/audit/audit.service.ts";
import { startTestServer, type TestServer } from "./helpers/server.ts";

describe("audit log", () => {
  let server: TestServer;
  let adminId: number;
  beforeAll(async () => {
    server = await startTestServer({ ADMIN_EMAIL: "admin@example.com", ADMIN_PASSWORD: "a long admin passphrase" });
    adminId = (await server.prisma.user.findUniqueOrThrow({ where: { email: "admin@example.com" } })).id;
  });
  afterAll(() => server?.close());

  it("records an entry with actor, target, IP and user agent, and never a secret", async () => {
    const entry = await recordAudit(server.prisma, {
      action: AuditAction.PASSWORD_CHANGED,
      actorId: adminId,
      targetType: "User",
      targetId: adminId,
      ip: "203.0.113.5",
      userAgent: "vitest",
      metadata: { newPassword: "hunter2hunter2", refreshToken: "eyJ...", via: "settings page" },
    });
    const stored = await server.prisma.auditLog.findUniqueOrThrow({ where: { id: entry.id } });
    expect(stored).toMatchObject({
      action: "PASSWORD_CHANGED",
      success: true,
      actorId: adminId,
      targetType: "User",
      targetId: String(adminId),
      ip: "203.0.113.5",
      userAgent: "vitest",
      metadata: { via: "settings page" },
    });
    expect(JSON.stringify(stored.metadata)).not.toMatch(/hunter2|eyJ/);
    expect(stored.createdAt).toBeInstanceOf(Date);
  });

  it("lists newest first with filters and keyset pagination", async () => {
    await server.prisma.auditLog.deleteMany();
    for (let i = 0; i < 5; i++) {
      await recordAudit(server.prisma, { action: AuditAction.LOGIN_FAILED, success: false, ip: "198.51.100.7", metadata: { attempt: i } });
    }
    await recordAudit(server.prisma, { action: AuditAction.LOGIN_SUCCEEDED, actorId: adminId, ip: "198.51.100.8" });
    await recordAudit(server.prisma, { action: AuditAction.ACCOUNT_LOCKED, success: false, targetType: "User", targetId: adminId });

    const all = await listAudit(server.prisma);
    expect(await all.totalCount()).toBe(7);
    expect(all.nodes.map((e) => e.action)[0]).toBe("ACCOUNT_LOCKED");

    const failures = await listAudit(server.prisma, { actions: [AuditAction.LOGIN_FAILED], success: false }, { first: 2 });
    expect(await failures.totalCount()).toBe(5);
    expect(failures.nodes.map((e) => (e.metadata as { attempt: number }).attempt)).toEqual([4, 3]);
    const page2 = await listAudit(server.prisma, { actions: [AuditAction.LOGIN_FAILED] }, { first: 2, after: failures.endCursor });
    expect(page2.nodes.map((e) => (e.metadata as { attempt: number }).attempt)).toEqual([2, 1]);
    const page3 = await listAudit(server.prisma, { actions: [AuditAction.LOGIN_FAILED] }, { first: 2, after: page2.endCursor });
    expect(page3.nodes).toHaveLength(1);
    expect(page3.hasNextPage).toBe(false);

    expect((await listAudit(server.prisma, { actorId: adminId })).nodes.map((e) => e.action)).toEqual(["LOGIN_SUCCEEDED"]);
    expect(await (await listAudit(server.prisma, { ip: "198.51.100.8" })).totalCount()).toBe(1);
    expect(await (await listAudit(server.prisma, { targetType: "User", targetId: String(adminId) })).totalCount()).toBe(1);
    const future = new Date(Date.now() + 60_000);
    expect(await (await listAudit(server.prisma, { from: future })).totalCount()).toBe(0);
    expect(await (await listAudit(server.prisma, { to: future })).totalCount()).toBe(7);
  });

  it("refuses a page size out of range, a malformed cursor and a reversed time range", async () => {
    for (let i = 0; i < 3; i++) await recordAudit(server.prisma, { action: AuditAction.SETTINGS_CHANGED });
    expect((await listAudit(server.prisma, {}, { first: 100 })).nodes.length).toBeGreaterThanOrEqual(3);
    expect((await listAudit(server.prisma, {}, { first: 1 })).nodes).toHaveLength(1);
    for (const first of [0, 101, 10_000, 1.5]) {
      await expect(listAudit(server.prisma, {}, { first })).rejects.toMatchObject({ extensions: { code: "BAD_USER_INPUT" } });
    }
    for (const after of ["abc", "-1", "1e3", " 12"]) {
      await expect(listAudit(server.prisma, {}, { after })).rejects.toBeInstanceOf(GatehouseError);
    }
    await expect(listAudit(server.prisma, { from: new Date(2), to: new Date(1) })).rejects.toMatchObject({
      extensions: { code: "BAD_USER_INPUT" },
    });
  });

  it("keeps entries when the actor is deleted", async () => {
    const role = await server.prisma.role.findFirstOrThrow({ where: { type: "authenticated" } });
    const user = await server.prisma.user.create({
      data: { username: "temp", usernameKey: "temp", email: "temp@example.com", primaryRoleId: role.id },
    });
    const entry = await recordAudit(server.prisma, { action: AuditAction.SESSION_REVOKED, actorId: user.id });
    await server.prisma.user.delete({ where: { id: user.id } });
    expect((await server.prisma.auditLog.findUniqueOrThrow({ where: { id: entry.id } })).actorId).toBeNull();
  });
});
