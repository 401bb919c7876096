import type pg from "pg";

/**
 * pg settings from a postgresql:// URL, as discrete fields rather than a connection string: in pg a
 * connectionString overrides `database`, so callers could not safely point at another database.
 * `sslmode` follows libpq: `require` encrypts without checking the certificate, `verify-ca` and
 * `verify-full` check it.
 */
export function connectionFromUrl(url: string, overrides: { database?: string } = {}): pg.ClientConfig {
  const parsed = new URL(url);
  const sslmode = parsed.searchParams.get("sslmode");
  return {
    host: decodeURIComponent(parsed.hostname),
    port: parsed.port ? Number(parsed.port) : 5432,
    user: decodeURIComponent(parsed.username) || undefined,
    password: decodeURIComponent(parsed.password) || undefined,
    database: overrides.database ?? (decodeURIComponent(parsed.pathname.slice(1)) || undefined),
    ssl:
      sslmode === "verify-full" || sslmode === "verify-ca"
        ? { rejectUnauthorized: true }
        : sslmode === "require"
          ? { rejectUnauthorized: false }
          : undefined,
  };
}
