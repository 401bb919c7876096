import type { PrismaClient } from "./generated/prisma/client.ts";

/** Per-request GraphQL context, built by createApp for every operation. */
export interface GatehouseContext {
  prisma: PrismaClient;
  /** Client address as seen by this server (trusted-proxy handling comes with rate limiting). */
  ip: string | undefined;
  userAgent: string | undefined;
}
