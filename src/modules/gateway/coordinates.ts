/**
 * Which fields of the supergraph the gateway puts under the ACL. Gatehouse's own fields are checked by its
 * own subgraph as they resolve, so the gateway leaves them alone; what it checks is what a downstream
 * subgraph resolves:
 *   - the subgraphs' root fields (`Query.posts`, `Mutation.addPost`) and the fields they add to types
 *     Gatehouse defines (`User.posts`): always;
 *   - fields of types only downstream subgraphs define (`Post.title`): when a rule names them, as
 *     `Post.title` or `Post.*` (the admins' `*` does not count, or every such field would be ruled).
 * The classification needs only Gatehouse's own SDL, which never changes while the process runs: a field
 * the gateway does not know as Gatehouse's is downstream, so a supergraph swapped mid-request can never
 * let a downstream field through unchecked.
 */
import {
  type DocumentNode,
  type GraphQLSchema,
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  parse,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from "graphql";
import type { AccessType, AclRule } from "../access/acl.ts";

/** The types and fields Gatehouse's subgraph defines itself (fields it only marks `@external` excluded). */
export interface LocalSchemaIndex {
  types: ReadonlySet<string>;
  /** Schema coordinates, `Type.field`. */
  fields: ReadonlySet<string>;
}

export function indexLocalSubgraph(sdl: string): LocalSchemaIndex {
  const types = new Set<string>();
  const fields = new Set<string>();
  for (const definition of parse(sdl).definitions) {
    switch (definition.kind) {
      case Kind.OBJECT_TYPE_DEFINITION:
      case Kind.OBJECT_TYPE_EXTENSION:
      case Kind.INTERFACE_TYPE_DEFINITION:
      case Kind.INTERFACE_TYPE_EXTENSION:
        types.add(definition.name.value);
        for (const field of definition.fields ?? []) {
          if (field.directives?.some((directive) => directive.name.value === "external")) continue;
          fields.add(`${definition.name.value}.${field.name.value}`);
        }
        break;
      case Kind.UNION_TYPE_DEFINITION:
      case Kind.ENUM_TYPE_DEFINITION:
      case Kind.SCALAR_TYPE_DEFINITION:
      case Kind.INPUT_OBJECT_TYPE_DEFINITION:
        types.add(definition.name.value);
        break;
      default:
        break;
    }
  }
  return { types, fields };
}

/**
 * `local`: Gatehouse's own field (or introspection), not the gateway's business. `always`: under the ACL.
 * `named`: under the ACL when a rule names it.
 */
export type DownstreamGuard = "local" | "always" | "named";

export interface DownstreamCoordinate {
  resource: string;
  accessType: AccessType;
  guard: Exclude<DownstreamGuard, "local">;
}

const rootTypeNamesOf = new WeakMap<GraphQLSchema, ReadonlySet<string>>();
function rootTypeNames(schema: GraphQLSchema): ReadonlySet<string> {
  let names = rootTypeNamesOf.get(schema);
  if (!names) {
    names = new Set(
      [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((type) =>
        type ? [type.name] : [],
      ),
    );
    rootTypeNamesOf.set(schema, names);
  }
  return names;
}

export function classifyField(
  local: LocalSchemaIndex,
  schema: GraphQLSchema,
  typeName: string,
  fieldName: string,
): DownstreamCoordinate | null {
  if (typeName.startsWith("__") || fieldName.startsWith("__")) return null;
  const resource = `${typeName}.${fieldName}`;
  if (local.fields.has(resource)) return null;
  const accessType: AccessType = typeName === schema.getMutationType()?.name ? "WRITE" : "READ";
  const guard = rootTypeNames(schema).has(typeName) || local.types.has(typeName) ? "always" : "named";
  return { resource, accessType, guard };
}

/** Whether a rule names the coordinate itself or its type's wildcard (`*` alone does not count). */
export function isNamedByRule(rules: readonly AclRule[], resource: string): boolean {
  const wildcard = `${resource.split(".")[0]}.*`;
  return rules.some((rule) => rule.resource === resource || rule.resource === wildcard);
}

/** The downstream coordinates an operation document touches, each once. */
export function downstreamCoordinatesOf(
  local: LocalSchemaIndex,
  schema: GraphQLSchema,
  document: DocumentNode,
): DownstreamCoordinate[] {
  const found = new Map<string, DownstreamCoordinate>();
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (!parent) return;
        const coordinate = classifyField(local, schema, getNamedType(parent).name, node.name.value);
        if (coordinate && !found.has(coordinate.resource)) found.set(coordinate.resource, coordinate);
      },
    }),
  );
  return [...found.values()];
}

/**
 * Every downstream field of a supergraph that the ACL guards, given the rules in force: what
 * `myPermissions` lists besides Gatehouse's own fields.
 */
export function guardedDownstreamFields(
  local: LocalSchemaIndex,
  schema: GraphQLSchema,
  rules: readonly AclRule[],
): { resource: string; accessType: AccessType }[] {
  return Object.values(schema.getTypeMap())
    .filter((type) => isObjectType(type) || isInterfaceType(type))
    .flatMap((type) => Object.keys(type.getFields()).map((field) => classifyField(local, schema, type.name, field)))
    .filter((coordinate): coordinate is DownstreamCoordinate => coordinate !== null)
    .filter((coordinate) => coordinate.guard === "always" || isNamedByRule(rules, coordinate.resource))
    .map(({ resource, accessType }) => ({ resource, accessType }));
}
