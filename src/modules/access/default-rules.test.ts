import { describe, expect, it } from "vitest";
import { schema } from "../../schema/index.ts";
import { defaultRulesOf } from "./default-rules.ts";

describe("default rules", () => {
  it("are the rules the app's fields declare, plus the Admin wildcard", () => {
    const rules = defaultRulesOf(schema).map((rule) => `${rule.resource} ${rule.accessType} ${rule.principalId} ${rule.permission}`);
    const publicAuth = ["login", "register", "forgotPassword", "resetPassword", "emailConfirmation", "sendEmailConfirmation", "refresh", "oauthLogin"];
    expect(rules.sort()).toEqual(
      [
        ...publicAuth.map((field) => `Mutation.${field} WRITE $everyone ALLOW`),
        "Query.myPermissions READ $everyone ALLOW",
        "Query.viewer READ $everyone ALLOW",
        "Query.authProviders READ $everyone ALLOW",
        ...["Query.me", "Query.sessions", "Mutation.logout", "Mutation.changePassword", "Mutation.updateMe", "Mutation.linkProvider", "Mutation.unlinkProvider"].map(
          (resource) => `${resource} * $authenticated ALLOW`,
        ),
        ...["Query.user", "Mutation.revokeSession", "User.email", "User.linkedProviders"].map((resource) => `${resource} * $owner ALLOW`),
        "* * admin ALLOW",
      ].sort(),
    );
  });
});
