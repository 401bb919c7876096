import { describe, expect, it } from "vitest";
import { createClientIpResolver } from "./client-ip.ts";

const request = (forwardedFor?: string) =>
  new Request("http://gatehouse.test/graphql", { headers: forwardedFor ? { "x-forwarded-for": forwardedFor } : {} });

describe("client IP", () => {
  it("uses the socket address and ignores X-Forwarded-For when no proxy is trusted", () => {
    const clientIp = createClientIpResolver([]);
    expect(clientIp(request("1.2.3.4"), "203.0.113.9")).toBe("203.0.113.9");
  });

  it("unmaps IPv4-mapped IPv6 socket addresses", () => {
    expect(createClientIpResolver([])(request(), "::ffff:203.0.113.9")).toBe("203.0.113.9");
  });

  it("ignores X-Forwarded-For from a peer that is not a trusted proxy", () => {
    const clientIp = createClientIpResolver(["10.0.0.0/8"]);
    expect(clientIp(request("1.2.3.4"), "203.0.113.9")).toBe("203.0.113.9");
  });

  it("takes the rightmost untrusted hop behind trusted proxies, so a forged leftmost entry is ignored", () => {
    const clientIp = createClientIpResolver(["10.0.0.0/8", "::1"]);
    expect(clientIp(request("6.6.6.6, 198.51.100.23, 10.1.2.3"), "::ffff:10.0.0.5")).toBe("198.51.100.23");
    expect(clientIp(request("198.51.100.23"), "::1")).toBe("198.51.100.23");
  });

  it("stops at a malformed hop and keeps the last address it can vouch for", () => {
    const clientIp = createClientIpResolver(["10.0.0.0/8"]);
    expect(clientIp(request("198.51.100.23, not-an-ip"), "10.0.0.5")).toBe("10.0.0.5");
  });

  it("is undefined without a socket", () => {
    expect(createClientIpResolver([])(request(), undefined)).toBeUndefined();
  });
});
