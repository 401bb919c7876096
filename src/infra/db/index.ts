/** The database below the app: open PostgreSQL or embedded PGlite, apply migrations (see src/database.ts). */
export { connectionFromUrl, type Database, type DatabaseOptions, type DatabaseTarget, openDatabase } from "./database.ts";
export { DataDirLockedError, lockFileOf } from "./data-dir-lock.ts";
