/**
 * What a client sees when a subgraph fails. The gateway runtime reports a transport failure with the
 * subgraph's URL, the request body it sent and the low-level message ("connect ECONNREFUSED 10.0.0.7:4101"),
 * even with masking on. Every error that came from a subgraph is rebuilt here from what a client may
 * know: its message (transport failures get ours), code, path, locations and the subgraph's name.
 */
import type { YogaLogger } from "@graphql-yoga/logger";
import { GraphQLError } from "graphql";
import type { maskError as yogaMaskError } from "graphql-yoga";
import { ErrorCode } from "../../errors.ts";

/** Codes the runtime gives its own transport failures (its timeout, an HTTP failure, an unusable body). */
const TRANSPORT_FAILURE_CODES = new Set(["SUBREQUEST_HTTP_ERROR", "RESPONSE_VALIDATION_FAILED"]);
const TIMEOUT_CODE = "GATEWAY_TIMEOUT";
/** Extensions that describe the gateway's own request rather than the error. */
const INTERNAL_EXTENSIONS = ["serviceName", "request", "response", "exception", "stacktrace", "http"];

export interface SubgraphErrorMaskOptions {
  /** Gatehouse's own subgraph: its errors are shown exactly as in standalone mode, without a subgraph name. */
  localSubgraph: string;
  logger: Pick<YogaLogger, "warn">;
  /** Masking for every other error (Gatehouse's usual one). */
  fallback: typeof yogaMaskError;
}

function rebuild(error: GraphQLError, message: string, extensions: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions,
  });
}

export function createSubgraphErrorMask({ localSubgraph, logger, fallback }: SubgraphErrorMaskOptions): typeof yogaMaskError {
  return (error, message, isDev) => {
    const subgraph = error instanceof GraphQLError ? error.extensions.serviceName : undefined;
    if (!(error instanceof GraphQLError) || typeof subgraph !== "string") return fallback(error, message, isDev);
    // Errors raised by the gateway runtime carry its own codes, outside Gatehouse's catalogue.
    const code: unknown = error.extensions.code;

    if (code === TIMEOUT_CODE) {
      logger.warn(`Subgraph ${subgraph} timed out: ${error.message}`);
      return rebuild(error, `Subgraph "${subgraph}" did not answer in time`, {
        code: ErrorCode.SUBGRAPH_TIMEOUT,
        subgraph,
      });
    }
    const isTransportFailure =
      (typeof code === "string" && TRANSPORT_FAILURE_CODES.has(code)) ||
      "request" in error.extensions ||
      (error.originalError !== undefined && !(error.originalError instanceof GraphQLError));
    if (isTransportFailure) {
      logger.warn(`Subgraph ${subgraph} unavailable: ${error.message}`);
      return rebuild(error, `Subgraph "${subgraph}" is unavailable`, {
        code: ErrorCode.SUBGRAPH_UNAVAILABLE,
        subgraph,
      });
    }

    // The subgraph's own answer (a refusal, a not-found): its message and extensions, minus the internals.
    const extensions: Record<string, unknown> = { ...error.extensions };
    for (const key of INTERNAL_EXTENSIONS) delete extensions[key];
    if (subgraph !== localSubgraph) {
      extensions.code = typeof code === "string" ? code : ErrorCode.DOWNSTREAM_SERVICE_ERROR;
      extensions.subgraph = subgraph;
    }
    return rebuild(error, error.message, extensions);
  };
}
