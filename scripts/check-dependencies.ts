/**
 * Two rules on the import graph of src/, type-only imports included (dependency-cruiser reads them with
 * `tsPreCompilationDeps`):
 *
 * 1. No import cycle between files.
 * 2. No cycle between modules below the schema: each folder under src/modules, and src/http, src/infra,
 *    src/lib; each file at the root of src/ counts as a module of its own. Schema files (src/schema/ and
 *    every *.schema.ts) sit on top and may reference each other's types, so they are left out of rule 2.
 *
 * src/architecture.test.ts checks both in CI; `npm run check:deps` prints what breaks them.
 */
import { cruise, type ICruiseResult } from "dependency-cruiser";

export type ImportGraph = Map<string, Set<string>>;

/** Files to leave out of the graph: generated code, tests and test helpers. */
const EXCLUDED = "^src/generated/|\\.test\\.ts$|\\.test-helper\\.ts$";

/** The import graph of the files under src/: file -> files it imports (value and type-only). */
export async function importGraph(root = "src"): Promise<ImportGraph> {
  const { output } = await cruise(
    [root],
    { tsPreCompilationDeps: true, exclude: { path: EXCLUDED }, doNotFollow: { path: "node_modules" } },
    undefined,
    { tsConfig: { fileName: "tsconfig.json" } },
  );
  const graph: ImportGraph = new Map();
  for (const module of (output as ICruiseResult).modules) {
    if (!module.source.startsWith(`${root}/`)) continue;
    const targets = module.dependencies.map((dependency) => dependency.resolved).filter((file) => file.startsWith(`${root}/`));
    graph.set(module.source, new Set(targets));
  }
  return graph;
}

/** The module a file belongs to for rule 2, or null for schema files (which rule 2 leaves out). */
export function moduleOf(file: string): string | null {
  const parts = file.split("/").slice(1);
  if (parts[0] === "schema" || file.endsWith(".schema.ts")) return null;
  return parts[0] === "modules" ? `modules/${parts[1]}` : parts[0]!;
}

/** The module graph: module -> modules its files import (imports within a module dropped). */
export function moduleGraph(files: ImportGraph): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const [file, targets] of files) {
    const from = moduleOf(file);
    if (from === null) continue;
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const target of targets) {
      const to = moduleOf(target);
      if (to !== null && to !== from) edges.add(to);
    }
  }
  return graph;
}

/** Every cycle of a graph, as its strongly connected components of more than one node (Tarjan). */
export function cycles(graph: ImportGraph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];

  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node)?.has(node)) found.push(component.sort());
  };

  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return found;
}

export async function dependencyProblems(root = "src") {
  const files = await importGraph(root);
  return { files: files.size, fileCycles: cycles(files), moduleCycles: cycles(moduleGraph(files)) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { files, fileCycles, moduleCycles } = await dependencyProblems();
  for (const cycle of fileCycles) console.log(`file cycle: ${cycle.join(" <-> ")}`);
  for (const cycle of moduleCycles) console.log(`module cycle: ${cycle.join(" <-> ")}`);
  console.log(`${files} files: ${fileCycles.length} file cycles, ${moduleCycles.length} module cycles`);
  process.exitCode = fileCycles.length + moduleCycles.length > 0 ? 1 : 0;
}
