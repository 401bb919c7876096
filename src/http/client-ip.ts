/**
 * The client address every limit is keyed on. X-Forwarded-For is written by whoever sends the request,
 * so it is only read when the socket peer is a configured trusted proxy, and then only from the right:
 * the first address not belonging to a trusted proxy is the client.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { BlockList, isIP } from "node:net";

/** What node:http hands Yoga beside each request (absent when Yoga is called through `fetch`). */
export interface NodeServerContext {
  req?: IncomingMessage;
  res?: ServerResponse;
}

/** Returns the client address for a request, given the address of the socket it arrived on. */
export type ClientIpResolver = (request: Request, socketAddress: string | undefined) => string | undefined;

/** "::ffff:10.0.0.1" and "10.0.0.1" are the same client and must share counters. */
function normaliseAddress(address: string): string | undefined {
  const trimmed = address.trim().replace(/^\[(.*)\]$/, "$1");
  const unmapped = trimmed.toLowerCase().startsWith("::ffff:") && isIP(trimmed.slice(7)) === 4 ? trimmed.slice(7) : trimmed;
  return isIP(unmapped) === 0 ? undefined : unmapped;
}

function family(address: string): "ipv4" | "ipv6" {
  return isIP(address) === 4 ? "ipv4" : "ipv6";
}

/** @param trustedProxies addresses or CIDR ranges (validated by config.ts) */
export function createClientIpResolver(trustedProxies: string[]): ClientIpResolver {
  const trusted = new BlockList();
  for (const entry of trustedProxies) {
    const [address = "", bits] = entry.split("/");
    if (bits === undefined) trusted.addAddress(address, family(address));
    else trusted.addSubnet(address, Number(bits), family(address));
  }
  const isTrusted = (address: string) => trusted.check(address, family(address));

  return (request, socketAddress) => {
    let client = socketAddress === undefined ? undefined : normaliseAddress(socketAddress);
    if (client === undefined || trustedProxies.length === 0 || !isTrusted(client)) return client;
    const hops = (request.headers.get("x-forwarded-for") ?? "").split(",").reverse();
    for (const hop of hops) {
      const address = normaliseAddress(hop);
      // A malformed entry was not written by a proxy we trust: stop at the last address we can vouch for.
      if (address === undefined) return client;
      client = address;
      if (!isTrusted(address)) return address;
    }
    return client;
  };
}
