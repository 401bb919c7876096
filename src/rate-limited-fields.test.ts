import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";
import { printRateLimitedFields, schema } from "./schema/index.ts";
import { rateLimitedFieldsOf } from "./schema/rate-limit-plugin.ts";

describe("src/rate-limited-fields.ts", () => {
  it("lists the mutations the schema declares rate limited (run `npm run schema:print` after changing one)", async () => {
    const committed = await readFile(new URL("./rate-limited-fields.ts", import.meta.url), "utf8");
    expect(committed).toBe(printRateLimitedFields());
    expect(rateLimitedFieldsOf(schema)).toContain("login");
  });

  it("lets RATE_LIMITS name only those fields, and says which they are", () => {
    expect(loadConfig({ NODE_ENV: "test", RATE_LIMITS: '{"refresh":{"max":3,"windowSeconds":60}}' }).rateLimits.refresh).toEqual({ max: 3, windowSeconds: 60 });
    expect(() => loadConfig({ NODE_ENV: "test", RATE_LIMITS: '{"logn":{"max":3,"windowSeconds":60}}' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: "test", RATE_LIMITS: '{"logn":{"max":3,"windowSeconds":60}}' })).toThrow(
      /RATE_LIMITS: "logn" is not a rate-limited field \(those are: changePassword, .*login/,
    );
  });
});
