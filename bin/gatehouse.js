#!/usr/bin/env node
// The `gatehouse` operator CLI (package.json "bin"). It runs the build of src/cli/main.ts, dist/cli.js
// (scripts/build.ts; `npm install` and `npm test` build it), as `npm start` runs dist/main.js: no
// TypeScript is compiled at run time. Source maps on, as `npm start`'s --enable-source-maps: stack
// traces point at the TypeScript sources.
process.setSourceMapsEnabled(true);

const entry = new URL("../dist/cli.js", import.meta.url);
try {
  await import(entry.href);
} catch (error) {
  // Only a missing build itself: a module the build imports that is missing is another problem.
  if (error?.code !== "ERR_MODULE_NOT_FOUND" || !String(error.message).includes(entry.pathname)) throw error;
  process.stderr.write("gatehouse: the CLI is not built (dist/cli.js): run `npm run build`\n");
  process.exitCode = 1;
}
