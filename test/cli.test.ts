/**
 * The real `gatehouse` CLI (bin/gatehouse.js running the build, dist/cli.js), spawned against a real
 * database: the embedded PGlite under DATA_DIR, or (postgres project) a PostgreSQL database of its own.
 * It runs the README's worked examples line by line, checks exit codes, one-line errors and `--json`
 * output, then starts the real server on the same database and checks what the CLI did through the API:
 * passwords, keys, emails, imported users. On PGlite, the CLI is refused with one line while the server
 * holds the database.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeProtectedHeader } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildStrapiExport } from "./fixtures/strapi-export.ts";
import { createTestDatabase, type TestDatabase } from "./helpers/database.ts";
import { assertFreshBuild } from "./helpers/build.ts";
import { type MailServer, startMailServer } from "./helpers/mail.ts";
import { strapiFixture } from "./fixtures/strapi-users.ts";

const root = new URL("..", import.meta.url).pathname;
const ADMIN_PASSWORD = "the keeper of the gate";
const ADA_PASSWORD = "a quiet orchard at noon";
const LONG = 300_000;

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function collect(child: ChildProcess, input?: string): Promise<Outcome> {
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin!.end(input ?? "");
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

/** The lines of the README's ```sh block marked `<!-- cli.test.ts: name -->`. */
function readmeLines(name: string): string[] {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const marker = readme.indexOf(`<!-- cli.test.ts: ${name} -->`);
  if (marker < 0) throw new Error(`README has no block marked ${name}`);
  const start = readme.indexOf("```sh\n", marker) + "```sh\n".length;
  const block = readme.slice(start, readme.indexOf("```", start));
  return block.split("\n").map((line) => line.trim()).filter((line) => line !== "" && !line.startsWith("#"));
}

