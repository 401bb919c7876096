#!/usr/bin/env node
// The `gatehouse` operator CLI (package.json "bin"). Gatehouse runs its TypeScript sources directly, as
// `npm start` does: tsx's loader is registered, then the CLI's entry point is imported through it.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
