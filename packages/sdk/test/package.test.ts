/**
 * What a front-end gets from `npm pack`: the tarball installs into an empty project, its types check in
 * strict mode (declarations included), and the README's worked example, compiled against it, runs in a
 * separate Node process against the real server and prints what the README says. The tarball is packed from the dist that the root `npm ci` built (postinstall);
 * packing with scripts would rebuild dist under the feet of other test files.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../../test/helpers/server.ts";

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const tsc = fileURLToPath(new URL("../../../node_modules/typescript/bin/tsc", import.meta.url));

/** Checks that the declarations carry real types: each directive fails the build if its line compiles. */
const TYPES_TS = `
import { createGatehouseClient, GatehouseError, UsersDocument, type AuthUser } from "@gatehouse/sdk";

const client = createGatehouseClient({ url: "https://auth.example.com/graphql", storage: localStorage });
export const user: AuthUser | null = await client.me();
export const total: number = (await client.request(UsersDocument, { first: 10 })).users.totalCount;
// @ts-expect-error identifier is a string
await client.login({ identifier: 1, password: "x" });
// @ts-expect-error variables are checked too
await client.request(UsersDocument, { first: "ten" });
export const code = (error: unknown) => (error instanceof GatehouseError ? error.code : undefined);
`;

/** The README's worked example and the output it shows. */
async function readmeExample() {
  const readme = await readFile(join(packageDir, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Worked example"));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  const output = /Output:\s*```text\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code || !output) throw new Error("README.md: no worked example with its output");
  return { code, output };
}

describe("the npm package", () => {
  let server: TestServer;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "gatehouse-sdk-consumer-"));
    server = await startTestServer();
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("packs dist and the README, installs from the tarball, and runs the README's example in Node", { timeout: 180_000 }, async () => {
    const { stdout } = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], { cwd: packageDir });
    const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    const files = packed!.files.map((file) => file.path).sort();
    expect(files).toEqual(expect.arrayContaining(["README.md", "package.json", "dist/index.js", "dist/index.d.ts", "dist/gql/graphql.js"]));
    expect(files.filter((file) => !file.startsWith("dist/") && !["README.md", "package.json"].includes(file))).toEqual([]);

    await writeFile(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", join(dir, packed!.filename)], { cwd: dir });

    // The README's example, pointed at the test server, compiled against the installed declarations.
    const example = await readmeExample();
    expect(example.code).toContain('"http://localhost:4000/graphql"');
    await writeFile(join(dir, "example.ts"), example.code.replace('"http://localhost:4000/graphql"', JSON.stringify(`${server.url}/graphql`)));
    await writeFile(join(dir, "types.ts"), TYPES_TS);
    await writeFile(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { strict: true, target: "ES2022", lib: ["ES2022", "DOM"], types: [], module: "NodeNext", moduleResolution: "NodeNext", outDir: "out" },
        files: ["example.ts", "types.ts"],
      }),
    );
    await run(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: dir });

    const result = await run(process.execPath, [join("out", "example.js")], { cwd: dir });
    expect(result.stdout).toBe(example.output);
  });
});
