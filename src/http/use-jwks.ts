/** Serves the public signing keys, so other services can verify Gatehouse's access tokens. */
import type { Plugin } from "graphql-yoga";
import type { TokenService } from "../modules/auth/tokens.ts";

export const JWKS_PATH = "/.well-known/jwks.json";

export function useJwks(tokens: Pick<TokenService, "jwks">): Plugin {
  const body = JSON.stringify(tokens.jwks);
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (request.method !== "GET" || url.pathname !== JWKS_PATH) return;
      endResponse(
        new fetchAPI.Response(body, {
          headers: { "content-type": "application/jwk-set+json", "cache-control": "public, max-age=300" },
        }),
      );
    },
  };
}
