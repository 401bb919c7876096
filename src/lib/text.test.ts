import { describe, expect, it } from "vitest";
import { hasInvisibleCharacters } from "./text.ts";

describe("hasInvisibleCharacters", () => {
  it.each([
    ["zero-width space", "ada\u200Bx"],
    ["zero-width joiner", "ada\u200Dx"],
    ["zero-width non-joiner", "ada\u200Cx"],
    ["word joiner", "ada\u2060x"],
    ["byte-order mark", "\uFEFFada"],
    ["soft hyphen", "ad\u00ADa"],
    ["right-to-left override", "ada\u202Egnp"],
    ["left-to-right isolate", "ada\u2066x"],
    ["right-to-left mark", "ada\u200F"],
    ["Hangul filler", "ada\u3164"],
    ["halfwidth Hangul filler", "ada\uFFA0"],
    ["combining grapheme joiner", "ad\u034Fa"],
    ["variation selector", "ada\uFE0F"],
    ["Mongolian vowel separator", "ada\u180E"],
    ["tag character", "ada\u{E0041}"],
    ["blank Braille pattern", "ada\u2800"],
    ["NUL", "ada\u0000"],
    ["line feed", "ada\nx"],
    ["delete", "ada\u007F"],
    ["private use", "ada\uE000"],
    ["unassigned", "ada\u{50000}"],
  ])("finds a %s", (_name, value) => {
    expect(hasInvisibleCharacters(value)).toBe(true);
  });

  it.each(["ada", "Ada Lovelace", "adélaïde", "李小龙", "Σωκράτης", "ada_l-1815.x"])("accepts %s", (value) => {
    expect(hasInvisibleCharacters(value)).toBe(false);
  });
});
