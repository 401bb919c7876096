/**
 * Can response times tell a registered address or username from an unknown one? For each enumeration
 * item of issue 9 (7 login, 8 lockout, 9 forgotPassword / sendEmailConfirmation, 10 register), the real
 * server over HTTP, a real database and the default bcrypt cost (10) time the known and the unknown case,
 * interleaved in one run, and print both medians and their ratio (target 0.9-1.1).
 *
 * Mail work happens in the background worker; each sample waits until the worker has finished what the
 * previous one asked for, so a sample times the request path alone (what a caller waits for).
 *
 * Run: npm run bench:enumeration [-- --rounds 30] [-- --postgres] [-- --only "forgotPassword"]   (--postgres: DATABASE_URL, default
 * postgresql://postgres@127.0.0.1:5432/test, in a database of its own named gatehouse_enumeration_bench)
 */
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createLogger } from "@graphql-yoga/logger";
import { createApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { startDatabase } from "../src/database.ts";
import type { DatabaseTarget } from "../src/infra/db/index.ts";
import { createPasswordHasher } from "../src/modules/auth/passwords.ts";
import { usernameKey } from "../src/modules/users/identity.ts";
import { createBenchDatabase, type BenchDatabase } from "./lib/postgres.ts";
import { median } from "./lib/stats.ts";

const { values: args } = parseArgs({ options: { rounds: { type: "string", default: "30" }, postgres: { type: "boolean", default: false }, only: { type: "string" } } });
const ROUNDS = Number(args.rounds);
const PASSWORD = "the real passphrase";
const WRONG = "not the password at all";
// Full-width: NFKC turns it into "not the password at all" (the path that used to cost two comparisons).
const WRONG_NFKC = "ｎｏｔ ｔｈｅ ｐａｓｓｗｏｒｄ ａｔ ａｌｌ";
const LOCKOUT_MAX = 3;

const dataDir = await mkdtemp(join(tmpdir(), "gatehouse-enumeration-"));
let benchDatabase: BenchDatabase | undefined;
let target: DatabaseTarget = { kind: "pglite" };
if (args.postgres) {
  benchDatabase = await createBenchDatabase(process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test", "gatehouse_enumeration_bench");
  target = { kind: "postgres", url: benchDatabase.url };
}
const config = loadConfig({
  NODE_ENV: "test",
  DATA_DIR: dataDir,
  LOG_LEVEL: "error",
  TRUSTED_PROXIES: "127.0.0.1",
  RATE_LIMIT_MAX: "1000000000",
  REQUEST_RATE_LIMIT_MAX: "1000000000",
  LOCKOUT_MAX_FAILURES: String(LOCKOUT_MAX),
  // Every known sample does the worker's full work (no email dropped by the per-address budget).
  EMAIL_RATE_LIMIT_MAX: "1000000000",
});
const passwords = createPasswordHasher({ cost: config.bcryptCost });
const database = await startDatabase(target, { passwords });
const { prisma } = database;
const role = await prisma.role.findUniqueOrThrow({ where: { type: "authenticated" } });
const passwordHash = await passwords.hash(PASSWORD);
for (const [username, confirmed] of [["known", true], ["pending", false]] as const) {
  await prisma.user.create({
    data: { username, usernameKey: usernameKey(username), email: `${username}@example.com`, passwordHash, confirmed, primaryRoleId: role.id },
  });
}
const app = await createApp({ config, database, logger: createLogger("error") });
const server = createServer(app.yoga);
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;

let clients = 0;
/** A fresh client address (TRUSTED_PROXIES), so lockout counters start empty. */
const freshClient = () => `10.${(++clients >> 16) & 255}.${(clients >> 8) & 255}.${clients & 255}`;

async function send(query: string, variables: Record<string, unknown>, ip: string): Promise<unknown> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": ip },
    body: JSON.stringify({ query, variables }),
  });
  return response.json();
}

