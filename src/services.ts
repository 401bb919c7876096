/**
 * The services layer, built once from validated config and an open database. Every service is written
 * the same way, `createXService(deps)` with its dependencies passed in, and the graph between them is
 * one-way. The GraphQL context exposes the result as `ctx.services`; the server, the tests and later
 * tools (CLI, gateway) build on this, never on createApp's internals.
 */
import type { YogaLogger } from "@graphql-yoga/logger";
import type { Redis } from "ioredis";
import type { Config } from "./config.ts";
import type { PrismaClient } from "./generated/prisma/client.ts";
import { disabledChangeFeed, openChangeFeed } from "./infra/change-feed/index.ts";
import type { Database } from "./infra/db/index.ts";
import { createAccessState } from "./modules/access/access-state.ts";
import { createAccessService } from "./modules/access/access.service.ts";
import { createDynamicRoles, type DynamicRoles } from "./modules/access/dynamic-roles.ts";
import { createAuditService } from "./modules/audit/audit.service.ts";
import { createAuthService } from "./modules/auth/auth.service.ts";
import { createPasswordHasher, type PasswordHasher } from "./modules/auth/passwords.ts";
import { revokeOneTimeCodes } from "./modules/auth/one-time-codes.ts";
import { revokeAllSessions } from "./modules/auth/sessions.ts";
import { loadSigningKeys } from "./modules/auth/signing-keys.ts";
import { createMeReader } from "./modules/auth/me-state.ts";
import { createTokenStateReader } from "./modules/auth/token-state.ts";
import { createTokenService } from "./modules/auth/tokens.ts";
import { createEmailService } from "./modules/email/email.service.ts";
import { createOAuthService } from "./modules/oauth/oauth.service.ts";
import { loadProviderSecretKey } from "./modules/oauth/provider-secret-key.ts";
import { createRolesService } from "./modules/roles/roles.service.ts";
import { createRetentionService } from "./modules/retention/retention.service.ts";
import { createSecurityService } from "./modules/security/security.service.ts";
import { createSettingsService } from "./modules/settings/settings.service.ts";
import { createStrapiImportService } from "./modules/strapi-import/strapi-import.service.ts";
import { createUsersService } from "./modules/users/users.service.ts";

export interface ServicesDependencies {
  config: Config;
  database: Database;
  logger: YogaLogger;
  /** Connected Redis when REDIS_URL is set (the caller opens and closes it); limits are in memory otherwise. */
  redis?: Redis | undefined;
  /** Password hasher for sign-in and password changes; defaults to bcrypt at BCRYPT_COST (bench/login-flood.ts swaps it). */
  passwords?: PasswordHasher;
  /** Custom dynamic roles (`$name` -> check) usable as ACL principals; see docs/authorization.md. */
  dynamicRoles?: DynamicRoles;
}

export async function createServices({
  config,
  database,
  logger,
  redis,
  passwords = createPasswordHasher({ cost: config.bcryptCost, concurrency: config.bcryptConcurrency }),
  dynamicRoles = createDynamicRoles(),
}: ServicesDependencies) {
  const { prisma } = database;
  const { maxUsers } = config.authCache;
  // What a warm request is authenticated and authorized from, kept exact by the change feed.
  const changes =
    maxUsers === 0
      ? disabledChangeFeed
      : await openChangeFeed({
          database,
          transport: config.authCache.feed,
          redis,
          redisChannel: `${config.redisKeyPrefix}:auth-changes`,
          logger,
        });
  const tokenState = createTokenStateReader({ prisma, feed: changes, maxEntries: maxUsers });
  const meState = createMeReader({ prisma, feed: changes, maxEntries: maxUsers });
  const accessState = createAccessState({ prisma, feed: changes, maxUsers });
  const keys = await loadSigningKeys(config.jwt, config.dataDir);
  const tokens = createTokenService(keys, { issuer: config.jwt.issuer, audience: config.jwt.audience });
  const security = createSecurityService({ config, redis });
  const audit = createAuditService({ prisma });
  const email = createEmailService({ config, prisma, logger });
  // Settings ask the access module whether a role may be the default; access asks settings which role
  // is the default. Both only ask while serving a request, after both exist.
  const settings = createSettingsService({
    prisma,
    audit,
    email,
    roleAllowedEverything: (type) => access.roleAllowedEverything(type),
    requireHttps: config.nodeEnv === "production",
    feed: changes,
  });
  const defaultRoleType = async () => (await settings.getAdvanced()).defaultRole;
  const roles = createRolesService({ prisma, audit, defaultRoleType });
  const users = createUsersService({
    prisma,
    audit,
    roles,
    settings,
    lockout: security.lockout,
    credentials: {
      revokeSessions: (tx, userId, reason) => revokeAllSessions(tx, { userId, reason }),
      revokeOneTimeCodes: (tx, userId) => revokeOneTimeCodes(tx, { userId }),
    },
  });
  const access = createAccessService({ prisma, state: accessState, audit, dynamicRoles, defaultRoleType });
  const retention = createRetentionService({ prisma, config: config.retention, logger });
  const auth = createAuthService({
    prisma,
    passwords,
    tokens,
    tokenState,
    meState,
    accessState,
    jwt: config.jwt,
    publicUrl: config.publicUrl,
    email,
    security,
    settings,
    audit,
    emailOutbox: config.emailOutbox,
    logger,
  });

  const strapiImport = createStrapiImportService({ prisma, audit, roles, access, settings });
  const oauth = createOAuthService({
    prisma,
    audit,
    settings,
    security,
    auth,
    secretKey: await loadProviderSecretKey({
      configured: config.authProviderSecretKey,
      production: config.nodeEnv === "production",
      dataDir: config.dataDir,
    }),
    publicUrl: config.publicUrl,
    // Loopback identity providers speak plain http; nothing else may.
    allowInsecureProviders: config.nodeEnv === "test",
  });

  return {
    /** For plugin-prisma's query selections (`t.prismaField`); reads and writes go through the services. */
    prisma: prisma as PrismaClient,
    passwords,
    tokens,
    security,
    audit,
    email,
    settings,
    roles,
    users,
    access,
    auth,
    /** Users, roles and role permissions from a Strapi export (`gatehouse import strapi`). */
    strapiImport,
    oauth,
    /** The pruning job; createApp starts it and close stops it. */
    retention,
    /** The change feed that keeps the authentication caches exact (docs/performance.md). */
    changes,
    /** Stops what the services run themselves (the mail-request and outbox workers, the retention job, the mail transport). */
    close: async () => {
      await retention.stop();
      await auth.mailRequests.stop();
      await email.close();
      await changes.close();
    },
  };
}

export type Services = Awaited<ReturnType<typeof createServices>>;
