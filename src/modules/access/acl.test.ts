import { describe, expect, it } from "vitest";
import { type AccessRequest, type AclRule, type Principal, candidateGroups, isValidResource, resolveAccess } from "./acl.ts";

const rule = (
  resource: string,
  principalId: string,
  permission: AclRule["permission"],
  accessType: AclRule["accessType"] = "*",
  principalType: AclRule["principalType"] = "ROLE",
): AclRule => ({ resource, accessType, principalType, principalId, permission });

/** A caller: user 7, static role "editor", signed in; $owner only when `owner` is set. */
const caller =
  ({ owner = false, signedIn = true } = {}) =>
  (principal: Principal) => {
    if (principal.type === "USER") return signedIn && principal.id === "7";
    switch (principal.id) {
      case "$everyone":
        return true;
      case "$authenticated":
        return signedIn;
      case "$unauthenticated":
        return !signedIn;
      case "$owner":
        return signedIn && owner;
      default:
        return signedIn && principal.id === "editor";
    }
  };

const read = (resource: string): AccessRequest => ({ resource, accessType: "READ" });

describe("resolveAccess", () => {
  const cases: {
    name: string;
    rules: AclRule[];
    request?: AccessRequest;
    holds?: (p: Principal) => boolean;
    allowed: boolean;
  }[] = [
    { name: "no rule: default deny", rules: [], allowed: false },
    { name: "rules for other resources only: deny", rules: [rule("Query.roles", "$everyone", "ALLOW")], allowed: false },
    {
      name: "rule for a role the caller lacks: deny",
      rules: [rule("Query.users", "admin", "ALLOW")],
      allowed: false,
    },
    { name: "matching ALLOW", rules: [rule("Query.users", "$everyone", "ALLOW")], allowed: true },
    {
      name: "resource: exact beats Type.*",
      rules: [rule("Query.*", "editor", "DENY"), rule("Query.users", "$everyone", "ALLOW")],
      allowed: true,
    },
    {
      name: "resource: Type.* beats *",
      rules: [rule("*", "editor", "ALLOW"), rule("Query.*", "$everyone", "DENY")],
      allowed: false,
    },
    {
      name: "resource: Type.* of another type does not match",
      rules: [rule("Mutation.*", "$everyone", "ALLOW")],
      allowed: false,
    },
    { name: "resource: * matches everything", rules: [rule("*", "$everyone", "ALLOW")], allowed: true },
    {
      name: "accessType: exact beats *",
      rules: [rule("Query.users", "editor", "DENY", "*"), rule("Query.users", "$everyone", "ALLOW", "READ")],
      allowed: true,
    },
    {
      name: "accessType: another access type does not match",
      rules: [rule("Query.users", "$everyone", "ALLOW", "WRITE")],
      allowed: false,
    },
    {
      name: "principal: USER beats ROLE",
      rules: [rule("Query.users", "editor", "DENY"), rule("Query.users", "7", "ALLOW", "*", "USER")],
      allowed: true,
    },
    {
      name: "principal: USER rule for another user does not match",
      rules: [rule("Query.users", "8", "ALLOW", "*", "USER")],
      allowed: false,
    },
    {
      name: "principal: static role beats $owner",
      rules: [rule("Query.users", "$owner", "ALLOW"), rule("Query.users", "editor", "DENY")],
      holds: caller({ owner: true }),
      allowed: false,
    },
    {
      name: "principal: $owner beats $authenticated",
      rules: [rule("Query.users", "$authenticated", "DENY"), rule("Query.users", "$owner", "ALLOW")],
      holds: caller({ owner: true }),
      allowed: true,
    },
    {
      name: "principal: $owner not held falls through to $authenticated",
      rules: [rule("Query.users", "$authenticated", "DENY"), rule("Query.users", "$owner", "ALLOW")],
      allowed: false,
    },
    {
      name: "principal: $authenticated beats $everyone",
      rules: [rule("Query.users", "$everyone", "DENY"), rule("Query.users", "$authenticated", "ALLOW")],
      allowed: true,
    },
    {
      name: "principal: $unauthenticated beats $everyone",
      rules: [rule("Query.users", "$everyone", "ALLOW"), rule("Query.users", "$unauthenticated", "DENY")],
      holds: caller({ signedIn: false }),
      allowed: false,
    },
    {
      name: "DENY wins over an equally specific ALLOW",
      rules: [rule("Query.users", "$everyone", "ALLOW"), rule("Query.users", "$everyone", "DENY", "READ")].map(
        (r) => ({ ...r, accessType: "READ" as const }),
      ),
      allowed: false,
    },
    {
      name: "DENY wins over an equally specific ALLOW of another role held",
      rules: [rule("Query.users", "$authenticated", "ALLOW"), rule("Query.users", "$unauthenticated", "DENY")],
      holds: () => true,
      allowed: false,
    },
    {
      name: "a less specific DENY loses to a more specific ALLOW",
      rules: [rule("*", "$everyone", "DENY"), rule("Query.users", "$everyone", "ALLOW", "READ")],
      allowed: true,
    },
    {
      name: "resource outranks principal: exact $everyone beats wildcard USER",
      rules: [rule("*", "7", "DENY", "*", "USER"), rule("Query.users", "$everyone", "ALLOW")],
      allowed: true,
    },
    {
      name: "unknown dynamic roles are never held",
      rules: [rule("Query.users", "$nobody", "ALLOW")],
      holds: (p) => p.id !== "$nobody" && caller()(p),
      allowed: false,
    },
  ];

  it.each(cases)("$name", async ({ rules, request = read("Query.users"), holds = caller(), allowed }) => {
    expect((await resolveAccess(rules, request, holds)).allowed).toBe(allowed);
  });

  it("reports the deciding rule, or none for the default deny", async () => {
    const allowing = rule("Query.users", "$everyone", "ALLOW");
    expect(await resolveAccess([allowing], read("Query.users"), caller())).toEqual({ allowed: true, rule: allowing });
    expect(await resolveAccess([], read("Query.users"), caller())).toEqual({ allowed: false, rule: null });
  });

  it("asks about a principal only when a rule naming it matches", async () => {
    const asked: string[] = [];
    await resolveAccess(
      [rule("Query.users", "$owner", "ALLOW"), rule("Query.roles", "$slow", "ALLOW"), rule("*", "$everyone", "ALLOW")],
      read("Query.users"),
      (principal) => {
        asked.push(principal.id);
        return principal.id === "$everyone";
      },
    );
    expect(asked).toEqual(["$owner", "$everyone"]);
  });
});

describe("candidateGroups", () => {
  it("orders groups from most to least specific, DENY first within a group", () => {
    const groups = candidateGroups(
      [
        rule("*", "$everyone", "ALLOW"),
        rule("Query.users", "editor", "ALLOW"),
        rule("Query.users", "admin", "DENY"),
        rule("Query.*", "$owner", "ALLOW"),
      ],
      read("Query.users"),
    );
    expect(groups.map((group) => group.map((r) => `${r.resource} ${r.principalId} ${r.permission}`))).toEqual([
      ["Query.users admin DENY", "Query.users editor ALLOW"],
      ["Query.* $owner ALLOW"],
      ["* $everyone ALLOW"],
    ]);
  });
});

describe("isValidResource", () => {
  it.each([
    ["*", true],
    ["Query.users", true],
    ["Query.*", true],
    ["User.email", true],
    ["Query", false],
    ["Query.users.x", false],
    ["*.users", false],
    ["", false],
  ])("%s -> %s", (resource, valid) => expect(isValidResource(resource)).toBe(valid));
});
