/**
 * Prisma CLI configuration (migrate deploy/dev/status/diff against PostgreSQL).
 *
 * Prisma 6.19 with a driver adapter and `engine: "js"` uses the WASM schema engine it ships, so nothing is
 * downloaded. The URL comes from DATABASE_URL; the embedded PGlite database is migrated by the server
 * itself at start (src/infra/db/migrations.ts), not by this CLI.
 */
import { randomBytes } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { defineConfig } from "prisma/config";
import { connectionFromUrl } from "./src/infra/db/connection.ts";

// The schema engine reads catalog columns of types `name` (oid 19), `"char"` (18) and `name[]` (1003),
// which adapter-pg refuses to decode ("Column type 'name' could not be deserialized"). Their values are
// plain text on the wire, so relabel those result fields as text / text[] before the adapter sees them.
const catalogTypesAsText: Record<number, number> = { 18: 25, 19: 25, 1003: 1009 };
type ResultInternals = { addFields(fields: pg.FieldDef[]): void };
const resultPrototype = pg.Result.prototype as unknown as ResultInternals;
const addFields = resultPrototype.addFields;
resultPrototype.addFields = function (this: ResultInternals, fields) {
  for (const field of fields) field.dataTypeID = catalogTypesAsText[field.dataTypeID] ?? field.dataTypeID;
  addFields.call(this, fields);
};

// adapter-pg's executeScript splits a migration on every ";" and sends the pieces one by one, which
// breaks any function body (the change-feed triggers' plpgsql). PostgreSQL runs a whole script sent as one
// simple query, dollar quoting included, so send it that way.
type ScriptRunner = { executeScript(script: string): Promise<void> };
function runScriptsWhole<T extends ScriptRunner>(connected: T): T {
  const { client, onError } = connected as unknown as { client: pg.Pool; onError(error: unknown): never };
  connected.executeScript = async (script) => {
    try {
      await client.query(script);
    } catch (error) {
      // The adapter's own mapping into the errors the schema engine reports.
      onError.call(connected, error);
    }
  };
  return connected;
}

function poolConfig(url: string, database?: string): pg.PoolConfig {
  return connectionFromUrl(url, { database });
}

function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error(
      "DATABASE_URL is not set. The Prisma CLI migrates PostgreSQL only; the embedded database is migrated by `npm start`.",
    );
  }
  return url;
}

export default defineConfig({
  schema: "prisma/schema.prisma",
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    const url = databaseUrl();
    const adapter = new PrismaPg(poolConfig(url));
    const connect = adapter.connect.bind(adapter);
    // adapter-pg's own shadow database handling drops the database before closing its pool and fails
    // ("being accessed by other users"); create and drop a uniquely named one ourselves.
    Object.assign(adapter, {
      connect: async () => runScriptsWhole(await connect()),
      async connectToShadowDb() {
        const name = `gatehouse_shadow_${randomBytes(6).toString("hex")}`;
        const admin = new pg.Client(poolConfig(url));
        await admin.connect();
        await admin.query(`CREATE DATABASE "${name}"`);
        await admin.end();
        const shadow = runScriptsWhole(await new PrismaPg(poolConfig(url, name)).connect());
        const dispose = shadow.dispose.bind(shadow);
        shadow.dispose = async () => {
          await dispose();
          const dropper = new pg.Client(poolConfig(url));
          await dropper.connect();
          await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
          await dropper.end();
        };
        return shadow;
      },
    });
    return adapter;
  },
});
