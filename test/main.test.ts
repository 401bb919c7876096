/**
 * The real entry point as `npm start` runs it: the build (dist/main.js, which `npm test` rebuilds in
 * pretest) in a child process on its embedded database, stopped with SIGTERM and started again on the
 * same DATA_DIR.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertFreshBuild } from "./helpers/build.ts";
import { Login } from "./operations/auth.ts";
import { Roles } from "./operations/roles.ts";

const root = new URL("..", import.meta.url).pathname;
const startScript = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: { start: string } }).scripts.start;
const [program, ...startArgs] = startScript.split(/\s+/);

interface Running {
  child: ChildProcess;
  url: string;
  output: () => string;
}

function run(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, startArgs, {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

async function start(env: Record<string, string>): Promise<Running> {
  const child = run(env);
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /ready in \d+ ms .*: (http:\/\/localhost:\d+)\/graphql/.exec(output);
      if (match) resolve(match[1]!.replace("localhost", "127.0.0.1"));
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => reject(new Error(`exited with ${code}:\n${output}`)));
  });
  return { child, url, output: () => output };
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.on("exit", (code) => resolve(code));
    child.kill("SIGTERM");
  });
}

async function post<TData, TVariables>(
  url: string,
  document: TypedDocumentNode<TData, TVariables>,
  variables?: TVariables,
  headers: object = {},
): Promise<TData> {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query: print(document), variables }),
  });
  return ((await response.json()) as { data: TData }).data;
}

/** The role list is for admins only: sign in as the first admin, then read it. */
async function roles(url: string): Promise<string[]> {
  const { login } = await post(url, Login, { input: { identifier: "admin@example.com", password: "first passphrase" } });
  const data = await post(url, Roles, undefined, { authorization: `Bearer ${login.jwt}` });
  return data.roles.map((role) => role.name);
}

describe("npm start", () => {
  it("runs node on the build, with source maps", () => {
    expect(program).toBe("node");
    expect(startArgs).toEqual(["--enable-source-maps", "dist/main.js"]);
  });

  let dataDir: string;
  const baseEnv = () => ({ DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", NODE_ENV: "development" });

  beforeAll(async () => {
    await assertFreshBuild("dist/main.js");
    dataDir = await mkdtemp(join(tmpdir(), "gatehouse-main-"));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  // Two cold starts of a child process (PGlite boot each; a first start also migrates) took 23-30 s on a
  // busy two-core machine when they still compiled TypeScript: the 30 s default timeout was flaky.
  it("serves the seeded roles on its embedded database, stops on SIGTERM and keeps its data", { timeout: 90_000 }, async () => {
    const first = await start({ ...baseEnv(), ADMIN_EMAIL: "admin@example.com", ADMIN_PASSWORD: "first passphrase" });
    expect(first.output()).toContain("Applied migrations");
    expect(first.output()).toContain("Created the first admin: admin@example.com");
    expect(await roles(first.url)).toEqual(["Public", "Authenticated", "Admin"]);
    expect(await stop(first.child)).toBe(0);

    const second = await start({ ...baseEnv(), ADMIN_EMAIL: "admin@example.com", ADMIN_PASSWORD: "other" });
    expect(second.output()).not.toContain("Applied migrations");
    expect(second.output()).not.toContain("Created the first admin");
    expect(await roles(second.url)).toEqual(["Public", "Authenticated", "Admin"]);
    expect(await stop(second.child)).toBe(0);
  });

  it("exits non-zero on bad config with one message listing every problem, and no stack trace", async () => {
    const child = run({ ...baseEnv(), PORT: "http", NODE_ENV: "production", LOG_LEVEL: "chatty" });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(1);
    expect(stderr).toContain("Invalid configuration");
    for (const name of ["PORT", "LOG_LEVEL", "PUBLIC_URL"]) expect(stderr).toContain(`${name}:`);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it("runs as production when NODE_ENV is unset: refuses to start without production settings and says what to set", async () => {
    const { NODE_ENV: _unset, ...env } = baseEnv();
    const child = run(env);
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(1);
    expect(stderr).toContain("PUBLIC_URL: required in production");
    expect(stderr).toContain("JWT_SIGNING_KEYS: required in production");
    expect(stderr).toContain("npm run dev");
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
