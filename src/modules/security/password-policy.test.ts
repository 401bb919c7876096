import { describe, expect, it } from "vitest";
import { GatehouseError } from "../../errors.ts";
import { commonPasswords, createPasswordPolicy, normalizePassword } from "./password-policy.ts";

const policy = createPasswordPolicy({ minLength: 8, maxLength: 256, blocklist: commonPasswords() });
const codes = (password: string, owner?: Parameters<typeof policy.problems>[1]) => policy.problems(password, owner).map((p) => p.code);

describe("password policy", () => {
  it("accepts long passphrases without composition rules", () => {
    expect(codes("correct horse battery staple")).toEqual([]);
    expect(codes("alllowercaseandlong")).toEqual([]);
    expect(codes("x".repeat(64) + "passphrase")).toEqual([]);
    expect(codes("é".repeat(256))).toEqual([]);
  });

  it("enforces the configured minimum and the 256 code point cap", () => {
    expect(codes("short1!")).toEqual(["TOO_SHORT"]);
    expect(codes("a".repeat(257) + "z")).toEqual(["TOO_LONG"]);
    const strict = createPasswordPolicy({ minLength: 15, maxLength: 256, blocklist: new Set() });
    expect(strict.problems("fourteen chars").map((p) => p.code)).toEqual(["TOO_SHORT"]);
    expect(strict.problems("fifteen chars!!")).toEqual([]);
  });

  it("counts Unicode code points, not UTF-16 units or bytes", () => {
    // Seven emoji are 14 UTF-16 units and 28 bytes but 7 characters: too short.
    expect(codes("🔑🔑🔑🔑🔑🔑🔑")).toEqual(["TOO_SHORT"]);
    expect(codes("🔑🔑🔑🔑🔑🔑🔑🔑")).toEqual([]);
  });

  it("normalises with NFKC before counting and comparing", () => {
    // Full-width "ｐａｓｓｗｏｒｄ" is "password" after NFKC.
    expect(codes("ｐａｓｓｗｏｒｄ")).toContain("COMMON_PASSWORD");
    expect(normalizePassword("e\u0301té-été")).toBe("été-été");
  });

  it("refuses common passwords from the shipped list, whatever their case", () => {
    expect(commonPasswords().size).toBeGreaterThan(10_000);
    expect(codes("password1")).toEqual(["COMMON_PASSWORD"]);
    expect(codes("Iloveyou1")).toContain("COMMON_PASSWORD");
    expect(codes("qwertyuiop")).toEqual(["COMMON_PASSWORD"]);
  });

  it("refuses passwords containing the username or the email's local part", () => {
    expect(codes("xx-Marianne-2024", { username: "marianne" })).toEqual(["CONTAINS_USERNAME"]);
    expect(codes("my jdupont secret", { email: "JDupont@example.com" })).toEqual(["CONTAINS_EMAIL"]);
    // Very short names would forbid half the dictionary: they are not looked for.
    expect(codes("always a good one", { username: "al" })).toEqual([]);
  });

  it("refuses control characters such as NUL", () => {
    expect(codes("long enough\u0000password")).toEqual(["CONTROL_CHARACTERS"]);
  });

  it("throws BAD_USER_INPUT listing every problem, and returns the normalised password otherwise", () => {
    try {
      policy.assertAcceptable("bob-zq1", { username: "bob" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(GatehouseError);
      expect((error as GatehouseError).extensions).toMatchObject({
        code: "BAD_USER_INPUT",
        field: "password",
        problems: ["TOO_SHORT", "CONTAINS_USERNAME"],
      });
      expect((error as GatehouseError).message).toMatch(/at least 8 characters/);
    }
    expect(policy.assertAcceptable("ｃｏｒｒｅｃｔ horse")).toBe("correct horse");
  });
});