describe("gatehouse CLI", () => {
  let database: TestDatabase;
  let mail: MailServer;
  let dataDir: string;
  let work: string;
  let env: Record<string, string>;

  /** One command line, as a shell runs it in the work directory, with `gatehouse` on the PATH. */
  const sh = (line: string, extra: Record<string, string> = {}) =>
    collect(spawn("sh", ["-c", line], { cwd: work, env: { ...env, ...extra }, stdio: ["pipe", "pipe", "pipe"] }));
  const cli = (args: string[], options: { input?: string; env?: Record<string, string> } = {}) =>
    collect(
      spawn(process.execPath, [join(root, "bin/gatehouse.js"), ...args], { cwd: work, env: { ...env, ...options.env }, stdio: ["pipe", "pipe", "pipe"] }),
      options.input,
    );
  const json = <T>(outcome: Outcome): T => {
    expect(outcome.code, outcome.stderr).toBe(0);
    return JSON.parse(outcome.stdout) as T;
  };
  /** A refusal: exit code 1 and exactly one line on stderr, no stack trace. */
  const refused = (outcome: Outcome, message: RegExp) => {
    expect(outcome.code).toBe(1);
    const lines = outcome.stderr.trimEnd().split("\n");
    expect(lines, outcome.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(outcome.stderr).not.toMatch(/^\s+at /m);
  };

  beforeAll(async () => {
    await Promise.all([assertFreshBuild("dist/cli.js"), assertFreshBuild("dist/main.js")]);
    database = await createTestDatabase();
    mail = await startMailServer();
    dataDir = await mkdtemp(join(tmpdir(), "gatehouse-cli-data-"));
    work = await mkdtemp(join(tmpdir(), "gatehouse-cli-work-"));
    const bin = join(work, ".bin");
    await mkdir(bin);
    await symlink(join(root, "bin/gatehouse.js"), join(bin, "gatehouse"));
    await writeFile(join(work, "admin-password.txt"), `${ADMIN_PASSWORD}\n`);
    env = {
      PATH: `${bin}:${process.env.PATH}`,
      HOME: process.env.HOME ?? work,
      NODE_ENV: "development",
      DATA_DIR: dataDir,
      BCRYPT_COST: "4",
      SMTP_URL: mail.url,
      PUBLIC_URL: "http://gatehouse.test",
      ADA_PASSWORD,
      ...(database.target.kind === "postgres" && { DATABASE_URL: database.target.url }),
    };
  });
  afterAll(async () => {
    await mail?.stop();
    await database?.drop();
    for (const dir of [dataDir, work]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("runs the build with source maps, as npm start does: no TypeScript compiled at run time", async () => {
    const launcher = await readFile(join(root, "bin/gatehouse.js"), "utf8");
    expect(launcher).toContain('new URL("../dist/cli.js", import.meta.url)');
    expect(launcher).toContain("process.setSourceMapsEnabled(true)");
    expect(launcher).not.toMatch(/tsx|\.ts"/);
  });

  it(
    "runs the README's Operate it example",
    async () => {
      for (const line of readmeLines("operate")) {
        const outcome = await sh(line);
        expect(outcome.code, `${line}\n${outcome.stderr}`).toBe(0);
      }
      const users = JSON.parse(await readFile(join(work, "users.json"), "utf8")) as { totalCount: number; nodes: { username: string; role: string }[] };
      expect(users.nodes.map((user) => [user.username, user.role])).toEqual([
        ["admin", "admin"],
        ["ada", "authenticated"],
        ["grace", "admin"],
      ]);
      // grace has no password: the set-password email went out (the CLI delivers it itself).
      expect((await mail.lastEmailTo("grace@example.com")).text).toMatch(/reset-password\?code=/);

      const generated = JSON.parse(await readFile(join(work, "signing-keys.json"), "utf8")) as { keys: { kid: string; alg: string; d?: string }[] };
      const rotated = JSON.parse(await readFile(join(work, "rotated-keys.json"), "utf8")) as typeof generated;
      expect(generated.keys.map((key) => key.alg)).toEqual(["ES256", "ES256"]);
      expect(generated.keys.every((key) => typeof key.d === "string")).toBe(true);
      // The next key signs, a new next key is published, the old signing key is retired.
      expect(rotated.keys.map((key) => key.kid)).toEqual([generated.keys[1]!.kid, expect.any(String), generated.keys[0]!.kid]);
      expect(new Set(rotated.keys.map((key) => key.kid)).size).toBe(3);

      expect(await readFile(join(work, "schema.graphql"), "utf8")).toBe(await readFile(join(root, "schema.graphql"), "utf8"));
      expect(await readFile(join(work, "subgraph.graphql"), "utf8")).toBe(await readFile(join(root, "subgraph.graphql"), "utf8"));
    },
    LONG,
  );

  it(
    "answers bad input with one line and exit code 1, and refuses --password",
    async () => {
      refused(await cli(["users", "create", "--email", "eve@example.com", "--password", "hunter2 hunter2"]), /--password is refused: a password on the command line is visible/);
      refused(await cli(["users", "show", "nobody@example.com"]), /^gatehouse: no user "nobody@example.com"/);
      refused(await cli(["users", "create", "--email", "not-an-email", "--username", "someone"]), /email must be a valid email address \(email\) \[BAD_USER_INPUT\]/);
      refused(
        await cli(["users", "create", "--email", "eve@example.com", "--password-stdin"], { input: "short\n" }),
        /\[BAD_USER_INPUT\]$/,
      );
      refused(await cli(["users", "create", "--email", "eve@example.com", "--password-env", "UNSET_VARIABLE"]), /UNSET_VARIABLE is not set/);
      refused(await cli(["users", "list", "--first", "zero"]), /--first must be a positive integer/);
      refused(await cli(["users", "frobnicate"]), /unknown command 'frobnicate'/);
      refused(await cli(["keys", "generate", "--alg", "HS256"]), /Allowed choices are EdDSA, ES256, RS256/);
      refused(await cli(["keys", "rotate"], { input: "not json" }), /keys rotate: JWT_SIGNING_KEYS must be a JSON Web Key Set/);
      refused(await cli(["users", "unlock", "ada"]), /lockouts are kept in the server's memory when REDIS_URL is not set/);
      refused(await cli(["import", "strapi", join(work, "no-such-export.tar.gz")]), /no such file/);
      // The server's own configuration checks, on one line.
      refused(await cli(["users", "list"], { env: { NODE_ENV: "production" } }), /^gatehouse: invalid configuration: .*PUBLIC_URL: must use https in production/);
      const help = await cli(["users", "create", "--help"]);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain("--password-stdin");
      expect(help.stdout).not.toContain("--password <");

      const { nodes } = json<{ nodes: { email: string }[] }>(await cli(["users", "list", "--json", "--search", "eve"]));
      expect(nodes).toEqual([]);
    },
    LONG,
  );

  it(
    "prints JSON for scripts",
    async () => {
      expect(json(await cli(["migrate", "--json"]))).toEqual({ applied: [] });
      expect(json(await cli(["users", "show", "ada", "--json"]))).toMatchObject({
        username: "ada",
        email: "ada@example.com",
        role: "authenticated",
        confirmed: true,
        blocked: false,
      });
      const roles = json<{ type: string; users: number }[]>(await cli(["roles", "list", "--json"]));
      expect(roles.map((role) => [role.type, role.users])).toEqual([
        ["public", 0],
        ["authenticated", 1],
        ["admin", 2],
      ]);
      const page = json<{ totalCount: number; hasNextPage: boolean; endCursor: string; nodes: { username: string }[] }>(
        await cli(["users", "list", "--first", "2", "--json"]),
      );
      expect(page).toMatchObject({ totalCount: 3, hasNextPage: true });
      const next = json<typeof page>(await cli(["users", "list", "--after", page.endCursor, "--json"]));
      expect(next.nodes.map((user) => user.username)).toEqual(["grace"]);
    },
    LONG,
  );

  it(
    "runs the README's Move from Strapi example, and exits 1 when rows fail",
    async () => {
      const valid = await buildStrapiExport({ ...strapiFixture, users: strapiFixture.users.filter((user) => [1, 2, 3].includes(user.id)) });
      const invalid = await buildStrapiExport(strapiFixture);
      try {
        await copyFile(valid.file, join(work, "my-strapi.tar.gz"));
        for (const line of readmeLines("strapi")) {
          const outcome = await sh(line);
          expect(outcome.code, `${line}\n${outcome.stderr}`).toBe(0);
        }
        const read = async (name: string) => JSON.parse(await readFile(join(work, name), "utf8")) as Record<string, unknown>;
        expect(await read("dry-run.json")).toMatchObject({ dryRun: true, created: 3, failed: 0 });
        expect(await read("summary.json")).toMatchObject({ dryRun: false, created: 3, skipped: 0, failed: 0 });
        expect(await read("again.json")).toMatchObject({ created: 0, skipped: 3, failed: 0 });

        const failing = await cli(["import", "strapi", invalid.file]);
        expect(failing.code).toBe(1);
        expect(JSON.parse(failing.stdout)).toMatchObject({ created: 4, skipped: 3, failed: 4 });
      } finally {
        await rm(valid.dir, { recursive: true, force: true });
        await rm(invalid.dir, { recursive: true, force: true });
      }
    },
    LONG,
  );

  it(
    "puts failed emails back to pending with outbox retry",
    async () => {
      const closed = await startMailServer();
      await closed.stop();
      const noMail = { SMTP_URL: closed.url, EMAIL_MAX_ATTEMPTS: "1" };
      const created = await cli(["users", "create", "--email", "henry@example.com", "--confirmed"], { env: noMail });
      expect(created.code, created.stderr).toBe(0);
      expect(created.stdout).toMatch(/set-password email to henry@example.com is queued \(.*(ECONNREFUSED|ECONNECTION)/);
      expect(json(await cli(["outbox", "retry", "--json"]))).toEqual({ requeued: 1 });
      expect(json(await cli(["outbox", "retry", "--json"]))).toEqual({ requeued: 0 });
      // The server started below sends it.
    },
    LONG,
  );

  it(
    "shares the database with the running server: PostgreSQL for both, PGlite refused with one line",
    async () => {
      const keys = await readFile(join(work, "rotated-keys.json"), "utf8");
      // The server as `npm start` runs it: the same build as the CLI's.
      const server = spawn(process.execPath, ["--enable-source-maps", "dist/main.js"], {
        cwd: root,
        env: { ...env, PORT: "0", HOST: "127.0.0.1", JWT_ALGORITHM: "ES256", JWT_SIGNING_KEYS: keys },
        stdio: ["ignore", "pipe", "pipe"],
      });
      try {
        const url = await new Promise<string>((resolve, reject) => {
          let output = "";
          const onData = (chunk: Buffer) => {
            output += chunk.toString();
            const match = /ready in \d+ ms .*: http:\/\/localhost:(\d+)\/graphql/.exec(output);
            if (match) resolve(`http://127.0.0.1:${match[1]}`);
          };
          server.stdout!.on("data", onData);
          server.stderr!.on("data", onData);
          server.on("exit", (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
        });
        const login = async (identifier: string, password: string) => {
          const response = await fetch(`${url}/graphql`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({
              query: "mutation ($input: UsersPermissionsLoginInput!) { login(input: $input) { jwt user { username } } }",
              variables: { input: { identifier, password } },
            }),
          });
          return ((await response.json()) as { data: { login: { jwt: string; user: { username: string } } } | null }).data?.login;
        };

        // --password-stdin stripped the file's trailing newline; --password-env passed ADA_PASSWORD as is.
        const admin = await login("admin@example.com", ADMIN_PASSWORD);
        expect(admin?.user.username).toBe("admin");
        expect((await login("ada", ADA_PASSWORD))?.user.username).toBe("ada");
        // Imported from Strapi: their old passwords work.
        expect((await login("bob", "bob old passphrase"))?.user.username).toBe("bob");
        expect((await login("carol@example.com", "carol old passphrase"))?.user.username).toBe("Carol");

        // The rotated set: the promoted key signs, all three are published.
        const rotated = JSON.parse(keys) as { keys: { kid: string }[] };
        expect(decodeProtectedHeader(admin!.jwt).kid).toBe(rotated.keys[0]!.kid);
        const jwks = (await (await fetch(`${url}/.well-known/jwks.json`)).json()) as { keys: { kid: string; d?: string }[] };
        expect(jwks.keys.map((key) => key.kid)).toEqual(rotated.keys.map((key) => key.kid));
        expect(jwks.keys.some((key) => key.d)).toBe(false);

        // The email `outbox retry` put back to pending.
        expect((await mail.lastEmailTo("henry@example.com")).text).toMatch(/reset-password\?code=/);

        const during = await cli(["users", "list", "--json"]);
        if (database.kind === "pglite") {
          refused(during, new RegExp(`in use by the Gatehouse server \\(pid ${server.pid}\\); PGlite allows one process at a time`));
        } else {
          expect(json<{ totalCount: number }>(during).totalCount).toBe(11);
        }
      } finally {
        await new Promise<void>((resolve) => {
          server.on("close", () => resolve());
          server.kill("SIGTERM");
        });
      }
      // Stopped: the lock is gone and the CLI opens the database again.
      expect(json<{ totalCount: number }>(await cli(["users", "list", "--json"])).totalCount).toBe(11);
    },
    LONG,
  );
});
