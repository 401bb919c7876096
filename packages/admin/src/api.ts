/**
 * The page's one way to the server: @gatehouse/sdk against this origin's /graphql. The access token stays
 * in the client's memory; the refresh token in the server's HttpOnly cookie, asked for on every request
 * with `x-gatehouse-refresh-cookie: httpOnly`, so the page works whatever AUTH_COOKIE says. The SDK's
 * cookie mode adds the CSRF header and `credentials: "include"`.
 */
import { createGatehouseClient, isGatehouseError } from "@gatehouse/sdk";

export const REFRESH_COOKIE_REQUEST_HEADER = "x-gatehouse-refresh-cookie";

export const client = createGatehouseClient({
  url: new URL("/graphql", window.location.origin).href,
  cookieMode: true,
  fetch: (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set(REFRESH_COOKIE_REQUEST_HEADER, "httpOnly");
    return window.fetch(input, { ...init, headers });
  },
});

/** A message for people: the server's own for GraphQL errors, a hint for anything else. */
export function errorMessage(error: unknown): string {
  if (isGatehouseError(error)) {
    if (error.code === "NETWORK_ERROR") return "The server could not be reached. Check the connection and try again.";
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export function errorCode(error: unknown): string | undefined {
  return isGatehouseError(error) ? error.code : undefined;
}
