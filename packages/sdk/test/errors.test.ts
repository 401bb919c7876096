/** How a GraphQL response's errors become a GatehouseError (pure logic, no server). */
import { describe, expect, it } from "vitest";
import { GatehouseError } from "../src/errors.ts";

describe("GatehouseError.fromGraphQLErrors", () => {
  it("takes code, reason, message and path from the first error and keeps them all", () => {
    const errors = [
      { message: "Invalid identifier or password", path: ["login"], extensions: { code: "BAD_USER_INPUT", reason: "INVALID_CREDENTIALS" } },
      { message: "second", extensions: { code: "FORBIDDEN" } },
    ];
    const error = GatehouseError.fromGraphQLErrors(errors, 200);
    expect(error).toMatchObject({
      name: "GatehouseError",
      code: "BAD_USER_INPUT",
      reason: "INVALID_CREDENTIALS",
      message: "Invalid identifier or password",
      path: ["login"],
      status: 200,
    });
    expect(error.errors).toBe(errors);
    expect(error).toBeInstanceOf(Error);
  });

  it("leaves reason undefined when the server sends none, and names a code-less error INTERNAL_SERVER_ERROR", () => {
    const error = GatehouseError.fromGraphQLErrors([{ message: "Unexpected error." }]);
    expect(error.code).toBe("INTERNAL_SERVER_ERROR");
    expect(error.reason).toBeUndefined();
    expect(error.path).toBeUndefined();
  });
});
