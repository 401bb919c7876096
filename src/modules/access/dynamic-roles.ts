/**
 * Dynamic roles: decided per request and per target rather than stored. `$everyone`, `$authenticated`,
 * `$unauthenticated` and `$owner` are built in; more can be registered by name, as LoopBack's
 * `Role.registerResolver` does, and passed to createServices. (LoopBack calls these "role resolvers";
 * here they are dynamic roles, so they are not confused with GraphQL resolvers.)
 */
import type { Viewer } from "../auth/authenticate.ts";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { DynamicRole } from "./acl.ts";
import { BuiltinRoleType } from "../roles/builtin-roles.ts";

/** A static role the caller holds (primary, further, or the implicit Public/Authenticated one). */
export interface HeldRole {
  id: number;
  name: string;
  type: string;
}

/**
 * What an access is about. `record` is the parent object of an object field (a User for `User.email`);
 * `id` is the `id` argument of a root field on one record; `list` marks operations on many records.
 */
export type AccessTarget =
  | { kind: "none" }
  | { kind: "list"; model?: string }
  | { kind: "record"; model?: string; id?: string | number; record?: Record<string, unknown> };

export interface DynamicRoleInput {
  viewer: Viewer | null;
  /** The caller's static roles, loaded once per request. */
  roles: readonly HeldRole[];
  target: AccessTarget;
  /** The field's arguments (empty for object fields). */
  args: Record<string, unknown>;
  prisma: PrismaClient;
  /**
   * Lives as long as the request: a dynamic role that needs the database should load once per request
   * here, not once per checked row (`User.email` is checked for every user in a list).
   */
  cache: Map<string, unknown>;
}

export type DynamicRoleCheck = (input: DynamicRoleInput) => boolean | Promise<boolean>;

/** Custom dynamic roles by name; names start with `$` so they never collide with static roles. */
export type DynamicRoles = ReadonlyMap<string, DynamicRoleCheck>;

const builtinDynamicRoles = new Set<string>(Object.values(DynamicRole));

export function createDynamicRoles(checks: Record<string, DynamicRoleCheck> = {}): DynamicRoles {
  for (const name of Object.keys(checks)) {
    if (!name.startsWith("$")) throw new Error(`Dynamic role "${name}" must start with "$"`);
    if (builtinDynamicRoles.has(name)) throw new Error(`Dynamic role "${name}" is built in`);
  }
  return new Map(Object.entries(checks));
}

/** The id of the user a target belongs to, or null when it has none or it is not one record. */
async function ownerOf(input: DynamicRoleInput): Promise<number | null> {
  const { target } = input;
  if (target.kind !== "record") return null;
  if (target.model === "User") return toInt(target.record?.id ?? target.id);
  if (target.record && "userId" in target.record) return toInt(target.record.userId);
  if (target.id === undefined || !target.model) return null;
  return loadOwnerId(input.prisma, target.model, target.id);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Models whose rows belong to a user through `userId`; `$owner` loads the owner of an `id` argument.
 * An id that cannot name a row owns nothing (the field's resolver reports the bad input if it runs at all).
 */
const ownedModels: Record<string, (prisma: PrismaClient, id: string) => Promise<{ userId: number } | null>> = {
  Session: async (prisma, id) =>
    UUID.test(id) ? prisma.session.findUnique({ where: { id }, select: { userId: true } }) : null,
};

async function loadOwnerId(prisma: PrismaClient, model: string, id: string | number): Promise<number | null> {
  const load = ownedModels[model];
  return load ? ((await load(prisma, String(id)))?.userId ?? null) : null;
}

const toInt = (value: unknown): number | null => {
  const number = typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN;
  return Number.isInteger(number) ? number : null;
};

/** Whether the caller holds a dynamic role (built in or registered); unknown names are never held. */
export async function holdsDynamicRole(
  name: string,
  input: DynamicRoleInput,
  registry: DynamicRoles,
): Promise<boolean> {
  switch (name) {
    case DynamicRole.EVERYONE:
      return true;
    case DynamicRole.AUTHENTICATED:
      return input.viewer !== null;
    case DynamicRole.UNAUTHENTICATED:
      return input.viewer === null;
    case DynamicRole.OWNER:
      return input.viewer !== null && (await ownerOf(input)) === input.viewer.userId;
    default: {
      const check = registry.get(name);
      return check ? Boolean(await check(input)) : false;
    }
  }
}

/**
 * Example custom role, `$teammate`: the target user shares a custom (non built-in) role with the
 * caller, custom roles playing the part of teams. One query per request, whatever the number of rows.
 */
export const teammateRole: DynamicRoleCheck = async ({ viewer, roles, target, prisma, cache }) => {
  if (!viewer || target.kind !== "record" || target.model !== "User") return false;
  const targetId = toInt(target.record?.id ?? target.id);
  if (targetId === null) return false;
  const builtin = new Set<string>(Object.values(BuiltinRoleType));
  const teamRoleIds = roles.filter((role) => !builtin.has(role.type)).map((role) => role.id);
  if (teamRoleIds.length === 0) return false;

  let teammates = cache.get("$teammate") as Promise<Set<number>> | undefined;
  if (!teammates) {
    teammates = prisma.user
      .findMany({
        where: {
          OR: [{ primaryRoleId: { in: teamRoleIds } }, { roles: { some: { roleId: { in: teamRoleIds } } } }],
        },
        select: { id: true },
      })
      .then((users) => new Set(users.map((user) => user.id)));
    cache.set("$teammate", teammates);
  }
  return (await teammates).has(targetId);
};
