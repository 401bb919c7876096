/**
 * Reads a subgraph's SDL the federation way, `{ _service { sdl } }`, and says in a few words why not when
 * it cannot (the words go to logs and to /ready, so they never carry the URL).
 */
import { parse } from "graphql";

export type SdlResult = { ok: true; sdl: string } | { ok: false; reason: string };

const SERVICE_QUERY = JSON.stringify({ query: "{ _service { sdl } }" });

function networkReason(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return `no answer within ${timeoutMs} ms`;
  }
  const code = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  switch (code) {
    case "ECONNREFUSED":
      return "connection refused";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "host not found";
    case "ECONNRESET":
      return "connection reset";
    default:
      return "unreachable";
  }
}

export async function fetchSubgraphSdl(url: string, timeoutMs: number): Promise<SdlResult> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json, application/json" },
      body: SERVICE_QUERY,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: "error",
    });
  } catch (error) {
    return { ok: false, reason: networkReason(error, timeoutMs) };
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return { ok: false, reason: `HTTP ${response.status}, not a GraphQL response` };
  }
  const sdl = (body as { data?: { _service?: { sdl?: unknown } } } | null)?.data?._service?.sdl;
  if (typeof sdl !== "string" || sdl.trim() === "") {
    const error = (body as { errors?: { message?: unknown }[] } | null)?.errors?.[0]?.message;
    // A subgraph's own words, shortened: they end up in logs and /ready.
    return { ok: false, reason: typeof error === "string" ? `no SDL: ${error.slice(0, 160)}` : `HTTP ${response.status}, no SDL` };
  }
  try {
    parse(sdl);
  } catch (error) {
    return { ok: false, reason: `SDL does not parse: ${(error as Error).message}` };
  }
  return { ok: true, sdl };
}
