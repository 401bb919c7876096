/**
 * The secrets of one provider flow. A random `binding` goes into an HttpOnly cookie; a random `state`
 * goes to the provider. The database keeps only SHA-256 hashes of both. The nonce and the PKCE verifier
 * are HMACs of the state under the binding, so they are stored nowhere: completing a flow takes the
 * browser that started it, and a copy of the database completes none.
 */
import { createHmac } from "node:crypto";
import { newOpaqueToken } from "../../lib/secrets.ts";
import type { FlowChecks } from "./provider-client.ts";

/** The flow cookie: sent back only to /connect, never readable by scripts, kept across the provider's redirect. */
export const FLOW_COOKIE = "gatehouse_oauth";
/** A flow is ten minutes long: enough for a provider's login and consent pages, short for a stolen state. */
export const FLOW_LIFESPAN_SECONDS = 10 * 60;

const derive = (binding: string, purpose: string, state: string) =>
  createHmac("sha256", binding).update(`${purpose}:${state}`).digest("base64url");

/** 43 base64url characters each: a valid PKCE verifier (RFC 7636 asks for 43-128 unreserved characters). */
export function flowChecks(binding: string, state: string): FlowChecks {
  return { state, nonce: derive(binding, "nonce", state), codeVerifier: derive(binding, "pkce", state) };
}

export function newFlow(): { binding: string; checks: FlowChecks } {
  const binding = newOpaqueToken();
  return { binding, checks: flowChecks(binding, newOpaqueToken()) };
}