/** Waits until the mail-request worker and the outbox have nothing left to do. */
async function settled() {
  for (;;) {
    const [requests, pending] = await Promise.all([prisma.mailRequest.count(), prisma.emailOutbox.count({ where: { status: "PENDING" } })]);
    if (requests === 0 && pending === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function timed(query: string, variables: Record<string, unknown>, ip: string, expect: (body: unknown) => boolean) {
  await settled();
  const started = performance.now();
  const body = await send(query, variables, ip);
  const elapsed = performance.now() - started;
  if (!expect(body)) throw new Error(`unexpected answer: ${JSON.stringify(body)}`);
  return elapsed;
}

const LOGIN = "mutation($i: String!, $p: String!) { login(input: { identifier: $i, password: $p }) { jwt } }";
const FORGOT = "mutation($e: String!) { forgotPassword(email: $e) { ok } }";
const RESEND = "mutation($e: String!) { sendEmailConfirmation(email: $e) { ok } }";
const REGISTER =
  "mutation($u: String!, $e: String!, $p: String!) { register(input: { username: $u, email: $e, password: $p }) { jwt user { id documentId username email confirmed } } }";

const reasonIs = (reason: string) => (body: unknown) =>
  (body as { errors?: { extensions?: { reason?: string } }[] }).errors?.[0]?.extensions?.reason === reason;
const okAnswer = (body: unknown) => JSON.stringify(body).includes('"ok":true');
const pendingAnswer = (body: unknown) => JSON.stringify(body).includes('"jwt":null') && JSON.stringify(body).includes('"confirmed":false');

interface Case {
  item: string;
  name: string;
  /** One sample; `known` picks the registered side. */
  sample(known: boolean, round: number): Promise<number>;
}

const cases: Case[] = [
  {
    item: "7",
    name: "login, wrong password",
    sample: (known, round) => timed(LOGIN, { i: known ? "known" : `nobody-${round}`, p: WRONG }, freshClient(), reasonIs("INVALID_CREDENTIALS")),
  },
  {
    item: "7",
    name: "login, wrong password NFKC changes",
    sample: (known, round) => timed(LOGIN, { i: known ? "known@example.com" : `nobody-${round}@example.com`, p: WRONG_NFKC }, freshClient(), reasonIs("INVALID_CREDENTIALS")),
  },
  {
    item: "8",
    name: "login, identifier locked (ACCOUNT_LOCKED)",
    async sample(known, round) {
      const ip = freshClient();
      const identifier = known ? "known" : `ghost-${round}`;
      for (let i = 0; i < LOCKOUT_MAX; i++) await send(LOGIN, { i: identifier, p: WRONG }, ip);
      return timed(LOGIN, { i: identifier, p: WRONG }, ip, reasonIs("ACCOUNT_LOCKED"));
    },
  },
  {
    item: "8",
    name: "login, account budget spent via username+email",
    async sample(known, round) {
      const ip = freshClient();
      const [username, email] = known ? ["known", "known@example.com"] : [`ghost-${round}`, `ghost-${round}@example.com`];
      for (const identifier of [username, username, email]) await send(LOGIN, { i: identifier, p: WRONG }, ip);
      return timed(LOGIN, { i: email, p: known ? PASSWORD : WRONG }, ip, reasonIs("INVALID_CREDENTIALS"));
    },
  },
  {
    item: "9",
    name: "forgotPassword",
    sample: (known, round) => timed(FORGOT, { e: known ? "known@example.com" : `nobody-${round}@example.com` }, freshClient(), okAnswer),
  },
  {
    item: "9",
    name: "sendEmailConfirmation",
    sample: (known, round) => timed(RESEND, { e: known ? "pending@example.com" : `nobody-${round}@example.com` }, freshClient(), okAnswer),
  },
  {
    item: "10",
    name: "register (confirmation on), taken vs new email",
    sample: (known, round) =>
      timed(
        REGISTER,
        { u: `${known ? "taker" : "newbie"}-${round}`, e: known ? "known@example.com" : `newbie-${round}@example.com`, p: "a long enough passphrase" },
        freshClient(),
        pendingAnswer,
      ),
  },
];

// Confirmation on for register; it does not change the other flows' answers (known is confirmed).
const advanced = await prisma.setting.findUniqueOrThrow({ where: { key: "advanced" } });
await prisma.setting.update({ where: { key: "advanced" }, data: { value: { ...(advanced.value as object), emailConfirmation: true } } });
console.log(`enumeration timing: ${args.postgres ? "PostgreSQL" : "PGlite"}, bcrypt cost ${config.bcryptCost}, ${ROUNDS} rounds per side, interleaved`);
console.log("item | case | known median ms | unknown median ms | ratio known/unknown");
for (const benchCase of cases.filter((c) => !args.only || c.name.includes(args.only))) {
  await benchCase.sample(true, -1);
  await benchCase.sample(false, -1);
  const known: number[] = [];
  const unknown: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which side goes first, so neither always follows the other's background work.
    if (round % 2 === 0) {
      known.push(await benchCase.sample(true, round));
      unknown.push(await benchCase.sample(false, round));
    } else {
      unknown.push(await benchCase.sample(false, round));
      known.push(await benchCase.sample(true, round));
    }
  }
  const ratio = median(known) / median(unknown);
  console.log(`${benchCase.item} | ${benchCase.name} | ${median(known).toFixed(1)} | ${median(unknown).toFixed(1)} | ${ratio.toFixed(3)}${ratio < 0.9 || ratio > 1.1 ? "  (outside 0.9-1.1)" : ""}`);
}

server.close();
await app.close();
await database.close();
await benchDatabase?.drop();
await rm(dataDir, { recursive: true, force: true });
