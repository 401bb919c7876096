import { describe, expect, it } from "vitest";
import { clientNetworkKey } from "./client-network.ts";

describe("client network key", () => {
  const per64 = clientNetworkKey();

  it("groups IPv6 addresses by their /64, whatever their spelling", () => {
    expect(per64("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    expect(per64("2001:0DB8:0001:0002:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(per64("2001:db8:1:3::1")).toBe("2001:db8:1:3::/64");
  });

  it("keeps IPv4 addresses, unmaps IPv4-mapped ones, and names a missing address", () => {
    expect(per64("203.0.113.9")).toBe("203.0.113.9");
    expect(per64("::ffff:203.0.113.9")).toBe("203.0.113.9");
    expect(per64(undefined)).toBe("unknown");
  });

  it("takes the prefix length it is given; 128 is the address itself", () => {
    expect(clientNetworkKey(48)("2001:db8:1:2::1")).toBe("2001:db8:1::/48");
    expect(clientNetworkKey(56)("2001:db8:1:2ff::1")).toBe("2001:db8:1:200::/56");
    expect(clientNetworkKey(128)("2001:db8:1:2:0:0:0:1")).toBe("2001:db8:1:2::1");
  });
});
