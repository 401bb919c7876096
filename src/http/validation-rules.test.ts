import { buildSchema, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { noIntrospectionRule, oncePerOperationRule } from "./validation-rules.ts";

const schema = buildSchema(`
  type Query { me: String }
  type Mutation { login(identifier: String!, password: String!): String, logout: Boolean }
`);
const rule = oncePerOperationRule(["login"]);
const errorsOf = (query: string, rules = [rule]) =>
  validate(schema, parse(query), rules).map((error) => ({ code: error.extensions.code, limit: error.extensions.limit }));

describe("once-per-request sensitive mutations", () => {
  it("allows one login", () => {
    expect(errorsOf(`mutation { login(identifier: "a", password: "b") }`)).toEqual([]);
  });

  it("refuses two logins, whatever their aliases", () => {
    expect(errorsOf(`mutation { a: login(identifier: "a", password: "1") b: login(identifier: "a", password: "2") }`)).toEqual([
      { code: "OPERATION_LIMIT_EXCEEDED", limit: "oncePerRequest" },
    ]);
  });

  it("follows fragments and inline fragments", () => {
    const query = `
      mutation { login(identifier: "a", password: "1") ...Again ... on Mutation { c: login(identifier: "a", password: "3") } }
      fragment Again on Mutation { b: login(identifier: "a", password: "2") }`;
    expect(errorsOf(query)).toHaveLength(1);
  });

  it("leaves other mutations and queries alone", () => {
    expect(errorsOf(`mutation { a: logout b: logout }`)).toEqual([]);
    expect(errorsOf(`{ a: me b: me }`)).toEqual([]);
  });
});

describe("introspection off", () => {
  it("refuses __schema and __type with INTROSPECTION_DISABLED but allows __typename", () => {
    const rules = [noIntrospectionRule];
    expect(errorsOf(`{ __schema { types { name } } }`, rules)).toEqual([{ code: "INTROSPECTION_DISABLED", limit: undefined }]);
    expect(errorsOf(`{ __type(name: "Query") { name } }`, rules)).toHaveLength(1);
    expect(errorsOf(`{ __typename me }`, rules)).toEqual([]);
  });
});
