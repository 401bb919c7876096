/**
 * Every type, field, argument, input field and enum value of the built schema has a description, since
 * GraphiQL's docs and the SDK's types are what a front-end developer reads. The only exceptions are what
 * the Federation plugin adds (Apollo's own definitions, described or not by the plugin, not by us) and
 * what graphql-js defines itself (introspection types, built-in scalars).
 */
import {
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedScalarType,
} from "graphql";
import { describe, expect, it } from "vitest";
import { schema } from "./index.ts";

/** Added by @pothos/plugin-federation's toSubGraphSchema (the federation spec's own types and fields). */
const FEDERATION_TYPES = new Set(["_Any", "_Entity", "_Service"]);
const FEDERATION_FIELDS = new Set(["Query._service", "Query._entities"]);

const described = (description: string | null | undefined) => (description ?? "").trim().length > 0;

/** Schema coordinates (`Type`, `Type.field`, `Type.field(arg:)`, `Enum.VALUE`) that have no description. */
export function undescribed(target: GraphQLSchema): string[] {
  const missing: string[] = [];
  for (const type of Object.values(target.getTypeMap())) {
    if (isIntrospectionType(type) || isSpecifiedScalarType(type) || FEDERATION_TYPES.has(type.name)) continue;
    if (!described(type.description)) missing.push(type.name);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        const coordinate = `${type.name}.${field.name}`;
        if (FEDERATION_FIELDS.has(coordinate)) continue;
        if (!described(field.description)) missing.push(coordinate);
        for (const arg of field.args) if (!described(arg.description)) missing.push(`${coordinate}(${arg.name}:)`);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) if (!described(field.description)) missing.push(`${type.name}.${field.name}`);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) if (!described(value.description)) missing.push(`${type.name}.${value.name}`);
    }
  }
  return missing.sort();
}

describe("schema descriptions", () => {
  it("describes every type, field, argument, input field and enum value", () => {
    expect(undescribed(schema)).toEqual([]);
  });

  it("lists only federation definitions that the schema really has", () => {
    for (const name of FEDERATION_TYPES) expect(schema.getType(name), name).toBeDefined();
    const queryFields = schema.getQueryType()!.getFields();
    for (const coordinate of FEDERATION_FIELDS) expect(queryFields[coordinate.split(".")[1]!], coordinate).toBeDefined();
  });
});
