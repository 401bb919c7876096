import { describe, expect, it } from "vitest";
import { isSecretKey, sanitizeMetadata } from "./audit.service.ts";

describe("audit metadata", () => {
  it("recognises secret-looking keys in any spelling", () => {
    for (const key of ["password", "newPassword", "refresh_token", "accessToken", "resetCode", "clientSecret", "JWT", "otp", "passwordHash", "Authorization"]) {
      expect(isSecretKey(key), key).toBe(true);
    }
    for (const key of ["reason", "email", "roleId", "changedFields", "ip"]) expect(isSecretKey(key), key).toBe(false);
  });

  it("drops secrets at any depth and clips long strings", () => {
    const clean = sanitizeMetadata({
      reason: "wrong password",
      password: "hunter2",
      nested: { token: "abc", keep: 1, list: [{ secret: "s", ok: true }] },
      huge: "x".repeat(10_000),
    }) as Record<string, unknown>;
    expect(clean).toMatchObject({ reason: "wrong password", nested: { keep: 1, list: [{ ok: true }] } });
    expect(JSON.stringify(clean)).not.toMatch(/hunter2|abc|"s"/);
    expect((clean.huge as string).length).toBeLessThanOrEqual(513);
  });
});
