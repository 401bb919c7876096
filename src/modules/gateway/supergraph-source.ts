/**
 * The supergraph the gateway serves. At start and every GATEWAY_POLL_SECONDS it reads every subgraph's
 * SDL and composes them with Gatehouse's own (@theguild/federation-composition). It never serves worse
 * than what it had:
 *   - a subgraph that cannot be read keeps the SDL it was last composed with (its fields then fail per
 *     request until it is back, which needs no recomposition);
 *   - a composition that fails keeps the current supergraph and logs why;
 *   - the subgraph SDLs of the last good composition are kept in DATA_DIR/gateway/subgraphs.json, so a
 *     restart while a subgraph is down still serves it; they are recomposed with the running Gatehouse's
 *     own SDL, never replayed as an old supergraph (supergraph.graphql beside it is for people to read);
 *   - with nothing good at all, the supergraph is Gatehouse's own subgraph alone.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { YogaLogger } from "@graphql-yoga/logger";
import { composeServices } from "@theguild/federation-composition";
import { parse } from "graphql";
import type { SubgraphEndpoint } from "../../config.ts";
import { fetchSubgraphSdl, type SdlResult } from "./subgraph-sdl.ts";

export interface SubgraphDefinition extends SubgraphEndpoint {
  sdl: string;
}

/**
 * `ok`: served with the SDL it answers now. `stale`: served with an older SDL (it cannot be read, or its
 * new SDL does not compose). `missing`: not in the supergraph at all.
 */
export type SubgraphState = "ok" | "stale" | "missing";

export interface SubgraphStatus {
  name: string;
  state: SubgraphState;
  /** Why it is not `ok`: "connection refused", "HTTP 503, no SDL", "does not compose", ... */
  reason?: string;
}

export interface SupergraphStatus {
  /** When the served supergraph was composed (ISO 8601). */
  composedAt: string;
  /** Whether the last composition attempt failed (the previous supergraph is still served). */
  compositionFailed: boolean;
  subgraphs: SubgraphStatus[];
}

export interface SupergraphSourceOptions {
  /** Gatehouse's own subgraph, served in process. */
  local: SubgraphDefinition;
  subgraphs: readonly SubgraphEndpoint[];
  pollSeconds: number;
  /** Longest wait for one subgraph's SDL. */
  timeoutMs: number;
  /** Where the last good composition is kept (DATA_DIR/gateway). */
  stateDir: string;
  logger: Pick<YogaLogger, "info" | "warn" | "error">;
  /** Called after the served supergraph changed. */
  onChange?: (supergraphSdl: string) => void;
}

export interface SupergraphSource {
  /** Loads the kept composition, composes once and starts polling. Never fails for a subgraph's sake. */
  start(): Promise<void>;
  /** Reads every subgraph and recomposes now (what each poll does); concurrent calls share one run. */
  refresh(): Promise<void>;
  /** The supergraph SDL served now. */
  supergraph(): string;
  status(): SupergraphStatus;
  /** Stops polling and waits for a running refresh. */
  close(): Promise<void>;
}

type Composition = { ok: true; supergraphSdl: string } | { ok: false; errors: string[] };

export function composeSupergraph(subgraphs: readonly SubgraphDefinition[]): Composition {
  let result: ReturnType<typeof composeServices>;
  try {
    result = composeServices(subgraphs.map(({ name, url, sdl }) => ({ name, url, typeDefs: parse(sdl) })));
  } catch (error) {
    return { ok: false, errors: [(error as Error).message] };
  }
  if (result.errors) return { ok: false, errors: result.errors.map((error) => error.message) };
  return { ok: true, supergraphSdl: result.supergraphSdl };
}

interface Served {
  supergraphSdl: string;
  /** The downstream SDLs it was composed from, by subgraph name. */
  sdls: Map<string, string>;
  composedAt: Date;
}

const STATE_FILE = "subgraphs.json";
const SUPERGRAPH_FILE = "supergraph.graphql";

async function writeAtomically(path: string, content: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, content);
  await rename(temporary, path);
}

