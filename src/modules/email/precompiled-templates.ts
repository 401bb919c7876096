/**
 * The default templates' bodies, compiled by the build (`npm run build`) into dist/email-templates.json.
 * MJML adds ≈ 60 MB of memory and most of a second of CPU to the process that loads it; with the
 * defaults compiled ahead, only a server whose admin customised a template ever loads it. Entries are
 * keyed by the hash of their source, so a build older than the templates is simply not used.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { buildDir } from "../../infra/project-files.ts";
import { type CompiledBodies, compileBodies, sourceKey } from "./render-email.ts";
import { defaultEmailTemplates, EMAIL_TEMPLATE_NAMES } from "./templates/index.ts";

export const precompiledTemplatesFile = join(buildDir, "email-templates.json");

const defaultBodies = () => EMAIL_TEMPLATE_NAMES.map((name) => defaultEmailTemplates[name].body);

/** What the build wrote; undefined when there is no build. */
export async function loadPrecompiledTemplates(): Promise<CompiledBodies | undefined> {
  const text = await readFile(precompiledTemplatesFile, "utf8").catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as CompiledBodies);
}

/** Compiles the default bodies into the build unless it already holds exactly these. */
export async function precompileDefaultTemplates(): Promise<{ file: string; written: boolean }> {
  const file = precompiledTemplatesFile;
  const current = await loadPrecompiledTemplates().catch(() => undefined);
  const sources = defaultBodies();
  const keys = sources.map(sourceKey);
  if (current && keys.every((key) => key in current) && Object.keys(current).length === keys.length) return { file, written: false };
  await mkdir(buildDir, { recursive: true });
  // Written aside and renamed: a server starting meanwhile never reads half a file.
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, JSON.stringify(await compileBodies(sources)));
  await rename(partial, file);
  return { file, written: true };
}
