import { describe, expect, it } from "vitest";
import { email, parseEmail, parseIdentity, parseUsername, username, usernameFromEmail, usernameKey } from "./identity.ts";

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error as { message: string; extensions: Record<string, unknown> };
  }
  throw new Error("not refused");
};

describe("usernames", () => {
  it("stores the NFKC form without surrounding spaces", () => {
    expect(parseUsername("  ada  ")).toBe("ada");
    expect(parseUsername("ａｄａ")).toBe("ada");
    expect(parseUsername("ﬁne")).toBe("fine");
    expect(parseUsername("Ada_Lovelace-1815.x")).toBe("Ada_Lovelace-1815.x");
    expect(parseUsername("李小龙")).toBe("李小龙");
  });

  it.each([
    ["too short", "ab"],
    ["too short after normalising", " a\u3000"],
    ["too long", "a".repeat(65)],
    ["far too long", "a".repeat(40_000)],
    ["an @", "ada@home"],
    ["a full-width @", "ada＠home"],
    ["an inner space", "ada lovelace"],
    ["a tab", "ada\tx"],
    ["a zero-width space", "ada\u200Bx"],
    ["a zero-width joiner", "ad\u200Da"],
    ["a bidi override", "ada\u202Etxt.exe"],
    ["a bidi isolate", "ada\u2067x"],
    ["a Hangul filler", "ada\u3164"],
    ["a variation selector", "ada\uFE0F"],
    ["a control character", "ada\u0007"],
    ["a NUL", "ada\u0000"],
    ["not a string", 42],
  ])("refuses %s with BAD_USER_INPUT on the username field", (_why, value) => {
    const error = refusal(() => parseUsername(value));
    expect(error.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "username" });
  });

  it("counts length in code points", () => {
    expect(parseUsername("😀😀😀")).toBe("😀😀😀");
    expect(parseUsername("😀".repeat(64))).toHaveLength(128);
    expect(username.safeParse("😀".repeat(65)).success).toBe(false);
  });

  it("keys usernames case-insensitively, with full case folding", () => {
    expect(usernameKey("Ada")).toBe(usernameKey("ADA"));
    expect(usernameKey("Straße")).toBe(usernameKey("STRASSE"));
    expect(usernameKey("ΣΊΣΥΦΟΣ")).toBe(usernameKey("σίσυφος"));
    expect(usernameKey("ａｄａ")).toBe("ada");
    expect(usernameKey("ada")).not.toBe(usernameKey("adb"));
  });

  it("proposes the local part of an email when it is a valid username", () => {
    expect(usernameFromEmail("root@example.com")).toBe("root");
    expect(usernameFromEmail("ab@example.com")).toBeNull();
  });
});

describe("emails", () => {
  it("stores emails trimmed and lower-cased", () => {
    expect(parseEmail("  Ada@Example.COM ")).toBe("ada@example.com");
    expect(email.safeParse(`${"a".repeat(64)}@${"b".repeat(185)}.com`).success).toBe(true);
  });

  it.each([
    ["longer than 254 characters", `${"a".repeat(64)}@${"b".repeat(186)}.com`],
    ["40 kB", `${"a".repeat(40_000)}@example.com`],
    ["40 kB of dots after the @", `a@${"b.".repeat(20_000)}@`],
    ["no @", "ada.example.com"],
    ["two @", "ada@home@example.com"],
    ["a space", "ada lovelace@example.com"],
    ["no domain", "ada@"],
  ])("refuses an email with %s on the email field", (_why, value) => {
    const error = refusal(() => parseEmail(value));
    expect(error.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "email" });
  });

  it("checks username and email of a new account together", () => {
    expect(parseIdentity({ username: "Ada", email: "ADA@example.com" })).toEqual({
      username: "Ada",
      usernameKey: "ada",
      email: "ada@example.com",
    });
  });
});
