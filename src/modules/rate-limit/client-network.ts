/**
 * The key a client address is limited under. One IPv6 subscriber is usually handed a whole /64 (often a
 * /56 or /48), so keying on the full /128 would give one attacker 2^64 fresh budgets: IPv6 addresses are
 * grouped by their network prefix instead. IPv4 addresses are their own key. The audit log and `ctx.ip`
 * keep the full address; only limiter keys are grouped.
 */
import ipaddr from "ipaddr.js";

/** Limiter key of a client address (undefined: no socket, e.g. yoga.fetch in tests). */
export type ClientKey = (ip: string | undefined) => string;

/** Prefix length IPv6 clients are grouped by unless configured (RATE_LIMIT_IPV6_PREFIX). */
export const DEFAULT_IPV6_PREFIX_BITS = 64;

export function clientNetworkKey(ipv6PrefixBits: number = DEFAULT_IPV6_PREFIX_BITS): ClientKey {
  return (ip) => {
    if (ip === undefined) return "unknown";
    if (!ipaddr.IPv6.isValid(ip)) return ip;
    const address = ipaddr.IPv6.parse(ip);
    // IPv4-mapped addresses are one IPv4 client (client-ip.ts unmaps them already; this is a backstop).
    if (address.isIPv4MappedAddress()) return address.toIPv4Address().toString();
    if (ipv6PrefixBits >= 128) return address.toString();
    return `${ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/${ipv6PrefixBits}`).toString()}/${ipv6PrefixBits}`;
  };
}
