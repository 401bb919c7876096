import { describe, expect, it } from "vitest";
import { oidcProfile, presetOf, PROVIDER_PRESETS, type ProviderPreset } from "./presets.ts";

/** A preset's mapping as the flows call it. */
const mapping = (name: keyof typeof PROVIDER_PRESETS) => (PROVIDER_PRESETS[name] as ProviderPreset).profile!;

const noFetch = async () => {
  throw new Error("no further resource expected");
};

describe("provider presets", () => {
  it("has Strapi's common providers, each with https endpoints (an issuer, or all three) and scopes", () => {
    expect(Object.keys(PROVIDER_PRESETS).sort()).toEqual(["apple", "discord", "facebook", "github", "gitlab", "google", "microsoft", "twitch"]);
    for (const [name, preset] of Object.entries(PROVIDER_PRESETS) as [string, ProviderPreset][]) {
      const urls = preset.issuer ? [preset.issuer] : [preset.authorizationUrl, preset.tokenUrl, preset.userinfoUrl];
      for (const url of urls) expect(url, name).toMatch(/^https:\/\//);
      expect(preset.scopes.length, name).toBeGreaterThan(0);
    }
    expect(presetOf("constructor")).toBeUndefined();
    expect(presetOf("toString")).toBeUndefined();
  });

  it("maps OIDC claims, counting only a provider's own assertion as verified (Apple says it as a string)", async () => {
    expect(await oidcProfile({ sub: "1", email: "a@b.test", email_verified: true, preferred_username: "a" })).toEqual({
      subject: "1",
      email: "a@b.test",
      emailVerified: true,
      username: "a",
    });
    expect((await oidcProfile({ sub: "1", email: "a@b.test", email_verified: "true" })).emailVerified).toBe(true);
    expect((await oidcProfile({ sub: "1", email: "a@b.test", email_verified: "yes" })).emailVerified).toBe(false);
    expect((await oidcProfile({ sub: "1", email: "a@b.test" })).emailVerified).toBe(false);
    await expect(oidcProfile({ email: "a@b.test" })).rejects.toThrow(/sub/);
  });

  it("maps Discord's verified flag, and never counts Microsoft's or Facebook's email as verified", async () => {
    const discord = mapping("discord");
    expect(await discord({ id: "80351110224678912", username: "nelly", email: "nelly@discord.test", verified: true }, noFetch, "")).toEqual({
      subject: "80351110224678912",
      email: "nelly@discord.test",
      emailVerified: true,
      username: "nelly",
    });
    expect((await discord({ id: "1", email: "x@discord.test", verified: false }, noFetch, "")).emailVerified).toBe(false);
    const microsoft = await mapping("microsoft")({ id: "oid-1", mail: "m@contoso.test", userPrincipalName: "m@contoso.test" }, noFetch, "");
    expect(microsoft).toMatchObject({ subject: "oid-1", email: "m@contoso.test", emailVerified: false });
    const facebook = await mapping("facebook")({ id: "10", email: "f@fb.test" }, noFetch, "");
    expect(facebook).toMatchObject({ subject: "10", email: "f@fb.test", emailVerified: false });
    await expect(discord({ username: "no id" }, noFetch, "")).rejects.toThrow(/id/);
  });
});
