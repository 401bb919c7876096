/** GET /.well-known/jwks.json: the public signing keys, so other services can verify our access tokens. */
import type { TokenService } from "../../modules/auth/tokens.ts";
import type { Route } from "../router.ts";

export function jwksRoute(tokens: Pick<TokenService, "jwks">): Route {
  const body = JSON.stringify(tokens.jwks);
  return {
    method: "GET",
    path: "/.well-known/jwks.json",
    handle: () =>
      new Response(body, {
        headers: { "content-type": "application/jwk-set+json", "cache-control": "public, max-age=300" },
      }),
  };
}
