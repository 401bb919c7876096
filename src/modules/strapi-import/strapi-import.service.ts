/**
 * Imports the users-permissions users, roles and role permissions of a Strapi 5 export (see
 * strapi-archive.ts). Users keep their bcrypt hashes ($2a$, $2b$, $2y$), so they sign in with their old
 * passwords, and their documentId, provider, confirmed, blocked and createdAt; emails are lower-cased and
 * every row passes the identity rules (users/identity.ts) or is reported, not imported. Roles map by type:
 * public and authenticated onto ours, custom ones created (a custom role typed like one of our reserved
 * roles becomes `strapi-<type>`: a users-permissions role never granted Strapi admin rights). Running it
 * twice changes nothing the second time (`onConflict: "skip"`), or brings matched users up to date
 * (`"update"`). Rows are written in batches: one query to find existing accounts and one insert per batch.
 */
import { GraphQLError } from "graphql";
import type { Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import { AuditAction, type AuditService, type AuditSource } from "../audit/audit.service.ts";
import type { AccessService } from "../access/access.service.ts";
import { revokeAllSessions } from "../auth/sessions.ts";
import { BuiltinRoleType, isReservedRoleWord } from "../roles/builtin-roles.ts";
import { type RolesService, slugify } from "../roles/roles.service.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import { parseIdentity } from "../users/identity.ts";
import { STRAPI_PERMISSION, STRAPI_USER, type StrapiEntity, type StrapiExport } from "./strapi-archive.ts";
import { mapStrapiPermission } from "./strapi-permissions.ts";

export type OnConflict = "skip" | "update";

export interface StrapiImportOptions {
  /** What to do with a user that already exists (same documentId, email or username). Default skip. */
  onConflict?: OnConflict;
  /** Report what would happen without writing anything. */
  dryRun?: boolean;
  /** Called after each batch of users. */
  onProgress?: (done: number, total: number) => void;
  /** Users per batch (default 1000). */
  batchSize?: number;
}

/** One user row that was skipped or failed, named as the export names it. */
export interface RowReport {
  /** The Strapi row id. */
  ref: number | string;
  username?: string;
  email?: string;
  reason: string;
}

export interface RoleReport {
  strapiType: string;
  type: string;
  name: string;
  /** `refused`: its name or type is not acceptable here; its users get the default role. */
  outcome: "matched" | "created" | "refused";
  reason?: string;
}

export interface PermissionReport {
  action: string;
  roles: string[];
  outcome: "rule" | "built-in" | "refused";
  /** The rules' resources (outcome "rule"), or why there is none. */
  detail: string;
}

export interface StrapiImportSummary {
  dryRun: boolean;
  onConflict: OnConflict;
  strapiVersion: string | null;
  /** User rows in the export. */
  users: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  failures: RowReport[];
  skips: RowReport[];
  roles: RoleReport[];
  /** ACL rules created from role permissions (or that would be, in a dry run), and those already there. */
  rules: { created: number; existing: number };
  permissions: PermissionReport[];
  /** Lines of the archive that could not be read. */
  unreadable: string[];
}

export interface StrapiImportDependencies {
  prisma: PrismaClient;
  audit: AuditService;
  roles: Pick<RolesService, "create">;
  access: Pick<AccessService, "createRule">;
  settings: Pick<SettingsService, "getAdvanced">;
}

/** A batch of a thousand rows takes about a second; Prisma's 5 s default is too tight on a busy machine. */
const BATCH_TRANSACTION_TIMEOUT_MS = 120_000;

const BCRYPT_HASH = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;
/** Columns of a Strapi user that are not profile fields. */
const STRAPI_USER_FIELDS = new Set([
  "id",
  "documentId",
  "username",
  "email",
  "provider",
  "password",
  "resetPasswordToken",
  "confirmationToken",
  "confirmed",
  "blocked",
  "role",
  "createdAt",
  "updatedAt",
  "publishedAt",
  "createdBy",
  "updatedBy",
  "locale",
  "localizations",
]);

/** A user row ready to write, or the reason it cannot be. */
interface Candidate {
  ref: number | string;
  data: {
    username: string;
    usernameKey: string;
    email: string;
    passwordHash: string | null;
    provider: string;
    confirmed: boolean;
    blocked: boolean;
    documentId?: string;
    createdAt?: Date;
    profile: Prisma.InputJsonObject;
    primaryRoleId: number;
  };
}

const text = (value: unknown) => (typeof value === "string" ? value : undefined);

function rowName(entity: StrapiEntity): Pick<RowReport, "username" | "email"> {
  return { username: text(entity.data.username), email: text(entity.data.email)?.slice(0, 254) };
}

/** Our role type for a Strapi role type. */
export function gatehouseRoleType(strapiType: string): string {
  if (strapiType === BuiltinRoleType.PUBLIC || strapiType === BuiltinRoleType.AUTHENTICATED) return strapiType;
  const slug = slugify(strapiType);
  return isReservedRoleWord(slug) ? `strapi-${slug}` : slug;
}

export function createStrapiImportService({ prisma, audit, roles, access, settings }: StrapiImportDependencies) {
  /** Strapi role id → our role (created unless dry run), with a report line per role. */
  async function importRoles(data: StrapiExport, dryRun: boolean, source: AuditSource) {
    const ids = new Map<string, { id: number; type: string }>();
    const reports: RoleReport[] = [];
    for (const entity of data.roles) {
      const strapiType = text(entity.data.type) ?? text(entity.data.name) ?? "";
      const type = gatehouseRoleType(strapiType);
      if (!type) continue;
      const existing = await prisma.role.findUnique({ where: { type }, select: { id: true, name: true } });
      if (existing) {
        ids.set(String(entity.id), { id: existing.id, type });
        reports.push({ strapiType, type, name: existing.name, outcome: "matched" });
        continue;
      }
      const strapiName = (text(entity.data.name) ?? strapiType).trim() || strapiType;
      let name = isReservedRoleWord(slugify(strapiName)) ? `Strapi ${strapiName}` : strapiName;
      if (await prisma.role.findUnique({ where: { name }, select: { id: true } })) name = `${name} (Strapi)`;
      const description = text(entity.data.description) ?? null;
      try {
        const id = dryRun ? -1 : (await roles.create({ name, type, description }, source)).id;
        ids.set(String(entity.id), { id, type });
        reports.push({ strapiType, type, name, outcome: "created" });
      } catch (error) {
        if (!(error instanceof GraphQLError)) throw error;
        reports.push({ strapiType, type, name, outcome: "refused", reason: error.message });
      }
    }
    return { ids, reports };
  }

  /** Role permissions → ACL rules where a Gatehouse field does the same. */
  async function importPermissions(data: StrapiExport, roleIds: Map<string, { type: string }>, dryRun: boolean, source: AuditSource) {
    const roleOf = new Map<string, string>();
    for (const link of data.links) {
      if (link.left.type === STRAPI_PERMISSION) roleOf.set(String(link.left.ref), String(link.right.ref));
    }
    const byAction = new Map<string, Set<string>>();
    for (const entity of data.permissions) {
      const action = text(entity.data.action);
      const role = roleIds.get(roleOf.get(String(entity.id)) ?? "");
      if (!action || !role) continue;
      byAction.set(action, (byAction.get(action) ?? new Set()).add(role.type));
    }
    const rules = { created: 0, existing: 0 };
    const permissions: PermissionReport[] = [];
    for (const [action, roleTypes] of [...byAction].sort(([a], [b]) => a.localeCompare(b))) {
      const mapping = mapStrapiPermission(action);
      const types = [...roleTypes].sort();
      if (mapping.kind !== "rule") {
        permissions.push({ action, roles: types, outcome: mapping.kind, detail: mapping.why });
        continue;
      }
      for (const principalId of types) {
        for (const resource of mapping.resources) {
          const key = { resource, accessType: "READ", principalType: "ROLE" as const, principalId };
          const found = await prisma.aclRule.findUnique({ where: { resource_accessType_principalType_principalId: key } });
          if (found) rules.existing++;
          else {
            if (!dryRun) await access.createRule({ ...key, permission: "ALLOW" }, source);
            rules.created++;
          }
        }
      }
      permissions.push({ action, roles: types, outcome: "rule", detail: mapping.resources.join(", ") });
    }
    return { rules, permissions };
  }

  async function importStrapi(data: StrapiExport, source: AuditSource, options: StrapiImportOptions = {}): Promise<StrapiImportSummary> {
    const onConflict = options.onConflict ?? "skip";
    const dryRun = options.dryRun ?? false;
    const batchSize = options.batchSize ?? 1000;
    const summary: StrapiImportSummary = {
      dryRun,
      onConflict,
      strapiVersion: data.strapiVersion ?? null,
      users: data.users.length,
      created: 0,
      updated: 0,
      skipped: 0,
      failed: 0,
      failures: [],
      skips: [],
      roles: [],
      rules: { created: 0, existing: 0 },
      permissions: [],
      unreadable: data.unreadable,
    };
    const fail = (entity: StrapiEntity, reason: string) => {
      summary.failed++;
      summary.failures.push({ ref: entity.id, ...rowName(entity), reason });
    };

    const { ids: roleIds, reports } = await importRoles(data, dryRun, source);
    summary.roles = reports;
    const { rules, permissions } = await importPermissions(data, roleIds, dryRun, source);
    summary.rules = rules;
    summary.permissions = permissions;

    const userRole = new Map<string, string>();
    for (const link of data.links) if (link.left.type === STRAPI_USER) userRole.set(String(link.left.ref), String(link.right.ref));
    const { defaultRole } = await settings.getAdvanced();
    const fallbackRole =
      (await prisma.role.findUnique({ where: { type: defaultRole }, select: { id: true } })) ??
      (await prisma.role.findUniqueOrThrow({ where: { type: BuiltinRoleType.AUTHENTICATED }, select: { id: true } }));

    // Within the export, the first row with a given email, username or documentId wins.
    const seen = { email: new Map<string, string>(), usernameKey: new Map<string, string>(), documentId: new Map<string, string>() };

    const candidateOf = (entity: StrapiEntity): Candidate | null => {
      const { data: row } = entity;
      const refuse = (reason: string) => {
        fail(entity, reason);
        return null;
      };
      let identity;
      try {
        identity = parseIdentity({ username: row.username, email: row.email });
      } catch (error) {
        if (error instanceof GraphQLError) return refuse(error.message);
        throw error;
      }
      const password = row.password;
      if (password != null && password !== "" && (typeof password !== "string" || !BCRYPT_HASH.test(password))) {
        return refuse("password is not a bcrypt hash ($2a$, $2b$ or $2y$)");
      }
      const documentId = text(row.documentId)?.trim();
      if (documentId !== undefined && (documentId === "" || documentId.length > 64)) return refuse("documentId is not valid");
      for (const [field, value] of [["email", identity.email], ["usernameKey", identity.usernameKey], ["documentId", documentId]] as const) {
        const earlier = value === undefined ? undefined : seen[field].get(value);
        if (earlier !== undefined) return refuse(`same ${field === "usernameKey" ? "username" : field} as row ${earlier} of the export`);
      }
      seen.email.set(identity.email, String(entity.id));
      seen.usernameKey.set(identity.usernameKey, String(entity.id));
      if (documentId) seen.documentId.set(documentId, String(entity.id));
      const createdAt = typeof row.createdAt === "string" ? new Date(row.createdAt) : undefined;
      const profile = Object.fromEntries(Object.entries(row).filter(([key, value]) => !STRAPI_USER_FIELDS.has(key) && value !== undefined));
      return {
        ref: entity.id,
        data: {
          ...identity,
          passwordHash: typeof password === "string" && password !== "" ? password : null,
          provider: text(row.provider)?.trim() || "local",
          confirmed: row.confirmed === true,
          blocked: row.blocked === true,
          ...(documentId && { documentId }),
          ...(createdAt && !Number.isNaN(createdAt.getTime()) && { createdAt }),
          profile: profile as Prisma.InputJsonObject,
          primaryRoleId: roleIds.get(userRole.get(String(entity.id)) ?? "")?.id ?? fallbackRole.id,
        },
      };
    };

    let done = 0;
    for (let start = 0; start < data.users.length; start += batchSize) {
      const batch = data.users.slice(start, start + batchSize);
      const candidates = batch.map((entity) => ({ entity, candidate: candidateOf(entity) }));
      const valid = candidates.filter((item): item is { entity: StrapiEntity; candidate: Candidate } => item.candidate !== null);
      const existing = await prisma.user.findMany({
        where: {
          OR: [
            { email: { in: valid.map(({ candidate }) => candidate.data.email) } },
            { usernameKey: { in: valid.map(({ candidate }) => candidate.data.usernameKey) } },
            { documentId: { in: valid.flatMap(({ candidate }) => candidate.data.documentId ?? []) } },
          ],
        },
        select: { id: true, email: true, usernameKey: true, documentId: true, passwordHash: true, blocked: true },
      });
      const byEmail = new Map(existing.map((user) => [user.email, user]));
      const byKey = new Map(existing.map((user) => [user.usernameKey, user]));
      const byDocument = new Map(existing.map((user) => [user.documentId, user]));

      const creates: Candidate[] = [];
      const updates: { id: number; candidate: Candidate; endSessions: boolean }[] = [];
      for (const { entity, candidate } of valid) {
        const { email, usernameKey, documentId } = candidate.data;
        const matches = new Map<number, string[]>();
        const note = (user: (typeof existing)[number] | undefined, what: string) => {
          if (user) matches.set(user.id, [...(matches.get(user.id) ?? []), what]);
        };
        note(documentId ? byDocument.get(documentId) : undefined, "documentId");
        note(byEmail.get(email), "email");
        note(byKey.get(usernameKey), "username");
        if (matches.size === 0) {
          creates.push(candidate);
          continue;
        }
        const [[id, fields]] = [...matches] as [[number, string[]]];
        if (onConflict === "skip") {
          summary.skipped++;
          summary.skips.push({ ref: entity.id, ...rowName(entity), reason: `exists: user ${id} has the same ${fields.join(" and ")}` });
          continue;
        }
        if (matches.size > 1) {
          const who = [...matches].map(([userId, what]) => `${what.join(" and ")} of user ${userId}`).join(", ");
          fail(entity, `matches two accounts (${who}); not updated`);
          continue;
        }
        const before = existing.find((user) => user.id === id)!;
        // A new hash or a block must end the sessions opened with the old state, as in Gatehouse's own flows.
        const endSessions = before.passwordHash !== candidate.data.passwordHash || (!before.blocked && candidate.data.blocked);
        updates.push({ id, candidate, endSessions });
      }

      summary.created += dryRun ? creates.length : await writeBatch(creates, updates, (ref, reason) => fail(batch.find((entity) => entity.id === ref)!, reason));
      summary.updated += updates.length;
      done += batch.length;
      options.onProgress?.(done, data.users.length);
    }

    if (!dryRun) {
      await audit.recordBy(source, {
        action: AuditAction.USERS_IMPORTED,
        metadata: {
          from: "strapi",
          onConflict,
          created: summary.created,
          updated: summary.updated,
          skipped: summary.skipped,
          failed: summary.failed,
          rules: summary.rules.created,
          roles: summary.roles.filter((role) => role.outcome === "created").map((role) => role.type),
        },
      });
    }
    return summary;
  }

  /**
   * Writes one batch: the new users with one insert, the updates one by one, in one transaction. Returns
   * how many users were created; a row another writer took since the look-up is reported to `fail`.
   */
  async function writeBatch(
    creates: Candidate[],
    updates: { id: number; candidate: Candidate; endSessions: boolean }[],
    fail: (ref: Candidate["ref"], reason: string) => void,
  ): Promise<number> {
    const applyUpdates = async (tx: Prisma.TransactionClient) => {
      for (const { id, candidate, endSessions } of updates) {
        await tx.user.update({ where: { id }, data: candidate.data });
        if (endSessions) await revokeAllSessions(tx, { userId: id, reason: "imported" });
      }
    };
    try {
      await prisma.$transaction(
        async (tx) => {
          if (creates.length > 0) await tx.user.createMany({ data: creates.map((candidate) => candidate.data) });
          await applyUpdates(tx);
        },
        { timeout: BATCH_TRANSACTION_TIMEOUT_MS },
      );
      return creates.length;
    } catch (error) {
      if ((error as { code?: string }).code !== "P2002") throw error;
    }
    // Someone created a matching account since the look-up: row by row, to find which.
    await prisma.$transaction(applyUpdates, { timeout: BATCH_TRANSACTION_TIMEOUT_MS });
    let created = 0;
    for (const candidate of creates) {
      try {
        await prisma.user.create({ data: candidate.data });
        created++;
      } catch (error) {
        if ((error as { code?: string }).code !== "P2002") throw error;
        fail(candidate.ref, "email, username or documentId taken by another account while importing");
      }
    }
    return created;
  }

  return { importStrapi };
}

export type StrapiImportService = ReturnType<typeof createStrapiImportService>;
