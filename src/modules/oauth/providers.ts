/**
 * The providers admins configure: stored in `auth_providers`, merged over their preset, client secrets
 * encrypted at rest. `list` answers the admin page (everything but secrets) and login pages (enabled names);
 * `update` validates and audits every change; `resolve` gives the flows a ready provider.
 */
import { z } from "zod";
import { badUserInput, FailureReason } from "../../errors.ts";
import type { AuthProvider, PrismaClient } from "../../generated/prisma/client.ts";
import { decryptSecret, encryptSecret } from "../../lib/encryption.ts";
import { AuditAction, type AuditService, type AuditSource } from "../audit/audit.service.ts";
import { oidcProfile, presetOf, PROVIDER_PRESETS, type ProviderPreset } from "./presets.ts";
import type { ProviderSecretKey } from "./provider-secret-key.ts";

/** `local` is the password provider of `login`; names are lower-case, as in Strapi's /connect/:provider. */
const PROVIDER_NAME = /^[a-z][a-z0-9_-]{1,39}$/;
export const LOCAL_PROVIDER = "local";

/** What admins see of a provider: never the secret, only whether one is stored. */
export interface AuthProviderView {
  name: string;
  label: string;
  enabled: boolean;
  /** Whether a preset supplies endpoints, scopes and profile mapping. */
  preset: boolean;
  clientId: string | null;
  hasClientSecret: boolean;
  /** The scopes asked for: the stored ones, or the preset's. */
  scopes: string[];
  issuer: string | null;
  authorizationUrl: string | null;
  tokenUrl: string | null;
  userinfoUrl: string | null;
}

/** An admin's change; absent fields stay, null clears (clientSecret, scopes back to the preset's, URLs). */
export interface AuthProviderInput {
  enabled?: boolean | null;
  clientId?: string | null;
  clientSecret?: string | null;
  scopes?: string[] | null;
  issuer?: string | null;
  authorizationUrl?: string | null;
  tokenUrl?: string | null;
  userinfoUrl?: string | null;
}

/** A provider as the flows use it. */
export interface ResolvedProvider {
  name: string;
  label: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  /** Set: OpenID Connect (discovery, ID token validated). Unset: OAuth 2 with the three endpoints. */
  issuer: string | undefined;
  authorizationUrl: string | undefined;
  tokenUrl: string | undefined;
  userinfoUrl: string | undefined;
  authorizationParams: Readonly<Record<string, string>>;
  profile: NonNullable<ProviderPreset["profile"]>;
}

const URL_FIELDS = ["issuer", "authorizationUrl", "tokenUrl", "userinfoUrl"] as const;
const scopeToken = z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/, "scopes must be scope tokens (no spaces or quotes)");
const clientText = (field: string, max: number) => z.string().trim().min(1, `${field} must not be empty`).max(max, `${field} is too long`);

export interface ProvidersDependencies {
  prisma: PrismaClient;
  audit: AuditService;
  secretKey: ProviderSecretKey;
  /** Tests only: provider URLs may be plain http (a loopback IdP). Everywhere else they must be https. */
  allowInsecureUrls: boolean;
}

