/** When the client renews an access token, from the claims alone (pure logic, no server). */
import { describe, expect, it } from "vitest";
import { readAccessToken } from "../src/access-token.ts";

const jwtWith = (claims: Record<string, unknown>) =>
  ["header", Buffer.from(JSON.stringify(claims)).toString("base64url"), "signature"].join(".");

describe("readAccessToken", () => {
  it("measures the lifetime from receipt, so a client clock hours off still renews on time", () => {
    const issuedAt = 1_800_000_000;
    const token = jwtWith({ iat: issuedAt, exp: issuedAt + 600 });
    const receivedAt = (issuedAt + 3 * 3600) * 1000; // the client's clock is three hours ahead
    const read = readAccessToken(token, receivedAt);
    // 599 s: iat counts whole seconds, so the token may be up to one second older than it says.
    expect(read.expiresAt).toBe(receivedAt + 599_000);
    expect(read.refreshAt).toBe(read.expiresAt - 30_000);
  });

  it("renews short-lived tokens a tenth of their lifetime early", () => {
    const read = readAccessToken(jwtWith({ iat: 100, exp: 111 }), 5_000);
    expect(read.expiresAt).toBe(15_000);
    expect(read.refreshAt).toBe(14_000);
  });

  it("reads base64url payloads with non-ASCII claims", () => {
    const read = readAccessToken(jwtWith({ iat: 1, exp: 61, roles: ["rédacteur"] }), 0);
    expect(read.expiresAt).toBe(59_000);
  });

  it("never renews a token without exp, and treats an unreadable payload the same way", () => {
    expect(readAccessToken(jwtWith({ sub: "1" }), 0).refreshAt).toBe(Number.POSITIVE_INFINITY);
    expect(readAccessToken("not-a-jwt", 0).refreshAt).toBe(Number.POSITIVE_INFINITY);
    expect(readAccessToken("a.%%%.c", 0).refreshAt).toBe(Number.POSITIVE_INFINITY);
  });
});
