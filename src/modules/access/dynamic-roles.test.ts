import { describe, expect, it } from "vitest";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import {
  type AccessTarget,
  createDynamicRoles,
  holdsDynamicRole,
  type DynamicRoleInput,
} from "./dynamic-roles.ts";

const sessionOwners: Record<string, number> = { "0b7c4a52-9f5e-4c59-8f0a-0d6b0e2f1a11": 7 };
const prisma = {
  session: {
    findUnique: async ({ where }: { where: { id: string } }) =>
      sessionOwners[where.id] === undefined ? null : { userId: sessionOwners[where.id] },
  },
} as unknown as PrismaClient;

const input = (target: AccessTarget, signedIn = true): DynamicRoleInput => ({
  viewer: signedIn ? { userId: 7, sessionId: null } : null,
  roles: [],
  target,
  args: {},
  prisma,
  cache: new Map(),
});

const registry = createDynamicRoles();

describe("$owner", () => {
  it.each<[string, AccessTarget, boolean]>([
    ["the caller's own user id", { kind: "record", model: "User", id: "7" }, true],
    ["another user's id", { kind: "record", model: "User", id: "8" }, false],
    ["the caller's own user object", { kind: "record", model: "User", record: { id: 7 } }, true],
    ["a row whose userId is the caller", { kind: "record", model: "Session", record: { userId: 7 } }, true],
    ["a row of someone else", { kind: "record", model: "Session", record: { userId: 8 } }, false],
    ["the caller's session by id", { kind: "record", model: "Session", id: "0b7c4a52-9f5e-4c59-8f0a-0d6b0e2f1a11" }, true],
    ["an unknown session id", { kind: "record", model: "Session", id: "1b7c4a52-9f5e-4c59-8f0a-0d6b0e2f1a11" }, false],
    ["a malformed session id", { kind: "record", model: "Session", id: "nope" }, false],
    ["a model without owners", { kind: "record", model: "Role", id: "7" }, false],
    ["a list, even of the caller's records", { kind: "list", model: "User" }, false],
    ["no target", { kind: "none" }, false],
  ])("%s -> %s", async (_name, target, expected) => {
    expect(await holdsDynamicRole("$owner", input(target), registry)).toBe(expected);
  });

  it("is never held by an anonymous caller", async () => {
    expect(await holdsDynamicRole("$owner", input({ kind: "record", model: "User", id: "7" }, false), registry)).toBe(false);
  });
});

describe("built-in and registered dynamic roles", () => {
  it("decides $everyone, $authenticated and $unauthenticated from the viewer", async () => {
    const none: AccessTarget = { kind: "none" };
    for (const [name, signedIn, expected] of [
      ["$everyone", false, true],
      ["$everyone", true, true],
      ["$authenticated", true, true],
      ["$authenticated", false, false],
      ["$unauthenticated", false, true],
      ["$unauthenticated", true, false],
    ] as const) {
      expect(await holdsDynamicRole(name, input(none, signedIn), registry), `${name} ${signedIn}`).toBe(expected);
    }
  });

  it("asks a registered resolver, and holds no unknown role", async () => {
    const custom = createDynamicRoles({
      $seven: ({ viewer }) => viewer?.userId === 7,
      $even: ({ viewer }) => (viewer?.userId ?? 1) % 2 === 0,
    });
    expect(await holdsDynamicRole("$seven", input({ kind: "none" }), custom)).toBe(true);
    expect(await holdsDynamicRole("$even", input({ kind: "none" }), custom)).toBe(false);
    expect(await holdsDynamicRole("$odd", input({ kind: "none" }), custom)).toBe(false);
  });

  it("refuses names that could be confused with static or built-in roles", () => {
    expect(() => createDynamicRoles({ teamMember: () => true })).toThrow(/must start with/);
    expect(() => createDynamicRoles({ $owner: () => true })).toThrow(/built in/);
  });
});