export function createSupergraphSource(options: SupergraphSourceOptions): SupergraphSource {
  const { local, subgraphs, logger } = options;
  let served: Served | undefined;
  let compositionFailed = false;
  let lastCompositionError: string | undefined;
  const lastRead = new Map<string, SdlResult>();
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | undefined;

  async function loadKept(): Promise<Map<string, string>> {
    try {
      const kept = JSON.parse(await readFile(join(options.stateDir, STATE_FILE), "utf8")) as {
        subgraphs?: { name?: unknown; sdl?: unknown }[];
      };
      const configured = new Set(subgraphs.map((subgraph) => subgraph.name));
      return new Map(
        (kept.subgraphs ?? []).flatMap(({ name, sdl }) =>
          typeof name === "string" && typeof sdl === "string" && configured.has(name) ? [[name, sdl] as const] : [],
        ),
      );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
        logger.warn(`Gateway: ignoring the kept composition in ${options.stateDir}: ${(error as Error).message}`);
      }
      return new Map();
    }
  }

  async function keep(next: Served): Promise<void> {
    try {
      await mkdir(options.stateDir, { recursive: true });
      const kept = subgraphs.flatMap(({ name, url }) => {
        const sdl = next.sdls.get(name);
        return sdl === undefined ? [] : [{ name, url, sdl }];
      });
      await writeAtomically(
        join(options.stateDir, STATE_FILE),
        `${JSON.stringify({ composedAt: next.composedAt.toISOString(), subgraphs: kept }, null, 2)}\n`,
      );
      await writeAtomically(join(options.stateDir, SUPERGRAPH_FILE), next.supergraphSdl);
    } catch (error) {
      logger.error(`Gateway: could not keep the composition in ${options.stateDir}: ${(error as Error).message}`);
    }
  }

  function definitions(sdls: ReadonlyMap<string, string>): SubgraphDefinition[] {
    return [
      local,
      ...subgraphs.flatMap((subgraph) => {
        const sdl = sdls.get(subgraph.name);
        return sdl === undefined ? [] : [{ ...subgraph, sdl }];
      }),
    ];
  }

  async function serve(sdls: Map<string, string>, supergraphSdl: string): Promise<void> {
    const changed = served?.supergraphSdl !== supergraphSdl;
    served = { supergraphSdl, sdls, composedAt: changed || !served ? new Date() : served.composedAt };
    if (!changed) return;
    logger.info(`Gateway: serving a supergraph of ${[local.name, ...sdls.keys()].join(", ")}`);
    if (sdls.size > 0) await keep(served);
    options.onChange?.(supergraphSdl);
  }

  function logReads(results: readonly SdlResult[]): void {
    subgraphs.forEach((subgraph, index) => {
      const result = results[index];
      const previous = lastRead.get(subgraph.name);
      if (!result) return;
      if (!result.ok && (previous === undefined || previous.ok || previous.reason !== result.reason)) {
        logger.warn(`Gateway: cannot read the SDL of subgraph ${subgraph.name}: ${result.reason}`);
      } else if (result.ok && previous && !previous.ok) {
        logger.info(`Gateway: subgraph ${subgraph.name} answers again`);
      }
      lastRead.set(subgraph.name, result);
    });
  }

  async function compose(fallback: Map<string, string>): Promise<void> {
    const results = await Promise.all(subgraphs.map((subgraph) => fetchSubgraphSdl(subgraph.url, options.timeoutMs)));
    logReads(results);
    const candidate = new Map<string, string>();
    subgraphs.forEach((subgraph, index) => {
      const result = results[index];
      const sdl = result?.ok ? result.sdl : fallback.get(subgraph.name);
      if (sdl !== undefined) candidate.set(subgraph.name, sdl);
    });

    const composed = composeSupergraph(definitions(candidate));
    if (composed.ok) {
      compositionFailed = false;
      lastCompositionError = undefined;
      return serve(candidate, composed.supergraphSdl);
    }
    compositionFailed = true;
    const reason = composed.errors.slice(0, 5).join("; ");
    if (reason !== lastCompositionError) {
      logger.error(`Gateway: the subgraphs do not compose, keeping the previous supergraph: ${reason}`);
      lastCompositionError = reason;
    }
    if (served) return;
    // Nothing served yet (start): the kept composition, recomposed with today's Gatehouse, or Gatehouse alone.
    const kept = fallback.size > 0 ? composeSupergraph(definitions(fallback)) : undefined;
    if (kept?.ok) return serve(fallback, kept.supergraphSdl);
    const alone = composeSupergraph([local]);
    if (!alone.ok) throw new Error(`Gatehouse's own subgraph does not compose: ${alone.errors.join("; ")}`);
    return serve(new Map(), alone.supergraphSdl);
  }

  function refresh(): Promise<void> {
    running ??= (async () => compose(served?.sdls ?? new Map()))().finally(() => {
      running = null;
    });
    return running;
  }

  return {
    async start() {
      const kept = await loadKept();
      running = compose(kept).finally(() => {
        running = null;
      });
      await running;
      timer = setInterval(() => {
        refresh().catch((error: unknown) => logger.error(`Gateway: refresh failed: ${(error as Error).message}`));
      }, options.pollSeconds * 1000);
      timer.unref();
    },
    refresh,
    supergraph() {
      if (!served) throw new Error("The supergraph source has not started");
      return served.supergraphSdl;
    },
    status() {
      const current = served;
      return {
        composedAt: (current?.composedAt ?? new Date(0)).toISOString(),
        compositionFailed,
        subgraphs: subgraphs.map(({ name }): SubgraphStatus => {
          const read = lastRead.get(name);
          const servedSdl = current?.sdls.get(name);
          if (servedSdl === undefined) {
            return { name, state: "missing", reason: read && !read.ok ? read.reason : "does not compose" };
          }
          if (read && !read.ok) return { name, state: "stale", reason: read.reason };
          if (read?.ok && read.sdl !== servedSdl) return { name, state: "stale", reason: "does not compose" };
          return { name, state: "ok" };
        }),
      };
    },
    async close() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
