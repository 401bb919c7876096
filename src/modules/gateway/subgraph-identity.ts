/**
 * The headers a request to a downstream subgraph carries. A subgraph learns who the caller is from one
 * thing only: `Authorization: Bearer <token>` minted by Gatehouse for that subgraph (aud = its name) and
 * signed with Gatehouse's current key, for signed-in callers; anonymous callers send none. The client's
 * own Authorization, Cookie and x-gatehouse-* headers never go on (a subgraph that trusted them could be
 * told anything); other client headers only when GATEWAY_FORWARD_HEADERS names them. The runtime adds a
 * request id itself.
 */

/** What Gatehouse's token service signs for one subgraph and one caller. */
export interface SubgraphTokenRequest<TViewer> {
  /** The subgraph's name: the token's audience. */
  subgraph: string;
  viewer: TViewer;
}

export type MintSubgraphToken<TViewer> = (request: SubgraphTokenRequest<TViewer>) => Promise<string>;

export interface SubgraphHeadersOptions<TContext, TViewer> {
  /** Gatehouse's own subgraph, called in process with the gateway's context instead of headers. */
  localSubgraph: string;
  /** Lower-cased names of client headers passed on (GATEWAY_FORWARD_HEADERS). */
  forwardHeaders: readonly string[];
  viewerOf(context: TContext): TViewer | null;
  mintSubgraphToken: MintSubgraphToken<TViewer>;
}

const isNeverForwarded = (name: string) =>
  name === "authorization" || name === "cookie" || name === "proxy-authorization" || name.startsWith("x-gatehouse-");

export interface SubgraphHeadersInput<TContext> {
  context: TContext;
  request: Request;
  subgraphName: string;
}

export function createSubgraphHeaders<TContext extends object, TViewer>(
  options: SubgraphHeadersOptions<TContext, TViewer>,
): (input: SubgraphHeadersInput<TContext>) => Promise<Record<string, string>> {
  const forwarded = options.forwardHeaders.filter((name) => !isNeverForwarded(name));
  // One token per request and subgraph, however many times the plan calls that subgraph.
  const tokensOf = new WeakMap<object, Map<string, Promise<string>>>();

  const tokenFor = (context: TContext, subgraph: string, viewer: TViewer): Promise<string> => {
    let tokens = tokensOf.get(context);
    if (!tokens) {
      tokens = new Map();
      tokensOf.set(context, tokens);
    }
    let token = tokens.get(subgraph);
    if (!token) {
      token = options.mintSubgraphToken({ subgraph, viewer });
      tokens.set(subgraph, token);
    }
    return token;
  };

  return async ({ context, request, subgraphName }) => {
    if (subgraphName === options.localSubgraph) return {};
    const headers: Record<string, string> = {};
    for (const name of forwarded) {
      const value = request.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    const viewer = options.viewerOf(context);
    if (viewer !== null) headers.authorization = `Bearer ${await tokenFor(context, subgraphName, viewer)}`;
    return headers;
  };
}
