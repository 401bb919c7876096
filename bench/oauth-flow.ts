/**
 * What does a provider sign-in cost Gatehouse? Runs the whole redirect flow against a real OpenID
 * provider on loopback (oidc-provider, as the tests do) N times: new accounts first, then returning
 * (linked) ones, and prints the time Gatehouse itself spends per sign-in (GET /connect/:provider, the
 * callback with its code exchange, ID token check and userinfo, and oauthLogin) beside the total with the
 * provider's own login and consent pages, and, as the baseline of the same run (shared machines), a
 * password `login` at bcrypt cost 4. Embedded PGlite database.
 * Run: npm run bench:oauth-flow [-- N]   (default 30)
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
import { authorize, browse, CookieJar, startIdentityProvider } from "../test/helpers/identity-provider.ts";

const N = Number(process.argv[2] ?? 30);
const FRONT_END = "http://app.test/done";

const probe = createServer();
await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
const port = (probe.address() as AddressInfo).port;
await new Promise<void>((resolve) => probe.close(() => resolve()));
const publicUrl = `http://127.0.0.1:${port}`;

const idp = await startIdentityProvider({ redirectUris: [`${publicUrl}/connect/corp/callback`] });
const dataDir = await mkdtemp(join(tmpdir(), "gatehouse-oauth-bench-"));
const config = loadConfig({
  NODE_ENV: "test",
  DATA_DIR: dataDir,
  PUBLIC_URL: publicUrl,
  LOG_LEVEL: "error",
  BCRYPT_COST: "4",
  RATE_LIMIT_MAX: "100000",
  REQUEST_RATE_LIMIT_MAX: "100000",
});
const database = await startDatabase({ kind: "pglite" }, { passwords: createPasswordHasher({ cost: 4 }) });
const app = await createApp({ config, database, logger: createLogger("error") });
const server = createServer(app.yoga);
await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));

await app.services.settings.update({ advanced: { providerRedirectUrls: [FRONT_END] } }, { actorId: null });
await app.services.oauth.updateProvider(
  "corp",
  { enabled: true, clientId: idp.clientId, clientSecret: idp.clientSecret, issuer: idp.issuer },
  { actorId: null },
);

async function signInOnce(sub: string) {
  const jar = new CookieJar();
  const steps: number[] = [];
  const timed = async <T>(step: () => Promise<T>) => {
    const started = performance.now();
    const result = await step();
    steps.push(performance.now() - started);
    return result;
  };
  const total = performance.now();
  const start = await timed(() => browse(`${publicUrl}/connect/corp?redirect=${encodeURIComponent(FRONT_END)}`, jar));
  const back = await authorize(start.headers.get("location")!, sub, `${publicUrl}/connect/corp/callback`);
  const done = await timed(() => browse(back, jar));
  const code = new URL(done.headers.get("location")!).searchParams.get("loginCode");
  if (!code) throw new Error(`no loginCode: ${done.headers.get("location")}`);
  const login = await timed(() =>
    fetch(`${publicUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "mutation($code: String!) { oauthLogin(code: $code) { jwt } }", variables: { code } }),
    }).then((response) => response.json() as Promise<{ data?: { oauthLogin?: { jwt?: string } } }>),
  );
  if (!login.data?.oauthLogin?.jwt) throw new Error(`oauthLogin failed: ${JSON.stringify(login)}`);
  const [startMs = 0, callbackMs = 0, loginMs = 0] = steps;
  return { own: startMs + callbackMs + loginMs, start: startMs, callback: callbackMs, login: loginMs, total: performance.now() - total };
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;
type Run = Awaited<ReturnType<typeof signInOnce>>;
const report = (label: string, runs: Run[]) => {
  const p50 = (key: keyof Run) => percentile(runs.map((run) => run[key]), 50).toFixed(1);
  console.log(
    `${label.padEnd(20)} n=${runs.length}  Gatehouse p50 ${p50("own")} ms (p95 ${percentile(runs.map((run) => run.own), 95).toFixed(1)}):` +
      ` start ${p50("start")}, callback ${p50("callback")} (code exchange, ID token, userinfo included), oauthLogin ${p50("login")};` +
      ` whole round trip with the IdP's pages ${p50("total")} ms`,
  );
};

try {
  for (let i = 0; i < N; i++) idp.accounts.set(`user-${i}`, { email: `user${i}@corp.test`, email_verified: true });
  await signInOnce("user-0"); // warm-up: discovery, JIT
  const fresh: Run[] = [];
  for (let i = 1; i < N; i++) fresh.push(await signInOnce(`user-${i}`));
  const returning: Run[] = [];
  for (let i = 1; i < N; i++) returning.push(await signInOnce(`user-${i}`));
  const graphql = (query: string, variables: Record<string, unknown>) =>
    fetch(`${publicUrl}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
  await graphql("mutation($input: UsersPermissionsRegisterInput!) { register(input: $input) { jwt } }", {
    input: { username: "baseline", email: "baseline@example.com", password: "a long baseline passphrase" },
  });
  const logins: number[] = [];
  for (let i = 0; i < N; i++) {
    const started = performance.now();
    await graphql("mutation($input: UsersPermissionsLoginInput!) { login(input: $input) { jwt } }", {
      input: { identifier: "baseline", password: "a long baseline passphrase" },
    }).then((response) => response.json());
    logins.push(performance.now() - started);
  }
  console.log(`Provider sign-in, ${process.version}, PGlite, oidc-provider on loopback`);
  console.log(`${"password login".padEnd(20)} n=${N}  p50 ${percentile(logins, 50).toFixed(1)} ms (baseline)`);
  report("new account", fresh);
  report("returning (linked)", returning);
} finally {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await app.close();
  await database.close();
  await idp.close();
  await rm(dataDir, { recursive: true, force: true });
}
