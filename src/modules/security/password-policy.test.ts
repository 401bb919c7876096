import { describe, expect, it } from "vitest";
import { GatehouseError } from "../../errors.ts";
import { commonPasswords, createPasswordPolicy, normalizePassword } from "./password-policy.ts";

const policy = createPasswordPolicy({ minLength: 8, maxLength: 256, blocklist: commonPasswords });
const codes = async (password: string, owner?: Parameters<typeof policy.problems>[1]) =>
  (await policy.problems(password, owner)).map((p) => p.code);

describe("password policy", () => {
  it("accepts long passphrases without composition rules", async () => {
    expect(await codes("correct horse battery staple")).toEqual([]);
    expect(await codes("alllowercaseandlong")).toEqual([]);
    expect(await codes("x".repeat(64) + "passphrase")).toEqual([]);
    expect(await codes("é".repeat(256))).toEqual([]);
  });

  it("enforces the configured minimum and the 256 code point cap", async () => {
    expect(await codes("short1!")).toEqual(["TOO_SHORT"]);
    expect(await codes("a".repeat(257) + "z")).toEqual(["TOO_LONG"]);
    const strict = createPasswordPolicy({ minLength: 15, maxLength: 256, blocklist: async () => new Set() });
    expect((await strict.problems("fourteen chars")).map((p) => p.code)).toEqual(["TOO_SHORT"]);
    expect(await strict.problems("fifteen chars!!")).toEqual([]);
  });

  it("counts Unicode code points, not UTF-16 units or bytes", async () => {
    // Seven emoji are 14 UTF-16 units and 28 bytes but 7 characters: too short.
    expect(await codes("🔑🔑🔑🔑🔑🔑🔑")).toEqual(["TOO_SHORT"]);
    expect(await codes("🔑🔑🔑🔑🔑🔑🔑🔑")).toEqual([]);
  });

  it("normalises with NFKC before counting and comparing", async () => {
    // Full-width "ｐａｓｓｗｏｒｄ" is "password" after NFKC.
    expect(await codes("ｐａｓｓｗｏｒｄ")).toContain("COMMON_PASSWORD");
    expect(normalizePassword("e\u0301té-été")).toBe("été-été");
  });

  it("refuses common passwords from the shipped list, whatever their case", async () => {
    expect((await commonPasswords()).size).toBeGreaterThan(10_000);
    expect(await codes("password1")).toEqual(["COMMON_PASSWORD"]);
    expect(await codes("Iloveyou1")).toContain("COMMON_PASSWORD");
    expect(await codes("qwertyuiop")).toEqual(["COMMON_PASSWORD"]);
  });

  it("refuses passwords containing the username or the email's local part", async () => {
    expect(await codes("xx-Marianne-2024", { username: "marianne" })).toEqual(["CONTAINS_USERNAME"]);
    expect(await codes("my jdupont secret", { email: "JDupont@example.com" })).toEqual(["CONTAINS_EMAIL"]);
    // Very short names would forbid half the dictionary: they are not looked for.
    expect(await codes("always a good one", { username: "al" })).toEqual([]);
  });

  it("refuses control characters such as NUL", async () => {
    expect(await codes("long enough\u0000password")).toEqual(["CONTROL_CHARACTERS"]);
  });

  it("throws BAD_USER_INPUT listing every problem, and returns the normalised password otherwise", async () => {
    try {
      await policy.assertAcceptable("bob-zq1", { username: "bob" });
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
    expect(await policy.assertAcceptable("ｃｏｒｒｅｃｔ horse")).toBe("correct horse");
  });

  it("loads the blocklist on the first check, once for concurrent checks, and again after a failed load", async () => {
    let loads = 0;
    const flaky = createPasswordPolicy({
      minLength: 8,
      maxLength: 256,
      blocklist: async () => {
        loads += 1;
        if (loads === 1) throw new Error("disk hiccup");
        return new Set(["letmein123"]);
      },
    });
    expect(loads).toBe(0);
    // A failed load refuses the check instead of letting a blocklisted password through.
    await expect(flaky.problems("letmein123")).rejects.toThrow("disk hiccup");
    const results = await Promise.all([flaky.problems("letmein123"), flaky.problems("LetMeIn123"), flaky.problems("a fine passphrase")]);
    expect(results.map((found) => found.map((p) => p.code))).toEqual([["COMMON_PASSWORD"], ["COMMON_PASSWORD"], []]);
    expect(loads).toBe(2);
  });
});
