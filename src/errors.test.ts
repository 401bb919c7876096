import { describe, expect, it } from "vitest";
import { ErrorCode, failure, FailureReason, GatehouseError, rateLimited, unauthenticated } from "./errors.ts";

describe("error catalogues", () => {
  it("puts the code and the reason into extensions", () => {
    const error = failure({ code: ErrorCode.FORBIDDEN, message: "Blocked", reason: FailureReason.ACCOUNT_BLOCKED }, { field: "id" });
    expect(error.extensions).toEqual({ code: "FORBIDDEN", reason: "ACCOUNT_BLOCKED", field: "id" });
    expect(rateLimited(3).extensions).toEqual({ code: "RATE_LIMITED", reason: "RATE_LIMITED", retryAfter: 3 });
    expect(unauthenticated().extensions.reason).toBe("SIGN_IN_REQUIRED");
  });

  it("lets the compiler refuse a reason or code outside the catalogues", () => {
    // @ts-expect-error: not in FailureReason (tsc runs before the tests: `npm test`'s pretest).
    const unknownReason = new GatehouseError(ErrorCode.BAD_USER_INPUT, "x", { reason: "SOMETHING_ELSE" });
    // @ts-expect-error: not in ErrorCode.
    const unknownCode = new GatehouseError("TEAPOT", "x");
    expect([unknownReason.extensions.reason, unknownCode.extensions.code]).toEqual(["SOMETHING_ELSE", "TEAPOT"]);
  });
});
