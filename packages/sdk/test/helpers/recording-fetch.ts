/** A fetch that forwards to the real one and records what the SDK sent, to count refreshes and check headers. */

export interface SentRequest {
  operation: string;
  variables: Record<string, unknown>;
  headers: Headers;
  credentials: RequestCredentials | undefined;
}

export interface RecordingFetch {
  fetch: typeof globalThis.fetch;
  requests: SentRequest[];
  /** How many requests named this operation (`mutation Refresh` → "Refresh"). */
  count(operation: string): number;
}

export function recordingFetch(inner: typeof globalThis.fetch = globalThis.fetch): RecordingFetch {
  const requests: SentRequest[] = [];
  return {
    requests,
    count: (operation) => requests.filter((request) => request.operation === operation).length,
    async fetch(input, init = {}) {
      const body = JSON.parse(String(init.body)) as { query: string; variables?: Record<string, unknown> };
      requests.push({
        operation: /^\s*(?:query|mutation)\s+(\w+)/.exec(body.query)?.[1] ?? "(anonymous)",
        variables: body.variables ?? {},
        headers: new Headers(init.headers),
        credentials: init.credentials,
      });
      return inner(input, init);
    },
  };
}
