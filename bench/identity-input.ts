/**
 * How long does Gatehouse take to refuse an oversized identity value? Sends 40 kB emails and usernames
 * to every path that writes them (register, updateMe, updateUser) and to the paths that read an email
 * (forgotPassword, sendEmailConfirmation, login), and prints each answer's code and time. A refusal should
 * take about as long as any small request: no validation step may be slower than linear in the input.
 * Run: npm run bench:identity-input
 */
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "@graphql-yoga/logger";
import { createApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { startDatabase } from "../src/database.ts";
import { createPasswordHasher } from "../src/modules/auth/passwords.ts";

const SIZE = 40_000;
const dataDir = await mkdtemp(join(tmpdir(), "gatehouse-identity-"));
const config = loadConfig({
  NODE_ENV: "test",
  DATA_DIR: dataDir,
  LOG_LEVEL: "error",
  BCRYPT_COST: "4",
  RATE_LIMIT_MAX: "100000",
  LOCKOUT_MAX_FAILURES: "100000",
  REQUEST_RATE_LIMIT_MAX: "100000",
  ADMIN_EMAIL: "admin@example.com",
  ADMIN_PASSWORD: "a long admin passphrase",
});
const database = await startDatabase({ kind: "pglite" }, { admin: config.admin, passwords: createPasswordHasher({ cost: 4 }) });
const app = await createApp({ config, database, logger: createLogger("error") });
const server = createServer(app.yoga);
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;

async function send(query: string, variables: Record<string, unknown>, token?: string) {
  const started = performance.now();
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token && { authorization: `Bearer ${token}` }) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Record<string, any>; errors?: { extensions?: { code?: string } }[] };
  return { ms: performance.now() - started, body, code: body.errors?.[0]?.extensions?.code ?? "ok" };
}

const login = await send("mutation($i: String!, $p: String!) { login(input: { identifier: $i, password: $p }) { jwt user { id } } }", {
  i: "admin@example.com",
  p: "a long admin passphrase",
});
const token = login.body.data?.login?.jwt as string;
const adminId = login.body.data?.login?.user?.id as string;
if (!token) throw new Error(`admin sign-in failed: ${JSON.stringify(login.body)}`);

// Shapes that make backtracking email patterns quadratic: no dot after the @, or one @ and no dot.
const longEmail = `${"a".repeat(SIZE)}@${"b".repeat(SIZE / 4)}`;
const longEmailNoAt = "a".repeat(SIZE);
// Many dots after the @ and an invalid last character: each dot is a place to backtrack to.
const longEmailDots = `a@${"b.".repeat(SIZE / 2)}@`;
const longUsername = "u".repeat(SIZE);
const cases: [string, string, Record<string, unknown>, string?][] = [
  ["register email", "mutation($e: String!) { register(input: { username: \"bench-user\", email: $e, password: \"a long enough password\" }) { jwt } }", { e: longEmail }],
  ["register username", "mutation($u: String!) { register(input: { username: $u, email: \"bench@example.com\", password: \"a long enough password\" }) { jwt } }", { u: longUsername }],
  ["updateUser email", "mutation($id: ID!, $e: String!) { updateUser(id: $id, data: { email: $e }) { id } }", { id: adminId, e: longEmail }, token],
  ["updateUser email (no @)", "mutation($id: ID!, $e: String!) { updateUser(id: $id, data: { email: $e }) { id } }", { id: adminId, e: longEmailNoAt }, token],
  ["updateUser email (dots)", "mutation($id: ID!, $e: String!) { updateUser(id: $id, data: { email: $e }) { id } }", { id: adminId, e: longEmailDots }, token],
  ["register email (dots)", "mutation($e: String!) { register(input: { username: \"bench-user\", email: $e, password: \"a long enough password\" }) { jwt } }", { e: longEmailDots }],
  ["updateUser username", "mutation($id: ID!, $u: String!) { updateUser(id: $id, data: { username: $u }) { id } }", { id: adminId, u: longUsername }, token],
  ["updateMe username", "mutation($u: String!) { updateMe(data: { username: $u }) { id } }", { u: longUsername }, token],
  ["forgotPassword email", "mutation($e: String!) { forgotPassword(email: $e) { ok } }", { e: longEmail }],
  ["sendEmailConfirmation email", "mutation($e: String!) { sendEmailConfirmation(email: $e) { ok } }", { e: longEmail }],
  ["login identifier", "mutation($i: String!) { login(input: { identifier: $i, password: \"x\" }) { jwt } }", { i: longEmail }],
];
await send("{ __typename }", {});
const ROUNDS = 5;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const baseline: number[] = [];
for (let i = 0; i < ROUNDS; i++) baseline.push((await send("{ __typename }", {})).ms);
console.log(`${"a trivial query".padEnd(30)} ${"".padEnd(16)} median ${median(baseline).toFixed(1)} ms`);
for (const [name, query, variables, auth] of cases) {
  const times: number[] = [];
  let code = "";
  for (let i = 0; i < ROUNDS; i++) ({ ms: times[i], code } = await send(query, variables, auth));
  console.log(`${name.padEnd(30)} ${code.padEnd(16)} median ${median(times).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms (n=${ROUNDS})`);
}

server.close();
await app.close();
await database.close();
await rm(dataDir, { recursive: true, force: true });
