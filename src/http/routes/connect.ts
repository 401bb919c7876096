/**
 * The browser side of provider sign-in (src/modules/oauth/connect.flow.ts):
 * - GET /connect/:provider?redirect=<front-end URL>[&link=<linkProvider ticket>] sets the flow cookie
 *   (HttpOnly, SameSite=Lax, Path=/connect, ten minutes) and answers 302 to the provider;
 * - GET /connect/:provider/callback answers 302 to the front-end with ?loginCode= or ?error=;
 * - POST /connect/:provider/callback (providers that answer with a form post, such as Apple) bounces the
 *   browser to the GET form from this origin, a same-site navigation that carries the Lax cookie.
 * A request that cannot name an allow-listed front-end URL gets a plain 400/404 page with the reason.
 */
import { parseCookie, stringifySetCookie } from "cookie";
import type { RequestMeta } from "../../modules/auth/auth.service.ts";
import { callbackPath, CONNECT_PATH, type ConnectAnswer } from "../../modules/oauth/connect.flow.ts";
import { FLOW_COOKIE, FLOW_LIFESPAN_SECONDS } from "../../modules/oauth/flow-secrets.ts";
import type { OAuthService } from "../../modules/oauth/oauth.service.ts";
import type { Route, RouteRequest } from "../router.ts";
import { escapeHtml, page } from "./page.ts";

/** A form post from a provider carries a code, a state and maybe an id_token or user JSON: a few kB. */
const MAX_FORM_BYTES = 16 * 1024;

export function connectRoutes(oauth: Pick<OAuthService, "startConnect" | "completeConnect">, publicUrl: string): Route[] {
  const secure = publicUrl.startsWith("https://");
  const flowCookie = (value: string, maxAge: number) =>
    stringifySetCookie({ name: FLOW_COOKIE, value, httpOnly: true, secure, sameSite: "lax", path: CONNECT_PATH, maxAge });

  function answer(result: ConnectAnswer): Response {
    const headers = new Headers({ "cache-control": "no-store", "referrer-policy": "no-referrer" });
    if (result.kind === "redirect" && result.setFlowCookie) headers.append("set-cookie", flowCookie(result.setFlowCookie, FLOW_LIFESPAN_SECONDS));
    if (result.clearFlowCookie) headers.append("set-cookie", flowCookie("", 0));
    if (result.kind === "redirect") {
      headers.set("location", result.location);
      return new Response(null, { status: 302, headers });
    }
    headers.set("x-gatehouse-reason", result.reason);
    return page(`${result.message} (${result.reason})`, result.status, Object.fromEntries(headers));
  }

  const meta = ({ ip, userAgent }: RouteRequest): RequestMeta => ({ ip, userAgent });
  const cookieOf = (request: Request) => {
    const header = request.headers.get("cookie");
    return header ? parseCookie(header)[FLOW_COOKIE] : undefined;
  };

  return [
    {
      method: "GET",
      path: `${CONNECT_PATH}/:provider`,
      handle: async (request) =>
        answer(
          await oauth.startConnect(
            { provider: request.params.provider!, redirect: request.url.searchParams.get("redirect"), linkTicket: request.url.searchParams.get("link") },
            meta(request),
          ),
        ),
    },
    {
      method: "GET",
      path: callbackPath(":provider"),
      handle: async (request) =>
        answer(
          await oauth.completeConnect(
            { provider: request.params.provider!, query: request.url.searchParams, flowCookie: cookieOf(request.request) },
            meta(request),
          ),
        ),
    },
    {
      method: "POST",
      path: callbackPath(":provider"),
      async handle({ request, params }) {
        const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
        const length = Number(request.headers.get("content-length") ?? "0");
        if (type !== "application/x-www-form-urlencoded" || length > MAX_FORM_BYTES) return page("Expected a form post from the provider.", 400);
        const body = await request.text();
        if (body.length > MAX_FORM_BYTES) return page("Expected a form post from the provider.", 400);
        const target = `${callbackPath(params.provider!)}?${new URLSearchParams(body).toString()}`;
        return page("Signing in…", 200, { "cache-control": "no-store", "referrer-policy": "no-referrer" }, `<meta http-equiv="refresh" content="0;url=${escapeHtml(target)}">`);
      },
    },
  ];
}