export function createProviders({ prisma, audit, secretKey, allowInsecureUrls }: ProvidersDependencies) {
  const urlSchema = z.url({ protocol: allowInsecureUrls ? /^https?$/ : /^https$/ }).max(2048);

  function view(name: string, row: AuthProvider | undefined): AuthProviderView {
    const preset = presetOf(name);
    const explicit = URL_FIELDS.some((field) => row?.[field]);
    const fromPreset = (field: (typeof URL_FIELDS)[number]) => (explicit ? undefined : preset?.[field]);
    return {
      name,
      label: preset?.label ?? name,
      enabled: row?.enabled ?? false,
      preset: !!preset,
      clientId: row?.clientId ?? null,
      hasClientSecret: !!row?.clientSecret,
      scopes: row?.scopes.length ? row.scopes : [...(preset?.scopes ?? ["openid", "email", "profile"])],
      issuer: row?.issuer ?? fromPreset("issuer") ?? null,
      authorizationUrl: row?.authorizationUrl ?? fromPreset("authorizationUrl") ?? null,
      tokenUrl: row?.tokenUrl ?? fromPreset("tokenUrl") ?? null,
      userinfoUrl: row?.userinfoUrl ?? fromPreset("userinfoUrl") ?? null,
    };
  }

  /** Why a provider cannot be enabled as it stands, or null. */
  function incompleteness(provider: AuthProviderView): string | null {
    if (!provider.clientId) return "clientId is required to enable a provider";
    if (!provider.hasClientSecret) return "clientSecret is required to enable a provider";
    if (provider.issuer) return null;
    if (!provider.authorizationUrl || !provider.tokenUrl || !provider.userinfoUrl) {
      return "a provider needs an issuer (OpenID Connect discovery) or authorizationUrl, tokenUrl and userinfoUrl";
    }
    return null;
  }

  function parseName(name: string): string {
    if (!PROVIDER_NAME.test(name) || name === LOCAL_PROVIDER) {
      throw badUserInput("name must be 2-40 lower-case letters, digits, - or _, starting with a letter, and not local", {
        field: "name",
        reason: FailureReason.INVALID_INPUT,
      });
    }
    return name;
  }

  function parseField<T>(schema: z.ZodType<T>, field: string, value: unknown): T {
    const result = schema.safeParse(value);
    if (!result.success) {
      const message = result.error.issues[0]?.message ?? "";
      throw badUserInput(message.startsWith(field) ? message : `${field}: ${message}`, { field, reason: FailureReason.INVALID_INPUT });
    }
    return result.data;
  }

  return {
    /** Every stored provider and every preset (admins); only the enabled ones otherwise. */
    async list({ all }: { all: boolean }): Promise<AuthProviderView[]> {
      const rows = await prisma.authProvider.findMany({ orderBy: { name: "asc" } });
      const byName = new Map(rows.map((row) => [row.name, row]));
      const names = all ? [...new Set([...Object.keys(PROVIDER_PRESETS), ...byName.keys()])].sort() : rows.filter((row) => row.enabled).map((row) => row.name);
      return names.map((name) => view(name, byName.get(name)));
    },

    async update(name: string, input: AuthProviderInput, source: AuditSource): Promise<AuthProviderView> {
      const provider = parseName(name);
      const data: Partial<Omit<AuthProvider, "name" | "createdAt" | "updatedAt">> = {};
      if (input.enabled != null) data.enabled = input.enabled;
      if (input.clientId !== undefined) data.clientId = input.clientId === null ? null : parseField(clientText("clientId", 512), "clientId", input.clientId);
      if (input.clientSecret !== undefined) {
        if (input.clientSecret === null || input.clientSecret === "") data.clientSecret = null;
        else {
          const secret = parseField(clientText("clientSecret", 8192), "clientSecret", input.clientSecret);
          data.clientSecret = encryptSecret(secretKey.require(), secret, provider);
        }
      }
      if (input.scopes !== undefined) {
        data.scopes = input.scopes === null ? [] : [...new Set(parseField(z.array(scopeToken).max(50, "at most 50 scopes"), "scopes", input.scopes))];
      }
      for (const field of URL_FIELDS) {
        const value = input[field];
        if (value === undefined) continue;
        data[field] = value === null || value === "" ? null : parseField(urlSchema, field, value);
      }
      const before = await prisma.authProvider.findUnique({ where: { name: provider } });
      const next = view(provider, { ...(before ?? emptyRow(provider)), ...data });
      if (next.enabled) {
        const problem = incompleteness(next);
        if (problem) throw badUserInput(problem, { reason: FailureReason.INVALID_INPUT });
      }
      const saved = await prisma.authProvider.upsert({ where: { name: provider }, create: { name: provider, ...data }, update: data });
      const changed = Object.keys(data).filter((key) => JSON.stringify(data[key as keyof typeof data]) !== JSON.stringify(before?.[key as keyof AuthProvider] ?? null));
      if (!before || changed.length > 0) {
        // The secret's name is listed, never its value (the audit module also drops secret-looking keys).
        await audit.recordBy(source, {
          action: AuditAction.AUTH_PROVIDER_CHANGED,
          targetType: "AuthProvider",
          targetId: provider,
          metadata: { provider, changed, enabled: saved.enabled },
        });
      }
      return view(provider, saved);
    },

    /** The enabled provider ready for a flow, or null when it is unknown or disabled. */
    async resolve(name: string): Promise<ResolvedProvider | null> {
      if (!PROVIDER_NAME.test(name)) return null;
      const row = await prisma.authProvider.findUnique({ where: { name } });
      if (!row?.enabled || !row.clientSecret || !row.clientId) return null;
      const shown = view(name, row);
      const preset = presetOf(name);
      return {
        name,
        label: shown.label,
        clientId: row.clientId,
        clientSecret: decryptSecret(secretKey.require(), row.clientSecret, name),
        scopes: shown.scopes,
        issuer: shown.issuer ?? undefined,
        authorizationUrl: shown.authorizationUrl ?? undefined,
        tokenUrl: shown.tokenUrl ?? undefined,
        userinfoUrl: shown.userinfoUrl ?? undefined,
        authorizationParams: preset?.authorizationParams ?? {},
        profile: preset?.profile ?? oidcProfile,
      };
    },
  };
}

function emptyRow(name: string): AuthProvider {
  const now = new Date();
  return {
    name,
    enabled: false,
    clientId: null,
    clientSecret: null,
    scopes: [],
    issuer: null,
    authorizationUrl: null,
    tokenUrl: null,
    userinfoUrl: null,
    createdAt: now,
    updatedAt: now,
  };
}

export type Providers = ReturnType<typeof createProviders>;
