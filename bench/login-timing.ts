/**
 * Does a login reveal whether the account exists? Times `login` with an unknown identifier and with a
 * wrong password for a real account, interleaved in one run, at the production bcrypt cost.
 * Run: npm run bench:login-timing
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
import { RAISED_LIMITS } from "./lib/gatehouse.ts";
import { quantile } from "./lib/stats.ts";

const ROUNDS = 40;
const dataDir = await mkdtemp(join(tmpdir(), "gatehouse-timing-"));
const config = loadConfig({
  NODE_ENV: "test",
  DATA_DIR: dataDir,
  LOG_LEVEL: "error",
  ...RAISED_LIMITS,
});
const passwords = createPasswordHasher({ cost: config.bcryptCost });
const database = await startDatabase({ kind: "pglite" }, { passwords });
const role = await database.prisma.role.findUniqueOrThrow({ where: { type: "authenticated" } });
await database.prisma.user.create({
  data: { username: "known", usernameKey: "known", email: "known@example.com", passwordHash: await passwords.hash("the real passphrase"), confirmed: true, primaryRoleId: role.id },
});
const app = await createApp({ config, database, logger: createLogger("error") });
const server = createServer(app.yoga);
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;

async function timeLogin(identifier: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      query: "mutation($i: String!) { login(input: { identifier: $i, password: \"not the password\" }) { jwt } }",
      variables: { i: identifier },
    }),
  });
  const body = (await response.json()) as { errors?: { message: string }[] };
  if (body.errors?.[0]?.message !== "Invalid identifier or password") throw new Error(JSON.stringify(body));
  return performance.now() - started;
}

const unknown: number[] = [];
const wrong: number[] = [];
await timeLogin("warm-up");
for (let i = 0; i < ROUNDS; i++) {
  unknown.push(await timeLogin(`nobody-${i}@example.com`));
  wrong.push(await timeLogin("known"));
}
for (const [name, samples] of [["unknown identifier", unknown], ["wrong password", wrong]] as const) {
  console.log(`${name}: median ${quantile(samples, 0.5).toFixed(1)} ms, p90 ${quantile(samples, 0.9).toFixed(1)} ms (n=${samples.length})`);
}
console.log(`median ratio wrong/unknown: ${(quantile(wrong, 0.5) / quantile(unknown, 0.5)).toFixed(3)}`);

server.close();
await app.close();
await database.close();
await rm(dataDir, { recursive: true, force: true });
