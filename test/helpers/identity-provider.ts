/**
 * A real OpenID Connect provider (oidc-provider 9) on 127.0.0.1 port 0, for the provider sign-in tests:
 * one static confidential client, accounts whose claims a test chooses, and the library's own
 * development login and consent pages, which `authorize` fills in like a browser would.
 */
/// <reference path="./oidc-provider.d.ts" />
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";

export interface IdentityProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Claims by account id (`sub`); the dev login page signs in whatever id is typed. */
  accounts: Map<string, Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startIdentityProvider(options: { redirectUris: string[] }): Promise<IdentityProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = "gatehouse";
  const clientSecret = randomBytes(24).toString("hex");
  const accounts = new Map<string, Record<string, unknown>>();
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_post",
      },
    ],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["preferred_username", "name"] },
    findAccount: (_ctx, id) =>
      accounts.has(id) ? { accountId: id, claims: () => ({ sub: id, ...accounts.get(id) }) } : undefined,
    cookies: { keys: [randomBytes(16).toString("hex")] },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    // Set explicitly, so the library does not print a notice for each default it falls back to.
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Grant: 600, Interaction: 600, Session: 600 },
  });
  server.on("request", provider.callback());
  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Cookies by name for one site, as a browser keeps them (enough for these tests). */
export class CookieJar {
  readonly cookies = new Map<string, string>();
  store(response: Response) {
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(";");
      const separator = pair!.indexOf("=");
      const name = pair!.slice(0, separator).trim();
      const value = pair!.slice(separator + 1).trim();
      const expired = /max-age=0/i.test(header);
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): Record<string, string> {
    return this.cookies.size === 0 ? {} : { cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ") };
  }
}

/** GET without following redirects, keeping cookies in `jar`. */
export async function browse(url: string, jar: CookieJar, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(url, { ...init, redirect: "manual", headers: { ...jar.header(), ...(init.headers as Record<string, string> | undefined) } });
  jar.store(response);
  return response;
}

const locationOf = (response: Response, base: string) => new URL(response.headers.get("location")!, base).toString();

/**
 * Plays the user at the provider: from its authorization URL through the dev login (as `accountId`) and
 * consent pages, until the provider redirects to `callbackPrefix`; returns that callback URL.
 */
export async function authorize(authorizationUrl: string, accountId: string, callbackPrefix: string, jar = new CookieJar()): Promise<string> {
  let url = authorizationUrl;
  for (let step = 0; step < 20; step++) {
    if (url.startsWith(callbackPrefix)) return url;
    const response = await browse(url, jar);
    if (response.status >= 300 && response.status < 400) {
      url = locationOf(response, url);
      continue;
    }
    const html = await response.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (response.status !== 200 || !action) throw new Error(`the provider answered ${response.status}: ${html.slice(0, 300)}`);
    const fields: Record<string, string> = html.includes('name="login"')
      ? { prompt: "login", login: accountId, password: "any" }
      : { prompt: "consent" };
    const posted = await browse(new URL(action.replace(/&amp;/g, "&"), url).toString(), jar, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    });
    if (posted.status < 300 || posted.status >= 400) throw new Error(`the provider's form answered ${posted.status}: ${(await posted.text()).slice(0, 300)}`);
    url = locationOf(posted, url);
  }
  throw new Error("the provider never redirected back");
}
