/**
 * HTTP load with autocannon, driven from this process (never the server's): POSTs to /graphql built per
 * request, every response checked, and only checked responses counted as successes.
 */
import autocannon from "autocannon";

/** One request to send: a GraphQL body and an optional bearer token. */
export interface GraphQLCall {
  body: string;
  token?: string | undefined;
}

export interface LoadOptions {
  /** Base URL of the server (…/graphql is appended). */
  url: string;
  connections: number;
  /** Seconds. */
  duration: number;
  /** Requests per second across all connections; unset sends as fast as answers come. */
  overallRate?: number;
  /** Builds the next request; called once per request. */
  next: () => GraphQLCall;
  /** Whether a response is the expected one (status and body). */
  check: (status: number, body: string) => boolean;
}

export interface LoadResult {
  /** Successful (checked) responses per second. */
  rps: number;
  /** Latency of all responses, ms (1 ms resolution). */
  p50: number;
  p99: number;
  /** Failed checks plus connection errors and timeouts. */
  errors: number;
  /** Responses received. */
  responses: number;
  seconds: number;
  /** The first failed response, for diagnosis. */
  firstError?: string;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  let ok = 0;
  let bad = 0;
  let firstError: string | undefined;
  const result = await autocannon({
    url: `${options.url}/graphql`,
    connections: options.connections,
    duration: options.duration,
    ...(options.overallRate ? { overallRate: options.overallRate } : {}),
    requests: [
      {
        method: "POST",
        setupRequest: (request) => {
          const call = options.next();
          return {
            ...request,
            body: call.body,
            headers: {
              "content-type": "application/json",
              ...(call.token ? { authorization: `Bearer ${call.token}` } : {}),
            },
          };
        },
        onResponse: (status, body) => {
          if (options.check(status, body)) ok++;
          else {
            bad++;
            firstError ??= `HTTP ${status}: ${body.slice(0, 300)}`;
          }
        },
      },
    ],
  });
  return {
    rps: ok / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: bad + result.errors,
    responses: ok + bad,
    seconds: result.duration,
    ...(firstError ? { firstError } : result.errors > 0 ? { firstError: `${result.errors} connection errors (${result.timeouts} timeouts)` } : {}),
  };
}
